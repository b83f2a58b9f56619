// Whether two subnets have a way to each other at all, judged by effective routes (CONTRACT §4.1 stage 3) rather
// than by peerings alone: spokes peered only with a hub reach each other through the hub's firewall or appliance
// when their routes send the traffic there. TCP needs both ways: Azure Firewall does not SNAT traffic to private
// addresses, so replies follow the receiving end's own routes. What the firewall allows is the sending end's own
// flow check; here only "is there a way" is asked.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
// https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke
// https://learn.microsoft.com/azure/firewall/snat-private-range
import { type AddrSet, addrIsEmpty } from "../net/addr-set";
import type { Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { reachableVnets, resolveNextHop } from "./next-hop";
import { lookup, subnetRoutes } from "./routes";

export type Reach = { reachable: true } | { reachable: false; why: string };

const REACHABLE: Reach = { reachable: true };

/**
 * Whether every address of `to` (concrete addresses: a subnet's prefixes or a server's) has a way from `from`:
 * delivered in its VNet or a connected peering, handed to an appliance or gateway the audit cannot see into, or
 * handed to an Azure Firewall whose own subnet's routes deliver it on. A route that drops the traffic or sends a
 * private destination to the Internet is no way there. Input the audit lacks (a route table, the VNets) counts as
 * a way: a missing route is never claimed. Every route table read is added to `touched` (fix re-verification).
 */
export function routeReach(estate: Estate, from: Subnet, to: AddrSet, toVnetKey: string | undefined, touched?: Set<string>, viaFirewall = false): Reach {
  if (from.routeTableKey) {
    touched?.add(from.routeTableKey);
    if (!estate.snapshot.routeTables.has(from.routeTableKey)) return REACHABLE;
  }
  // Without the VNet its space and peerings are unknown, so the system routes are too.
  if (!estate.snapshot.vnets.get(from.vnetKey)?.addressPrefixes.length) return REACHABLE;
  const routes = subnetRoutes(estate, from);
  for (const family of [4, 6] as const) {
    const part: AddrSet = family === 4 ? { v4: to.v4, v6: [], tags: to.tags } : { v4: [], v6: to.v6, tags: to.tags };
    if (addrIsEmpty(part)) continue;
    for (const { route } of lookup(routes, family, part)) {
      const hop = resolveNextHop(estate, from, route);
      if (hop.kind === "firewall" && !viaFirewall) {
        // The firewall forwards from its own subnet: that subnet's routes must take the packet on.
        const own = hop.firewall.subnetKeys.map((k) => estate.snapshot.subnets.get(k)).find((s) => s !== undefined);
        const onward = own ? routeReach(estate, own, to, toVnetKey, touched, true) : REACHABLE;
        if (!onward.reachable) return { reachable: false, why: `Azure Firewall ${hop.firewall.name} has no way on from ${own!.vnetName}: ${onward.why}` };
        continue;
      }
      if (hop.kind !== "drop" && hop.kind !== "internet") continue;
      const unpeered = toVnetKey && estate.snapshot.vnets.has(from.vnetKey) && estate.snapshot.vnets.has(toVnetKey) && !reachableVnets(estate, from).has(toVnetKey);
      const routeWords = route.source === "User" ? `route ${route.name} in ${route.routeTable?.name ?? "its route table"}` : `the system route for ${route.addressPrefix}`;
      const where = hop.kind === "drop" ? hop.why : `${routeWords} sends it to the Internet`;
      // Say whose routes these are: the sender's, the receiver's (replies) or the firewall subnet's.
      const whose = `at ${from.vnetName}/${from.name}${from.routeTableKey ? "" : " (no route table)"}, ${where}`;
      return { reachable: false, why: unpeered ? `the VNets are not peered (or the peering is not Connected with virtual network access); ${whose}` : whose };
    }
  }
  return REACHABLE;
}

/**
 * Whether `sender` has a way to `receiver`'s addresses and the replies a way back (see routeReach). `addresses`
 * gives what stands for a subnet in flows (its prefixes, or the CycleCloud server's addresses).
 */
export function pathBetween(estate: Estate, sender: Subnet, receiver: Subnet, addresses: (s: Subnet) => AddrSet, touched?: Set<string>): Reach {
  const there = routeReach(estate, sender, addresses(receiver), receiver.vnetKey, touched);
  if (!there.reachable) return there;
  const back = routeReach(estate, receiver, addresses(sender), sender.vnetKey, touched);
  return back.reachable ? back : { reachable: false, why: `replies have no way back: ${back.why}` };
}
