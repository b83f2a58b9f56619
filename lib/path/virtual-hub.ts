// The routes a VNet learns from the Virtual WAN hub it is connected to. A hub connection is a BGP neighbour of the
// VNet: its routes rank below a route table's and above the system routes on an equal prefix, never override the
// VNet's own space, its peerings or service endpoints, and are not installed in a subnet whose route table disables
// BGP route propagation. The hub's own space comes through the VNet's peering with the hub (a system route). What
// the VNet learns (https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing):
// - with routing intent (https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies): an Internet policy
//   gives 0.0.0.0/0 to its next hop (only on connections with `enableInternetSecurity`); a private traffic policy gives
//   10/8, 172.16/12 and 192.168/16 and the hub's additional prefixes to its next hop, in place of the routes to the
//   other connected VNets, so spoke-to-spoke traffic is inspected; with an Internet policy alone, the default route
//   table's other static routes and the VNets that propagate to it, as without routing intent;
// - without it: the routes of the route table its connection is associated with (0.0.0.0/0 only with
//   `enableInternetSecurity`), the spaces of the VNets whose connections propagate to that table (by id, or by label
//   across the hubs of the virtual WAN), which the hubs' routers deliver, and those connections' static routes.
// Where the hub's routing is not in the input, or a connection is not provisioned, what it would send where cannot be
// judged: those routes say so rather than leave the traffic to the system routes.
import type { HubRouteTable, HubVirtualNetworkConnection, RoutingIntent, Snapshot, VirtualHub } from "../model/types";
import type { Estate } from "../nsg/estate";
import { lastSegment } from "../snapshot/arm-id";
import { parseCidr } from "../net/ip";

/** Where a learned route's next hop is, as the hub has it. */
export type HubTarget =
  /** A security solution in the hub that is an Azure Firewall (by id; the caller finds it in the input). */
  | { kind: "firewall"; firewallKey: string }
  /** The hub's router (or, across hubs, the hubs' routers), which delivers to a connected VNet or into the hub. */
  | { kind: "router"; vnetName?: string }
  /** A next hop the audit cannot see into (an NVA behind a VNet connection, another hub's security solution). */
  | { kind: "other"; nextHop: string }
  /** The hub's routing is not in the input, or a connection is not provisioned: where it goes cannot be judged. */
  | { kind: "unknown"; why: string };

export interface HubLearnedRoute {
  /** A CIDR. */
  prefix: string;
  /** Words for the route: the hub, and the policy or hub route that gives it. */
  name: string;
  hub: string;
  target: HubTarget;
  /** False for the hub's own space, reached through the VNet's peering with the hub (a system route, whatever BGP). */
  learned: boolean;
}

const PRIVATE_TRAFFIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Whether a prefix is the IPv4 default route, `0.0.0.0/0`, however it is written. */
export function isIpv4Default(prefix: string): boolean {
  const c = parseCidr(prefix.trim());
  return c !== null && c.family === 4 && prefix.trim().endsWith("/0");
}

/** A hub's default route table, by key: what a connection without `routingConfiguration` uses. */
const defaultTableKey = (hubKey: string) => `${hubKey}/hubroutetables/defaultroutetable`;

/** A Virtual WAN hub's managed VNet (`HV_<hub>_<guid>`), which a connected VNet peers with. */
const HUB_VNET = /^hv_/i;

/** Connections not provisioned (`Failed`, `Updating`, …) carry no known routes. */
const settled = (c: HubVirtualNetworkConnection) => !c.provisioningState || c.provisioningState.toLowerCase() === "succeeded";

interface WanIndex {
  byVnet: Map<string, HubVirtualNetworkConnection[]>;
  byHub: Map<string, HubVirtualNetworkConnection[]>;
  intentByHub: Map<string, RoutingIntent>;
  all: HubVirtualNetworkConnection[];
}

/** Connections by VNet and by hub, and each hub's routing intent: once per estate family (fixes never change hubs). */
function wanIndex(estate: Pick<Estate, "snapshot" | "memo">): WanIndex {
  return estate.memo("virtual-wan-index", () => {
    const { snapshot } = estate;
    const byVnet = new Map<string, HubVirtualNetworkConnection[]>();
    const byHub = new Map<string, HubVirtualNetworkConnection[]>();
    const all = [...(snapshot.hubConnections?.values() ?? [])];
    for (const c of all) {
      byHub.set(c.hubKey, [...(byHub.get(c.hubKey) ?? []), c]);
      if (c.remoteVnetKey) byVnet.set(c.remoteVnetKey, [...(byVnet.get(c.remoteVnetKey) ?? []), c]);
    }
    const intentByHub = new Map<string, RoutingIntent>();
    for (const i of snapshot.routingIntents?.values() ?? []) if (i.policies.length && !intentByHub.has(i.hubKey)) intentByHub.set(i.hubKey, i);
    return { byVnet, byHub, intentByHub, all };
  });
}

