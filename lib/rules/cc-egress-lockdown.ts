// CC-EGRESS-LOCKDOWN: the CycleCloud subnet cannot reach the Internet outside Azure's service tags.
import { lockdownCheck } from "./families/lockdown";
import { type RuleCheck, type RuleMeta, SEED_URL } from "./types";

const meta: RuleMeta = {
  id: "CC-EGRESS-LOCKDOWN",
  title: "CycleCloud's Internet egress is locked down",
  roles: ["cyclecloud"],
  severity: "high",
  requirement: "Add the following NSG Outbound rule to Deny outbound access by default using the \"Internet\" destination Service Tag: 4000 BlockOutbound Any Any Any Internet Deny",
  references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview"],
  contract: true,
};

export const ccEgressLockdown: RuleCheck = { ...meta, requires: "deny", check: (env, subnet) => lockdownCheck(env, subnet, meta) };
