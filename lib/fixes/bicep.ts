// The Bicep form of a plan: one document per resource group the plan changes (a Bicep file deploys
// into one scope), each declaring every resource once, names as escaped string literals.
// https://learn.microsoft.com/azure/azure-resource-manager/bicep/file
import { endpointsWith } from "./service-endpoints";
import type { FirewallRule, FirewallRuleCollection, SecurityRule, Snapshot, Subnet } from "../model/types";
import { bicepString, identifier } from "./quote";
import { type SubnetProperties, subnetProperties } from "./subnet-properties";
import { type GroupDeployment, groupDeployments, groupKeyOf, perFindingNote, rawTextRefusal, unkeptChangeRefusal, unkeptRefusal } from "./firewall-groups";
import type { Change } from "./types";

/** Network API version of every resource written (a real one, listed in BICEP_TYPES). */
export const API = "2024-05-01";
export const BICEP_TYPES = [
  "Microsoft.Network/networkSecurityGroups",
  "Microsoft.Network/networkSecurityGroups/securityRules",
  "Microsoft.Network/virtualNetworks",
  "Microsoft.Network/virtualNetworks/subnets",
  "Microsoft.Network/routeTables",
  "Microsoft.Network/routeTables/routes",
  "Microsoft.Network/natGateways",
  "Microsoft.Network/publicIPAddresses",
  "Microsoft.Network/firewallPolicies",
  "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
];

/** A Bicep expression: a string literal for data, or an expression written here (`nsg.id`). */
export class Expr {
  constructor(readonly code: string) {}
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const key = (k: string) => (IDENTIFIER.test(k) ? k : bicepString(k));

/**
 * Appends the text of JSON-like data as a Bicep value to `out`, in pieces joined once by the caller (a resource
 * block is one join, not a string per nesting level copied into its parent); one property per line.
 */
function writeValue(v: unknown, indent: string, out: string[]): void {
  if (v instanceof Expr) out.push(v.code);
  else if (v === null || v === undefined) out.push("null");
  else if (typeof v === "string") out.push(bicepString(v));
  else if (typeof v === "number" || typeof v === "boolean") out.push(String(v));
  else if (Array.isArray(v) && v.length === 0) out.push("[]");
  else if (Array.isArray(v)) {
    const inner = `${indent}  `;
    out.push("[");
    for (const x of v) {
      out.push("\n", inner);
      writeValue(x, inner, out);
    }
    out.push("\n", indent, "]");
  } else {
    const inner = `${indent}  `;
    const at = out.length;
    out.push("{");
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      out.push("\n", inner, key(k), ": ");
      writeValue(x, inner, out);
    }
    if (out.length === at + 1) out[at] = "{}";
    else out.push("\n", indent, "}");
  }
}

/** JSON-like data as a Bicep value, one property per line. */
export function bicepValue(v: unknown, indent = ""): string {
  const out: string[] = [];
  writeValue(v, indent, out);
  return out.join("");
}

/** A security rule's ARM `properties` (singular field for one value, plural for several; ASGs by id). https://learn.microsoft.com/azure/templates/microsoft.network/networksecuritygroups/securityrules */
export function securityRuleProperties(rule: SecurityRule): Record<string, unknown> {
  const one = (single: string, plural: string, xs: readonly string[]) => (xs.length === 1 ? { [single]: xs[0] } : { [plural]: [...xs] });
  return {
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access,
    protocol: rule.protocol,
    ...(rule.sourceAsgKeys.length ? { sourceApplicationSecurityGroups: rule.sourceAsgKeys.map((id) => ({ id })) } : one("sourceAddressPrefix", "sourceAddressPrefixes", rule.sourceAddressPrefixes)),
    ...one("sourcePortRange", "sourcePortRanges", rule.sourcePortRanges),
    ...(rule.destinationAsgKeys.length
      ? { destinationApplicationSecurityGroups: rule.destinationAsgKeys.map((id) => ({ id })) }
      : one("destinationAddressPrefix", "destinationAddressPrefixes", rule.destinationAddressPrefixes)),
    ...one("destinationPortRange", "destinationPortRanges", rule.destinationPortRanges),
  };
}

