import type { Nsg, SecurityRule } from "@/lib/model/types";
import { withDefaultRules } from "./default-rules";
import { isValidRuleProps } from "./fast-rule";
import * as values from "./field-values";
import * as common from "./read-common";
import { type RuleProps, customRuleProps, defaultRuleProps, nsgProps } from "./schemas";
import { type ArmNode, type JsonPath, isObject, nodeName, parseWith, readNode } from "./validate";

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

export function readNsg(node: ArmNode, base: common.ResourceBase, file: string): Nsg {
  const p = parseWith(nsgProps, node.props, file, node.propsAt);
  const rules = (list: unknown[] | null | undefined, field: string, isDefault: boolean) =>
    (list ?? []).map(
      (rule, i) => readRuleFast(rule, isDefault) ?? readRule(rule, file, [...node.propsAt, field, i], isDefault),
    );
  return {
    ...base,
    securityRules: rules(p.securityRules, "securityRules", false),
    defaultSecurityRules: withDefaultRules(rules(p.defaultSecurityRules, "defaultSecurityRules", true)),
  };
}
