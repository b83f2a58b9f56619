// CC-INGRESS-HTTPS: CycleCloud accepts HTTPS from cluster subnets (TCP 9443).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const ccIngressHttps = subnetFlowRule(
  {
    id: "CC-INGRESS-HTTPS",
    title: "CycleCloud accepts HTTPS from cluster subnets (TCP 9443)",
    roles: ["cyclecloud"],
    severity: "high",
    requirement: "These ports need to be open to allow for communication between the cluster nodes and CycleCloud server: https_9443 Cluster Node → CycleCloud HTTPS TCP 9443",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 9443,
    service: "HTTPS",
    from: "cluster",
    to: "cyclecloud",
    ends: "destination",
    appProtocol: "https",
    fixRuleName: "AllowCycleCloudHttpsIn",
    optionalWithReturnProxy: true,
    counterpart: "NODE-EGRESS-HTTPS",
  },
);
