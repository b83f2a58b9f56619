// The routes a VNet learns from the Virtual WAN hub it is connected to. A hub connection is a BGP neighbour of the
// VNet: its routes rank below a route table's and above the system routes on an equal prefix, never override the
// VNet's own space, its peerings or service endpoints, and are not installed in a subnet whose route table disables
// BGP route propagation. What the VNet learns:
// - with routing intent (https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies): an Internet policy
//   gives 0.0.0.0/0 to its next hop (only on connections with `enableInternetSecurity`); a private traffic policy gives
//   10/8, 172.16/12 and 192.168/16 and the hub's additional prefixes to its next hop, in place of the routes to the
//   other connected VNets, so spoke-to-spoke traffic is inspected;
// - without it (https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing): the routes of the route
//   table its connection is associated with (static routes, 0.0.0.0/0 only with `enableInternetSecurity`) and the
//   spaces of the VNets whose connections propagate to that table, which the hub's router delivers to;
// - always the hub's own address prefix.
import type { HubVirtualNetworkConnection, VirtualHub } from "../model/types";
import type { Estate } from "../nsg/estate";
import { lastSegment } from "../snapshot/arm-id";
import { parseCidr } from "../net/ip";

/** Where a learned route's next hop is, as the hub has it. */
export type HubTarget =
  /** A security solution in the hub that is an Azure Firewall (by id; the caller finds it in the input). */
  | { kind: "firewall"; firewallKey: string }
  /** The hub's router, which delivers to a connected VNet (named) or into the hub itself. */
  | { kind: "router"; vnetName?: string }
  /** A next hop the audit cannot see into (an NVA behind a VNet connection, a third-party security solution). */
  | { kind: "other"; nextHop: string }
  /** The hub's routing is not in the input: where this route goes cannot be judged. */
  | { kind: "unknown"; why: string };

export interface HubLearnedRoute {
  /** A CIDR. */
  prefix: string;
  /** Words for the route: the hub, and the policy or hub route that gives it. */
  name: string;
  hub: string;
  target: HubTarget;
}

const PRIVATE_TRAFFIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
const isDefault = (cidr: string) => {
  const c = parseCidr(cidr);
  return c !== null && c.family === 4 && cidr.trim().endsWith("/0");
};

/**
 * The routes VNet `vnetKey` learns from the virtual hubs it is connected to (see the module comment), one per CIDR;
 * empty when no connection of the input names it. Memoised per VNet: fixes never change hubs. Never throws.
 * https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
export function hubLearnedRoutes(estate: Estate, vnetKey: string): readonly HubLearnedRoute[] {
  const byVnet = estate.memo("hub-connections-by-vnet", () => {
    const out = new Map<string, HubVirtualNetworkConnection[]>();
    for (const c of estate.snapshot.hubConnections?.values() ?? []) {
      if (!c.remoteVnetKey || c.provisioningState?.toLowerCase() === "failed") continue;
      out.set(c.remoteVnetKey, [...(out.get(c.remoteVnetKey) ?? []), c]);
    }
    return out;
  });
  const connections = byVnet.get(vnetKey);
  if (!connections?.length) return [];
  return estate.memo(`hub-routes|${vnetKey}`, () => connections.flatMap((c) => connectionRoutes(estate, c)));
}

/** Whether any hub connection of the input names VNet `vnetKey` (its routes then come from the hub, read). */
export function connectedHubs(estate: Estate, vnetKey: string): string[] {
  return [...new Set(hubLearnedRoutes(estate, vnetKey).map((r) => r.hub))];
}

function hubName(estate: Estate, hubKey: string): string {
  return estate.snapshot.virtualHubs?.get(hubKey)?.name ?? lastSegment(hubKey);
}

/** The hub's Azure Firewall, by its own `azureFirewall` or a firewall of the input that names the hub. */
function hubFirewallKey(estate: Estate, hub: VirtualHub | undefined, hubKey: string): string | undefined {
  if (hub?.firewallKey) return hub.firewallKey;
  for (const fw of estate.snapshot.firewalls?.values() ?? []) if (fw.virtualHubKey === hubKey) return fw.key;
  return undefined;
}

