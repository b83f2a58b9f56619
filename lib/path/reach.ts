// Whether two subnets have a way to each other at all, judged by effective routes (CONTRACT §4.1 stage 3) rather
// than by peerings alone: spokes peered only with a hub reach each other through the hub's firewall or appliance
// when their routes send the traffic there. TCP needs both ways: Azure Firewall does not SNAT traffic to private
// addresses, so replies follow the receiving end's own routes. What the firewall allows is the sending end's own
// flow check; here only "is there a way" is asked, and whose routes decided when there is none.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
// https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke
// https://learn.microsoft.com/azure/firewall/snat-private-range
import { type AddrSet, addrIsEmpty } from "../net/addr-set";
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { reachableVnets, resolveNextHop } from "./next-hop";
import { type EffectiveRoute, lookup, subnetRoutes } from "./routes";

/**
 * Whose routes decided that there is no way, so each one-end check can tell its own fault from the other end's:
 * - `sender`: the sending subnet's effective routes for the way there (its route table or system routes);
 * - `receiver`: the receiving subnet's effective routes for the replies;
 * - `firewall`: the Azure Firewall's own subnet, which has no way on (shared by both ends);
 * - `unpeered`: the VNets are not peered and the estate shows no hub between them (no VNet both are peered with,
 *   no firewall the other way goes through): no route at all between them (shared by both ends).
 */
export type RouteOwner = "sender" | "receiver" | "firewall" | "unpeered";

/** The route that took the packet nowhere, as the subnet's effective routes hold it. */
export interface DecidingRoute {
  /** `User`: a route of the subnet's route table; `Default`: a system route. */
  source: "User" | "Default";
  name: string;
  /** As written: a CIDR or a service tag. */
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
  /** The route table holding a `User` route. */
  routeTableKey?: string;
}

export interface RouteFault {
  owner: RouteOwner;
  /** `there`: the sender's packets to the receiver; `back`: the receiver's replies. */
  way: "there" | "back";
  /** The subnet whose effective routes hold `route` (the sender, the receiver, or the firewall's own subnet). */
  subnetKey: string;
  route: DecidingRoute;
  /** `drop`: a `None` route or a next hop that cannot be reached; `internet`: a private destination sent to the Internet. */
  hop: "drop" | "internet";
  /** One clause: where, which route and what it did (the way back's lead-in is added by faultText). */
  why: string;
}

/** One way (from → to): reachable, and through which Azure Firewall when one forwards it; or the fault. */
export type Way = { reachable: true; firewall?: AzureFirewall } | { reachable: false; why: string; fault: RouteFault };

/** Both ways between two subnets: reachable, or every fault found (the way there's, then the way back's). */
export type Reach = { reachable: true } | { reachable: false; why: string; faults: RouteFault[] };

const REACHABLE: Way = { reachable: true };

/** A fault as one clause, with "replies have no way back" before a fault of the way back. */
export function faultText(f: RouteFault): string {
  return f.way === "back" ? `replies have no way back: ${f.why}` : f.why;
}

/** Whether the two VNets are both connected-peered with a third (a hub the traffic could go through). */
function shareHub(estate: Estate, from: Subnet, toVnetKey: string): boolean {
  // Per pair of VNets: thousands of cluster subnets share a few VNets, and peerings are never changed by a fix.
  return estate.memo(`shareHub|${from.vnetKey}|${toVnetKey}`, () => vnetsShareHub(estate, from, toVnetKey));
}

function vnetsShareHub(estate: Estate, from: Subnet, toVnetKey: string): boolean {
  const to = estate.snapshot.vnets.get(toVnetKey)?.subnetKeys.map((k) => estate.snapshot.subnets.get(k)).find((s) => s !== undefined);
  if (!to) return false;
  const mine = reachableVnets(estate, from);
  for (const v of reachableVnets(estate, to)) if (v !== from.vnetKey && v !== toVnetKey && mine.has(v)) return true;
  return false;
}

function deciding(route: EffectiveRoute, from: Subnet): DecidingRoute {
  return {
    source: route.source,
    name: route.name,
    addressPrefix: route.addressPrefix,
    nextHopType: route.nextHopType,
    ...(route.nextHopIpAddress ? { nextHopIpAddress: route.nextHopIpAddress } : {}),
    ...(route.source === "User" && from.routeTableKey ? { routeTableKey: from.routeTableKey } : {}),
  };
}

/**
 * Whether every address of `to` (concrete addresses: a subnet's prefixes or a server's) has a way from `from`:
 * delivered in its VNet or a connected peering, handed to an appliance or gateway the audit cannot see into, or
 * handed to an Azure Firewall whose own subnet's routes deliver it on. A route that drops the traffic or sends a
 * private destination to the Internet is no way there: the fault says which route and whose (`from` as `sender`,
 * the firewall's subnet, or `unpeered`). Input the audit lacks (a route table, the VNets) counts as a way: a
 * missing route is never claimed. Every route table read is added to `touched` (fix re-verification).
 */
