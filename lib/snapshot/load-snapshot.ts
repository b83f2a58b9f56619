// Every source, in any shape and either form, merged into one normalised Snapshot.
// A later duplicate id (compared case-insensitively) replaces an earlier one.
import { asStoredRead, readingStored } from "./stored-read";
import { SUBSCRIPTION_TYPE, readSubscriptionName } from "./subscriptions";
import { InputError, formatJsonPath } from "@/lib/errors";
import { describeValue } from "./describe-value";
import type { ReadError } from "@/lib/report/types";
import type {
  NicEffectiveRouteTable,
  AdminRule,
  AdminRuleCollection,
  SecurityAdminConfiguration,
  ApplicationSecurityGroup,
  AzureFirewall,
  FirewallPolicy,
  IpGroup,
  LoadBalancer,
  NatGateway,
  VirtualNetworkGateway,
  VirtualHub,
  ConnectivityConfiguration,
  HubVirtualNetworkConnection,
  HubRouteTable,
  RoutingIntent,
  NetworkGroup,
  NetworkInterface,
  NetworkManager,
  Nsg,
  PrivateDnsZone,
  PrivateEndpoint,
  PublicIpAddress,
  RouteTable,
  RuleCollectionGroup,
  ScaleSet,
  ServiceEndpointPolicy,
  ServiceTagPrefixes,
  Snapshot,
  StorageAccount,
  Subnet,
  VirtualMachine,
  VirtualNetwork,
} from "@/lib/model/types";
import { keyOf, lastSegment, parentId, typeFromId } from "./arm-id";
import { deriveMembership, resolveIpGroupRefs } from "./derive";
import { IgnoredTypes, findGaps, spellRefsAsWritten } from "./gaps";
import { type ResourceBase, baseOf } from "./read-common";
import { readFirewall, readFirewallPolicy, readIpGroup, readRuleCollectionGroup } from "./read-firewall";
import { readVirtualMachine } from "./read-compute";
import { readNsg } from "./read-nsg";
import { readAsg, readNic, readPrivateEndpoint, readRouteTable } from "./read-others";
import { readLoadBalancer, readNatGateway, readPublicIp, readVirtualNetworkGateway } from "./read-path";
import { readHubConnection, readHubRouteTable, readRoutingIntent, readVirtualHub } from "./read-hub";
import {
  collectionFromId,
  readAdminRule,
  readAdminRuleCollection,
  readConnectivityConfiguration,
  readARecordSet,
  readCnameRecordSet,
  readDnsLink,
  readNetworkGroup,
  readNetworkManager,
  readSecurityAdminConfiguration,
  readPrivateDnsZone,
  readScaleSet,
  readServiceEndpointPolicy,
  readStaticMember,
  readStorageAccount,
} from "./read-placement";
import { type VnetRecord, readSubnet, readVnet } from "./read-vnet";
import { resourceEnvelope } from "./schemas";
import { deploymentStatusEntry, effectiveAdminRuleExtras } from "./schemas-placement";
import { routeDisputes } from "./route-disputes";
import { nsgAssociationNotes } from "./nsg-association";
import { unknownServiceTagNotes } from "./unknown-tags";
import { failedFirewallNotes } from "./firewall-state";
import { isEffectiveRouteRow, isEffectiveRouteTable, readEffectiveRouteTable, rowsWithoutNic, unitedTables } from "./read-effective-routes";
import { readServiceTags, readServiceTagsFile } from "./service-tags";
import { GraphPages, ListPages } from "./graph-pages";
import { NothingReadError } from "./read-failed";
import { unwrapSource } from "./source-shapes";
import { type ArmNode, type JsonPath, isObject, parseWith, readNode } from "./validate";

export interface Source {
  name: string;
  value: unknown;
}

