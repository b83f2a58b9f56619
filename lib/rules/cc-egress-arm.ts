// CC-EGRESS-ARM: CycleCloud can reach Azure Resource Manager (TCP 443).
import { egressToTagRule } from "./families/egress-to-tag";
import { REQUIRED_EGRESS } from "./required-egress";
import { SEED_URL } from "./types";

export const ccEgressArm = egressToTagRule(
  {
    id: "CC-EGRESS-ARM",
    title: "CycleCloud can reach Azure Resource Manager (TCP 443)",
    roles: ["cyclecloud"],
    severity: "high",
    requirement: "CycleCloud requires outbound HTTPS access to management.azure.com (Azure ARM Management). … 103 AllowAzureRM 443 TCP Any AzureResourceManager Allow",
    references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/service-tags-overview"],
    contract: true,
  },
  REQUIRED_EGRESS.cyclecloud[3],
);
