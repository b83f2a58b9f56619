// CC-INGRESS-AMQP: CycleCloud accepts AMQP from cluster subnets (TCP 5672).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const ccIngressAmqp = subnetFlowRule(
  {
    id: "CC-INGRESS-AMQP",
    title: "CycleCloud accepts AMQP from cluster subnets (TCP 5672)",
    roles: ["cyclecloud"],
    severity: "high",
    requirement: "These ports need to be open to allow for communication between the cluster nodes and CycleCloud server: amqp_5672 Cluster Node → CycleCloud AMQP TCP 5672",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 5672,
    service: "AMQP",
    from: "cluster",
    to: "cyclecloud",
    ends: "destination",
    appProtocol: "other",
    fixRuleName: "AllowCycleCloudAmqpIn",
    optionalWithReturnProxy: true,
    counterpart: "NODE-EGRESS-AMQP",
  },
);
