// A subnet's effective routes and the route each packet takes: Azure picks the longest matching prefix;
// on an equal prefix a route-table route beats a system route, an explicit CIDR beats a service tag, a
// regional tag beats its top-level tag, which beats AzureCloud.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
import { type AddrSet, EMPTY, addrCovers, addrIntersect, addrIsEmpty, addrOverlaps, addrSubtract, addrUnion, addrUnionAll, concrete } from "../net/addr-set";
import { ALL_TAGS, NO_TAGS, type TagSet, tagsIntersect, tagsIsEmpty, tagsSubtract, tagsUnion } from "../net/tag-set";
import { assumedApart, assumedApartNote } from "../net/assumed-apart";
import { NON_PUBLIC_V4, NON_PUBLIC_V6, V4_MAX, V6_MAX, cidrsToRanges, parseCidr } from "../net/ip";
import * as iv from "../net/intervals";
import type { NicEffectiveRouteTable, Peering, PrivateEndpoint, Route, RouteTable, Snapshot, Subnet, VirtualNetwork, VirtualNetworkGateway } from "../model/types";
import { lastSegment } from "../snapshot/arm-id";
import { subnetOfNic } from "../snapshot/read-effective-routes";
import type { Estate } from "../nsg/estate";
import type { EffectiveRouteRow } from "../report/types";
import { type HubLearnedRoute, type HubTarget, connectedHubs, hubLearnedRoutes, isIpv4Default } from "./virtual-hub";
import { connectedGroupWords, connectedGroupsOf } from "./connected-groups";
import { isGatewayOrRouteServerSubnet } from "./managed-subnets";
import { joinedSubnets, peeredPrefixes, peersIpv6Only } from "./subnet-peering";

/** Next-hop types as Azure spells them, system ones included. */
export type NextHopType =
  | "VnetLocal"
  | "VNetPeering"
  | "ConnectedGroup"
  | "VirtualNetworkServiceEndpoint"
  | "InterfaceEndpoint"
  | "Internet"
  | "VirtualAppliance"
  | "VirtualNetworkGateway"
  | "None";

/** One effective route, compiled to the addresses it covers. */
export interface EffectiveRoute {
  /** `VirtualNetworkGateway`: learned from a virtual hub the VNet is connected to (Azure's name for a BGP route's source). */
  source: "User" | "Default" | "VirtualNetworkGateway";
  /** As written: a CIDR or a service tag. */
  addressPrefix: string;
  /** The route's name (user routes) or a system label. */
  name: string;
  routeTable?: RouteTable;
  nextHopType: NextHopType;
  nextHopIpAddress?: string;
  family: 4 | 6;
  /** What the route covers in its family; a tag route without real prefixes covers the tag symbolically. */
  dst: AddrSet;
  /** Prefix length; a tag route without real prefixes sits between /0 and /1 (CONTRACT §4.1 stage 3). */
  length: number;
  /** Tie-break on an equal prefix, lower first. */
  rank: number;
  /** Set when the tag's prefixes were not supplied and the route is assumed to cover exactly the tag. */
  assumedTag?: string;
  /**
   * Set when the route names a regional tag (`Storage.WestEurope`) that the supplied service tags lack while they hold
   * its base tag: the route covers some part of the base tag's prefixes (`dst`), which part unknown.
   */
  regionUnknown?: { tag: string; base: string };
  /** The system default route a VPN gateway's forced-tunnelling default site turns to it: the gateway and the site. */
  defaultSite?: { gateway: string; site: string };
  /** A route learned from a virtual hub: the hub's name and where the hub sends it (lib/path/virtual-hub.ts). */
  hub?: { name: string; target: HubTarget };
  /** A route the VNet's gateway or Route Server learned over BGP, as the effective route table of NIC `nic` lists it. */
  bgp?: { nic: string };
  /** A connected group's route: its configuration, and whether another member shares the space (lib/path/connected-groups.ts). */
  connectedGroup?: { configuration: string; overlap: boolean; deployed: boolean; status?: string };
  /** The peering whose system route this is, or that carries a peered VNet's private endpoint (a subnet peering may leave the subnet out). */
  viaPeering?: Peering;
}

/** A route in words for a detail: `route X in T`, a hub's learned route, or `the system route for P`. */
export function routeWords(route: EffectiveRoute): string {
  if (route.source === "User") return `route ${route.name} in ${route.routeTable?.name ?? "its route table"}`;
  if (route.hub) return `the route for ${route.addressPrefix} learned from ${route.name}`;
  if (route.bgp) return `the route for ${route.addressPrefix} learned over BGP, as NIC ${route.bgp.nic}'s effective routes show`;
  if (route.defaultSite) return `the system route for ${route.addressPrefix}: forced tunnelling to site ${route.defaultSite.site} of ${route.defaultSite.gateway}`;
  return `the system route for ${route.addressPrefix}`;
}

const SYMBOLIC_LENGTH = 0.5;
// On an equal prefix a route table's route beats a learned (BGP) one, which beats a system route.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
const RANK = { userCidr: 0, userRegionalTag: 1, userTag: 2, userAzureCloudRegional: 3, userAzureCloud: 4, learned: 4.5, systemNetwork: 5, systemServiceEndpoint: 6, systemNone: 7, systemInternet: 8 };

/** `/N` of a CIDR, or the full length for a bare address; undefined when not a CIDR. */
export function prefixLength(text: string): number | undefined {
  const r = parseCidr(text);
  if (!r) return undefined;
  const slash = text.indexOf("/");
  if (slash < 0) return r.family === 4 ? 32 : 128;
  return Number(text.slice(slash + 1));
}

const CANONICAL_HOPS: Record<string, NextHopType> = {
  vnetlocal: "VnetLocal",
  vnetpeering: "VNetPeering",
  connectedgroup: "ConnectedGroup",
  virtualnetworkserviceendpoint: "VirtualNetworkServiceEndpoint",
  interfaceendpoint: "InterfaceEndpoint",
  internet: "Internet",
  virtualappliance: "VirtualAppliance",
  virtualnetworkgateway: "VirtualNetworkGateway",
  none: "None",
};

function canonicalHop(text: string): NextHopType {
  return CANONICAL_HOPS[text.toLowerCase()] ?? "None";
}

