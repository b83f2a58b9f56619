// Azure Firewall in both of its rule models: classic rule collections on the firewall, and a
// firewall policy whose rule collection groups hold the collections
// (https://learn.microsoft.com/azure/firewall/policy-rule-sets). Rules are kept as written
// (addresses, tags, FQDNs); the path engine decides what they match.
import { readingStored } from "./stored-read";
import type {
  AzureFirewall,
  FirewallPolicy,
  FirewallRule,
  FirewallRuleCollection,
  IpGroup,
  RuleCollectionGroup,
} from "@/lib/model/types";
import { keyOf, lastSegment, parentId } from "./arm-id";
import { expectedMessage } from "./describe-value";
import { type ResourceBase, child, refKey } from "./read-common";
import {
  applicationRuleProps,
  canonicalAppProtocol,
  canonicalFirewallAction,
  classicRuleCollectionProps,
  firewallIpConfigProps,
  firewallPolicyProps,
  firewallProps,
  ipGroupProps,
  networkRuleProps,
  policyRuleCollectionProps,
  ruleCollectionGroupProps,
} from "./schemas-path";
import { type ArmNode, type JsonPath, inputError, isObject, nodeName, parseWith, readNode, requireListed } from "./validate";

/**
 * The priority given to a rule collection (or group) that has none, so it sorts after every real
 * one (100-65000). Only a policy's collections may lack it: Microsoft's own REST example
 * FirewallPolicyRuleCollectionGroupWithHttpHeadersToInsert.json returns a filter collection with
 * rules and no `priority`, so a real export can have that shape.
 */
export const UNSET_COLLECTION_PRIORITY = 65001;

// Default ports of application rule protocols when `port` is left out (Azure Firewall's own defaults).
const APP_DEFAULT_PORTS: Record<string, number> = { Http: 80, Https: 443, Mssql: 1433 };

const keysOf = (ids: ReadonlyArray<string> | null | undefined) => (ids ?? []).filter(Boolean).map(keyOf);
const list = (values: ReadonlyArray<string | number> | null | undefined) => (values ?? []).map((v) => String(v).trim());

type RuleKind = FirewallRule["kind"];

function readNetworkRule(name: string, props: unknown, file: string, at: JsonPath): FirewallRule {
  const p = parseWith(networkRuleProps, props, file, at);
  return {
    kind: "network",
    name,
    protocols: list(p.ipProtocols ?? p.protocols),
    sourceAddresses: list(p.sourceAddresses),
    sourceIpGroupKeys: keysOf(p.sourceIpGroups),
    destinationAddresses: list(p.destinationAddresses),
    destinationIpGroupKeys: keysOf(p.destinationIpGroups),
    destinationFqdns: list(p.destinationFqdns),
    destinationPorts: list(p.destinationPorts),
  };
}

/**
 * The destination fields of an application rule. ARM refuses one that names none of them (the portal's "Destination
 * type" is one of FQDN, FQDN tag, web categories, URL); read as written, a rule with no destination would have nothing
 * to compare a name with and could be taken to match every name.
 * https://learn.microsoft.com/rest/api/firewall/firewall-policy-rule-collection-groups/create-or-update#applicationrule
 */
const APPLICATION_DESTINATIONS = ["targetFqdns", "fqdnTags", "webCategories", "targetUrls"] as const;

function readApplicationRule(name: string, props: unknown, file: string, at: JsonPath): FirewallRule {
  const p = parseWith(applicationRuleProps, props, file, at);
  if (!readingStored() && !APPLICATION_DESTINATIONS.some((field) => (p[field] ?? []).some((v) => v.trim() !== ""))) {
    throw inputError(file, at, `an application rule needs targetFqdns, fqdnTags, webCategories or targetUrls (Azure refuses one without a destination)`);
  }
  return {
    kind: "application",
    name,
    protocols: (p.protocols ?? []).map((protocol) => {
      const type = canonicalAppProtocol(protocol.protocolType)!;
      return { type, port: protocol.port ?? APP_DEFAULT_PORTS[type] };
    }),
    sourceAddresses: list(p.sourceAddresses),
    sourceIpGroupKeys: keysOf(p.sourceIpGroups),
    targetFqdns: list(p.targetFqdns),
    fqdnTags: list(p.fqdnTags),
    webCategories: list(p.webCategories),
    targetUrls: list(p.targetUrls),
    ...(p.terminateTLS ? { terminateTls: true } : {}),
  };
}

const RULE_TYPES: Record<string, RuleKind> = { networkrule: "network", applicationrule: "application", natrule: "nat" };