/** A firewall policy rule in ARM form (`FirewallPolicyRule`), from the model. */
function policyRule(r: FirewallRule): Record<string, unknown> {
  if (r.kind === "network")
    return {
      ruleType: "NetworkRule",
      name: r.name,
      ipProtocols: r.protocols,
      sourceAddresses: r.sourceAddresses,
      sourceIpGroups: r.sourceIpGroupKeys,
      destinationAddresses: r.destinationAddresses,
      destinationIpGroups: r.destinationIpGroupKeys,
      destinationFqdns: r.destinationFqdns,
      destinationPorts: r.destinationPorts,
    };
  if (r.kind === "application")
    return {
      ruleType: "ApplicationRule",
      name: r.name,
      protocols: r.protocols.map((p) => ({ protocolType: p.type, port: p.port })),
      sourceAddresses: r.sourceAddresses,
      sourceIpGroups: r.sourceIpGroupKeys,
      targetFqdns: r.targetFqdns,
      fqdnTags: r.fqdnTags,
      webCategories: r.webCategories,
      targetUrls: r.targetUrls,
    };
  throw new Error("NAT rules are not modelled in full");
}

/** A rule collection in ARM form (`FirewallPolicyFilterRuleCollection`). https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups */
export function ruleCollection(c: FirewallRuleCollection): Record<string, unknown> {
  return { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: c.name, priority: c.priority, action: { type: c.action }, rules: c.rules.map(policyRule) };
}

const armByDeployment = new WeakMap<GroupDeployment, Record<string, unknown>[]>();

/**
 * A group deployment's collections in ARM form, built once per deployment: the Bicep and Terraform forms of a plan
 * share its groupDeployments. Today's collections are their JSON as read (`raw`), verbatim: every field of every rule,
 * those the audit does not read too (`terminateTLS`, `httpHeadersToInsert`, `targetUrls`, `description`, IP groups by
 * their ids as written), since a deployment of the group replaces its whole `ruleCollections` list; only the fixes'
 * new collections are built from the model. The same objects as the snapshot's, so nothing is copied per finding.
 * Read-only to callers. https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups
 */
export function deploymentCollections(d: GroupDeployment): Record<string, unknown>[] {
  let arm = armByDeployment.get(d);
  if (!arm) armByDeployment.set(d, (arm = d.collections.map((col) => col.raw ?? ruleCollection(col))));
  return arm;
}

interface Scope {
  subscriptionId: string;
  resourceGroup: string;
}

/** A symbol's prefix: the first three letters of the resource type's last segment (`sub_` for subnets). */
function symbolPrefix(type: string): string {
  const at = type.lastIndexOf("/") + 1;
  return `${type.slice(at, at + 3)}_`;
}

/** A resource declaration's text (`note` a comment line above it). */
function declaration(sym: string, type: string, name: string, body: Record<string, unknown>, parent?: string, note?: string): string {
  const out = [`${note ? `// ${note}\n` : ""}resource ${sym} '${type}@${API}' = {\n${parent ? `  parent: ${parent}\n` : ""}  name: ${bicepString(name)}`];
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    out.push(`\n  ${k}: `);
    writeValue(v, "  ", out);
  }
  // No property at all still leaves the line they would take.
  if (out.length === 1) out.push("\n");
  out.push("\n}");
  return out.join("");
}

/** One Bicep document: resources of one resource group, every symbol declared once. */
class BicepDoc {
  private symbols = new Set<string>(["resourceGroup", "subscription"]);
  private existing = new Map<string, string>();
  readonly blocks: string[] = [];
  constructor(readonly scope: Scope) {}

  /** The symbol of an `existing` resource, declared on first use. */
  ref(type: string, key: string, name: string, parent?: string): string {
    const k = `${type}|${key}`;
    let sym = this.existing.get(k);
    if (sym) return sym;
    sym = identifier(name, this.symbols, symbolPrefix(type));
    this.existing.set(k, sym);
    this.blocks.push(`resource ${sym} '${type}@${API}' existing = {\n${parent ? `  parent: ${parent}\n` : ""}  name: ${bicepString(name)}\n}`);
    return sym;
  }

  private declared = new Map<string, { sym: string; index: number }>();

  /**
   * Declares a resource; returns its symbol. A second declaration with the same `key` (the same subnet
   * changed by two fixes of a bundle) replaces the first: ARM refuses a resource declared twice, and
   * the later one already holds the earlier change.
   */
  resource(type: string, name: string, body: Record<string, unknown>, parent?: string, key?: string, note?: string): string {
    const prior = key ? this.declared.get(key) : undefined;
    const sym = prior?.sym ?? identifier(name, this.symbols, symbolPrefix(type));
    const block = declaration(sym, type, name, body, parent, note);
    if (prior) this.blocks[prior.index] = block;
    else {
      this.blocks.push(block);
      if (key) this.declared.set(key, { sym, index: this.blocks.length - 1 });
    }
    return sym;
  }

