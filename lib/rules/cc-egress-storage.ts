// CC-EGRESS-STORAGE: CycleCloud can reach Azure Storage (TCP 443).
import { egressToTagRule } from "./families/egress-to-tag";
import { REQUIRED_EGRESS } from "./required-egress";
import { SEED_URL } from "./types";

export const ccEgressStorage = egressToTagRule(
  {
    id: "CC-EGRESS-STORAGE",
    title: "CycleCloud can reach Azure Storage (TCP 443)",
    roles: ["cyclecloud"],
    severity: "high",
    requirement: "Azure CycleCloud must be able to access Azure Storage accounts. … 100 AllowAzureStorage 443 TCP Any Storage Allow",
    references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/service-tags-overview"],
    contract: true,
  },
  REQUIRED_EGRESS.cyclecloud[0],
);