/** One rule; `kind` is known for classic collections (from their array), read from `ruleType` in a policy. */
function readRule(value: unknown, file: string, at: JsonPath, kind?: RuleKind): FirewallRule {
  const node = readNode(value, file, at);
  const name = nodeName(node, file, at, "");
  if (!kind) {
    const ruleType = node.props.ruleType;
    kind = typeof ruleType === "string" ? RULE_TYPES[ruleType.toLowerCase()] : undefined;
    if (!kind) throw inputError(file, [...node.propsAt, "ruleType"], expectedMessage("NetworkRule, ApplicationRule or NatRule", ruleType));
  }
  if (kind === "network") return readNetworkRule(name, node.props, file, node.propsAt);
  if (kind === "application") return readApplicationRule(name, node.props, file, node.propsAt);
  return { kind: "nat", name };
}

function priorityOr(priority: number | null | undefined): number {
  return typeof priority === "number" ? priority : UNSET_COLLECTION_PRIORITY;
}

/** A node's fields without a `properties` wrapper: policy collections and rules carry none in ARM, so an input that wraps them is unwrapped. */
function unwrapped(node: ArmNode): Record<string, unknown> {
  if (node.props === node.raw) return node.raw;
  const out: Record<string, unknown> = { ...node.raw, ...node.props };
  delete out.properties;
  return out;
}

/**
 * A policy collection as read, in ARM form (the input object itself, no copy, unless it wraps fields in
 * `properties`): every field of every rule, those the audit reads and those it does not (`terminateTLS`,
 * `httpHeadersToInsert`, `description`, NAT rules ...), for a fix that redeploys the whole group.
 * https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups
 */
function rawCollection(node: ArmNode, rules: unknown[] | null | undefined): Record<string, unknown> {
  const out = unwrapped(node);
  const wrapped = (rules ?? []).some((r) => isObject(r) && isObject(r.properties));
  return wrapped ? { ...out, rules: (rules ?? []).map((r) => (isObject(r) ? unwrapped(readNode(r, "", [])) : r)) } : out;
}

/**
 * A policy rule collection, with `raw` (rawCollection). A filter collection holds rules of one type in Azure; should
 * an export mix network and application rules, they are returned as two collections of the same name and priority
 * (sharing one `raw`), which is how Azure orders them anyway (network rules before application rules).
 */
function readPolicyCollection(value: unknown, file: string, at: JsonPath): FirewallRuleCollection[] {
  const node = readNode(value, file, at);
  const name = nodeName(node, file, at, "");
  const p = parseWith(policyRuleCollectionProps, node.props, file, node.propsAt);
  const raw = rawCollection(node, p.rules);
  const type = p.ruleCollectionType?.toLowerCase();
  const action = p.action?.type ? canonicalFirewallAction(p.action.type) : undefined;
  const isNat = type === "firewallpolicynatrulecollection" || (!type && action === "Dnat");
  if (type && !isNat && type !== "firewallpolicyfilterrulecollection") {
    throw inputError(file, [...node.propsAt, "ruleCollectionType"], expectedMessage("FirewallPolicyFilterRuleCollection or FirewallPolicyNatRuleCollection", p.ruleCollectionType));
  }
  const rules = (p.rules ?? []).map((rule, i) => readRule(rule, file, child(node.propsAt, "rules", i), isNat ? "nat" : undefined));
  const priority = priorityOr(p.priority);
  if (isNat) return [{ name, priority, action: "Dnat", kind: "nat", rules, raw }];
  if (rules.length && action !== "Allow" && action !== "Deny") {
    throw inputError(file, [...node.propsAt, "action", "type"], expectedMessage("Allow or Deny", p.action?.type));
  }
  const collection = (kind: RuleKind, of: FirewallRule[]): FirewallRuleCollection => ({ name, priority, action: action ?? "Deny", kind, rules: of, raw });
  const network = rules.filter((r) => r.kind === "network");
  const application = rules.filter((r) => r.kind === "application");
  const natAt = rules.findIndex((r) => r.kind === "nat");
  if (natAt >= 0) throw inputError(file, [...node.propsAt, "rules", natAt, "ruleType"], "a NatRule belongs in a FirewallPolicyNatRuleCollection");
  if (!application.length) return [collection("network", network)];
  if (!network.length) return [collection("application", application)];
  return [collection("network", network), collection("application", application)];
}

