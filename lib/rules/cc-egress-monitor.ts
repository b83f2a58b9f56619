// CC-EGRESS-MONITOR: CycleCloud can reach Azure Monitor (TCP 443).
import { egressToTagRule } from "./families/egress-to-tag";
import { REQUIRED_EGRESS } from "./required-egress";
import { SEED_URL } from "./types";

export const ccEgressMonitor = egressToTagRule(
  {
    id: "CC-EGRESS-MONITOR",
    title: "CycleCloud can reach Azure Monitor (TCP 443)",
    roles: ["cyclecloud"],
    severity: "medium",
    requirement: "CycleCloud requires outbound HTTPS access to … Azure Application Insights. … 102 AllowAzureMonitor 443 TCP Any AzureMonitor Allow",
    references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/service-tags-overview"],
    contract: true,
  },
  REQUIRED_EGRESS.cyclecloud[2],
);
