// CC-SE-STORAGE: CycleCloud subnet has private access to Azure Storage.
import { storageAccessCheck } from "./families/storage-access";
import { type RuleCheck, type RuleMeta, SEED_URL } from "./types";

const meta: RuleMeta = {
  id: "CC-SE-STORAGE",
  title: "CycleCloud subnet has private access to Azure Storage",
  roles: ["cyclecloud"],
  severity: "medium",
  requirement: "Configure a Storage Service Endpoint for the Subnet to allow access from CycleCloud to Azure Storage.",
  references: [SEED_URL, "https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview"],
  contract: true,
};

export const ccSeStorage: RuleCheck = { ...meta, check: (env, subnet) => storageAccessCheck(env, subnet, meta) };
