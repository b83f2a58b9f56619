// What a route's next hop turns out to be. `VirtualAppliance` names an address: an Azure Firewall's
// private IP hands the packet to its policy; a NIC without IP forwarding drops forwarded traffic; an
// address in no subnet of the VNet or of a connected peering cannot be reached. `VirtualNetworkGateway`
// is the VNet's gateway, or the hub's through a peering with `useRemoteGateways`.
// `VirtualNetworkServiceEndpoint` for Storage on a subnet with a service endpoint policy reaches only the accounts the
// policy lists (service-endpoint-policies.ts).
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#next-hop-types-across-azure-tools
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { firewallAt } from "./firewall";
import { policedStorageHop } from "./service-endpoint-policies";
import { connectedGroupsOf } from "./connected-groups";
import { subnetHolding } from "./locate";
import { type EffectiveRoute, bgpDomainOf, peeringConnected, routeWords as wordsOf } from "./routes";
import { lastSegment } from "../snapshot/arm-id";
import { type HubTarget, peersWithHubVnet, vnetReachesHub } from "./virtual-hub";
import { cidrsToRanges } from "../net/ip";
import { leftOutBy, peeredPrefixes, subnetPeeringClass, subnetPeeringRefuses } from "./subnet-peering";
import * as iv from "../net/intervals";

export type NextHop =
  | { kind: "deliver" }
  | { kind: "internet" }
  | { kind: "drop"; why: string }
  | { kind: "firewall"; firewall: AzureFirewall }
  /** An appliance or gateway the audit cannot see into: a required flow through it is `warn`. */
  | { kind: "outside"; what: string }
  /** Something the input refers to but does not hold. */
  | { kind: "missing"; what: string };

/** The VNets a subnet's packets can reach directly: its own and its connected peerings' (memoised per VNet). */
export function reachableVnets(estate: Estate, subnet: Subnet): Set<string> {
  return estate.memo(`reach|${subnet.vnetKey}`, () => {
    const out = new Set([subnet.vnetKey]);
    for (const p of estate.snapshot.vnets.get(subnet.vnetKey)?.peerings ?? []) if (p.remoteVnetKey && peeringConnected(estate, subnet.vnetKey, p)) out.add(p.remoteVnetKey);
    return out;
  });
}

/**
 * `route`'s next hop for packets from `subnet` (see resolveNextHop), remembered per route object and VNet for the estate
 * and every estate a fix derives from it: a hop depends only on the route, the VNet, its peerings, what sits at the
 * next-hop address and, where a subnet peering leaves the subnet out, the subnet (its class and name: subnet-peering.ts),
 * and fixes change none of these except a route table (which gives its routes new objects) or a
 * classic firewall's rule collections, so a firewall hop names the firewall as this estate has it. Keyed by object
 * rather than by a string of the route's fields: this runs once per piece and route, and building and hashing a key of
 * two resource ids each time was a tenth of the path's cost on a 10,000-subnet estate.
 */
export function nextHop(estate: Estate, subnet: Subnet, route: EffectiveRoute): NextHop {
  // A service endpoint policy filters Storage service-endpoint traffic per subnet, which routes shared by the subnets
  // of a VNet do not show: judged per subnet before the per-VNet memo.
  const policed = policedStorageHop(estate, subnet, route);
  if (policed) return policed;
  const byRoute = estate.memo("next-hops", () => new WeakMap<EffectiveRoute, Map<string, Map<string, NextHop>>>());
  let byVnet = byRoute.get(route);
  if (!byVnet) byRoute.set(route, (byVnet = new Map()));
  // By the VNet's name as the subnet spells it too: the hop's words name it, and two listings of one VNet's subnets may
  // spell it differently (ids compare case-insensitively); each subnet's words keep its own spelling.
  let byName = byVnet.get(subnet.vnetKey);
  if (!byName) byVnet.set(subnet.vnetKey, (byName = new Map()));
  // A subnet peering that leaves the subnet out changes where its packets get, and the words name the subnet: told
  // apart by both then (the class is empty nearly always).
  const peeringClass = subnetPeeringClass(estate, subnet);
  const nameKey = peeringClass ? `${subnet.vnetName}|${peeringClass}|${subnet.name}` : subnet.vnetName;
  let hop = byName.get(nameKey);
  if (!hop) byName.set(nameKey, (hop = resolveNextHop(estate, subnet, route)));
  if (hop.kind !== "firewall") return hop;
  const firewall = estate.snapshot.firewalls?.get(hop.firewall.key) ?? hop.firewall;
  return firewall === hop.firewall ? hop : { kind: "firewall", firewall };
}

/**
 * What `route`'s next hop turns out to be for packets from `subnet` (only its VNet matters): delivered, the Internet,
 * dropped, an Azure Firewall, or outside the audit. Callers on a hot path use `nextHop`, which remembers it.
 */