export interface LoadOptions {
  /** A ServiceTags_Public_*.json file (`--service-tags`); its entries win over a saved snapshot's. */
  serviceTags?: Source;
  /**
   * The sources are the store's own copy of an earlier scan's input, already audited: checks of a file's kind added
   * since (a profile given as a snapshot, `unwrapSource`) do not refuse it, so the scan's pages still open.
   */
  stored?: boolean;
  /**
   * The failed calls of the live read behind the sources, when the caller keeps them beside its sources (a dashboard
   * scan's `errors`): with no subnet read, the load throws NothingReadError naming them rather than the export hint.
   */
  readErrors?: readonly ReadError[];
}

interface Ordered<T> {
  item: T;
  seq: number;
}

/** What the sources said, before subnets are placed and back-references derived. */
class Collected {
  seq = 0;
  vnets = new Map<string, Ordered<VnetRecord>>();
  standaloneSubnets = new Map<string, Ordered<Subnet>>();
  nsgs = new Map<string, Nsg>();
  routeTables = new Map<string, RouteTable>();
  nics = new Map<string, NetworkInterface>();
  asgs = new Map<string, ApplicationSecurityGroup>();
  privateEndpoints = new Map<string, PrivateEndpoint>();
  natGateways = new Map<string, NatGateway>();
  virtualNetworkGateways = new Map<string, VirtualNetworkGateway>();
  virtualHubs = new Map<string, VirtualHub>();
  hubConnections = new Map<string, HubVirtualNetworkConnection>();
  hubRouteTables = new Map<string, HubRouteTable>();
  routingIntents = new Map<string, RoutingIntent>();
  publicIps = new Map<string, PublicIpAddress>();
  loadBalancers = new Map<string, LoadBalancer>();
  firewalls = new Map<string, AzureFirewall>();
  firewallPolicies = new Map<string, FirewallPolicy>();
  ruleCollectionGroups = new Map<string, RuleCollectionGroup>();
  /** Groups embedded in a policy; a group listed on its own wins over these. */
  inlineGroups = new Map<string, RuleCollectionGroup>();
  ipGroups = new Map<string, IpGroup>();
  scaleSets = new Map<string, ScaleSet>();
  virtualMachines = new Map<string, VirtualMachine>();
  networkManagers = new Map<string, NetworkManager>();
  networkGroups = new Map<string, NetworkGroup>();
  /** Static members by their own key: group id and member VNet key. */
  staticMembers = new Map<string, { groupId: string; vnetKey: string }>();
  adminRuleCollections = new Map<string, AdminRuleCollection>();
  securityAdminConfigurations = new Map<string, SecurityAdminConfiguration>();
  connectivityConfigurations = new Map<string, ConnectivityConfiguration>();
  deploymentStatuses: NonNullable<Snapshot["deploymentStatuses"]> = [];
  effectiveRouteTables = new Map<string, NicEffectiveRouteTable>();
  /** Collections known only from an effective-admin-rules list entry; a listed collection wins. */
  impliedCollections = new Map<string, AdminRuleCollection>();
  adminRules = new Map<string, AdminRule>();
  storageAccounts = new Map<string, StorageAccount>();
  privateDnsZones = new Map<string, PrivateDnsZone>();
  serviceEndpointPolicies = new Map<string, ServiceEndpointPolicy>();
  subscriptionNames = new Map<string, string>();
  dnsLinks = new Map<string, { zoneId: string; link: PrivateDnsZone["links"][number] }>();
  aRecords = new Map<string, { zoneId: string; name: string; addresses?: string[] }>();
  cnameRecords = new Map<string, { zoneId: string; name: string; target?: string }>();
  otherRecordSets = new Map<string, { zoneId: string; name: string; type: string }>();
  /** Private endpoint ids as written, from the references that name them (subnets, NICs). */
  endpointIds = new Map<string, string>();
  ignored = new IgnoredTypes();
  serviceTags?: Map<string, ServiceTagPrefixes>;
  capturedAt?: string;
  readErrors: NonNullable<Snapshot["readErrors"]> = [];
  readMethod?: Snapshot["readMethod"];
  /** Resource Graph exports (`{data}`) read, and their paging (graph-pages.ts). */
  resourceGraphExport = false;
  graphPages = new GraphPages();
  listPages = new ListPages();
  /** Each source's top-level entries, for the gaps' spelling of what they refer to (gaps.ts spellRefsAsWritten). */
  itemLists: unknown[][] = [];
}