/** The routing policy of `intent` for a destination (`internet`, `privatetraffic`). */
function policyFor(intent: RoutingIntent | undefined, destination: "internet" | "privatetraffic") {
  return intent?.policies.find((p) => p.destinations.some((d) => d.toLowerCase() === destination));
}

/**
 * The routes VNet `vnetKey` learns from the virtual hubs it is connected to (see the module comment), in no particular
 * order (a prefix may come twice, from two sources); empty when no connection of the input names it. A VNet peered
 * with a hub's managed VNet (`HV_…`) while no connection is read learns routes that cannot be judged. Memoised per
 * VNet. Never throws. https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
export function hubLearnedRoutes(estate: Estate, vnetKey: string): readonly HubLearnedRoute[] {
  return estate.memo(`hub-routes|${vnetKey}`, () => {
    const connections = wanIndex(estate).byVnet.get(vnetKey);
    if (connections?.length) return connections.flatMap((c) => connectionRoutes(estate, c));
    return unreadHubRoutes(estate, vnetKey);
  });
}

/** The names of the virtual hubs whose connections name VNet `vnetKey`. */
export function connectedHubs(estate: Pick<Estate, "snapshot" | "memo">, vnetKey: string): string[] {
  return [...new Set((wanIndex(estate).byVnet.get(vnetKey) ?? []).map((c) => hubName(estate.snapshot, c.hubKey)))];
}

/**
 * Whether a VNet reaches hub firewall `hubKey`'s address: true when a connection of the input joins them; false when
 * the hub's connections are read and none names the VNet (nothing routes to the hub then); undefined when the hub's
 * connections are not in the input (the VNet may be connected, through a peering with the hub's VNet).
 */
export function vnetReachesHub(estate: Estate, vnetKey: string, hubKey: string): boolean | undefined {
  const index = wanIndex(estate);
  if ((index.byVnet.get(vnetKey) ?? []).some((c) => c.hubKey === hubKey)) return true;
  return index.byHub.has(hubKey) ? false : undefined;
}

/** Whether a VNet peers with a Virtual WAN hub's managed VNet (`HV_…`), as every VNet connected to a hub does. */
export function peersWithHubVnet(estate: Estate, vnetKey: string): boolean {
  return !!estate.snapshot.vnets.get(vnetKey)?.peerings.some((p) => p.remoteVnetKey && HUB_VNET.test(lastSegment(p.remoteVnetKey)));
}

/**
 * Whether a hub's firewall can hand traffic on to VNet `vnetKey`: true when a connection of the input joins the VNet
 * to a hub (this one, or another of the virtual WAN); false when the hub's connections are read and no connection
 * names the VNet (the hub has no route to it); undefined when the input cannot say.
 */
export function hubReachesVnet(estate: Estate, hubKey: string, vnetKey: string): boolean | undefined {
  const index = wanIndex(estate);
  if ((index.byVnet.get(vnetKey) ?? []).some(settled)) return true;
  return index.byHub.has(hubKey) && !peersWithHubVnet(estate, vnetKey) ? false : undefined;
}

/** A hub's name: from the hub when the input holds it, else from its id. */
function hubName(snapshot: Snapshot, hubKey: string): string {
  return snapshot.virtualHubs?.get(hubKey)?.name ?? lastSegment(hubKey);
}

/** The hub's Azure Firewall, by its own `azureFirewall` or a firewall of the input that names the hub. */
function hubFirewallKey(snapshot: Snapshot, hub: VirtualHub | undefined, hubKey: string): string | undefined {
  if (hub?.firewallKey) return hub.firewallKey;
  for (const fw of snapshot.firewalls?.values() ?? []) if (fw.virtualHubKey === hubKey) return fw.key;
  return undefined;
}

/** A hub route's or routing policy's next hop: an Azure Firewall (its resource type says so), or something else. */
function targetOf(nextHopKey: string | undefined): HubTarget {
  if (!nextHopKey) return { kind: "unknown", why: "the hub route names no next hop" };
  if (nextHopKey.includes("/providers/microsoft.network/azurefirewalls/")) return { kind: "firewall", firewallKey: nextHopKey };
  return { kind: "other", nextHop: lastSegment(nextHopKey) };
}