  /** Symbols of the deny rules declared here as their own resources (a subnet given a NAT gateway waits for them). */
  readonly denies: string[] = [];
  private subnets = new Map<string, { sym: string; s: Subnet; vnet: string; patch: Record<string, unknown>; nat: boolean; index: number }>();

  /**
   * Declares subnet `s` (child of VNet symbol `vnet`) with its properties as read plus `patch`; a second call for the
   * same subnet adds its patch to the first's (one declaration holds every change to the subnet). `nat`: the patch
   * gives the subnet a NAT gateway. Written out by `text()`, where the waits are known.
   */
  subnet(s: Subnet, vnet: string, patch: Record<string, unknown>, nat = false): void {
    const prior = this.subnets.get(s.key);
    if (prior) {
      Object.assign(prior.patch, patch);
      prior.nat ||= nat;
      return;
    }
    this.blocks.push("");
    this.subnets.set(s.key, { sym: identifier(s.name, this.symbols, symbolPrefix("Microsoft.Network/virtualNetworks/subnets")), s, vnet, patch: { ...patch }, nat, index: this.blocks.length - 1 });
  }

  /** The patch declared so far for subnet `key`, if any. */
  pending(key: string): Record<string, unknown> | undefined {
    return this.subnets.get(key)?.patch;
  }

  text(): string {
    // Subnets of one VNet one after another, each waiting for the previous: ARM answers AnotherOperationInProgress to a
    // subnet PUT while another subnet of the VNet is being written (https://github.com/Azure/bicep/issues/2579). A subnet
    // given a NAT gateway also waits for the deny rules, so no moment of the deployment lets out what the lockdown denies.
    const lastOfVnet = new Map<string, string>();
    for (const d of this.subnets.values()) {
      const p = propertiesOf(d.s);
      if (!p.ok) throw new Error(p.why);
      const previous = lastOfVnet.get(d.vnet);
      const waits = [...(previous ? [previous] : []), ...(d.nat ? this.denies : [])];
      lastOfVnet.set(d.vnet, d.sym);
      this.blocks[d.index] = declaration(d.sym, "Microsoft.Network/virtualNetworks/subnets", d.s.name, {
        properties: { ...p.properties, ...d.patch },
        ...(waits.length ? { dependsOn: waits.map((w) => new Expr(w)) } : {}),
      }, d.vnet);
    }
    const head = `// Deploy into the resource group named in deployTo: az deployment group create --subscription <subscription> --resource-group <resourceGroup> --template-file fix.bicep\nmetadata deployTo = ${bicepValue({ subscription: this.scope.subscriptionId, resourceGroup: this.scope.resourceGroup })}`;
    return [head, ...this.blocks].join("\n\n");
  }
}

const propertiesBySubnet = new WeakMap<Subnet, SubnetProperties>();

/**
 * `subnetProperties` of a subnet, worked out once per subnet object (a snapshot's objects are never changed: applying
 * a fix makes new ones). The refusal and the rendering of every whole-subnet fix both need it. Read-only to callers.
 */
function propertiesOf(s: Subnet): SubnetProperties {
  let p = propertiesBySubnet.get(s);
  if (!p) propertiesBySubnet.set(s, (p = subnetProperties(s)));
  return p;
}

/** Why a change has no Bicep form, or undefined when it has one. */
export function bicepRefusal(snapshot: Snapshot, c: Change): string | undefined {
  switch (c.kind) {
    case "update-rule":
      return "a Bicep deployment of a security rule replaces all of its properties, and the rule's description is not read by the audit: use the az CLI or Terraform form, which change only the fields named";
    case "delete-route":
      return "a Bicep deployment (incremental mode) cannot delete a route: use the az CLI or Terraform form";
    case "delete-rule":
      return "a Bicep deployment (incremental mode) cannot delete a security rule: use the az CLI or Terraform form";
    case "add-service-endpoint":
    case "attach-new-nsg":
    case "attach-nat-gateway": {
      const p = propertiesOf(snapshot.subnets.get(c.subnetKey)!);
      return p.ok ? undefined : `a Bicep deployment of a subnet replaces all of its properties, and ${p.why}: use the az CLI or Terraform form, which change the subnet in place`;
    }
    case "add-firewall-rule-collection": {
      if (!c.policyKey) return "a classic firewall's rule collections can only be redeployed with the whole firewall: use the az CLI form";
      const group = snapshot.ruleCollectionGroups?.get(groupKeyOf(c.policyKey, c.groupName));
      if (group?.ruleCollections.some((col) => col.kind === "nat" || col.rules.some((r) => r.kind === "nat")))
        return "the rule collection group holds DNAT rules the audit does not read in full, and a deployment of the group replaces them: use the az CLI form";
      // Today's collections are repeated as read (deploymentCollections); one not kept so is not offered, never rebuilt lossily.
      return unkeptChangeRefusal(snapshot, c) ?? rawTextRefusal(snapshot, c, false);
    }
    default:
      return undefined;
  }
}

