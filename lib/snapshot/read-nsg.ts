import type { Nsg, SecurityRule } from "@/lib/model/types";
import { keyOf } from "./arm-id";
import { withDefaultRules } from "./default-rules";
import { isValidRuleProps } from "./fast-rule";
import * as values from "./field-values";
import * as common from "./read-common";
import { type RuleProps, customRuleProps, defaultRuleProps, nsgProps } from "./schemas";
import { type ArmNode, type JsonPath, inputError, isObject, nodeName, parseWith, readNode, requireListed } from "./validate";

// Bound once: buildRule runs for every rule, and module bindings compiled to CommonJS (tsx, the
// CLI) are property getters on every call.
const { canonicalAccess, canonicalDirection, canonicalProtocol } = values;
const { mergeSingularPlural, refKeys } = common;

// Most rules list no ASG and one port or prefix, often `*`: one shared array for each such list instead of one
// per rule and field keeps ~45 MB off the heap of a 250,000-rule estate (the model's lists are readonly).
const NONE: readonly string[] = Object.freeze([]);
const ANY: readonly string[] = Object.freeze(["*"]);
const shared = (list: string[]): readonly string[] => (list.length === 0 ? NONE : list.length === 1 && list[0] === "*" ? ANY : list);

function buildRule(name: string, p: RuleProps, isDefault: boolean): SecurityRule {
  return {
    name,
    priority: p.priority,
    direction: canonicalDirection(p.direction)!,
    access: canonicalAccess(p.access)!,
    protocol: canonicalProtocol(p.protocol)!,
    sourceAddressPrefixes: shared(mergeSingularPlural(p.sourceAddressPrefix, p.sourceAddressPrefixes)),
    destinationAddressPrefixes: shared(mergeSingularPlural(p.destinationAddressPrefix, p.destinationAddressPrefixes)),
    sourcePortRanges: shared(mergeSingularPlural(p.sourcePortRange, p.sourcePortRanges)),
    destinationPortRanges: shared(mergeSingularPlural(p.destinationPortRange, p.destinationPortRanges)),
    sourceAsgKeys: shared(refKeys(p.sourceApplicationSecurityGroups)),
    destinationAsgKeys: shared(refKeys(p.destinationApplicationSecurityGroups)),
    isDefault,
  };
}

/** The common case without building paths or zod results; anything unusual goes the careful way. */
function readRuleFast(value: unknown, isDefault: boolean): SecurityRule | undefined {
  if (!isObject(value) || typeof value.name !== "string") return undefined;
  const properties = value.properties;
  const props = properties === undefined || properties === null ? value : properties;
  if (!isObject(props) || !isValidRuleProps(props, isDefault)) return undefined;
  return buildRule(value.name, props as unknown as RuleProps, isDefault);
}

function readRule(value: unknown, file: string, at: JsonPath, isDefault: boolean): SecurityRule {
  const node = readNode(value, file, at);
  const name = nodeName(node, file, at);
  return buildRule(name, parseWith(isDefault ? defaultRuleProps : customRuleProps, node.props, file, node.propsAt), isDefault);
}

/**
 * ARM refuses two rules of one NSG with the same priority and direction (SecurityRuleConflict), so Azure never
 * evaluates such a pair; read from a file, which one decides would depend on the order they are listed in.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules ("Priority ... unique")
 * @throws InputError at the second rule's `priority`, naming both rules.
 */
function checkUniquePriorities(rules: readonly SecurityRule[], raw: readonly unknown[], file: string, at: JsonPath): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const slot = `${rule.direction} ${rule.priority}`;
    const first = seen.get(slot);
    if (first === undefined) {
      seen.set(slot, i);
      continue;
    }
    throw inputError(file, [...at, i, ...(isObject((raw[i] as { properties?: unknown }).properties) ? ["properties"] : []), "priority"], `rules "${rules[first].name}" (securityRules[${first}]) and "${rule.name}" both have ${rule.direction} priority ${rule.priority}; Azure refuses two rules of one direction with one priority in an NSG`);
  }
}

/**
 * The ids a back-reference list names (`subnets`, `networkInterfaces`), lower-cased; undefined when the input leaves the
 * list out (or gives no list). Entries without a usable `id` are skipped: the list is read-only in ARM and only
 * compared (lib/snapshot/nsg-association.ts), so nothing in it is refused.
 */
function listedKeys(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  // A trailing slash is the same resource (some hand-edited exports carry one): not a disagreement to report.
  for (const entry of list) if (isObject(entry) && typeof entry.id === "string" && entry.id.trim()) out.push(keyOf(entry.id.trim().replace(/\/+$/, "")));
  return out;
}

export function readNsg(node: ArmNode, base: common.ResourceBase, file: string): Nsg {
  const p = parseWith(nsgProps, node.props, file, node.propsAt);
  requireListed(node, "securityRules", file, "az network nsg list");
  const rules = (list: unknown[] | null | undefined, field: string, isDefault: boolean) =>
    (list ?? []).map(
      (rule, i) => readRuleFast(rule, isDefault) ?? readRule(rule, file, [...node.propsAt, field, i], isDefault),
    );
  const securityRules = rules(p.securityRules, "securityRules", false);
  checkUniquePriorities(securityRules, p.securityRules ?? [], file, [...node.propsAt, "securityRules"]);
  const nsg: Nsg = {
    ...base,
    securityRules,
    defaultSecurityRules: withDefaultRules(rules(p.defaultSecurityRules, "defaultSecurityRules", true)),
  };
  const subnets = listedKeys(node.props.subnets);
  if (subnets) nsg.listedSubnetKeys = subnets;
  const nics = listedKeys(node.props.networkInterfaces);
  if (nics) nsg.listedNicKeys = nics;
  return nsg;
}