function targetOf(estate: Estate, nextHopKey: string | undefined, hubKey: string): HubTarget {
  if (!nextHopKey) return { kind: "unknown", why: "the hub route names no next hop" };
  const hub = estate.snapshot.virtualHubs?.get(hubKey);
  if (estate.snapshot.firewalls?.has(nextHopKey) || nextHopKey === hubFirewallKey(estate, hub, hubKey) || /\/providers\/microsoft\.network\/azurefirewalls\//.test(nextHopKey)) return { kind: "firewall", firewallKey: nextHopKey };
  return { kind: "other", nextHop: lastSegment(nextHopKey) };
}

function connectionRoutes(estate: Estate, c: HubVirtualNetworkConnection): HubLearnedRoute[] {
  const { snapshot } = estate;
  const hub = snapshot.virtualHubs?.get(c.hubKey);
  const name = hubName(estate, c.hubKey);
  const out: HubLearnedRoute[] = [];
  const add = (prefix: string, words: string, target: HubTarget) => out.push({ prefix, name: `virtual hub ${name}: ${words}`, hub: name, target });
  if (hub?.addressPrefix) add(hub.addressPrefix, "the hub's address space", { kind: "router" });

  const intent = [...(snapshot.routingIntents?.values() ?? [])].find((i) => i.hubKey === c.hubKey && i.policies.length);
  const defaultTableKey = `${c.hubKey}/hubroutetables/defaultroutetable`;
  if (intent) {
    const has = (dest: string) => intent.policies.find((p) => p.destinations.some((d) => d.toLowerCase() === dest));
    const internet = has("internet");
    const priv = has("privatetraffic");
    if (internet && c.enableInternetSecurity) add("0.0.0.0/0", `routing intent ${intent.name}, policy ${internet.name}`, targetOf(estate, internet.nextHopKey, c.hubKey));
    if (priv) {
      const target = targetOf(estate, priv.nextHopKey, c.hubKey);
      for (const p of PRIVATE_TRAFFIC) add(p, `routing intent ${intent.name}, policy ${priv.name}`, target);
      // Additional prefixes sit in the default route table as routes to the policy's next hop (0.0.0.0/0 there is
      // forced tunnel mode, learnt by connections that propagate the default route).
      for (const r of snapshot.hubRouteTables?.get(defaultTableKey)?.routes ?? []) {
        if (r.name.toLowerCase().startsWith("_policy_") || r.nextHopKey !== priv.nextHopKey) continue;
        for (const d of r.destinations) if (!isDefault(d) || c.enableInternetSecurity) add(d, `routing intent ${intent.name}, additional prefix ${d} (${r.name})`, target);
      }
      return out;
    }
    // An Internet policy alone: the connected VNets still reach each other through the hub's router.
    return [...out, ...propagatedSpaces(estate, c, defaultTableKey, name)];
  }

  const tableKey = c.associatedRouteTableKey ?? defaultTableKey;
  const table = snapshot.hubRouteTables?.get(tableKey);
  if (!table) {
    // The hub's routing is unread: with a firewall in the hub, its default route may well go there.
    if (hubFirewallKey(estate, hub, c.hubKey) && c.enableInternetSecurity) {
      add("0.0.0.0/0", `route table ${lastSegment(tableKey)} (not in the input)`, { kind: "unknown", why: `virtual hub ${name} holds an Azure Firewall, and neither its routing intent nor route table ${lastSegment(tableKey)}, associated with connection ${c.name}, is in the input, so whether it sends this traffic to the firewall cannot be judged (add \`az network vhub route-table list\` and \`az network vhub routing-intent list\` for ${name})` });
    }
    return out;
  }
  for (const r of table.routes) {
    if (r.destinationType && r.destinationType.toLowerCase() !== "cidr") continue;
    const target = targetOf(estate, r.nextHopKey, c.hubKey);
    for (const d of r.destinations) if (!isDefault(d) || c.enableInternetSecurity) add(d, `route ${r.name} in hub route table ${table.name}`, target);
  }
  return [...out, ...propagatedSpaces(estate, c, tableKey, name)];
}

/** The spaces of the other connected VNets that propagate to route table `tableKey`, which `c` is associated with. */
function propagatedSpaces(estate: Estate, c: HubVirtualNetworkConnection, tableKey: string, hub: string): HubLearnedRoute[] {
  const { snapshot } = estate;
  const labels = new Set((snapshot.hubRouteTables?.get(tableKey)?.labels ?? (tableKey.endsWith("/defaultroutetable") ? ["default"] : [])).map((l) => l.toLowerCase()));
  const isDefaultTable = tableKey === `${c.hubKey}/hubroutetables/defaultroutetable`;
  const out: HubLearnedRoute[] = [];
  for (const other of snapshot.hubConnections?.values() ?? []) {
    if (other === c || other.hubKey !== c.hubKey || !other.remoteVnetKey || other.remoteVnetKey === c.remoteVnetKey) continue;
    // Without routingConfiguration Azure propagates to the default route table (label `default`).
    const stated = other.propagatedRouteTableKeys !== undefined || other.propagatedLabels !== undefined;
    const propagates = stated ? (other.propagatedRouteTableKeys ?? []).includes(tableKey) || (other.propagatedLabels ?? []).some((l) => labels.has(l.toLowerCase())) : isDefaultTable;
    if (!propagates) continue;
    const vnet = snapshot.vnets.get(other.remoteVnetKey);
    for (const p of vnet?.addressPrefixes ?? []) out.push({ prefix: p, name: `virtual hub ${hub}: connection ${other.name} to ${vnet!.name}`, hub, target: { kind: "router", vnetName: vnet!.name } });
  }
  return out;
}

/**
 * Whether virtual hub `hubKey` routes Internet traffic in forced tunnel mode: routing intent with a private traffic
 * policy, no Internet policy, and 0.0.0.0/0 among its additional prefixes. The security solution then sends what it
 * lets out along a default route learnt from on-premises, an NVA or a static route, if any: outside the audit.
 * https://learn.microsoft.com/azure/virtual-wan/about-internet-routing
 */
export function hubForcedTunnel(estate: Estate, hubKey: string): boolean {
  const intent = [...(estate.snapshot.routingIntents?.values() ?? [])].find((i) => i.hubKey === hubKey && i.policies.length);
  if (!intent) return false;
  const names = (d: string) => intent.policies.find((p) => p.destinations.some((x) => x.toLowerCase() === d));
  const priv = names("privatetraffic");
  if (!priv || names("internet")) return false;
  const table = estate.snapshot.hubRouteTables?.get(`${hubKey}/hubroutetables/defaultroutetable`);
  return !!table?.routes.some((r) => !r.name.toLowerCase().startsWith("_policy_") && r.nextHopKey === priv.nextHopKey && r.destinations.some(isDefault));
}
