// RP-SSH: CycleCloud can reach the return proxy over SSH (TCP 22).
import { subnetFlowRule } from "./families/subnet-flow";
import { SEED_URL } from "./types";

export const rpSsh = subnetFlowRule(
  {
    id: "RP-SSH",
    title: "CycleCloud can reach the return proxy over SSH (TCP 22)",
    roles: ["returnProxy"],
    severity: "high",
    requirement: "The Cyclecloud ReturnProxy feature must be enabled at cluster creation time and Cyclecloud itself must be able to connect to the ReturnProxy VM via SSH.",
    references: [SEED_URL],
    contract: true,
  },
  {
    port: 22,
    service: "SSH",
    from: "cyclecloud",
    to: "returnProxy",
    ends: "both",
    appProtocol: "other",
    fixRuleName: "AllowCycleCloudSshToReturnProxy",
  },
);