export function resolveNextHop(estate: Estate, subnet: Subnet, route: EffectiveRoute): NextHop {
  const routeWords = wordsOf(route);
  if (route.hub) return hubNextHop(estate, route.hub, routeWords);
  // Azure's own table shows the route: on-premises, an ExpressRoute circuit or an NVA behind Route Server is beyond it.
  if (route.bgp) {
    // Named by where it sits, which a spoke's own VNet does not show when it uses a peer's gateway.
    const domain = bgpDomainOf(estate, subnet.vnetKey);
    const where = estate.snapshot.vnets.get(domain)?.name ?? lastSegment(domain);
    return { kind: "outside", what: `the virtual network gateway or Route Server in ${where}, toward on-premises or an NVA (${routeWords})` };
  }
  switch (route.nextHopType) {
    case "ConnectedGroup": {
      const cg = route.connectedGroup;
      if (cg?.overlap) return { kind: "drop", why: `${routeWords} (connected group of connectivity configuration ${cg.configuration}) is address space another member of the group shares, and Azure drops traffic to overlapping spaces in a connected group` };
      // The deployment status list the input holds says the configuration is deployed to this VNet's region.
      if (cg?.deployed) return { kind: "deliver" };
      const shown = cg?.status ? `and the network manager's deployment status list has its deployment there as ${cg.status}` : "which GETs cannot show";
      return { kind: "missing", what: `${routeWords}: a connected group of connectivity configuration ${cg?.configuration ?? "?"} joins the VNets once deployed to their region, ${shown}, so whether it carries this traffic cannot be judged (https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments)` };
    }
    case "VNetPeering":
    case "InterfaceEndpoint": {
      const leftOut = route.viaPeering && leftOutBy(estate, subnet, route.viaPeering);
      return leftOut ? { kind: "drop", why: `${routeWords}: ${leftOut}` } : { kind: "deliver" };
    }
    case "VnetLocal":
    case "VirtualNetworkServiceEndpoint":
      return { kind: "deliver" };
    case "Internet":
      return { kind: "internet" };
    case "None":
      return { kind: "drop", why: `${routeWords} drops it (next hop None)` };
    case "VirtualNetworkGateway": {
      const vnet = estate.snapshot.vnets.get(subnet.vnetKey);
      const own = vnet?.subnetKeys.some((k) => estate.snapshot.subnets.get(k)?.name.toLowerCase() === "gatewaysubnet");
      const remote = vnet?.peerings.find((p) => p.useRemoteGateways && peeringConnected(estate, subnet.vnetKey, p));
      if (own) return { kind: "outside", what: `the VPN/ExpressRoute gateway of ${vnet!.name} (${routeWords})` };
      // A subnet a subnet peering leaves out has its packets over that peering dropped, to the remote gateway too.
      const leftOut = remote && leftOutBy(estate, subnet, remote);
      if (leftOut) return { kind: "drop", why: `${routeWords} sends it to the hub's VPN/ExpressRoute gateway through peering ${remote.name}, but ${leftOut}` };
      if (remote) return { kind: "outside", what: `the hub's VPN/ExpressRoute gateway through peering ${remote.name} (${routeWords})` };
      if (!vnet) return { kind: "outside", what: `a virtual network gateway (${routeWords}; the VNet is not in the input)` };
      return { kind: "drop", why: `${routeWords} sends it to a virtual network gateway, but ${vnet.name} has no GatewaySubnet and no peering that uses remote gateways` };
    }
    case "VirtualAppliance": {
      const ip = route.nextHopIpAddress?.trim();
      if (!ip) return { kind: "drop", why: `${routeWords} names no next-hop address` };
      const fw = firewallAt(estate, ip);
      const vnets = reachableVnets(estate, subnet);
      if (fw) {
        // A VNet firewall must sit in the VNet or a connected peering; a secured hub's is reached through the hub, by a
        // VNet connected to it (where the hub's connections are read and none names this VNet, nothing leads there).
        if (fw.virtualHubKey) {
          const reaches = vnetReachesHub(estate, subnet.vnetKey, fw.virtualHubKey);
          if (reaches || (reaches === undefined && (peersWithHubVnet(estate, subnet.vnetKey) || !estate.snapshot.vnets.has(subnet.vnetKey)))) return { kind: "firewall", firewall: fw };
          if (reaches === undefined)
            return { kind: "missing", what: `${routeWords} sends it to Azure Firewall ${fw.name} at ${ip} in virtual hub ${fw.virtualHubKey.split("/").pop()}, and neither a connection of that hub to ${subnet.vnetName} nor a peering of ${subnet.vnetName} with a hub's VNet is in the input, so whether the next hop is reached cannot be judged (add \`az network vhub connection list\`)` };
          return { kind: "drop", why: `${routeWords} sends it to Azure Firewall ${fw.name} at ${ip} in virtual hub ${fw.virtualHubKey.split("/").pop()}, to which ${subnet.vnetName} is not connected (no connection of the hub names it): the next hop cannot be reached` };
        }
        const fwVnets = fw.subnetKeys.map((k) => k.split("/subnets/")[0]);
        if (fwVnets.length === 0 || !estate.snapshot.vnets.has(subnet.vnetKey)) return { kind: "firewall", firewall: fw };
        if (fwVnets.some((v) => vnets.has(v))) {
          const refused = peeredHolderRefuses(estate, subnet, fw.subnetKeys, ip);
          return refused ? { kind: "drop", why: `${routeWords} sends it to Azure Firewall ${fw.name} at ${ip}, but ${refused}` } : { kind: "firewall", firewall: fw };
        }
        if (connectedGroupsOf(estate, subnet.vnetKey).some((g) => fwVnets.some((v) => g.vnetKeys.includes(v))))
          return { kind: "missing", what: `${routeWords} sends it to Azure Firewall ${fw.name} at ${ip}, in a VNet a connected group joins with ${subnet.vnetName} once deployed, which GETs cannot show: whether the next hop is reached cannot be judged` };
        return { kind: "drop", why: `${routeWords} sends it to Azure Firewall ${fw.name} at ${ip}, whose VNet is neither ${subnet.vnetName} nor a connected peering of it: the next hop cannot be reached` };
      }
      const holder = subnetHolding(estate.snapshot, ip, [...vnets].flatMap((v) => estate.snapshot.vnets.get(v)?.subnetKeys ?? []));
      if (!holder) {
        // Without the VNet we cannot tell where the address is.
        if (!estate.snapshot.vnets.has(subnet.vnetKey)) return { kind: "outside", what: `the appliance at ${ip} (${routeWords})` };
        // In a connected peering's space whose VNet the input lacks: its subnets, and so the appliance, are unseen.
        const unseen = unseenPeeringHolding(estate, subnet, ip);
        if (unseen) return { kind: "missing", what: `${routeWords} sends it to ${ip}, in the address space of peered VNet ${unseen}, whose subnets are not in the input (add \`az network vnet list\` for it)` };
        if (connectedGroupsOf(estate, subnet.vnetKey).some((g) => inPrefixes(ip, g.prefixes)))
          return { kind: "missing", what: `${routeWords} sends it to ${ip}, in a VNet a connected group joins with ${subnet.vnetName} once deployed, which GETs cannot show: whether the next hop is reached cannot be judged` };
        return { kind: "drop", why: `${routeWords} sends it to ${ip}, which no subnet of ${subnet.vnetName} or of a connected peering holds: the next hop cannot be reached` };
      }
      const refused = peeredHolderRefuses(estate, subnet, [holder.key], ip);
      if (refused) return { kind: "drop", why: `${routeWords} sends it to ${ip} in ${holder.vnetName}/${holder.name}, but ${refused}` };
      if (holder.name.toLowerCase() === "azurefirewallsubnet") {
        // An AzureFirewallSubnet holds one firewall: where the input has it at another address, the route most likely
        // names the wrong one (a typo, or an instance's address), so say that rather than ask for a firewall listing.
        const there = [...(estate.snapshot.firewalls?.values() ?? [])].find((f) => f.subnetKeys.includes(holder.key) && f.privateIpAddresses.length);
        if (there) {
          const at = there.privateIpAddresses.map((a) => a.trim()).join(", ");
          return { kind: "missing", what: `no Azure Firewall of the input has ${ip}: firewall ${there.name} in ${holder.vnetName}/AzureFirewallSubnet is at ${at}; check the next hop of ${routeWords}` };
        }
        // A stopped (deallocated) firewall keeps no IP configuration, so nothing ties it to this subnet: name it, since it
        // forwards nothing. https://learn.microsoft.com/azure/firewall/firewall-faq#how-can-i-stop-and-start-azure-firewall
        const stopped = [...(estate.snapshot.firewalls?.values() ?? [])].filter((f) => !f.virtualHubKey && f.subnetKeys.length === 0 && f.privateIpAddresses.length === 0);
        if (stopped.length)
          return { kind: "missing", what: `no Azure Firewall of the input is at ${ip} in ${holder.vnetName}/AzureFirewallSubnet, and firewall ${stopped.map((f) => f.name).join(", ")} of the input has no IP configuration (stopped, or deallocated), so it forwards nothing: if it is the one at ${ip}, the traffic is dropped until it is started again` };
        return { kind: "missing", what: `an Azure Firewall at ${ip} in ${holder.vnetName}/AzureFirewallSubnet is not in the input (add \`az network firewall list\`)` };
      }
      for (const nicKey of holder.nicKeys) {
        const nic = estate.snapshot.nics.get(nicKey);
        if (!nic?.ipConfigurations.some((c) => c.privateIpAddress?.trim() === ip)) continue;
        if (nic.enableIpForwarding === false) return { kind: "drop", why: `${routeWords} sends it to ${ip} on NIC ${nic.name}, whose IP forwarding is off: forwarded traffic is dropped` };
        return { kind: "outside", what: `the appliance ${nic.name} at ${ip} (${routeWords})` };
      }
      return { kind: "outside", what: `the appliance at ${ip} in ${holder.vnetName}/${holder.name} (${routeWords})` };
    }
  }
}