/**
 * One route per address family and prefix length of `cidrs` (a tag's real prefixes, a connected group's members), each
 * covering all of that length: longest-prefix match treats them as the separate routes they stand for, in a few
 * entries rather than one per prefix. Anything not a CIDR is skipped.
 */
function routesByLength(cidrs: readonly string[], make: (family: 4 | 6, length: number, dst: AddrSet, cidrs: string[]) => EffectiveRoute): EffectiveRoute[] {
  const byLength = new Map<string, { family: 4 | 6; length: number; cidrs: string[] }>();
  for (const cidr of cidrs) {
    const length = prefixLength(cidr);
    if (length === undefined) continue;
    const family = cidr.includes(":") ? 6 : 4;
    const k = `${family}/${length}`;
    const slot = byLength.get(k) ?? { family, length, cidrs: [] };
    slot.cidrs.push(cidr);
    byLength.set(k, slot);
  }
  return [...byLength.values()].map(({ family, length, cidrs: own }) => {
    const r = cidrsToRanges(own);
    return make(family, length, concrete(r.v4, r.v6), own);
  });
}

/** Entries of one route prefix: a CIDR is one entry; a tag is one entry per prefix length of its real prefixes, or one symbolic entry. */
function prefixEntries(
  estate: Estate,
  subnet: Subnet,
  prefix: string,
  base: Omit<EffectiveRoute, "family" | "dst" | "length" | "rank" | "addressPrefix">,
  rank: { cidr: number; tag: (lowerTag: string) => number },
): EffectiveRoute[] {
  const length = prefixLength(prefix.trim());
  if (length !== undefined) {
    const r = parseCidr(prefix.trim())!;
    const zero = length === 0;
    // A /0 holds every service tag of its family (CONTRACT §4 address semantics).
    const dst: AddrSet = r.family === 4 ? { v4: r.v4, v6: [], tags: zero ? ALL_TAGS : EMPTY.tags } : { v4: [], v6: r.v6, tags: zero ? ALL_TAGS : EMPTY.tags };
    return [{ ...base, addressPrefix: prefix, family: r.family, dst, length, rank: rank.cidr }];
  }
  const lower = prefix.trim().toLowerCase();
  const tagRank = rank.tag(lower);
  const known = estate.snapshot.serviceTags?.get(lower);
  if (known?.addressPrefixes.length) {
    return routesByLength(known.addressPrefixes, (family, length, dst) => ({ ...base, addressPrefix: prefix, family, dst, length, rank: tagRank }));
  }
  const dot = lower.indexOf(".");
  const baseTag = dot > 0 ? estate.snapshot.serviceTags?.get(lower.slice(0, dot)) : undefined;
  if (baseTag?.addressPrefixes.length) {
    // The supplied tags hold the base tag but not this region: the route covers an unknown part of the base's
    // prefixes. Each piece there is a question the input cannot answer (forwardStage), never a guess either way.
    const entries = prefixEntries(estate, subnet, baseTag.name, base, rank);
    return entries.map((e) => ({ ...e, addressPrefix: prefix, rank: tagRank, regionUnknown: { tag: prefix.trim(), base: baseTag.name } }));
  }
  const set = estate.context(subnet).resolve(prefix.trim()).set;
  // A tag we hold no prefixes for: it covers exactly the tag, in whichever family the subnet sends.
  const out: EffectiveRoute[] = [];
  for (const family of [4, 6] as const) out.push({ ...base, addressPrefix: prefix, family, dst: { v4: [], v6: [], tags: set.tags }, length: SYMBOLIC_LENGTH, rank: tagRank, assumedTag: prefix.trim() });
  return out;
}

/**
 * Azure's order for route-table tag routes of an equal prefix: a regional tag, then a top-level tag, then an AzureCloud
 * regional tag, then AzureCloud. https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#service-tags-for-user-defined-routes
 */
