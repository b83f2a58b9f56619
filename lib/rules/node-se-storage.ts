// NODE-SE-STORAGE: Cluster subnet has private access to Azure Storage.
import { storageAccessCheck } from "./families/storage-access";
import { type RuleCheck, type RuleMeta, SEED_URL } from "./types";

const meta: RuleMeta = {
  id: "NODE-SE-STORAGE",
  title: "Cluster subnet has private access to Azure Storage",
  roles: ["cluster"],
  severity: "medium",
  requirement: "All Cluster nodes must be able to access Azure Storage accounts. The recommended way to provide private access to this service … is to enable a Virtual Network Service Endpoint for Azure Storage.",
  references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview"],
  contract: true,
};

export const nodeSeStorage: RuleCheck = { ...meta, check: (env, subnet) => storageAccessCheck(env, subnet, meta) };