/** A classic firewall's network or application collection: priority and action are required once it has rules. */
function readClassicCollection(value: unknown, file: string, at: JsonPath, kind: "network" | "application"): FirewallRuleCollection {
  const node = readNode(value, file, at);
  const name = nodeName(node, file, at, "");
  const p = parseWith(classicRuleCollectionProps, node.props, file, node.propsAt);
  const rules = (p.rules ?? []).map((rule, i) => readRule(rule, file, child(node.propsAt, "rules", i), kind));
  const action = p.action?.type ? canonicalFirewallAction(p.action.type) : undefined;
  if (rules.length && typeof p.priority !== "number") throw inputError(file, [...node.propsAt, "priority"], expectedMessage("100-65000", p.priority));
  if (rules.length && action !== "Allow" && action !== "Deny") {
    throw inputError(file, [...node.propsAt, "action", "type"], expectedMessage("Allow or Deny", p.action?.type));
  }
  return { name, priority: priorityOr(p.priority), action: action ?? "Deny", kind, rules };
}

/** A rule collection group, top-level (`firewallPolicies/ruleCollectionGroups`) or embedded in its policy. */
export function readRuleCollectionGroup(node: ArmNode, base: Pick<ResourceBase, "id" | "key" | "name">, file: string): RuleCollectionGroup {
  const p = parseWith(ruleCollectionGroupProps, node.props, file, node.propsAt);
  requireListed(node, "ruleCollections", file, "az network firewall policy rule-collection-group list");
  const ruleCollections: FirewallRuleCollection[] = [];
  (p.ruleCollections ?? []).forEach((value, i) => ruleCollections.push(...readPolicyCollection(value, file, child(node.propsAt, "ruleCollections", i))));
  const state = provisioningStateOf(node);
  return {
    id: base.id,
    key: base.key,
    name: base.name,
    // The group's id is `<policy id>/ruleCollectionGroups/<name>`.
    policyKey: keyOf(parentId(base.id) ?? ""),
    priority: priorityOr(p.priority),
    ruleCollections,
    ...(state ? { provisioningState: state } : {}),
  };
}

export interface PolicyRecord {
  policy: FirewallPolicy;
  /** Groups some exports embed in the policy itself, with their rules. */
  inlineGroups: RuleCollectionGroup[];
}

/** A firewall policy: base policy, DNS proxy, threat intelligence mode, tier, its groups (ids, or groups embedded whole). */
export function readFirewallPolicy(node: ArmNode, base: ResourceBase, file: string): PolicyRecord {
  const p = parseWith(firewallPolicyProps, node.props, file, node.propsAt);
  const groupKeys: string[] = [];
  const inlineGroups: RuleCollectionGroup[] = [];
  (p.ruleCollectionGroups ?? []).forEach((value, i) => {
    const at = child(node.propsAt, "ruleCollectionGroups", i);
    const group = readNode(value, file, at);
    const name = nodeName(group, file, at, "");
    const rawId = group.raw.id;
    if (rawId !== undefined && rawId !== null && typeof rawId !== "string") throw inputError(file, [...at, "id"], expectedMessage("string", rawId));
    if (!rawId && !name) throw inputError(file, [...at, "id"], expectedMessage("string", rawId));
    const id = rawId || `${base.id}/ruleCollectionGroups/${name}`;
    const key = keyOf(id);
    if (!groupKeys.includes(key)) groupKeys.push(key);
    if (Array.isArray(group.props.ruleCollections)) inlineGroups.push(readRuleCollectionGroup(group, { id, key, name: name || lastSegment(id) }, file));
  });
  const policy: FirewallPolicy = {
    id: base.id,
    key: base.key,
    name: base.name,
    dnsProxyEnabled: p.dnsSettings?.enableProxy === true,
    ruleCollectionGroupKeys: groupKeys,
  };
  const basePolicyKey = refKey(p.basePolicy);
  if (basePolicyKey) policy.basePolicyKey = basePolicyKey;
  if (p.threatIntelMode) policy.threatIntelMode = p.threatIntelMode;
  const tier = p.sku?.tier ?? (isObject(node.raw.sku) && typeof node.raw.sku.tier === "string" ? node.raw.sku.tier : undefined);
  if (tier) policy.tier = tier;
  const dnsServers = (p.dnsSettings?.servers ?? []).map((x) => x?.trim() ?? "").filter((x) => x);
  if (dnsServers.length) policy.dnsServers = dnsServers;
  if (p.snat?.privateRanges) policy.snatPrivateRanges = p.snat.privateRanges.map((r) => r.trim());
  const state = provisioningStateOf(node);
  if (state) policy.provisioningState = state;
  return { policy, inlineGroups };
}

/**
 * An Azure Firewall: its next-hop addresses (`ipConfigurations[].privateIPAddress`, or
 * `hubIPAddresses.privateIPAddress` in a secured hub), policy, management configuration (forced
 * tunnelling) and classic network and application rule collections (NAT collections are not read).
 */