function userTagRank(lowerTag: string): number {
  if (lowerTag === "azurecloud") return RANK.userAzureCloud;
  if (lowerTag.startsWith("azurecloud.")) return RANK.userAzureCloudRegional;
  return lowerTag.includes(".") ? RANK.userRegionalTag : RANK.userTag;
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/**
 * The subnet's effective routes in lookup order (longest prefix first, then the tie-break ranks).
 * System routes: the VNet's space (VnetLocal), connected peerings (VNetPeering), private endpoints' /32s
 * in the VNet and directly peered VNets (InterfaceEndpoint), service-endpoint routes, the private ranges
 * to None outside the VNet's space, and the defaults to the Internet.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#system-routes
 */
export function effectiveRoutes(estate: Estate, subnet: Subnet): EffectiveRoute[] {
  const routes: EffectiveRoute[] = [...vnetSystemRoutes(estate, subnet)];
  const system = (prefix: string, name: string, hop: NextHopType, rank: number) =>
    routes.push(...prefixEntries(estate, subnet, prefix, { source: "Default", name, nextHopType: hop }, { cidr: rank, tag: () => rank }));
  for (const se of subnet.serviceEndpoints) {
    if (se.provisioningState && se.provisioningState.toLowerCase() !== "succeeded") continue;
    for (const tag of serviceEndpointTags(se.service, se.locations)) system(tag, `Service endpoint ${se.service}`, "VirtualNetworkServiceEndpoint", RANK.systemServiceEndpoint);
  }
  const table = routeTableOf(estate, subnet);
  routes.push(...learnedFromHubs(estate, subnet, routes, table?.disableBgpRoutePropagation === true));
  if (table?.disableBgpRoutePropagation !== true) routes.push(...learnedOverBgp(estate, subnet, routes));
  // A route-table route for 0.0.0.0/0 removes the system None routes of the private ranges: traffic to a private
  // address outside the VNet and its peerings then takes the user default route (a hub firewall carries spoke-to-spoke
  // traffic with nothing else). "Azure removed the routes for the 10.0.0.0/8, 192.168.0.0/16, and 100.64.0.0/10 address
  // prefixes from the Subnet1 route table when the user-defined route for the 0.0.0.0/0 address prefix was added"
  // (https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#routing-example; the example's
  // tables omit 172.16.0.0/12 altogether, so it is taken to go the same way). Under a learned 0.0.0.0/0, only where
  // Azure's effective route table shows them gone.
  if (table?.routes.some((r) => isIpv4Default(r.addressPrefix)) || (table?.disableBgpRoutePropagation !== true && learnedDefaultDropsNone(estate, subnet.vnetKey))) {
    for (let i = routes.length - 1; i >= 0; i--) if (routes[i].source === "Default" && routes[i].nextHopType === "None") routes.splice(i, 1);
  }
  for (const route of table?.routes ?? []) {
    routes.push(
      ...prefixEntries(
        estate,
        subnet,
        route.addressPrefix,
        { source: "User", name: route.name, routeTable: table, nextHopType: canonicalHop(route.nextHopType), ...(route.nextHopIpAddress ? { nextHopIpAddress: route.nextHopIpAddress } : {}) },
        { cidr: RANK.userCidr, tag: userTagRank },
      ),
    );
  }
  return withoutOverriddenEndpoints(estate, routes).sort((a, b) => b.length - a.length || a.rank - b.rank);
}

/** The system routes a learned route never overrides, however specific (a VPN gateway's default-site route is not one). */
const KEPT_FROM_BGP: ReadonlySet<NextHopType> = new Set(["VnetLocal", "VNetPeering", "ConnectedGroup", "VirtualNetworkServiceEndpoint", "InterfaceEndpoint"]);

/**
 * The routes `subnet`'s VNet learns from the virtual hubs it is connected to (lib/path/virtual-hub.ts), less what the
 * system routes of its own space, its peerings, private endpoints and service endpoints hold: those stay preferred
 * "even if BGP routes are more specific". With `bgpOff` (the subnet's route table disables BGP route propagation) only
 * the hub's own space, reached through the peering with the hub, is left.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
 */
function learnedFromHubs(estate: Estate, subnet: Subnet, system: readonly EffectiveRoute[], bgpOff: boolean): EffectiveRoute[] {
  const learned = hubRouteEntries(estate, subnet);
  if (!learned.length) return [];
  return lessKeptSpace([...system, ...learned], bgpOff ? learned.filter((e) => e.source !== "VirtualNetworkGateway") : learned);
}

/**
 * `learned` less, for the routes learned over BGP, what the system routes among `all` of the VNet's own space, its
 * peerings, connected groups, private endpoints and service endpoints hold: those stay preferred "even if BGP routes
 * are more specific". https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
 */
function lessKeptSpace(all: readonly EffectiveRoute[], learned: readonly EffectiveRoute[]): EffectiveRoute[] {
  const kept: Record<4 | 6, AddrSet[]> = { 4: [], 6: [] };
  for (const r of all) if (KEPT_FROM_BGP.has(r.nextHopType) && r.source === "Default") kept[r.family].push(r.dst);
  const keptSet = { 4: addrUnionAll(kept[4]), 6: addrUnionAll(kept[6]) };
  const out: EffectiveRoute[] = [];
  for (const e of learned) {
    const dst = e.source === "VirtualNetworkGateway" ? addrSubtract(e.dst, keptSet[e.family]) : e.dst;
    if (!addrIsEmpty(dst)) out.push(dst === e.dst ? e : { ...e, dst });
  }
  return out;
}

/**
 * The routes `subnet`'s VNet learned over BGP (from on-premises through a VPN or ExpressRoute gateway, or from an NVA
 * through Route Server), as Azure's effective route table of a NIC in one of its subnets lists them (source
 * `VirtualNetworkGateway`, state Active): no GET shows them. A route a virtual hub's model already gives (same prefix)
 * is left to it. The caller leaves them out where the subnet's route table disables BGP route propagation.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#border-gateway-protocol
 */
function learnedOverBgp(estate: Estate, subnet: Subnet, routes: readonly EffectiveRoute[]): EffectiveRoute[] {
  const learned = bgpRouteEntries(estate, subnet);
  if (!learned.length) return [];
  const fromHubs = new Set(routes.filter((r) => r.hub && r.source === "VirtualNetworkGateway").map((r) => r.addressPrefix));
  return lessKeptSpace(routes, fromHubs.size ? learned.filter((e) => !fromHubs.has(e.addressPrefix)) : learned);
}

/** The VNet's BGP-learned routes from its NICs' effective route tables, parsed once per VNet. */
function bgpRouteEntries(estate: Estate, subnet: Subnet): readonly EffectiveRoute[] {
  if (!estate.snapshot.effectiveRouteTables?.size) return [];
  return estate.memo(`bgp-route-entries|${subnet.vnetKey}`, () =>
    bgpRoutesOf(estate, subnet.vnetKey).flatMap((r) => {
      const base = { source: "VirtualNetworkGateway" as const, name: `BGP, effective routes of NIC ${r.nic}`, nextHopType: "VirtualNetworkGateway" as const, ...(r.ip ? { nextHopIpAddress: r.ip } : {}), bgp: { nic: r.nic } };
      return prefixEntries(estate, subnet, r.prefix, base, { cidr: RANK.learned, tag: () => RANK.learned });
    }),
  );
}

/** The prefixes VNet `vnetKey` learned over BGP, each once, with the words "learned from <name>" takes (for `VirtualNetwork`). */
export function bgpLearnedPrefixes(estate: Estate, vnetKey: string): { prefix: string; name: string }[] {
  const out = new Map<string, { prefix: string; name: string }>();
  for (const r of bgpRoutesOf(estate, vnetKey)) if (!out.has(r.prefix)) out.set(r.prefix, { prefix: r.prefix, name: `BGP (effective routes of NIC ${r.nic})` });
  return [...out.values()];
}

/** The active `VirtualNetworkGateway` routes of the VNet's tables: each prefix and next hop once, with the NIC that showed it. */
function bgpRoutesOf(estate: Estate, vnetKey: string): { prefix: string; ip?: string; nic: string }[] {
  if (!estate.snapshot.effectiveRouteTables?.size) return [];
  return estate.memo(`bgp-routes|${vnetKey}`, () => {
    const out = new Map<string, { prefix: string; ip?: string; nic: string }>();
    for (const t of bgpRouteTables(estate, vnetKey)) {
      const nic = estate.snapshot.nics.get(t.nicKey)?.name ?? t.nicId.split("/").pop()!;
      for (const r of t.routes) {
        // Active or Invalid alike: a row is Invalid where the NIC's own subnet has a user route for its prefix, while the
        // VNet's other subnets install it. Each subnet's own routes rank it here.
        if (r.source.toLowerCase() !== "virtualnetworkgateway") continue;
        for (const prefix of r.prefixes) {
          const key = `${prefix}|${r.nextHopIps.join(",")}`;
          if (!out.has(key)) out.set(key, { prefix, ...(r.nextHopIps[0] ? { ip: r.nextHopIps[0] } : {}), nic });
        }
      }
    }
    return [...out.values()];
  });
}

/** Why a subnet may install routes learned over BGP (bgpLearning). */
export interface BgpLearning {
  vnet: VirtualNetwork;
  /** Its VNet holds a `GatewaySubnet` or `RouteServerSubnet`. */
  gateway: boolean;
  /** Its VNet has a peering that uses the remote VNet's gateway. */
  remote: boolean;
  /** The virtual hubs its VNet is connected to, by name. */
  hubs: string[];
}

/**
 * Whether `subnet` may install routes learned over BGP, and why: no route table of it disables BGP route propagation,
 * and its VNet holds a gateway or Route Server, uses a peering's remote gateway, or is connected to a virtual hub;
 * undefined otherwise. What the path's BGP note (lib/path/evaluate.ts) and the gaps (lib/snapshot/gaps.ts) rest on.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#border-gateway-protocol
 */
export function bgpLearning(estate: Pick<Estate, "snapshot" | "memo">, subnet: Subnet): BgpLearning | undefined {
  const { snapshot } = estate;
  if (subnet.routeTableKey && snapshot.routeTables.get(subnet.routeTableKey)?.disableBgpRoutePropagation) return undefined;
  const vnet = snapshot.vnets.get(subnet.vnetKey);
  if (!vnet) return undefined;
  const gateway = vnet.subnetKeys.some((k) => isGatewayOrRouteServerSubnet(snapshot.subnets.get(k)?.name ?? ""));
  const remote = vnet.peerings.some((p) => p.useRemoteGateways);
  const hubs = connectedHubs(estate, subnet.vnetKey);
  return gateway || remote || hubs.length ? { vnet, gateway, remote, hubs } : undefined;
}

/**
 * The effective route tables that show what VNet `vnetKey` learns over BGP: those of NICs the input holds in a subnet
 * of its BGP domain (the VNet holding the gateway and the VNets whose connected peering with it uses its gateway:
 * "the spoke learns the hub gateway's routes") whose route table does not disable BGP route propagation, by the input's
 * route table or the table's own rows (a table taken where it is disabled shows none).
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit
 */
export function bgpRouteTables(estate: Pick<Estate, "snapshot" | "memo">, vnetKey: string): NicEffectiveRouteTable[] {
  const { snapshot } = estate;
  const domain = bgpDomainOf(estate, vnetKey);
  const out: NicEffectiveRouteTable[] = [];
  for (const t of snapshot.effectiveRouteTables?.values() ?? []) {
    if (t.propagationOff) continue;
    const subnet = subnetOfNic(snapshot, t.nicKey);
    if (!subnet || bgpDomainOf(estate, subnet.vnetKey) !== domain) continue;
    if (subnet.routeTableKey && snapshot.routeTables.get(subnet.routeTableKey)?.disableBgpRoutePropagation) continue;
    // Whether a table shows the learned routes at all rests on propagation: unknown when neither its rows nor the
    // subnet's route table (absent from the input) say.
    if (subnet.routeTableKey && !snapshot.routeTables.has(subnet.routeTableKey) && !t.propagationStated) continue;
    out.push(t);
  }
  return out;
}

/**
 * Whether Azure's own tables show the private ranges' system `None` routes gone under a 0.0.0.0/0 learned over BGP: a
 * table of VNet `vnetKey`'s BGP domain that lists system rows and a learned 0.0.0.0/0, was taken in a subnet with no user
 * route for 0.0.0.0/0 (that alone removes them), and lists no Active `None` row. Azure documents the removal for a user
 * 0.0.0.0/0 only (the routing example cited in effectiveRoutes); for a learned one its table is the evidence either way,
 * and a table listing them Active keeps them. Once per VNet.
 */
function learnedDefaultDropsNone(estate: Pick<Estate, "snapshot" | "memo">, vnetKey: string): boolean {
  return estate.memo(`bgp-default-drops-none|${vnetKey}`, () =>
    bgpRouteTables(estate, vnetKey).some((t) => {
      const is = (r: NicEffectiveRouteTable["routes"][number], source: string) => r.source.toLowerCase() === source;
      if (!t.routes.some((r) => is(r, "default"))) return false;
      if (!t.routes.some((r) => is(r, "virtualnetworkgateway") && r.prefixes.some(isIpv4Default))) return false;
      if (t.routes.some((r) => is(r, "user") && r.prefixes.some(isIpv4Default))) return false;
      return !t.routes.some((r) => is(r, "default") && r.nextHopType.toLowerCase() === "none" && r.state.toLowerCase() === "active");
    }),
  );
}

/** The VNet whose gateway a VNet's learned routes come from: the remote VNet of a connected peering that uses remote gateways, else itself. */
export function bgpDomainOf(estate: Pick<Estate, "snapshot" | "memo">, vnetKey: string): string {
  const vnet = estate.snapshot.vnets.get(vnetKey);
  const remote = vnet?.peerings.find((p) => p.useRemoteGateways && p.remoteVnetKey && peeringConnected(estate, vnetKey, p));
  return remote?.remoteVnetKey ?? vnetKey;
}

/** The hub's routes of `subnet`'s VNet as effective routes, parsed once per VNet (they are CIDRs, the same for every subnet). */
function hubRouteEntries(estate: Estate, subnet: Subnet): readonly EffectiveRoute[] {
  // A hub's spokes share most of what they learn (each other's spaces): one parse per learned route, not per VNet.
  const parsed = estate.memo("hub-route-parsed", () => new WeakMap<HubLearnedRoute, EffectiveRoute[]>());
  return estate.memo(`hub-route-entries|${subnet.vnetKey}`, () =>
    hubLearnedRoutes(estate, subnet.vnetKey).flatMap((l) => {
      const known = parsed.get(l);
      if (known) return known;
      const fwIp = l.target.kind === "firewall" ? estate.snapshot.firewalls?.get(l.target.firewallKey)?.privateIpAddresses[0]?.trim() : undefined;
      const hub = { name: l.hub, target: l.target };
      // The hub's own space comes through the VNet's peering with the hub: a system route BGP settings leave alone.
      const base = l.learned
        ? { source: "VirtualNetworkGateway" as const, name: l.name, nextHopType: "VirtualNetworkGateway" as const, ...(fwIp ? { nextHopIpAddress: fwIp } : {}), hub }
        : { source: "Default" as const, name: l.name, nextHopType: "VNetPeering" as const, hub };
      const rank = l.learned ? RANK.learned : RANK.systemNetwork;
      const entries = prefixEntries(estate, subnet, l.prefix, base, { cidr: rank, tag: () => rank });
      parsed.set(l, entries);
      return entries;
    }),
  );
}


/**
 * The routes less each private endpoint /32 that a user route overrides: with route-table network policies on the
 * endpoint's subnet (`privateEndpointNetworkPolicies` `Enabled` or `RouteTableEnabled`), a user route covering the
 * endpoint whose prefix is no longer than the endpoint VNet's space, 0.0.0.0/0 excepted, invalidates the /32.
 * https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
 */
function withoutOverriddenEndpoints(estate: Estate, routes: EffectiveRoute[]): EffectiveRoute[] {
  const user = routes.filter((r) => r.source === "User" && r.length >= 1);
  if (user.length === 0) return routes;
  const limits = endpointRouteLimits(estate);
  if (limits.size === 0) return routes;
  return routes.filter((r) => {
    if (r.source !== "Default" || r.nextHopType !== "InterfaceEndpoint") return true;
    const longest = limits.get(r.addressPrefix);
    return longest === undefined || !user.some((u) => u.family === r.family && u.length <= longest && addrCovers(u.dst, r.dst));
  });
}

/** For each private endpoint /32 (or /128) a user route may override, the longest prefix that can: its VNet space's. */
function endpointRouteLimits(estate: Estate): Map<string, number> {
  return estate.memo("private-endpoint-route-limits", () => {
    const { snapshot } = estate;
    const out = new Map<string, number>();
    for (const pe of snapshot.privateEndpoints.values()) {
      const subnet = pe.subnetKey ? snapshot.subnets.get(pe.subnetKey) : undefined;
      const policies = subnet?.privateEndpointNetworkPolicies;
      if (policies !== "Enabled" && policies !== "RouteTableEnabled") continue;
      const space = snapshot.vnets.get(subnet!.vnetKey)?.addressPrefixes ?? [];
      for (const a of privateEndpointIps(snapshot, pe)) {
        const host = parseCidr(a);
        if (!host) continue;
        const within = space.find((p) => {
          const c = parseCidr(p);
          return c !== null && c.family === host.family && (host.family === 4 ? iv.covers(c.v4, host.v4) : iv.covers(c.v6, host.v6));
        });
        if (within) out.set(hostRoute(a), prefixLength(within)!);
      }
    }
    return out;
  });
}

/**
 * `effectiveRoutes`, shared by the subnets that have the same VNet, route table and service endpoints (their
 * routes are the same list): 10,000 subnets in 100 VNets build about a hundred lists, not 10,000. A fix that
 * changes the route table (its key among the fix's changes) or the subnet's association gets its own.
 */
export function subnetRoutes(estate: Estate, subnet: Subnet): EffectiveRoute[] {
  // Every flow asks, and the shared entry's key is two resource ids long: remember it per subnet object too (a fix that
  // changes the subnet gives it a new object; a derived estate starts with none of these).
  const bySubnet = estate.local("routes-by-subnet", () => new WeakMap<Subnet, EffectiveRoute[]>());
  let routes = bySubnet.get(subnet);
  if (routes) return routes;
  const endpoints = subnet.serviceEndpoints.map((se) => `${se.service}@${se.locations.join(",")}@${se.provisioningState ?? ""}`).join(";");
  routes = estate.memo(`routes|${vnetRoutesKey(estate, subnet)}|${subnet.routeTableKey ?? ""}|${endpoints}`, () => effectiveRoutes(estate, subnet), [subnet.routeTableKey]);
  bySubnet.set(subnet, routes);
  return routes;
}

/** The VNet, or the subnet itself when the input lacks the VNet's space (its own prefixes then stand for it). */
function vnetRoutesKey(estate: Estate, subnet: Subnet): string {
  return estate.snapshot.vnets.get(subnet.vnetKey)?.addressPrefixes.length ? subnet.vnetKey : `${subnet.vnetKey}|${subnet.key}`;
}

/**
 * The system routes every subnet of a VNet shares (its space, connected peerings, private endpoints, the
 * private ranges to None, the defaults), built once per VNet: a hub peered with 1,000 spokes is walked once.
 */
function vnetSystemRoutes(estate: Estate, subnet: Subnet): readonly EffectiveRoute[] {
  return estate.memo(`vnet-routes|${vnetRoutesKey(estate, subnet)}`, () => {
    const { snapshot } = estate;
    const routes: EffectiveRoute[] = [];
    const system = (prefix: string, name: string, hop: NextHopType, rank: number, viaPeering?: Peering) =>
      routes.push(...prefixEntries(estate, subnet, prefix, { source: "Default", name, nextHopType: hop, ...(viaPeering ? { viaPeering } : {}) }, { cidr: rank, tag: () => rank }));
    const vnet = snapshot.vnets.get(subnet.vnetKey);
    const vnetSpace = vnet?.addressPrefixes.length ? vnet.addressPrefixes : subnet.addressPrefixes;
    for (const p of vnetSpace) system(p, "Virtual network", "VnetLocal", RANK.systemNetwork);
    const peeredVnets = new Map<string, Peering>();
    for (const peering of vnet?.peerings ?? []) {
      if (!peeringConnected(estate, subnet.vnetKey, peering)) continue;
      if (peering.remoteVnetKey) peeredVnets.set(peering.remoteVnetKey, peering);
      for (const p of peeredPrefixes(estate, subnet.vnetKey, peering)) system(p, `Peering ${peering.name}`, "VNetPeering", RANK.systemNetwork, peering);
    }
    // VNets an Azure Virtual Network Manager connected group joins, as a peering would (lib/path/connected-groups.ts):
    // a peering's own route, when there is one, is as specific or more, and its private endpoints count as before.
    // One route per prefix length (and overlap), as a tag route is: a mesh of N VNets gives each a few routes, not N.
    for (const g of connectedGroupsOf(estate, subnet.vnetKey)) {
      const name = connectedGroupWords(g.configuration);
      for (const overlap of [false, true]) {
        const cidrs = g.prefixes.filter((p) => g.overlapping.includes(p) === overlap);
        const connectedGroup = { configuration: g.configuration.name, overlap, deployed: g.deployment === "deployed", ...(g.deploymentStatus ? { status: g.deploymentStatus } : {}) };
        routes.push(
          ...routesByLength(cidrs, (family, length, dst, own) => ({ source: "Default", name, nextHopType: "ConnectedGroup", connectedGroup, addressPrefix: own.length === 1 ? own[0] : `${own[0]} and ${own.length - 1} more`, family, dst, length, rank: RANK.systemNetwork })),
        );
      }
    }
    for (const [address, name, via] of privateEndpointAddresses(estate, subnet.vnetKey, peeredVnets)) system(address, `Private endpoint ${name}`, "InterfaceEndpoint", RANK.systemNetwork, via);
    const vnetRanges = cidrsToRanges(vnetSpace);
    for (const p of PRIVATE_RANGES) {
      // Azure drops the None route when the VNet's space holds the whole range (its VnetLocal route replaces it);
      // a VNet prefix inside the range is simply more specific.
      if (iv.covers(vnetRanges.v4, cidrsToRanges([p]).v4)) continue;
      system(p, "Default", "None", RANK.systemNone);
    }
    // A VPN gateway with a forced-tunnelling default site sends the VNet's Internet-bound traffic to on-premises: its
    // subnets' default route goes to the gateway, unless a route table of theirs says otherwise (user beats system).
    // https://learn.microsoft.com/azure/vpn-gateway/site-to-site-tunneling
    const tunnel = defaultSiteGateway(estate, subnet.vnetKey);
    if (tunnel) {
      const defaultSite = { gateway: tunnel.name, site: lastSegment(tunnel.defaultSiteKey!) };
      routes.push(...prefixEntries(estate, subnet, "0.0.0.0/0", { source: "Default", name: `Default site ${defaultSite.site} of ${defaultSite.gateway}`, nextHopType: "VirtualNetworkGateway", defaultSite }, { cidr: RANK.systemInternet, tag: () => RANK.systemInternet }));
    } else system("0.0.0.0/0", "Default", "Internet", RANK.systemInternet);
    system("::/0", "Default", "Internet", RANK.systemInternet);
    return routes;
  });
}

/** The virtual network gateway of `vnetKey` that has a forced-tunnelling default site, if the input holds one. */
function defaultSiteGateway(estate: Estate, vnetKey: string): VirtualNetworkGateway | undefined {
  const byVnet = estate.memo("default-site-gateways", () => {
    const out = new Map<string, VirtualNetworkGateway>();
    for (const gw of estate.snapshot.virtualNetworkGateways?.values() ?? []) if (gw.vnetKey && gw.defaultSiteKey) out.set(gw.vnetKey, gw);
    return out;
  });
  return byVnet.get(vnetKey);
}

export function routeTableOf(estate: Estate, subnet: Subnet): RouteTable | undefined {
  return subnet.routeTableKey ? estate.snapshot.routeTables.get(subnet.routeTableKey) : undefined;
}

/** A peering carries traffic when it is Connected (or its state is not printed) and allows virtual network access. */
export function peeringConnected(estate: Pick<Estate, "snapshot" | "memo">, vnetKey: string, peering: { allowVirtualNetworkAccess: boolean; peeringState?: string; remoteVnetKey?: string }): boolean {
  if (!peering.allowVirtualNetworkAccess) return false;
  if (peering.peeringState && peering.peeringState.toLowerCase() !== "connected") return false;
  // When the remote VNet is in the input, its side must allow virtual network access too.
  if (!peering.remoteVnetKey) return true;
  // Indexed once per estate: a hub with 1,000 peerings is asked about each spoke.
  const blocked = estate.memo("peerings-without-access", () => {
    const out = new Set<string>();
    for (const v of estate.snapshot.vnets.values()) for (const p of v.peerings) if (p.remoteVnetKey && !p.allowVirtualNetworkAccess) out.add(`${v.key}|${p.remoteVnetKey}`);
    return out;
  });
  return !blocked.has(`${peering.remoteVnetKey}|${vnetKey}`);
}

/** A private endpoint's addresses as the input shows them: its own list and its NICs' private IPs. */
export function privateEndpointIps(snapshot: Snapshot, pe: PrivateEndpoint): string[] {
  const out = new Set(pe.ipAddresses ?? []);
  for (const nicKey of pe.nicKeys ?? []) for (const ipc of snapshot.nics.get(nicKey)?.ipConfigurations ?? []) if (ipc.privateIpAddress) out.add(ipc.privateIpAddress);
  return [...out];
}

/** An address's host route: `/32` for IPv4, `/128` for IPv6. */
const hostRoute = (address: string) => (address.includes(":") ? `${address}/128` : `${address}/32`);

/**
 * Private endpoint addresses (as /32 or /128) in the VNet and its directly peered VNets, with the endpoint's name and
 * the peering that carries it; a subnet peering carries only the endpoints in the subnets it joins.
 */
function privateEndpointAddresses(estate: Estate, vnetKey: string, peered: ReadonlyMap<string, Peering>): [string, string, Peering | undefined][] {
  const out: [string, string, Peering | undefined][] = [];
  const { snapshot } = estate;
  const byVnet = estate.memo("private-endpoints-by-vnet", () => {
    const m = new Map<string, PrivateEndpoint[]>();
    for (const pe of snapshot.privateEndpoints.values()) {
      const v = pe.subnetKey ? snapshot.subnets.get(pe.subnetKey)?.vnetKey : undefined;
      if (!v) continue;
      const list = m.get(v) ?? [];
      list.push(pe);
      m.set(v, list);
    }
    return m;
  });
  for (const pe of byVnet.get(vnetKey) ?? []) for (const a of privateEndpointIps(snapshot, pe)) if (parseCidr(a)) out.push([hostRoute(a), pe.name, undefined]);
  for (const [remoteKey, peering] of peered) {
    const joined = joinedSubnets(estate, vnetKey, peering).remote;
    const v6Only = peersIpv6Only(estate, vnetKey, peering);
    for (const pe of byVnet.get(remoteKey) ?? []) {
      const peSubnet = pe.subnetKey ? snapshot.subnets.get(pe.subnetKey) : undefined;
      if (joined && !(peSubnet && joined.has(peSubnet.name.toLowerCase()))) continue;
      for (const a of privateEndpointIps(snapshot, pe)) if (parseCidr(a) && (!v6Only || a.includes(":"))) out.push([hostRoute(a), pe.name, peering]);
    }
  }
  return out;
}

/** The service tags a service endpoint routes: `Microsoft.Storage` in its locations, `Microsoft.Storage.Global` everywhere. */
export function serviceEndpointTags(service: string, locations: readonly string[]): string[] {
  const lower = service.toLowerCase();
  const tag = lower === "microsoft.storage" || lower === "microsoft.storage.global" ? "Storage" : lower.startsWith("microsoft.") ? service.slice("Microsoft.".length).split(".")[0] : service;
  if (lower === "microsoft.storage.global" || locations.length === 0 || locations.some((l) => l.trim() === "*")) return [tag];
  return locations.map((l) => `${tag}.${l.replace(/\s+/g, "")}`);
}

/** One piece of a destination set and the route that carries it. */
export interface RoutedPiece {
  dst: AddrSet;
  route: EffectiveRoute;
}

/**
 * Longest-prefix match over a destination set: the routes are in lookup order, so each takes the part of
 * what is left that it covers. Every address meets some route (the /0 defaults hold everything).
 */
export function lookup(routes: readonly EffectiveRoute[], family: 4 | 6, dst: AddrSet): RoutedPiece[] {
  const out: RoutedPiece[] = [];
  let rest: AddrSet = family === 4 ? { v4: dst.v4, v6: [], tags: dst.tags } : { v4: [], v6: dst.v6, tags: dst.tags };
  const whole = tagsIsEmpty(rest.tags) ? undefined : wholeFamilyCover(routes, family);
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    if (addrIsEmpty(rest)) break;
    // Concrete routes before the default already cover the whole family (0.0.0.0/1 and 128.0.0.0/1): a tag's addresses,
    // whose prefixes were not given, are among them, so the default takes none. They all send the traffic one way:
    // that way carries the tags. A route for the tag itself (a tag route, a service endpoint's) is one route per
    // prefix of the tag, longer than such a cover's: it keeps its traffic, and came first.
    if (whole && i > whole.at && route.length === 0 && route.family === family && !tagsIsEmpty(rest.tags) && !tagsIsEmpty(tagsIntersect(rest.tags, route.dst.tags))) {
      out.push({ dst: { v4: [], v6: [], tags: rest.tags }, route: whole.carrier });
      rest = { ...rest, tags: NO_TAGS };
      if (addrIsEmpty(rest)) break;
    }
    // Most routes of a long table miss the traffic: telling so allocates nothing, intersecting does.
    if (route.family !== family || !addrOverlaps(rest, route.dst)) continue;
    const hit = addrIntersect(rest, route.dst);
    if (addrIsEmpty(hit)) continue;
    out.push({ dst: hit, route });
    rest = addrSubtract(rest, route.dst);
  }
  return out;
}