/** What connection `c` gives its VNet (see the module comment). */
function connectionRoutes(estate: Estate, c: HubVirtualNetworkConnection): HubLearnedRoute[] {
  const { snapshot } = estate;
  const hub = snapshot.virtualHubs?.get(c.hubKey);
  const name = hubName(snapshot, c.hubKey);
  const out: HubLearnedRoute[] = [];
  const add = (prefix: string, words: string, target: HubTarget, learned = true) => {
    if (isIpv4Default(prefix) && learned && !c.enableInternetSecurity) return;
    out.push({ prefix, name: `virtual hub ${name}: ${words}`, hub: name, target, learned });
  };
  // The hub's space, unless the VNet's peering with the hub's VNet (which Azure creates with the connection) is given.
  if (hub?.addressPrefix && !peersWithHubVnet(estate, c.remoteVnetKey!)) add(hub.addressPrefix, "the hub's address space", { kind: "router" }, false);
  if (!settled(c)) {
    const target: HubTarget = { kind: "unknown", why: `connection ${c.name} of virtual hub ${name} to this VNet is ${c.provisioningState}, so the routes it gives cannot be judged` };
    for (const p of ["0.0.0.0/0", ...PRIVATE_TRAFFIC]) add(p, `connection ${c.name} (${c.provisioningState})`, target);
    return out;
  }

  const intent = wanIndex(estate).intentByHub.get(c.hubKey);
  const internet = policyFor(intent, "internet");
  const priv = policyFor(intent, "privatetraffic");
  if (intent && internet) add("0.0.0.0/0", `routing intent ${intent.name}, policy ${internet.name}`, targetOf(internet.nextHopKey));
  const defaultTable = snapshot.hubRouteTables?.get(defaultTableKey(c.hubKey));
  if (intent && priv) {
    const target = targetOf(priv.nextHopKey);
    for (const p of PRIVATE_TRAFFIC) add(p, `routing intent ${intent.name}, policy ${priv.name}`, target);
    // Additional prefixes sit in the default route table as routes to the policy's next hop (0.0.0.0/0 there is
    // forced tunnel mode, learnt by connections that propagate the default route).
    for (const r of defaultTable?.routes ?? []) {
      if (r.name.toLowerCase().startsWith("_policy_") || r.nextHopKey !== priv.nextHopKey) continue;
      for (const d of cidrs(r)) add(d, `routing intent ${intent.name}, additional prefix ${d} (${r.name})`, target);
    }
    return out;
  }

  // Routing intent with an Internet policy alone keeps every connection on the default route table.
  const tableKey = intent ? defaultTableKey(c.hubKey) : (c.associatedRouteTableKey ?? defaultTableKey(c.hubKey));
  const table = snapshot.hubRouteTables?.get(tableKey);
  if (table) {
    for (const r of table.routes) {
      // The policy's own route (and, under an Internet policy, any other default route) is the policy's.
      if (intent && (r.name.toLowerCase().startsWith("_policy_") || r.destinations.some(isIpv4Default))) continue;
      for (const d of cidrs(r)) add(d, `route ${r.name} in hub route table ${table.name}`, targetOf(r.nextHopKey));
    }
  }
  // An unread table may hold static routes that send the other VNets' traffic (or, on a hub with a firewall, the
  // Internet's) elsewhere: those routes cannot be judged. A hub not in the input may have a firewall.
  // Under an Internet policy the connected VNets reach each other through the router whatever else the table holds.
  const unread: HubTarget | undefined =
    table || intent
      ? undefined
      : { kind: "unknown", why: `route table ${tableName(tableKey)} of virtual hub ${name}, which the VNet's connection learns from, is not in the input${hub ? "" : " (nor the hub)"}, so where the hub sends this traffic cannot be judged (add \`az network vhub route-table list\` and \`az network vhub routing-intent list\` for ${name})` };
  if (unread && !intent && (!hub || hubFirewallKey(snapshot, hub, c.hubKey))) add("0.0.0.0/0", `route table ${tableName(tableKey)} (not in the input)`, unread);
  return [...out, ...propagated(estate, c, tableKey, table, name, unread, !!internet)];
}

