// NODE-EGRESS-HTTPS: Cluster nodes can reach CycleCloud over HTTPS (TCP 9443).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const nodeEgressHttps = subnetFlowRule(
  {
    id: "NODE-EGRESS-HTTPS",
    title: "Cluster nodes can reach CycleCloud over HTTPS (TCP 9443)",
    roles: ["cluster"],
    severity: "high",
    requirement: "Cluster VMs must be able to connect to Azure Cyclecloud directly via HTTPS and AMQP (https_9443: Cluster Node → CycleCloud TCP 9443).",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 9443,
    service: "HTTPS",
    from: "cluster",
    to: "cyclecloud",
    ends: "source",
    appProtocol: "https",
    fixRuleName: "AllowCycleCloudHttpsOut",
    optionalWithReturnProxy: true,
    counterpart: "CC-INGRESS-HTTPS",
  },
);
