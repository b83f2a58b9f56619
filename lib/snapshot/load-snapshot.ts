// Every source, in any shape and either form, merged into one normalised Snapshot.
// A later duplicate id (compared case-insensitively) replaces an earlier one.
import type {
  ApplicationSecurityGroup,
  NetworkInterface,
  Nsg,
  PrivateEndpoint,
  RouteTable,
  ServiceTagPrefixes,
  Snapshot,
  Subnet,
  VirtualNetwork,
} from "@/lib/model/types";
import { baseOf } from "./read-common";
import { readNsg } from "./read-nsg";
import { readAsg, readNic, readPrivateEndpoint, readRouteTable } from "./read-others";
import { type VnetRecord, readSubnet, readVnet } from "./read-vnet";
import { resourceEnvelope } from "./schemas";
import { readServiceTags } from "./service-tags";
import { unwrapSource } from "./source-shapes";
import { type JsonPath, isObject, parseWith, readNode } from "./validate";

export interface Source {
  name: string;
  value: unknown;
}

export interface LoadOptions {
  /** A ServiceTags_Public_*.json file (`--service-tags`); its entries win over a saved snapshot's. */
  serviceTags?: Source;
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
  serviceTags?: Map<string, ServiceTagPrefixes>;
  capturedAt?: string;
}

const NETWORK = "microsoft.network/";
type Reader = (raw: unknown, file: string, at: JsonPath, into: Collected) => void;

function resource<T extends { key: string }>(
  read: (node: ReturnType<typeof readNode>, base: ReturnType<typeof baseOf>, file: string) => T,
  pick: (into: Collected) => Map<string, T>,
): Reader {
  return (raw, file, at, into) => {
    const base = baseOf(parseWith(resourceEnvelope, raw, file, at));
    const item = read(readNode(raw, file, at), base, file);
    pick(into).set(item.key, item);
  };
}

const READERS: Record<string, Reader> = {
  [`${NETWORK}virtualnetworks`]: (raw, file, at, into) => {
    const base = baseOf(parseWith(resourceEnvelope, raw, file, at));
    into.vnets.set(base.key, { item: readVnet(readNode(raw, file, at), base, file), seq: into.seq++ });
  },
  [`${NETWORK}virtualnetworks/subnets`]: (raw, file, at, into) => {
    parseWith(resourceEnvelope, raw, file, at);
    const subnet = readSubnet(raw, file, at);
    into.standaloneSubnets.set(subnet.key, { item: subnet, seq: into.seq++ });
  },
  [`${NETWORK}networksecuritygroups`]: resource(readNsg, (c) => c.nsgs),
  [`${NETWORK}routetables`]: resource(readRouteTable, (c) => c.routeTables),
  [`${NETWORK}networkinterfaces`]: resource(readNic, (c) => c.nics),
  [`${NETWORK}applicationsecuritygroups`]: resource(readAsg, (c) => c.asgs),
  [`${NETWORK}privateendpoints`]: resource(readPrivateEndpoint, (c) => c.privateEndpoints),
};

function readSource(source: Source, into: Collected): void {
  const { items, listAt, serviceTags, capturedAt } = unwrapSource(source.name, source.value);
  for (let i = 0; i < items.length; i++) {
    const raw = items[i];
    // Other resource types, and entries that are not resources at all, are not ours to judge.
    if (!isObject(raw) || typeof raw.type !== "string") continue;
    const read = READERS[raw.type.toLowerCase()];
    if (read) read(raw, source.name, listAt ? [...listAt, i] : [], into);
  }
  if (serviceTags !== undefined) into.serviceTags = readServiceTags(source.name, serviceTags, ["serviceTags"], into.serviceTags);
  if (capturedAt !== undefined) into.capturedAt = capturedAt;
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

/** nicKeys and privateEndpointKeys, from the NICs and endpoints present in the input. */
function deriveMembership(snapshot: Snapshot): void {
  for (const subnet of snapshot.subnets.values()) {
    subnet.privateEndpointKeys = subnet.privateEndpointKeys.filter((key) => snapshot.privateEndpoints.has(key));
  }
  for (const nic of snapshot.nics.values()) {
    for (const config of nic.ipConfigurations) {
      const subnet = config.subnetKey ? snapshot.subnets.get(config.subnetKey) : undefined;
      if (subnet && !subnet.nicKeys.includes(nic.key)) subnet.nicKeys.push(nic.key);
    }
  }
  for (const endpoint of snapshot.privateEndpoints.values()) {
    const subnet = endpoint.subnetKey ? snapshot.subnets.get(endpoint.subnetKey) : undefined;
    if (subnet && !subnet.privateEndpointKeys.includes(endpoint.key)) subnet.privateEndpointKeys.push(endpoint.key);
  }
}

export function loadSnapshot(sources: Source[], opts: LoadOptions = {}): Snapshot {
  const into = new Collected();
  for (const source of sources) readSource(source, into);
  if (opts.serviceTags) {
    into.serviceTags = readServiceTags(opts.serviceTags.name, opts.serviceTags.value, [], into.serviceTags);
  }
  const snapshot: Snapshot = {
    vnets: new Map(),
    subnets: new Map(),
    nsgs: into.nsgs,
    routeTables: into.routeTables,
    nics: into.nics,
    asgs: into.asgs,
    privateEndpoints: into.privateEndpoints,
  };
  placeSubnets(into, snapshot);
  deriveMembership(snapshot);
  if (into.serviceTags) snapshot.serviceTags = into.serviceTags;
  if (into.capturedAt !== undefined) snapshot.capturedAt = into.capturedAt;
  return snapshot;
}