/** A hub route table's name from its key (ids are read lower-cased), for words when the table is not in the input. */
const tableName = (tableKey: string) => (tableKey.endsWith("/defaultroutetable") ? "defaultRouteTable" : lastSegment(tableKey));

/** A hub route's CIDR destinations (other destination types name no addresses). */
function cidrs(r: HubRouteTable["routes"][number]): string[] {
  return r.destinationType && r.destinationType.toLowerCase() !== "cidr" ? [] : r.destinations;
}

/**
 * What the VNet of connection `c` learns from the other connections that propagate to route table `tableKey`: their
 * VNets' spaces (the hubs' routers deliver them) and their static routes (to an address in their VNet: an NVA,
 * outside the audit). A connection propagates by id to its own hub's tables, by label to the tables of every hub of
 * the virtual WAN that carry the label; without `routingConfiguration`, to its hub's default route table and label
 * `default`. `unread` (the table is not in the input, so its labels are unknown too) makes each of these, and any
 * connection propagating by a label other than `none`, cannot-be-judged; with `internetPolicy` a static default route
 * gives way to the policy's. The list for a table is built once and shared by every connection associated with it
 * (each leaves out its own VNet): a hub of 800 spokes is walked 800 times, not 640,000.
 */
function propagated(estate: Estate, c: HubVirtualNetworkConnection, tableKey: string, table: HubRouteTable | undefined, hub: string, unread: HubTarget | undefined, internetPolicy: boolean): HubLearnedRoute[] {
  const key = `hub-propagated|${c.hubKey}|${tableKey}|${unread ? 1 : 0}|${internetPolicy ? 1 : 0}|${c.enableInternetSecurity ? 1 : 0}`;
  const all = estate.memo(key, () => propagatedToTable(estate, c, tableKey, table, hub, unread, internetPolicy));
  const out: HubLearnedRoute[] = [];
  for (const x of all) if (x.vnetKey !== c.remoteVnetKey) out.push(x.route);
  return out;
}

function propagatedToTable(estate: Estate, c: HubVirtualNetworkConnection, tableKey: string, table: HubRouteTable | undefined, hub: string, unread: HubTarget | undefined, internetPolicy: boolean): { vnetKey: string; route: HubLearnedRoute }[] {
  const { snapshot } = estate;
  const index = wanIndex(estate);
  const labels = new Set((table?.labels ?? (tableKey === defaultTableKey(c.hubKey) ? ["default"] : [])).map((l) => l.toLowerCase()));
  const wan = snapshot.virtualHubs?.get(c.hubKey)?.virtualWanKey;
  const out: { vnetKey: string; route: HubLearnedRoute }[] = [];
  for (const other of index.all) {
    if (!other.remoteVnetKey) continue;
    const sameHub = other.hubKey === c.hubKey;
    if (!sameHub) {
      // Labels reach across the hubs of one virtual WAN (hubs whose WAN the input does not say are taken to share it).
      const otherWan = snapshot.virtualHubs?.get(other.hubKey)?.virtualWanKey;
      if (wan && otherWan && wan !== otherWan) continue;
    }
    const stated = other.propagatedRouteTableKeys !== undefined || other.propagatedLabels !== undefined;
    const otherLabels = (stated ? (other.propagatedLabels ?? []) : ["default"]).map((l) => l.toLowerCase());
    const byId = sameHub && (stated ? (other.propagatedRouteTableKeys ?? []).includes(tableKey) : tableKey === defaultTableKey(c.hubKey));
    const byLabel = otherLabels.some((l) => labels.has(l));
    const maybe = !table && otherLabels.some((l) => l !== "none");
    if (!byId && !byLabel && !maybe) continue;
    const vnetKey = other.remoteVnetKey;
    const vnet = snapshot.vnets.get(vnetKey);
    const vnetName = vnet?.name ?? lastSegment(vnetKey);
    const otherHub = hubName(snapshot, other.hubKey);
    const via = sameHub ? `connection ${other.name} to ${vnetName}` : `connection ${other.name} of virtual hub ${otherHub} to ${vnetName}`;
    // Across hubs, a private traffic policy of the far hub sends it through that hub's security solution.
    const farPolicy = sameHub ? undefined : policyFor(index.intentByHub.get(other.hubKey), "privatetraffic");
    const target: HubTarget = !settled(other)
      ? { kind: "unknown", why: `connection ${other.name} to ${vnetName} is ${other.provisioningState}, so whether the hub delivers to it cannot be judged` }
      : (unread ?? (farPolicy ? { kind: "other", nextHop: `${lastSegment(farPolicy.nextHopKey ?? "")} (the private traffic policy of virtual hub ${otherHub})` } : { kind: "router", vnetName }));
    for (const p of vnet?.addressPrefixes ?? []) out.push({ vnetKey, route: { prefix: p, name: `virtual hub ${hub}: ${via}`, hub, target, learned: true } });
    if (other.propagateStaticRoutes === false) continue;
    for (const r of other.staticRoutes ?? []) {
      for (const p of r.addressPrefixes) {
        if (isIpv4Default(p) && (!c.enableInternetSecurity || internetPolicy)) continue;
        const nva: HubTarget = unread ?? { kind: "other", nextHop: `${r.nextHopIpAddress ?? "an address"} in ${vnetName}` };
        out.push({ vnetKey, route: { prefix: p, name: `virtual hub ${hub}: static route ${r.name} of ${via}`, hub, target: nva, learned: true } });
      }
    }
  }
  return out;
}

