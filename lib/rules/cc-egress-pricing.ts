// CC-EGRESS-PRICING (extra rule, info only): CycleCloud reaches the Azure price sheet API by name.
import { namedEgressCheck } from "./families/advisory";
import { PRICE_SHEET_FQDNS } from "../path/fqdn";
import { type RuleCheck, SEED_URL } from "./types";

export const ccEgressPricing: RuleCheck = {
  id: "CC-EGRESS-PRICING",
  title: "CycleCloud can read Azure prices (ratecard.azure-api.net)",
  roles: ["cyclecloud"],
  severity: "low",
  requirement: "CycleCloud requires outbound HTTPS access to … ratecard.azure-api.net (Azure Price Data)",
  references: [SEED_URL],
  contract: false,
  advisory: true,
  check: (env, subnet) => namedEgressCheck(env, subnet, PRICE_SHEET_FQDNS, "it cannot show cost estimates and usage costs for clusters"),
};
