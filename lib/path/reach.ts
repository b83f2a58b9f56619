// Whether one subnet's packets have a way to another's addresses at all, judged by the source's effective routes
// (CONTRACT §4.1 stage 3) rather than by peerings alone: spokes peered only with a hub reach each other through the
// hub's firewall or appliance when their routes send the traffic there. What the firewall then allows is the
// source side's own check; here only "is there a route" is asked.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
// https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke
import { type AddrSet, addrIsEmpty } from "../net/addr-set";
import type { Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { reachableVnets, resolveNextHop } from "./next-hop";
import { lookup, subnetRoutes } from "./routes";

export type Reach = { reachable: true } | { reachable: false; why: string };

/**
 * Whether every address of `to` (concrete addresses: a subnet's prefixes or a server's) is reachable by route from
 * `from`: delivered in its VNet or a connected peering, or handed to a firewall, an appliance or a gateway (their
 * own policy is judged by the flows through them). A route that drops the traffic or sends a private destination
 * to the Internet is no way there. Input the audit lacks counts as a way: a missing route is not claimed.
 */
export function routeReach(estate: Estate, from: Subnet, to: AddrSet, toVnetKey?: string): Reach {
  const routes = subnetRoutes(estate, from);
  for (const family of [4, 6] as const) {
    const part: AddrSet = family === 4 ? { v4: to.v4, v6: [], tags: to.tags } : { v4: [], v6: to.v6, tags: to.tags };
    if (addrIsEmpty(part)) continue;
    for (const { route } of lookup(routes, family, part)) {
      const hop = resolveNextHop(estate, from, route);
      if (hop.kind !== "drop" && hop.kind !== "internet") continue;
      const unpeered = toVnetKey && estate.snapshot.vnets.has(from.vnetKey) && estate.snapshot.vnets.has(toVnetKey) && !reachableVnets(estate, from).has(toVnetKey);
      const where = hop.kind === "drop" ? hop.why : `the system route for ${route.addressPrefix} sends it to the Internet`;
      return { reachable: false, why: unpeered ? `the VNets are not peered (or the peering is not Connected with virtual network access), and ${where}` : where };
    }
  }
  return { reachable: true };
}