const NETWORK = "microsoft.network/";
type Reader = (raw: unknown, file: string, at: JsonPath, into: Collected) => void;
type ResourceRead<T> = (node: ArmNode, base: ResourceBase, file: string, at: JsonPath) => T;

// `type` may be absent: entries whose type is inferred from their id (see readerFor). Built once:
// zod compiles a schema on first use, so a schema made per call costs milliseconds per resource.
const envelope = resourceEnvelope.partial({ type: true });

function envelopeOf(raw: unknown, file: string, at: JsonPath): { node: ArmNode; base: ResourceBase } {
  const base = baseOf(parseWith(envelope, raw, file, at));
  return { node: readNode(raw, file, at), base };
}

function resource<T extends { key: string }>(read: ResourceRead<T>, pick: (into: Collected) => Map<string, T>): Reader {
  return (raw, file, at, into) => {
    const { node, base } = envelopeOf(raw, file, at);
    const item = read(node, base, file, at);
    pick(into).set(item.key, item);
  };
}

/** A reader that keeps what it reads elsewhere than in one map. */
function custom(read: (node: ArmNode, base: ResourceBase, file: string, at: JsonPath, into: Collected) => void): Reader {
  return (raw, file, at, into) => {
    const { node, base } = envelopeOf(raw, file, at);
    read(node, base, file, at, into);
  };
}

const rememberEndpointId = (into: Collected, ref: unknown) => {
  if (isObject(ref) && typeof ref.id === "string") into.endpointIds.set(keyOf(ref.id), ref.id);
};

/** Private endpoint ids as the subnets of a VNet (or a standalone subnet) spell them. */
function rememberSubnetEndpoints(into: Collected, subnets: Subnet[]): void {
  for (const subnet of subnets) {
    const listed = subnet.armProperties?.privateEndpoints;
    if (Array.isArray(listed)) for (const ref of listed) rememberEndpointId(into, ref);
  }
}