/**
 * Where a route list's concrete routes of `family` together cover the whole family (the `0.0.0.0/1` and `128.0.0.0/1`
 * pair that overrides a default route; tag routes between them and the default are passed over): the index at which they do, and the
 * first of them reaching public space, when every such one sends traffic the same way (else undefined: which of them
 * takes a tag's addresses depends on prefixes not supplied, and `routesAssumedApart` notes it). Kept per list.
 */
function wholeFamilyCover(routes: readonly EffectiveRoute[], family: 4 | 6): { at: number; carrier: EffectiveRoute } | undefined {
  let byFamily = wholeCovers.get(routes);
  if (!byFamily) wholeCovers.set(routes, (byFamily = {}));
  if (family in byFamily) return byFamily[family];
  let found: { at: number; carrier: EffectiveRoute } | undefined;
  let v4: iv.Intervals<number> = [];
  let v6: iv.Intervals<bigint> = [];
  const carriers: EffectiveRoute[] = [];
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i];
    if (r.family !== family) continue;
    if (r.length === 0) break;
    if (!tagsIsEmpty(r.dst.tags)) continue;
    if ((family === 4 ? r.dst.v4 : r.dst.v6).length === 0) continue;
    const publicPart = family === 4 ? !iv.covers(NON_PUBLIC_V4, r.dst.v4) : !iv.covers(NON_PUBLIC_V6, r.dst.v6);
    if (publicPart) carriers.push(r);
    let full: boolean;
    if (family === 4) {
      v4 = iv.union(v4, r.dst.v4);
      full = v4.length === 2 && v4[0] === 0 && v4[1] === V4_MAX;
    } else {
      v6 = iv.union(v6, r.dst.v6);
      full = v6.length === 2 && v6[0] === 0n && v6[1] === V6_MAX;
    }
    if (!full) continue;
    if (carriers.length && carriers.every((c) => sameHop(c, carriers[0]))) found = { at: i, carrier: carriers[0] };
    break;
  }
  byFamily[family] = found;
  return found;
}