/**
 * A VNet peered with a hub's managed VNet (`HV_…`) while no connection of the input names it: the hub's routing is
 * unread, so a default route and the private ranges it may send to a firewall cannot be judged.
 */
function unreadHubRoutes(estate: Estate, vnetKey: string): HubLearnedRoute[] {
  const peering = estate.snapshot.vnets.get(vnetKey)?.peerings.find((p) => p.remoteVnetKey && HUB_VNET.test(lastSegment(p.remoteVnetKey)));
  if (!peering) return [];
  // `HV_<hub>_<guid>`: the hub's name sits between the prefix and the last underscore (ids are read lower-cased).
  const hvName = lastSegment(peering.remoteVnetKey!);
  const hub = hvName.slice(3, hvName.lastIndexOf("_") > 3 ? hvName.lastIndexOf("_") : undefined) || hvName;
  const target: HubTarget = { kind: "unknown", why: `the VNet peers with a Virtual WAN hub's VNet (peering ${peering.name}), and no connection of that hub to it is in the input, so where the hub sends this traffic (its routing intent may send it to a firewall) cannot be judged (add \`az network vhub list\`, then per hub \`az network vhub connection list\`, \`az network vhub route-table list\` and \`az network vhub routing-intent list\`)` };
  return ["0.0.0.0/0", ...PRIVATE_TRAFFIC].map((prefix) => ({ prefix, name: `a Virtual WAN hub (peering ${peering.name}): not in the input`, hub, target, learned: true }));
}

/**
 * Whether virtual hub `hubKey` routes Internet traffic in forced tunnel mode: routing intent with a private traffic
 * policy, no Internet policy, and 0.0.0.0/0 among its additional prefixes. The security solution then sends what it
 * lets out along a default route learnt from on-premises, an NVA or a static route, if any: outside the audit.
 * Memoised per hub. https://learn.microsoft.com/azure/virtual-wan/about-internet-routing
 */
export function hubForcedTunnel(estate: Estate, hubKey: string): boolean {
  return estate.memo(`hub-forced-tunnel|${hubKey}`, () => {
    const intent = wanIndex(estate).intentByHub.get(hubKey);
    const priv = policyFor(intent, "privatetraffic");
    if (!priv || policyFor(intent, "internet")) return false;
    const table = estate.snapshot.hubRouteTables?.get(defaultTableKey(hubKey));
    return !!table?.routes.some((r) => !r.name.toLowerCase().startsWith("_policy_") && r.nextHopKey === priv.nextHopKey && cidrs(r).some(isIpv4Default));
  });
}

/**
 * The Azure Firewall of another virtual hub that a hub firewall's traffic to VNet `toVnetKey` crosses next: the VNet is
 * connected to a hub other than `fromHubKey` whose private traffic policy sends its traffic through that hub's
 * firewall ("Hub 1 and 2 AzFW" for traffic between the hubs' VNets). Undefined otherwise.
 * https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies
 */
export function farHubFirewall(estate: Estate, fromHubKey: string, toVnetKey: string): { firewallKey: string; hub: string } | undefined {
  const index = wanIndex(estate);
  for (const c of index.byVnet.get(toVnetKey) ?? []) {
    if (c.hubKey === fromHubKey || !settled(c)) continue;
    const next = targetOf(policyFor(index.intentByHub.get(c.hubKey), "privatetraffic")?.nextHopKey);
    if (next.kind === "firewall") return { firewallKey: next.firewallKey, hub: hubName(estate.snapshot, c.hubKey) };
  }
  return undefined;
}