export function readFirewall(node: ArmNode, base: ResourceBase, file: string): AzureFirewall {
  const p = parseWith(firewallProps, node.props, file, node.propsAt);
  const firewall: AzureFirewall = {
    id: base.id,
    key: base.key,
    name: base.name,
    privateIpAddresses: [],
    subnetKeys: [],
    publicIpKeys: [],
    hasManagementIpConfiguration: p.managementIpConfiguration !== undefined && p.managementIpConfiguration !== null,
    networkRuleCollections: (p.networkRuleCollections ?? []).map((c, i) => readClassicCollection(c, file, child(node.propsAt, "networkRuleCollections", i), "network")),
    applicationRuleCollections: (p.applicationRuleCollections ?? []).map((c, i) =>
      readClassicCollection(c, file, child(node.propsAt, "applicationRuleCollections", i), "application"),
    ),
  };
  const addUnique = (into: string[], value: string | null | undefined) => {
    if (value && !into.includes(value)) into.push(value);
  };
  (p.ipConfigurations ?? []).forEach((value, i) => {
    const at = child(node.propsAt, "ipConfigurations", i);
    const config = readNode(value, file, at);
    const c = parseWith(firewallIpConfigProps, config.props, file, config.propsAt);
    addUnique(firewall.privateIpAddresses, c.privateIPAddress || c.privateIpAddress);
    addUnique(firewall.subnetKeys, refKey(c.subnet));
    addUnique(firewall.publicIpKeys, refKey(c.publicIPAddress ?? c.publicIpAddress));
  });
  // A firewall in a secured virtual hub has no ipConfigurations; its next-hop address is here.
  const hub = p.hubIPAddresses ?? p.hubIpAddresses;
  addUnique(firewall.privateIpAddresses, hub?.privateIPAddress || hub?.privateIpAddress);
  const skuName = p.sku?.name ?? (isObject(node.raw.sku) && typeof node.raw.sku.name === "string" ? node.raw.sku.name : undefined);
  if (skuName) firewall.skuName = skuName;
  const policyKey = refKey(p.firewallPolicy);
  if (policyKey) firewall.policyKey = policyKey;
  if (p.threatIntelMode) firewall.threatIntelMode = p.threatIntelMode;
  const hubKey = refKey(p.virtualHub);
  if (hubKey) firewall.virtualHubKey = hubKey;
  readClassicSettings(firewall, p.additionalProperties);
  const state = provisioningStateOf(node);
  if (state) firewall.provisioningState = state;
  return firewall;
}

/**
 * `provisioningState` (`Succeeded`, `Failed`, ...), trimmed; undefined when absent or not text. Read as given, never
 * refused: only a `Failed` one changes how the firewall is judged (lib/snapshot/firewall-state.ts).
 */
function provisioningStateOf(node: ArmNode): string | undefined {
  const state = node.props.provisioningState;
  return typeof state === "string" && state.trim() ? state.trim() : undefined;
}

/** Comma-separated items, trimmed, empty ones dropped. */
const commaItems = (text: string | null | undefined) => (text ?? "").split(",").map((x) => x.trim()).filter(Boolean);

/**
 * A classic firewall's DNS and SNAT settings from `additionalProperties` (validated by firewallProps), the keys
 * `az network firewall update --dns-servers / --enable-dns-proxy / --private-ranges` write. Read whether or not a
 * policy is set; the engine uses them only without one (CONTRACT §4.1 stage 5).
 * https://learn.microsoft.com/azure/firewall/dns-settings, https://learn.microsoft.com/azure/firewall/snat-private-range
 */
function readClassicSettings(firewall: AzureFirewall, extra: { [key: string]: string | boolean | null | undefined } | null | undefined): void {
  if (!extra) return;
  const servers = commaItems(extra["Network.DNS.Servers"] as string | null | undefined);
  if (servers.length) firewall.dnsServers = servers;
  const proxy = extra["Network.DNS.EnableProxy"];
  if (proxy !== undefined && proxy !== null && proxy !== "") firewall.dnsProxyEnabled = String(proxy).trim().toLowerCase() === "true";
  const ranges = commaItems(extra["Network.SNAT.PrivateRanges"] as string | null | undefined);
  if (ranges.length) firewall.snatPrivateRanges = ranges;
}

/** An IP group: its addresses, CIDRs and ranges (https://learn.microsoft.com/azure/firewall/ip-groups). */
export function readIpGroup(node: ArmNode, base: ResourceBase, file: string): IpGroup {
  const p = parseWith(ipGroupProps, node.props, file, node.propsAt);
  return { id: base.id, key: base.key, name: base.name, ipAddresses: (p.ipAddresses ?? []).map((a) => a.trim()) };
}
