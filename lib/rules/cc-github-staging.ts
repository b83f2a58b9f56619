// CC-GITHUB-STAGING: with HTTPS to the Internet blocked, cluster projects must be staged by hand.
import { githubStagingCheck } from "./families/advisory";
import { type RuleCheck, SEED_URL } from "./types";

export const ccGithubStaging: RuleCheck = {
  id: "CC-GITHUB-STAGING",
  title: "Cluster projects can be staged without GitHub",
  roles: ["cyclecloud"],
  severity: "medium",
  requirement: "In a locked down environment, HTTPS outbound traffic to github.com may be blocked. In such a case, node creation during the staging resources phase will fail.",
  references: [SEED_URL],
  contract: true,
  advisory: true,
  check: (env, subnet) => githubStagingCheck(env, subnet),
};