/**
 * Where a route learned from a virtual hub goes: its Azure Firewall (stage 5), the hub's router (delivered to a
 * connected VNet or into the hub), or a next hop outside the audit. A firewall the input lacks, or a hub whose routing
 * is unread, cannot be judged. https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
function hubNextHop(estate: Estate, hub: { name: string; target: HubTarget }, routeWords: string): NextHop {
  const t = hub.target;
  switch (t.kind) {
    case "router":
      return { kind: "deliver" };
    case "firewall": {
      const fw = estate.snapshot.firewalls?.get(t.firewallKey);
      if (fw) return { kind: "firewall", firewall: fw };
      return { kind: "missing", what: `${routeWords} sends it to Azure Firewall ${t.firewallKey.split("/").pop()} in virtual hub ${hub.name}, which is not in the input (add \`az network firewall list\`)` };
    }
    case "other":
      return { kind: "outside", what: `${t.nextHop}, the next hop of virtual hub ${hub.name} (${routeWords})` };
    case "unknown":
      return { kind: "missing", what: t.why };
  }
}

/** Words for the subnet page's effective-routes table. */
export function describeNextHop(estate: Estate, subnet: Subnet, route: EffectiveRoute): string | undefined {
  const hop = nextHop(estate, subnet, route);
  if (hop.kind === "deliver" && route.hub) return `virtual hub ${route.hub.name}'s router${route.hub.target.kind === "router" && route.hub.target.vnetName ? `, to ${route.hub.target.vnetName}` : ""}`;
  switch (hop.kind) {
    case "firewall":
      return `Azure Firewall ${hop.firewall.name}`;
    case "drop":
      return `dropped: ${hop.why}`;
    case "outside":
      return `outside the audit: ${hop.what}`;
    case "missing":
      return `cannot be judged: ${hop.what}`;
    default:
      return undefined;
  }
}