const wholeCovers = new WeakMap<readonly EffectiveRoute[], { 4?: { at: number; carrier: EffectiveRoute }; 6?: { at: number; carrier: EffectiveRoute } }>();

/** Whether two routes send traffic the same way: the same next-hop type and address. */
const sameHop = (a: EffectiveRoute, b: EffectiveRoute) => a.nextHopType === b.nextHopType && (a.nextHopIpAddress ?? "") === (b.nextHopIpAddress ?? "");

/**
 * The note (at most one) for route-table routes that `dst`'s service tags (held without prefixes) passed over only
 * because, without prefixes, a tag is taken as disjoint from a public CIDR or another tag (CONTRACT §4), where the route that took
 * those tags instead sends them elsewhere (`20.0.0.0/8 → None` passed over, `0.0.0.0/0 → Internet` taken): whether
 * the more specific route carries some of that traffic depends on prefixes not supplied. System routes are Azure's
 * own (the VNet's space, peerings, other services' endpoints) and are not second-guessed. Empty for traffic with
 * no symbolic tag (or every tag: its concrete part is routed exactly).
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
 */
export function routesAssumedApart(routes: readonly EffectiveRoute[], family: 4 | 6, dst: AddrSet, display?: (lower: string) => string): string[] {
  if (dst.tags.rest || tagsIsEmpty(dst.tags)) return [];
  // It reads only the tags, which every subnet sharing the route list asks about alike (Storage, the seed's tags), and
  // a flow's pieces share their tag set object: kept per route list and set, no key built per piece.
  let byTags = apartByRoutes.get(routes);
  if (!byTags) apartByRoutes.set(routes, (byTags = new WeakMap()));
  let perFamily = byTags.get(dst.tags);
  if (!perFamily) byTags.set(dst.tags, (perFamily = {}));
  return (perFamily[family] ??= apartNotes(routes, family, assumedTags(routes, family, dst.tags), display));
}

