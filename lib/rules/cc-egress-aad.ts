// CC-EGRESS-AAD: CycleCloud can reach Azure AD (TCP 443).
import { egressToTagRule } from "./families/egress-to-tag";
import { REQUIRED_EGRESS } from "./required-egress";
import { SEED_URL } from "./types";

export const ccEgressAad = egressToTagRule(
  {
    id: "CC-EGRESS-AAD",
    title: "CycleCloud can reach Azure AD (TCP 443)",
    roles: ["cyclecloud"],
    severity: "high",
    requirement: "CycleCloud requires outbound HTTPS access to login.microsoftonline.com (Azure AD). … 101 AllowActiveDirectory 443 TCP Any AzureActiveDirectory Allow",
    references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/service-tags-overview"],
    contract: true,
  },
  REQUIRED_EGRESS.cyclecloud[1],
);