const AVNM = `${NETWORK}networkmanagers/`;
const READERS: Record<string, Reader> = {
  [SUBSCRIPTION_TYPE.toLowerCase()]: (raw, file, at, into) => {
    const named = readSubscriptionName(raw, file, at);
    if (named) into.subscriptionNames.set(named.id, named.name);
  },
  [`${NETWORK}virtualnetworks`]: custom((node, base, file, _at, into) => {
    const record = readVnet(node, base, file);
    rememberSubnetEndpoints(into, record.subnets);
    into.vnets.set(base.key, { item: record, seq: into.seq++ });
  }),
  [`${NETWORK}virtualnetworks/subnets`]: (raw, file, at, into) => {
    parseWith(envelope, raw, file, at);
    const subnet = readSubnet(raw, file, at);
    rememberSubnetEndpoints(into, [subnet]);
    into.standaloneSubnets.set(subnet.key, { item: subnet, seq: into.seq++ });
  },
  [`${NETWORK}networksecuritygroups`]: resource(readNsg, (c) => c.nsgs),
  [`${NETWORK}routetables`]: resource(readRouteTable, (c) => c.routeTables),
  [`${NETWORK}networkinterfaces`]: custom((node, base, file, _at, into) => {
    const nic = readNic(node, base, file);
    if (nic.privateEndpointKey) rememberEndpointId(into, node.props.privateEndpoint);
    into.nics.set(nic.key, nic);
  }),
  [`${NETWORK}applicationsecuritygroups`]: resource(readAsg, (c) => c.asgs),
  [`${NETWORK}privateendpoints`]: resource(readPrivateEndpoint, (c) => c.privateEndpoints),
  [`${NETWORK}natgateways`]: resource(readNatGateway, (c) => c.natGateways),
  [`${NETWORK}virtualnetworkgateways`]: resource(readVirtualNetworkGateway, (c) => c.virtualNetworkGateways),
  [`${NETWORK}virtualhubs`]: resource(readVirtualHub, (c) => c.virtualHubs),
  [`${NETWORK}virtualhubs/hubvirtualnetworkconnections`]: resource(readHubConnection, (c) => c.hubConnections),
  [`${NETWORK}virtualhubs/hubroutetables`]: resource(readHubRouteTable, (c) => c.hubRouteTables),
  [`${NETWORK}virtualhubs/routingintent`]: resource(readRoutingIntent, (c) => c.routingIntents),
  [`${NETWORK}publicipaddresses`]: resource(readPublicIp, (c) => c.publicIps),
  [`${NETWORK}loadbalancers`]: resource(readLoadBalancer, (c) => c.loadBalancers),
  [`${NETWORK}azurefirewalls`]: resource(readFirewall, (c) => c.firewalls),
  [`${NETWORK}firewallpolicies`]: custom((node, base, file, _at, into) => {
    const { policy, inlineGroups } = readFirewallPolicy(node, base, file);
    into.firewallPolicies.set(policy.key, policy);
    for (const group of inlineGroups) into.inlineGroups.set(group.key, group);
  }),
  [`${NETWORK}firewallpolicies/rulecollectiongroups`]: resource(readRuleCollectionGroup, (c) => c.ruleCollectionGroups),
  [`${NETWORK}ipgroups`]: resource(readIpGroup, (c) => c.ipGroups),
  ["microsoft.compute/virtualmachinescalesets"]: resource(readScaleSet, (c) => c.scaleSets),
  // Only what ties a Flexible scale set's instance NICs to it (lib/path/flexible-instance.ts).
  ["microsoft.compute/virtualmachines"]: resource(readVirtualMachine, (c) => c.virtualMachines),
  [AVNM.slice(0, -1)]: resource(readNetworkManager, (c) => c.networkManagers),
  [`${AVNM}networkgroups`]: resource(readNetworkGroup, (c) => c.networkGroups),
  [`${AVNM}connectivityconfigurations`]: resource(readConnectivityConfiguration, (c) => c.connectivityConfigurations),
  [`${AVNM}networkgroups/staticmembers`]: custom((node, base, file, _at, into) => {
    into.staticMembers.set(base.key, readStaticMember(node, base, file));
  }),
  // Its collections name it in their ids; itself, it says whether its rules reach VNets with SQL MI or Databricks.
  [`${AVNM}securityadminconfigurations`]: resource(readSecurityAdminConfiguration, (c) => c.securityAdminConfigurations),
  [`${AVNM}securityadminconfigurations/rulecollections`]: resource(readAdminRuleCollection, (c) => c.adminRuleCollections),
  [`${AVNM}securityadminconfigurations/rulecollections/rules`]: custom((node, base, file, at, into) => {
    const rule = readAdminRule(node, base, file, at);
    into.adminRules.set(rule.key, rule);
    // An effective-admin-rules list entry also says which groups its collection applies to.
    const extras = parseWith(effectiveAdminRuleExtras, node.raw, file, at).ruleCollectionAppliesToGroups;
    if (extras?.length) {
      const collectionId = parentId(base.id) ?? "";
      into.impliedCollections.set(rule.collectionKey, collectionFromId(collectionId, lastSegment(collectionId), extras.map((g) => keyOf(g.networkGroupId))));
    }
  }),
  ["microsoft.storage/storageaccounts"]: resource(readStorageAccount, (c) => c.storageAccounts),
  [`${NETWORK}serviceendpointpolicies`]: resource(readServiceEndpointPolicy, (c) => c.serviceEndpointPolicies),
  [`${NETWORK}privatednszones`]: resource(readPrivateDnsZone, (c) => c.privateDnsZones),
  [`${NETWORK}privatednszones/virtualnetworklinks`]: custom((node, base, file, _at, into) => {
    const link = readDnsLink(node, base, file);
    if (link) into.dnsLinks.set(base.key, link);
  }),
  [`${NETWORK}privatednszones/a`]: custom((node, base, file, _at, into) => {
    into.aRecords.set(base.key, readARecordSet(node, base, file));
  }),
  [`${NETWORK}privatednszones/cname`]: custom((node, base, file, _at, into) => {
    into.cnameRecords.set(base.key, readCnameRecordSet(node, base, file));
  }),
  // Read for their presence only: an export holding any record set of a zone (every zone has its SOA) gave them all.
  ...Object.fromEntries(
    ["aaaa", "mx", "ptr", "soa", "srv", "txt"].map((t) => [
      `${NETWORK}privatednszones/${t}`,
      custom((_node, base, _file, _at, into) => {
        into.otherRecordSets.set(base.key, { zoneId: parentId(base.id) ?? "", name: base.name.toLowerCase(), type: t.toUpperCase() });
      }),
    ]),
  ),
};

