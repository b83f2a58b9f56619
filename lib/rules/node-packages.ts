// NODE-PACKAGES: with Internet egress blocked, packages must reach the nodes another way.
import { nodePackagesCheck } from "./families/advisory";
import { type RuleCheck, SEED_URL } from "./types";

export const nodePackages: RuleCheck = {
  id: "NODE-PACKAGES",
  title: "Cluster nodes have a way to get software packages",
  roles: ["cluster"],
  severity: "low",
  requirement: "All software packages required by the cluster must either be: pre-installed in a custom Managed Image, available in a package repository mirror accessible from the VMs, or copied to the VM from Azure Storage and installed directly by a Cyclecloud project.",
  references: [SEED_URL],
  contract: true,
  advisory: true,
  check: (env, subnet) => nodePackagesCheck(env, subnet),
};
