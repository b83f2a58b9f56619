// Azure adds these six rules to every NSG, whether or not a listing shows them
// (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules).
// Fields as in the REST example DefaultSecurityRuleList.json.
import type { Access, Direction, SecurityRule } from "@/lib/model/types";

const DEFAULTS: ReadonlyArray<[string, number, Direction, Access, string, string]> = [
  ["AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"],
  ["DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"],
  ["AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"],
  ["AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"],
  ["DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"],
];

const NONE: readonly string[] = Object.freeze([]);
const ANY: readonly string[] = Object.freeze(["*"]);
const ONE = new Map(["VirtualNetwork", "AzureLoadBalancer", "Internet"].map((tag) => [tag, Object.freeze([tag]) as readonly string[]]));

// Every NSG of an estate gets these six: their lists are shared (readonly in the model), the rule objects are not
// (a compiled rule names its NSG, and compiled rules are cached by rule object).
function defaultRule([name, priority, direction, access, source, destination]: (typeof DEFAULTS)[number]): SecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: "*",
    sourceAddressPrefixes: ONE.get(source) ?? ANY,
    destinationAddressPrefixes: ONE.get(destination) ?? ANY,
    sourcePortRanges: ANY,
    destinationPortRanges: ANY,
    sourceAsgKeys: NONE,
    destinationAsgKeys: NONE,
    isDefault: true,
  };
}

/** The listed default rules, completed with any of Azure's six the input left out. */
export function withDefaultRules(listed: SecurityRule[]): SecurityRule[] {
  if (listed.length === 0) return DEFAULTS.map(defaultRule);
  const present = new Set(listed.map((rule) => rule.name.toLowerCase()));
  const missing = DEFAULTS.filter(([name]) => !present.has(name.toLowerCase()));
  return missing.length === 0 ? listed : [...listed, ...missing.map(defaultRule)];
}

/** A fresh copy of Azure's six default rules, for an NSG the input (or a planned fix) creates. */
export function defaultSecurityRules(): SecurityRule[] {
  return DEFAULTS.map(defaultRule);
}