/**
 * Types inferred from the id of an entry that has no `type` (Azure's REST examples leave it out of
 * some list entries) and that are read with another type's reader: a Uniform scale set instance's
 * NIC, and the old name of rule collection groups (`ruleGroups`, API 2019-06-01-preview).
 */
const INFERRED_ALIASES: Record<string, string> = {
  "microsoft.compute/virtualmachinescalesets/virtualmachines/networkinterfaces": `${NETWORK}networkinterfaces`,
  [`${NETWORK}firewallpolicies/rulegroups`]: `${NETWORK}firewallpolicies/rulecollectiongroups`,
};

function readerFor(raw: Record<string, unknown>, into: Collected): Reader | undefined {
  if (typeof raw.type === "string") {
    const read = readerOfType(raw.type.toLowerCase());
    if (!read) into.ignored.add(raw.type);
    return read;
  }
  // No type: an entry that is not a resource, unless its id names a type this loader reads.
  if (typeof raw.id !== "string") return undefined;
  const inferred = typeFromId(raw.id);
  if (!inferred) return undefined;
  return readerOfType(Object.hasOwn(INFERRED_ALIASES, inferred) ? INFERRED_ALIASES[inferred] : inferred);
}

/**
 * Whether `readSource` reads a top-level entry with this `type` (undefined when it has none: then the type its `id`
 * names), without counting it as ignored. SARIF locations use it never to point at an entry the audit did not read.
 */
export function readsEntry(type: string | undefined, id: string): boolean {
  if (type !== undefined) return readerOfType(type.toLowerCase()) !== undefined;
  const inferred = typeFromId(id);
  if (!inferred) return false;
  return readerOfType(Object.hasOwn(INFERRED_ALIASES, inferred) ? INFERRED_ALIASES[inferred] : inferred) !== undefined;
}

/** Own keys only: a `"type": "__proto__"` or `"constructor"` in a file must not reach Object.prototype. */
function readerOfType(type: string): Reader | undefined {
  return Object.hasOwn(READERS, type) ? READERS[type] : undefined;
}

