import type { Nsg, SecurityRule } from "@/lib/model/types";
import { withDefaultRules } from "./default-rules";
import { type ResourceBase, child, mergeSingularPlural, refKeys } from "./read-common";
import { customRuleProps, defaultRuleProps, nsgProps } from "./schemas";
import { type ArmNode, type JsonPath, nodeName, parseWith, readNode } from "./validate";

function readRule(value: unknown, file: string, at: JsonPath, isDefault: boolean): SecurityRule {
  const node = readNode(value, file, at);
  const name = nodeName(node, file, at);
  const p = parseWith(isDefault ? defaultRuleProps : customRuleProps, node.props, file, node.propsAt);
  return {
    name,
    priority: p.priority!,
    direction: p.direction!,
    access: p.access!,
    protocol: p.protocol!,
    sourceAddressPrefixes: mergeSingularPlural(p.sourceAddressPrefix, p.sourceAddressPrefixes),
    destinationAddressPrefixes: mergeSingularPlural(p.destinationAddressPrefix, p.destinationAddressPrefixes),
    sourcePortRanges: mergeSingularPlural(p.sourcePortRange, p.sourcePortRanges),
    destinationPortRanges: mergeSingularPlural(p.destinationPortRange, p.destinationPortRanges),
    sourceAsgKeys: refKeys(p.sourceApplicationSecurityGroups),
    destinationAsgKeys: refKeys(p.destinationApplicationSecurityGroups),
    isDefault,
  };
}

export function readNsg(node: ArmNode, base: ResourceBase, file: string): Nsg {
  const p = parseWith(nsgProps, node.props, file, node.propsAt);
  const rules = (list: unknown[] | null | undefined, field: string, isDefault: boolean) =>
    (list ?? []).map((rule, i) => readRule(rule, file, child(node.propsAt, field, i), isDefault));
  return {
    ...base,
    securityRules: rules(p.securityRules, "securityRules", false),
    defaultSecurityRules: withDefaultRules(rules(p.defaultSecurityRules, "defaultSecurityRules", true)),
  };
}
