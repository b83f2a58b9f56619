// NODE-EGRESS-AMQP: Cluster nodes can reach CycleCloud over AMQP (TCP 5672).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const nodeEgressAmqp = subnetFlowRule(
  {
    id: "NODE-EGRESS-AMQP",
    title: "Cluster nodes can reach CycleCloud over AMQP (TCP 5672)",
    roles: ["cluster"],
    severity: "high",
    requirement: "Cluster VMs must be able to connect to Azure Cyclecloud directly via HTTPS and AMQP (amqp_5672: Cluster Node → CycleCloud TCP 5672).",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 5672,
    service: "AMQP",
    from: "cluster",
    to: "cyclecloud",
    ends: "source",
    appProtocol: "other",
    fixRuleName: "AllowCycleCloudAmqpOut",
    optionalWithReturnProxy: true,
    counterpart: "CC-INGRESS-AMQP",
  },
);