function readSource(source: Source, into: Collected, stored: boolean): void {
  const { items, listAt, serviceTags, capturedAt, readErrors, readMethod, graphPage, listPage } = unwrapSource(source.name, source.value, { stored });
  // `data` (az, REST) or `Data` (PowerShell's Search-AzGraph): a Resource Graph answer.
  if (typeof listAt?.[0] === "string" && listAt[0].toLowerCase() === "data") into.resourceGraphExport = true;
  if (graphPage) into.graphPages.add(source.name, graphPage, items);
  if (listPage) into.listPages.add(source.name, listPage, items);
  into.itemLists.push(items);
  for (let i = 0; i < items.length; i++) {
    const raw = items[i];
    if (!isObject(raw)) {
      // Azure lists only objects: a null, number, string or array among them is an edited or damaged file, and skipping
      // it would audit without the resource it stood for. A stored input accepted before this check still opens.
      if (stored) continue;
      throw new InputError(source.name, formatJsonPath(listAt ? [...listAt, i] : []), `expected a resource object, got ${describeValue(raw)}`);
    }
    const read = readerFor(raw, into);
    if (read) read(raw, source.name, listAt ? [...listAt, i] : [], into);
    // Neither a NIC's effective route table nor a deployment status entry has an id: known by their fields.
    else if (isEffectiveRouteTable(raw)) {
      const t = readEffectiveRouteTable(raw, source.name, listAt ? [...listAt, i] : []);
      const known = into.effectiveRouteTables.get(t.nicKey);
      into.effectiveRouteTables.set(t.nicKey, known ? unitedTables(known, t) : t);
    } else if (isEffectiveRouteRow(raw)) throw rowsWithoutNic(source.name, listAt, i);
    else if (raw.id === undefined && raw.type === undefined && "deploymentStatus" in raw && "configurationIds" in raw) {
      const e = parseWith(deploymentStatusEntry, raw, source.name, listAt ? [...listAt, i] : []);
      into.deploymentStatuses.push({
        configurations: e.configurationIds.map((c) => c.trim().toLowerCase()),
        status: e.deploymentStatus,
        ...(e.deploymentType ? { type: e.deploymentType } : {}),
        region: e.region.toLowerCase().replace(/\s+/g, ""),
        ...(e.networkManagerId ? { manager: keyOf(e.networkManagerId.trim()) } : {}),
        ...(e.commitTime?.trim() && !Number.isNaN(Date.parse(e.commitTime.trim())) ? { commitTime: e.commitTime.trim() } : {}),
      });
    }
  }
  if (serviceTags !== undefined) into.serviceTags = readServiceTags(source.name, serviceTags, ["serviceTags"], into.serviceTags);
  if (capturedAt !== undefined) into.capturedAt = capturedAt;
  if (readErrors) into.readErrors.push(...readErrors);
  // One Resource Graph source among several is enough for its caveat to hold for the whole estate.
  if (readMethod && into.readMethod !== "resourceGraph") into.readMethod = readMethod;
}

/**
 * Places every subnet in its VNet: the latest version of each subnet wins, whether it came
 * embedded in a VNet or standalone; subnets of a VNet that was replaced are dropped with it.
 */
function placeSubnets(into: Collected, snapshot: Snapshot): void {
  const latest = new Map<string, Ordered<Subnet>>();
  const offer = (candidate: Ordered<Subnet>) => {
    const current = latest.get(candidate.item.key);
    if (!current || current.seq < candidate.seq) latest.set(candidate.item.key, candidate);
  };
  for (const { item, seq } of into.vnets.values()) for (const subnet of item.subnets) offer({ item: subnet, seq });
  for (const standalone of into.standaloneSubnets.values()) offer(standalone);

  const byVnet = new Map<string, string[]>();
  const place = (key: string) => {
    if (snapshot.subnets.has(key)) return;
    const subnet = latest.get(key)!.item;
    snapshot.subnets.set(key, subnet);
    const keys = byVnet.get(subnet.vnetKey);
    if (keys) keys.push(key);
    else byVnet.set(subnet.vnetKey, [key]);
  };
  const standaloneByVnet = new Map<string, string[]>();
  for (const { item } of into.standaloneSubnets.values()) {
    const keys = standaloneByVnet.get(item.vnetKey);
    if (keys) keys.push(item.key);
    else standaloneByVnet.set(item.vnetKey, [item.key]);
  }
  // A VNet's listed subnets first, then its standalone ones, then subnets whose VNet is absent.
  for (const { item } of into.vnets.values()) {
    for (const subnet of item.subnets) place(subnet.key);
    for (const key of standaloneByVnet.get(item.vnet.key) ?? []) place(key);
  }
  for (const key of into.standaloneSubnets.keys()) place(key);

  for (const { item } of into.vnets.values()) {
    const vnet: VirtualNetwork = { ...item.vnet, subnetKeys: byVnet.get(item.vnet.key) ?? [] };
    snapshot.vnets.set(vnet.key, vnet);
  }
}