/**
 * Why a next hop at `ip` in one of `holderKeys` (subnet keys), in a peered VNet, is not reached from `subnet`: a subnet
 * peering that leaves either subnet out, or an IPv6-only peering for an IPv4 next hop. Undefined when reached, or in
 * the subnet's own VNet.
 */
function peeredHolderRefuses(estate: Estate, subnet: Subnet, holderKeys: readonly string[], ip: string): string | undefined {
  const holders = holderKeys.map((k) => estate.snapshot.subnets.get(k)).filter((s): s is Subnet => !!s);
  // A firewall's subnets: the one holding its address (AzureFirewallSubnet, not the management subnet).
  const holder = holders.find((s) => inPrefixes(ip, s.addressPrefixes)) ?? holders[0];
  if (!holder || holder.vnetKey === subnet.vnetKey) return undefined;
  return subnetPeeringRefuses(estate, subnet, holder, ip.includes(":") ? 6 : 4);
}

/**
 * The name of a connected peering's remote VNet whose address space holds `ip` but whose subnets the input does not
 * show (the VNet is not in it, or lists no subnet), if any: where the appliance would be is then unseen.
 */
function unseenPeeringHolding(estate: Estate, subnet: Subnet, ip: string): string | undefined {
  for (const p of estate.snapshot.vnets.get(subnet.vnetKey)?.peerings ?? []) {
    if (!p.remoteVnetKey || !peeringConnected(estate, subnet.vnetKey, p)) continue;
    const remote = estate.snapshot.vnets.get(p.remoteVnetKey);
    if (remote?.subnetKeys.length) continue;
    if (inPrefixes(ip, peeredPrefixes(estate, subnet.vnetKey, p))) return p.remoteVnetKey.split("/").pop();
  }
  return undefined;
}

/** Whether address `ip` lies in one of `prefixes` (either family). */
function inPrefixes(ip: string, prefixes: readonly string[]): boolean {
  const host = cidrsToRanges([ip]);
  const space = cidrsToRanges(prefixes);
  return (host.v4.length > 0 || host.v6.length > 0) && iv.covers(space.v4, host.v4) && iv.covers(space.v6, host.v6);
}