/**
 * The flow's tags whose way rests on the assumption: where concrete routes cover the whole family and send it one way,
 * that way carries every tag no tag route takes first (nothing assumed), so only the tags of tag routes are left.
 */
function assumedTags(routes: readonly EffectiveRoute[], family: 4 | 6, tags: TagSet): TagSet {
  if (!wholeFamilyCover(routes, family)) return tags;
  let claimed = NO_TAGS;
  for (const r of routes) if (r.family === family && r.length > 0 && !tagsIsEmpty(r.dst.tags)) claimed = tagsUnion(claimed, r.dst.tags);
  return tagsIntersect(tags, claimed);
}

const apartByRoutes = new WeakMap<readonly EffectiveRoute[], WeakMap<TagSet, { 4?: string[]; 6?: string[] }>>();

function apartNotes(routes: readonly EffectiveRoute[], family: 4 | 6, flowTags: TagSet, display?: (lower: string) => string): string[] {
  const items: string[] = [];
  let noted = NO_TAGS;
  const passed: { route: EffectiveRoute; tags: TagSet }[] = [];
  let rest = flowTags;
  for (const route of routes) {
    if (tagsIsEmpty(rest)) break;
    if (route.family !== family) continue;
    if (route.source === "User" || route.bgp) {
      const apart = assumedApart(rest, route.dst);
      if (!tagsIsEmpty(apart)) passed.push({ route, tags: apart });
    }
    const taken = tagsIntersect(rest, route.dst.tags);
    if (tagsIsEmpty(taken)) continue;
    for (const p of passed) {
      const tags = tagsIntersect(p.tags, taken);
      if (tagsIsEmpty(tags) || sameHop(p.route, route)) continue;
      const hop = `${p.route.addressPrefix} → ${p.route.nextHopType}${p.route.nextHopIpAddress ? ` ${p.route.nextHopIpAddress}` : ""}`;
      const item = p.route.bgp ? `the route ${hop} learned over BGP (NIC ${p.route.bgp.nic}'s effective routes)` : `route ${p.route.name}${p.route.routeTable ? ` in ${p.route.routeTable.name}` : ""} (${hop})`;
      if (!items.includes(item)) items.push(item);
      noted = tagsUnion(noted, tags);
    }
    rest = tagsSubtract(rest, route.dst.tags);
  }
  return items.length ? [assumedApartNote(items, noted, display)] : [];
}