/** Child resources given on their own (static members, DNS links, A and CNAME records), attached to their parent, which is created from the id when absent. */
function attachChildren(into: Collected): void {
  for (const { groupId, vnetKey } of into.staticMembers.values()) {
    const key = keyOf(groupId);
    let group = into.networkGroups.get(key);
    if (!group) {
      group = { id: groupId, key, name: lastSegment(groupId), networkManagerKey: keyOf(parentId(groupId) ?? ""), memberVnetKeys: [] };
      into.networkGroups.set(key, group);
    }
    if (!group.memberVnetKeys.includes(vnetKey)) group.memberVnetKeys.push(vnetKey);
  }
  for (const [key, collection] of into.impliedCollections) if (!into.adminRuleCollections.has(key)) into.adminRuleCollections.set(key, collection);
  for (const [key, group] of into.inlineGroups) if (!into.ruleCollectionGroups.has(key)) into.ruleCollectionGroups.set(key, group);
  const zoneOf = (zoneId: string): PrivateDnsZone => {
    const key = keyOf(zoneId);
    let zone = into.privateDnsZones.get(key);
    if (!zone) {
      zone = { id: zoneId, key, name: lastSegment(zoneId), links: [], aRecords: [] };
      into.privateDnsZones.set(key, zone);
    }
    return zone;
  };
  for (const { zoneId, link } of into.dnsLinks.values()) zoneOf(zoneId).links.push(link);
  for (const { zoneId, name, addresses } of into.aRecords.values()) {
    const zone = zoneOf(zoneId);
    if (!zone.aRecords.includes(name)) zone.aRecords.push(name);
    // Only sets the input gives addresses for: a name-only listing says nothing about where the name points.
    if (addresses) (zone.aRecordAddresses ??= new Map()).set(name, addresses);
  }
  for (const { zoneId, name, target } of into.cnameRecords.values()) (zoneOf(zoneId).cnameRecords ??= new Map()).set(name, target);
  for (const { zoneId, name, type } of into.otherRecordSets.values()) {
    const sets = (zoneOf(zoneId).otherRecordSets ??= new Map());
    sets.set(name, [...(sets.get(name) ?? []), type]);
  }
}

/**
 * Why a load has nothing to audit, as the one error it throws. A read that reported failed calls (a live read, or a
 * saved one with `readErrors`) is a NothingReadError naming those calls: the cause is the read, and an export hint
 * would send the user the wrong way. A complete live read (`readMethod` set) that found no VNet points at the
 * subscriptions read and the credential's role; a file (a wrong path, a listing of the wrong type) at the export to
 * add. CI must not go green on any of them.
 */
function nothingToAudit(sources: Source[], snapshot: Snapshot, into: Collected, given: readonly ReadError[] = []): InputError {
  const names = sources.map((s) => s.name);
  const failed = into.readErrors.length ? into.readErrors : given;
  if (failed.length) return new NothingReadError(names[0] ?? "snapshot", failed);
  const files = names.length === 1 ? "this file" : `these files (${names.join(", ")})`;
  const live = into.readMethod !== undefined;
  const detail = snapshot.vnets.size
    ? `no subnets in ${files}: the virtual networks listed have none`
    : live
      ? `the live read found no virtual networks or subnets: check that AZURE_SUBSCRIPTION_IDS names the subscriptions that hold them and that the credential has Reader there${into.readMethod === "resourceGraph" ? " (Resource Graph leaves out, without an error, what the credential may not read)" : ""}`
      : `no virtual networks or subnets in ${files}; add \`az network vnet list -o json\``;
  return new InputError(names[0] ?? "snapshot", "", detail);
}

/**
 * Reads every source (any shape of CONTRACT §1.1, ARM or flattened form) into one Snapshot:
 * resources keyed by lower-cased id, subnets placed in their VNets, back-references derived
 * (NICs, private endpoints and scale sets per subnet, network group members), and `gaps` listing
 * the types ignored and the references no input holds. Every map of the model is set, empty when
 * the input has none.
 * @throws InputError naming the file and JSON path of the first bad value, or the first file when
 *   the sources hold no subnet at all; NothingReadError (an InputError) when they hold none and the read behind them
 *   reported failed calls (`readErrors`), carrying those calls.
 */
