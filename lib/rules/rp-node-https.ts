// RP-NODE-HTTPS: Cluster nodes reach CycleCloud through the return proxy (TCP 37140).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const rpNodeHttps = subnetFlowRule(
  {
    id: "RP-NODE-HTTPS",
    title: "Cluster nodes reach CycleCloud through the return proxy (TCP 37140)",
    roles: ["returnProxy"],
    severity: "high",
    requirement: "Azure Cyclecloud must be reachable from the cluster VMs … the Cyclecloud ReturnProxy feature must be enabled (nodes connect to the return proxy, which forwards to CycleCloud).",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 37140,
    service: "return proxy",
    from: "cluster",
    to: "returnProxy",
    ends: "both",
    appProtocol: "https",
    fixRuleName: "AllowReturnProxy37140",
  },
);