/** Each route's row key, and the keys of the routes that carry some traffic (the rest is `Invalid`). */
interface RouteStates {
  keys: string[];
  active: Set<string>;
}

const routeStatesOf = new WeakMap<readonly EffectiveRoute[], RouteStates>();

/**
 * Which of a route list's routes carry traffic: each takes what the routes before it (in lookup order) left. Worked out
 * once per list, which the subnets of a VNet with one route table share: the running union makes it routes², and a hub's
 * route table may hold 400 routes.
 */
function routeStates(routes: readonly EffectiveRoute[]): RouteStates {
  let states = routeStatesOf.get(routes);
  if (states) return states;
  states = { keys: [], active: new Set() };
  let taken: Record<4 | 6, AddrSet> = { 4: EMPTY, 6: EMPTY };
  for (const r of routes) {
    const key = `${r.source}|${r.routeTable?.key ?? ""}|${r.name}|${r.addressPrefix}|${r.nextHopType}|${r.nextHopIpAddress ?? ""}`;
    states.keys.push(key);
    if (!addrIsEmpty(addrSubtract(r.dst, taken[r.family]))) states.active.add(key);
    taken = { ...taken, [r.family]: addrUnion(taken[r.family], r.dst) };
  }
  routeStatesOf.set(routes, states);
  return states;
}

/** Rows for the report, like Network Watcher's effective routes: each route once, `Invalid` when others cover all it would carry. */
export function effectiveRouteRows(estate: Estate, subnet: Subnet, describeHop: (route: EffectiveRoute) => string | undefined): EffectiveRouteRow[] {
  const routes = subnetRoutes(estate, subnet);
  const rows = new Map<string, EffectiveRouteRow>();
  const { keys, active } = routeStates(routes);
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i];
    const key = keys[i];
    if (rows.has(key)) continue;
    const hop = describeHop(r);
    rows.set(key, {
      source: r.source,
      addressPrefix: r.addressPrefix,
      nextHopType: r.nextHopType,
      ...(r.nextHopIpAddress ? { nextHopIpAddress: r.nextHopIpAddress } : {}),
      ...(r.routeTable ? { routeTable: r.routeTable.id, route: r.name } : r.hub ? { route: r.name } : {}),
      ...(hop ? { nextHop: hop } : {}),
    });
  }
  for (const [key, row] of rows) row.state = active.has(key) ? "Active" : "Invalid";
  return [...rows.values()];
}

export type { Route };