export function loadSnapshot(sources: Source[], opts: LoadOptions = {}): Snapshot {
  // A stored scan's sources are read as they were audited: refusals added since do not apply (stored-read.ts).
  if (opts.stored === true && !readingStored()) return asStoredRead(() => loadSnapshot(sources, opts));
  const into = new Collected();
  for (const source of sources) readSource(source, into, opts.stored === true);
  if (opts.serviceTags) {
    into.serviceTags = readServiceTagsFile(opts.serviceTags.name, opts.serviceTags.value, into.serviceTags, { stored: opts.stored === true });
  }
  // A Resource Graph export missing pages is judged as a partial read: before the subnet count, so one whose VNets
  // are all on the missing pages names them rather than asking for `az network vnet list`.
  into.readErrors.push(...into.graphPages.errors(), ...into.listPages.errors());
  attachChildren(into);
  const snapshot: Snapshot = {
    ...(opts.stored === true ? { stored: true as const } : {}),
    vnets: new Map(),
    subnets: new Map(),
    nsgs: into.nsgs,
    routeTables: into.routeTables,
    nics: into.nics,
    asgs: into.asgs,
    privateEndpoints: into.privateEndpoints,
    natGateways: into.natGateways,
    virtualNetworkGateways: into.virtualNetworkGateways,
    virtualHubs: into.virtualHubs,
    hubConnections: into.hubConnections,
    hubRouteTables: into.hubRouteTables,
    routingIntents: into.routingIntents,
    publicIps: into.publicIps,
    loadBalancers: into.loadBalancers,
    firewalls: into.firewalls,
    firewallPolicies: into.firewallPolicies,
    ruleCollectionGroups: into.ruleCollectionGroups,
    ipGroups: into.ipGroups,
    scaleSets: into.scaleSets,
    virtualMachines: into.virtualMachines,
    networkManagers: into.networkManagers,
    networkGroups: into.networkGroups,
    adminRuleCollections: into.adminRuleCollections,
    securityAdminConfigurations: into.securityAdminConfigurations,
    connectivityConfigurations: into.connectivityConfigurations,
    deploymentStatuses: into.deploymentStatuses,
    ...(into.effectiveRouteTables.size ? { effectiveRouteTables: into.effectiveRouteTables } : {}),
    adminRules: into.adminRules,
    storageAccounts: into.storageAccounts,
    privateDnsZones: into.privateDnsZones,
    serviceEndpointPolicies: into.serviceEndpointPolicies,
  };
  placeSubnets(into, snapshot);
  if (snapshot.subnets.size === 0) throw nothingToAudit(sources, snapshot, into, opts.readErrors);
  deriveMembership(snapshot, into.endpointIds);
  resolveIpGroupRefs(snapshot);
  const disputes = routeDisputes(snapshot);
  if (disputes) snapshot.routeDisputes = disputes;
  snapshot.gaps = findGaps(snapshot, into.ignored, { live: into.readMethod !== undefined });
  spellRefsAsWritten(snapshot.gaps, into.itemLists);
  if (into.serviceTags) snapshot.serviceTags = into.serviceTags;
  // After the service tags: which tags are unknown depends on them.
  const notes = [...nsgAssociationNotes(snapshot), ...unknownServiceTagNotes(snapshot), ...failedFirewallNotes(snapshot)];
  if (notes.length) snapshot.inputNotes = notes;
  if (into.capturedAt !== undefined) snapshot.capturedAt = into.capturedAt;
  if (into.readErrors.length) snapshot.readErrors = into.readErrors;
  if (into.readMethod) snapshot.readMethod = into.readMethod;
  if (into.resourceGraphExport) snapshot.resourceGraphExport = true;
  if (into.subscriptionNames.size) snapshot.subscriptionNames = into.subscriptionNames;
  return snapshot;
}