function scopeOf(snapshot: Snapshot, c: Change): Scope {
  const fromId = (id: string) => {
    const parts = id.split("/");
    return { subscriptionId: parts[2] ?? "", resourceGroup: parts[4] ?? "" };
  };
  switch (c.kind) {
    case "add-rule":
    case "update-rule":
    case "delete-rule":
      return snapshot.nsgs.get(c.nsgKey)!;
    case "add-route":
    case "delete-route":
      return snapshot.routeTables.get(c.routeTableKey)!;
    case "add-firewall-rule-collection":
      return fromId(snapshot.firewallPolicies?.get(c.policyKey ?? "")?.id ?? c.policyKey ?? c.firewallKey ?? "");
    default:
      return snapshot.subnets.get(c.subnetKey)!;
  }
}

/**
 * The region to create a resource in that is attached to subnet `s` (an NSG, a NAT gateway and its public IP): the
 * subnet's VNet's, as read, else the existing VNet's own `location`; never the resource group's, which may be another
 * region. A NAT gateway serves the subnets of one virtual network (https://learn.microsoft.com/azure/nat-gateway/nat-overview),
 * and Azure refuses to attach an NSG or NAT gateway of another region to a subnet.
 */
function regionFor(doc: BicepDoc, snapshot: Snapshot, s: Subnet): string | Expr {
  const location = snapshot.vnets.get(s.vnetKey)?.location;
  return location ?? new Expr(`${doc.ref("Microsoft.Network/virtualNetworks", s.vnetKey, s.vnetName)}.location`);
}

function subnetResource(doc: BicepDoc, snapshot: Snapshot, s: Subnet, patch: Record<string, unknown>, nat = false): void {
  const p = propertiesOf(s);
  if (!p.ok) throw new Error(p.why);
  const vnet = doc.ref("Microsoft.Network/virtualNetworks", s.vnetKey, s.vnetName);
  doc.subnet(s, vnet, patch, nat);
}

