// CC-EGRESS-TELEMETRY (extra rule, info only): CycleCloud reaches Azure telemetry by name.
import { namedEgressCheck } from "./families/advisory";
import { TELEMETRY_FQDNS } from "../path/fqdn";
import { type RuleCheck, SEED_URL } from "./types";

export const ccEgressTelemetry: RuleCheck = {
  id: "CC-EGRESS-TELEMETRY",
  title: "CycleCloud can send telemetry (watson.telemetry.microsoft.com)",
  roles: ["cyclecloud"],
  severity: "low",
  requirement: "CycleCloud requires outbound HTTPS access to … watson.telemetry.microsoft.com (Azure Telemetry)",
  references: [SEED_URL],
  contract: false,
  advisory: true,
  check: (env, subnet) => namedEgressCheck(env, subnet, TELEMETRY_FQDNS, "Microsoft receives no crash and usage telemetry from it"),
};