export function routeReach(estate: Estate, from: Subnet, to: AddrSet, toVnetKey: string | undefined, touched?: Set<string>, viaFirewall = false): Way {
  if (from.routeTableKey) {
    touched?.add(from.routeTableKey);
    if (!estate.snapshot.routeTables.has(from.routeTableKey)) return REACHABLE;
  }
  // Without the VNet its space and peerings are unknown, so the system routes are too.
  if (!estate.snapshot.vnets.get(from.vnetKey)?.addressPrefixes.length) return REACHABLE;
  const routes = subnetRoutes(estate, from);
  let through: AzureFirewall | undefined;
  for (const family of [4, 6] as const) {
    const part: AddrSet = family === 4 ? { v4: to.v4, v6: [], tags: to.tags } : { v4: [], v6: to.v6, tags: to.tags };
    if (addrIsEmpty(part)) continue;
    for (const { route } of lookup(routes, family, part)) {
      const hop = resolveNextHop(estate, from, route);
      if (hop.kind === "firewall" && !viaFirewall) {
        // The firewall forwards from its own subnet: that subnet's routes must take the packet on.
        const own = hop.firewall.subnetKeys.map((k) => estate.snapshot.subnets.get(k)).find((s) => s !== undefined);
        const onward = own ? routeReach(estate, own, to, toVnetKey, touched, true) : REACHABLE;
        if (!onward.reachable) {
          const why = `Azure Firewall ${hop.firewall.name} has no way on from ${own!.vnetName}: ${onward.why}`;
          return { reachable: false, why, fault: { ...onward.fault, owner: "firewall", why } };
        }
        through ??= hop.firewall;
        continue;
      }
      if (hop.kind !== "drop" && hop.kind !== "internet") continue;
      const unpeered = !!toVnetKey && estate.snapshot.vnets.has(from.vnetKey) && estate.snapshot.vnets.has(toVnetKey) && !reachableVnets(estate, from).has(toVnetKey);
      const routeWords = route.source === "User" ? `route ${route.name} in ${route.routeTable?.name ?? "its route table"}` : `the system route for ${route.addressPrefix}`;
      const where = hop.kind === "drop" ? hop.why : `${routeWords} sends it to the Internet`;
      // Say whose routes these are: the sender's, the receiver's (replies) or the firewall subnet's.
      const whose = `at ${from.vnetName}/${from.name}${from.routeTableKey ? "" : " (no route table)"}, ${where}`;
      // Unpeered VNets with a hub both are peered with: this end's routes could send it through the hub, so the
      // fault is theirs (and the missing peering is no news to a hub-and-spoke design).
      const noHub = unpeered && !shareHub(estate, from, toVnetKey!);
      const why = noHub ? `the VNets are not peered (or the peering is not Connected with virtual network access); ${whose}` : whose;
      const owner = viaFirewall ? "firewall" : noHub ? "unpeered" : "sender";
      return { reachable: false, why, fault: { owner, way: "there", subnetKey: from.key, route: deciding(route, from), hop: hop.kind, why } };
    }
  }
  return through ? { reachable: true, firewall: through } : REACHABLE;
}

/**
 * Whether `sender` has a way to `receiver`'s addresses and the replies a way back (see routeReach), judging both
 * ways so each end's fault is found even when the other end has one too. `addresses` gives what stands for a
 * subnet in flows (its prefixes, or the CycleCloud server's addresses). Each fault says whose routes decided
 * (RouteOwner): the way back's `sender` is the receiver. An `unpeered` fault whose other way goes through an
 * Azure Firewall is that end's own: the estate shows the firewall the traffic could go through.
 */
export function pathBetween(estate: Estate, sender: Subnet, receiver: Subnet, addresses: (s: Subnet) => AddrSet, touched?: Set<string>): Reach {
  const there = routeReach(estate, sender, addresses(receiver), receiver.vnetKey, touched);
  const back = routeReach(estate, receiver, addresses(sender), sender.vnetKey, touched);
  if (there.reachable && back.reachable) return { reachable: true };
  const faults: RouteFault[] = [];
  const own = (way: Way, other: Way, self: "sender" | "receiver"): RouteOwner | undefined => {
    if (way.reachable) return undefined;
    const o = way.fault.owner;
    if (o === "unpeered") return other.reachable && other.firewall ? self : o;
    return o === "sender" ? self : o;
  };
  const thereOwner = own(there, back, "sender");
  if (!there.reachable) faults.push({ ...there.fault, owner: thereOwner! });
  const backOwner = own(back, there, "receiver");
  // Unpeered both ways is one fact: said once.
  if (!back.reachable && !(backOwner === "unpeered" && thereOwner === "unpeered")) faults.push({ ...back.fault, owner: backOwner!, way: "back" });
  return { reachable: false, why: faults.map(faultText).join("; "), faults };
}