function addChange(doc: BicepDoc, snapshot: Snapshot, c: Change, groups?: Map<Change, GroupDeployment>): void {
  switch (c.kind) {
    case "add-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      const parent = doc.ref("Microsoft.Network/networkSecurityGroups", nsg.key, nsg.name);
      const sym = doc.resource("Microsoft.Network/networkSecurityGroups/securityRules", c.rule.name, { properties: securityRuleProperties(c.rule) }, parent);
      if (c.rule.access === "Deny") doc.denies.push(sym);
      return;
    }
    case "add-service-endpoint": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      // A second endpoint change to the subnet adds to the first's list, not to the list as read.
      const current = doc.pending(s.key)?.serviceEndpoints ?? (propertiesOf(s) as { properties: Record<string, unknown> }).properties.serviceEndpoints;
      const list = Array.isArray(current) ? current : [];
      subnetResource(doc, snapshot, s, { serviceEndpoints: endpointsWith(list, c.service, (e) => String((e as { service?: unknown }).service), (service) => ({ service })) });
      return;
    }
    case "attach-new-nsg": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const nsg = doc.resource("Microsoft.Network/networkSecurityGroups", c.nsgName, {
        location: regionFor(doc, snapshot, s),
        properties: { securityRules: c.rules.map((r) => ({ name: r.name, properties: securityRuleProperties(r) })) },
      });
      subnetResource(doc, snapshot, s, { networkSecurityGroup: { id: new Expr(`${nsg}.id`) } });
      return;
    }
    case "attach-nat-gateway": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const location = regionFor(doc, snapshot, s);
      const pip = doc.resource("Microsoft.Network/publicIPAddresses", c.publicIpName, { location, sku: { name: "Standard" }, properties: { publicIPAllocationMethod: "Static" } });
      const nat = doc.resource("Microsoft.Network/natGateways", c.natGatewayName, { location, sku: { name: "Standard" }, properties: { publicIpAddresses: [{ id: new Expr(`${pip}.id`) }] } });
      subnetResource(doc, snapshot, s, { natGateway: { id: new Expr(`${nat}.id`) } }, true);
      return;
    }
    case "add-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      const parent = doc.ref("Microsoft.Network/routeTables", t.key, t.name);
      doc.resource("Microsoft.Network/routeTables/routes", c.route.name, {
        properties: { addressPrefix: c.route.addressPrefix, nextHopType: c.route.nextHopType, ...(c.route.nextHopIpAddress ? { nextHopIpAddress: c.route.nextHopIpAddress } : {}) },
      }, parent);
      return;
    }
    case "add-firewall-rule-collection": {
      // A rule collection group is deployed whole, once: its collections today, then every new one (firewall-groups.ts).
      const deployment = groups?.get(c);
      if (!deployment) return;
      // Only reached with the fixes applied (bicepRefusal decides before them): say why in place of a lossy declaration.
      const unkept = unkeptRefusal(deployment);
      if (unkept) {
        doc.blocks.push(`// Not offered as Bicep: ${unkept}.`);
        return;
      }
      const policy = snapshot.firewallPolicies?.get(deployment.policyKey);
      const parent = doc.ref("Microsoft.Network/firewallPolicies", deployment.policyKey, policy?.name ?? deployment.policyKey.split("/").pop()!);
      doc.resource("Microsoft.Network/firewallPolicies/ruleCollectionGroups", deployment.groupName, {
        properties: { priority: deployment.group?.priority ?? 65000, ruleCollections: deploymentCollections(deployment) },
      }, parent, undefined, deployment.perFinding ? perFindingNote(deployment) : undefined);
      return;
    }
    default:
      throw new Error(`no Bicep form for ${c.kind}`);
  }
}

/**
 * The Bicep text of `changes`: one document per resource group, separated by a `// ---- deployment N of M ----` line,
 * to be deployed in that order (a subnet given a NAT gateway comes in a document after every other when a deny it waits
 * for is in another resource group's); undefined with the reason when a change has no safe Bicep form. `groups` is
 * groupDeployments of the same changes, when the caller has it already.
 */
export function renderBicep(snapshot: Snapshot, changes: readonly Change[], groups = groupDeployments(snapshot, changes)): { text: string } | { refused: string } {
  for (const c of changes) {
    const why = bicepRefusal(snapshot, c);
    if (why) return { refused: why };
  }
  const docs = new Map<string, BicepDoc>();
  const docKey = (scope: Scope) => `${scope.subscriptionId}|${scope.resourceGroup}`.toLowerCase();
  // A subnet given a NAT gateway waits for the deny rules (see BicepDoc.text). A dependsOn reaches only its own document:
  // when a deny is deployed by another resource group's document, every change to the subnet goes into a document of its
  // own after all the others ("deploy in order"), so the gateway is attached once every deny stands.
  const denyDocs = new Set(changes.filter((c) => c.kind === "add-rule" && c.rule.access === "Deny").map((c) => docKey(scopeOf(snapshot, c))));
  const late = new Set(
    changes.flatMap((c) => (c.kind === "attach-nat-gateway" && [...denyDocs].some((k) => k !== docKey(scopeOf(snapshot, c))) ? [c.subnetKey] : [])),
  );
  const lateDocs = new Map<string, BicepDoc>();
  for (const c of changes) {
    // A later collection for a group already written is in that group's one deployment.
    if (c.kind === "add-firewall-rule-collection" && !groups.has(c)) continue;
    const scope = scopeOf(snapshot, c);
    const into = "subnetKey" in c && late.has(c.subnetKey) ? lateDocs : docs;
    const k = docKey(scope);
    let doc = into.get(k);
    if (!doc) into.set(k, (doc = new BicepDoc({ subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup })));
    addChange(doc, snapshot, c, groups);
  }
  const all = [...docs.values(), ...lateDocs.values()];
  return { text: all.map((d, i) => (all.length > 1 ? `// ---- deployment ${i + 1} of ${all.length} ----\n` : "") + d.text()).join("\n\n") };
}

/** Splits a multi-document Bicep text back into its documents (tests and the fix-all bundle). */
export function bicepDocuments(text: string): string[] {
  return text.split(/^\/\/ ---- deployment \d+ of \d+ ----\n/m).filter((d) => d.trim());
}
