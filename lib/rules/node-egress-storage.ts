// NODE-EGRESS-STORAGE: Cluster nodes can reach Azure Storage (TCP 443).
import { egressToTagRule } from "./families/egress-to-tag";
import { REQUIRED_EGRESS } from "./required-egress";
import { SEED_URL } from "./types";

export const nodeEgressStorage = egressToTagRule(
  {
    id: "NODE-EGRESS-STORAGE",
    title: "Cluster nodes can reach Azure Storage (TCP 443)",
    roles: ["cluster"],
    severity: "high",
    requirement: "All Cluster nodes must be able to access Azure Storage accounts.",
    references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/service-tags-overview"],
    contract: true,
  },
  REQUIRED_EGRESS.cluster[0],
);
