// Whether two subnets have a way to each other at all, judged by effective routes (CONTRACT §4.1 stage 3) rather
// than by peerings alone: spokes peered only with a hub reach each other through the hub's firewall or appliance
// when their routes send the traffic there. TCP needs both ways: Azure Firewall does not SNAT traffic to private
// addresses, so replies follow the receiving end's own routes. What the firewall allows is the sending end's own
// flow check; here only "is there a way" is asked, and whose routes decided when there is none.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
// https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke
// https://learn.microsoft.com/azure/firewall/snat-private-range
// https://learn.microsoft.com/azure/firewall/firewall-multi-hub-spoke (both ways through the same firewalls)
import { type AddrSet, addrIsEmpty, addrUnionAll, describeAddrs } from "../net/addr-set";
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { nextHop, reachableVnets } from "./next-hop";
import { subnetPeeringWords } from "./subnet-peering";
import { type EffectiveRoute, lookup, routeWords as wordsOfRoute, subnetRoutes } from "./routes";
import { connectedHubs, farHubFirewall, hubReachesVnet } from "./virtual-hub";
import { connectedGroupMembershipNote } from "./connected-groups";
import type { RouteEvidence } from "../report/types";
import { bgpLearnedNote } from "./bgp-note";
import { routeEvidence } from "./route-evidence";
import { type AppProtocol, firewallSnats, firewallSubnet } from "./firewall";
import { type SeenSource, firewallSourceAddresses, maySnat, sourcesAt } from "./snat";
import type { FlowResult } from "../nsg/flow";
import type { PortSet } from "../net/ports";

/**
 * Whose routes decided that there is no way, so each one-end check can tell its own fault from the other end's:
 * - `sender`: the sending subnet's effective routes for the way there (its route table or system routes);
 * - `receiver`: the receiving subnet's effective routes for the replies;
 * - `firewall`: the Azure Firewall's own subnet, which has no way on (shared by both ends);
 * - `unpeered`: the VNets are not peered and the estate shows no hub between them (no VNet both are peered with,
 *   no firewall the other way goes through): no route at all between them (shared by both ends);
 * - `asymmetric`: one way goes through an Azure Firewall and the other does not (or through another): the firewall,
 *   stateful, drops what belongs to a connection it did not see (shared by both ends; either end's routes can fix it).
 */
export type RouteOwner = "sender" | "receiver" | "firewall" | "unpeered" | "asymmetric";

/** The route that took the packet nowhere, as the subnet's effective routes hold it. */
export interface DecidingRoute {
  /** `User`: a route of the subnet's route table; `Default`: a system route; `VirtualNetworkGateway`: learned from a virtual hub. */
  source: EffectiveRoute["source"];
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
  /** The routes that decided, as report evidence (CONTRACT §4.1: the deciding element of the route stage). */
  evidence: RouteEvidence[];
  /** A BGP-learned route, which no snapshot shows, could give the deciding subnet a way (CONTRACT §4.1 stage 3). */
  note?: string;
  /** Set on the way back when the replies go to this Azure Firewall (it SNATs the flow), not to the sender. */
  toFirewall?: string;
}

/**
 * A way the audit cannot vouch for: handed to an appliance or gateway outside the audit, to a next hop or through a
 * route table the input lacks, to a second firewall whose rules are not followed, forwarded by a firewall into a VNet
 * whose peering with the firewall's VNet has "allow forwarded traffic" off, or asymmetric for part of the addresses
 * only. Never a pass, never a fail: `warn` (CONTRACT §4, "cannot be judged"; part blocked: `warn`, naming the part).
 */
export interface RouteDoubt {
  owner: RouteOwner;
  way: "there" | "back";
  why: string;
  /** Not a doubt but a known part with no way (the rest has one): partly blocked, `warn` all the same. */
  part?: true;
  /**
   * For a next hop the audit cannot follow: the subnet whose route it is, and the hop's own words (`why` without
   * where). A flow judged at that subnet gives the same words for its pieces on that route ("cannot be judged: …"),
   * so a detail that holds that flow's explanation need not say this doubt again (`unsaidDoubts`).
   */
  hop?: { subnetKey: string; words: string };
}

/** Part of a way's destination and the Azure Firewalls it passes, in order (none: delivered without one). */
export interface Leg {
  dst: AddrSet;
  firewalls: AzureFirewall[];
  /** The route at the way's own start that carries this part (its evidence in words). */
  route?: EffectiveRoute;
  /** Through something the audit cannot see into, or input it lacks: which firewalls it meets is unknown. */
  unseen?: true;
}

/**
 * One way (from → to): reachable, through which Azure Firewall when one forwards it, with what the audit cannot
 * judge on it; or the fault.
 */
export type Way =
  | { reachable: true; firewall?: AzureFirewall; route?: EffectiveRoute; legs?: Leg[]; doubts?: RouteDoubt[]; unknown?: true }
  | { reachable: false; why: string; fault: RouteFault };

/**
 * Both ways between two subnets: reachable (perhaps with doubts; `via`: the Azure Firewalls the way there meets), or
 * every fault found (the way there's, then the way back's). Unreachable, `doubts` are those of a way that is open
 * while the other has the fault: a one-end check answers for its own end's way, which may be open yet unjudged.
 */
export type Reach = { reachable: true; doubts?: RouteDoubt[]; via?: AzureFirewall[] } | { reachable: false; why: string; faults: RouteFault[]; doubts?: RouteDoubt[]; via?: AzureFirewall[] };

const REACHABLE: Way = { reachable: true };
/** Input the audit lacks (a route table, the VNet): counted as a way, never as the way it goes. */
const UNKNOWN: Way = { reachable: true, unknown: true };

/** A fault (or doubt) as one clause, with "replies have no way back" (or "replies") before one of the way back. */
export function faultText(f: RouteFault | RouteDoubt): string {
  if (f.way !== "back" || f.owner === "asymmetric") return f.why;
  return "route" in f ? `replies have no way back: ${f.why}` : `replies: ${f.why}`;
}

/**
 * The doubts a detail has not said yet: `said` is the explanation of a flow judged at subnet `subnetKey`, whose
 * pieces on a route name its next hop in the same words (lib/path/evaluate.ts forwardStage), so a doubt about that
 * subnet's route which `said` already gives is left out. A reason is said once per detail, not once by the flow and
 * again by the way.
 */
export function unsaidDoubts(doubts: readonly RouteDoubt[], subnetKey: string, said: string): RouteDoubt[] {
  return doubts.filter((d) => !d.hop || d.hop.subnetKey !== subnetKey || !said.includes(d.hop.words));
}

/**
 * A way's doubts as sentences after `lead` ("hpc/c1 → ccvnet/cc"): the parts with no way first ("no route for part of
 * it"), then what cannot be judged. Empty without doubts.
 */
export function doubtSentences(lead: string, doubts: readonly RouteDoubt[]): string[] {
  const partly = doubts.filter((d) => d.part);
  const unsure = doubts.filter((d) => !d.part);
  return [...(partly.length ? [`${lead}: no route for part of it — ${partly.map(faultText).join("; ")}.`] : []), ...(unsure.length ? [`${lead}: cannot be judged — ${unsure.map(faultText).join("; ")}.`] : [])];
}

/**
 * The peering between the firewall's VNet and the VNet it forwards into, when either side has "allow forwarded
 * traffic" explicitly off. Microsoft's documentation of which side governs is not consistent (ARM: "forwarded
 * traffic from the VMs in the local virtual network will be allowed/disallowed in remote virtual network"; the
 * portal names the receiving side), so either one off makes the way a doubt, not a pass.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-manage-peering#create-a-peering
 */
function forwardingOff(estate: Estate, fromVnetKey: string, toVnetKey: string | undefined): string | undefined {
  if (!toVnetKey || toVnetKey === fromVnetKey) return undefined;
  const from = estate.snapshot.vnets.get(fromVnetKey);
  const to = estate.snapshot.vnets.get(toVnetKey);
  const out = from?.peerings.find((p) => p.remoteVnetKey === toVnetKey && p.allowForwardedTraffic === false);
  const back = to?.peerings.find((p) => p.remoteVnetKey === fromVnetKey && p.allowForwardedTraffic === false);
  const off = out ? `${from!.name}/${out.name}` : back ? `${to!.name}/${back.name}` : undefined;
  return off && `peering ${off} has "allow forwarded traffic" off, so ${to?.name ?? "the VNet"} may refuse what the firewall forwards into it`;
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
  const doubtOwner: RouteOwner = viaFirewall ? "firewall" : "sender";
  if (from.routeTableKey) {
    touched?.add(from.routeTableKey);
    if (!estate.snapshot.routeTables.has(from.routeTableKey)) {
      const why = `at ${from.vnetName}/${from.name}, route table ${from.routeTableKey.split("/").pop()} is not in the input (add \`az network route-table list\`), so where its traffic goes cannot be judged`;
      return { reachable: true, unknown: true, doubts: [{ owner: doubtOwner, way: "there", why }] };
    }
  }
  // Without the VNet its space and peerings are unknown, so the system routes are too: no route is claimed missing.
  if (!estate.snapshot.vnets.get(from.vnetKey)?.addressPrefixes.length) return UNKNOWN;
  const routes = subnetRoutes(estate, from);
  let through: AzureFirewall | undefined;
  let carrier: EffectiveRoute | undefined;
  const legs: Leg[] = [];
  const doubts: RouteDoubt[] = [];
  let dropped: (Way & { reachable: false }) | undefined;
  const droppedTo: AddrSet[] = [];
  const doubt = (owner: RouteOwner, why: string, hop?: RouteDoubt["hop"]) => {
    if (!doubts.some((d) => d.why === why)) doubts.push({ owner, way: "there", why, ...(hop ? { hop } : {}) });
  };
  for (const family of [4, 6] as const) {
    const part: AddrSet = family === 4 ? { v4: to.v4, v6: [], tags: to.tags } : { v4: [], v6: to.v6, tags: to.tags };
    if (addrIsEmpty(part)) continue;
    for (const { route, dst } of lookup(routes, family, part)) {
      carrier ??= route;
      const hop = nextHop(estate, from, route);
      const routeWords = wordsOfRoute(route);
      if (hop.kind === "firewall" && viaFirewall) {
        // Sent from the firewall's own subnet to a firewall again: to itself it loops until the packet's TTL runs
        // out; to another one, the chain is beyond what this audit follows.
        const self = estate.snapshot.subnets.get(from.key) && hop.firewall.subnetKeys.includes(from.key);
        const why = `at ${from.vnetName}/${from.name}, ${routeWords} sends it to Azure Firewall ${hop.firewall.name}${self ? " itself: a routing loop" : " (a second firewall on the way, not followed by this audit)"}`;
        if (self) return { reachable: false, why, fault: { owner: "firewall", way: "there", subnetKey: from.key, route: deciding(route, from), hop: "drop", why, evidence: [routeEvidence(route, { kind: "drop", why: `${routeWords} sends it back to Azure Firewall ${hop.firewall.name} itself (a routing loop)` })] } };
        doubt("firewall", why);
        // Its rules are not judged, but that it is passed is known: both ways through both firewalls are symmetric.
        legs.push({ dst, firewalls: [hop.firewall], route });
        continue;
      }
      if (hop.kind === "firewall") {
        // The firewall forwards from its own subnet: that subnet's routes must take the packet on. Only the part this
        // route carries (one address family, the prefix it covers) goes that way.
        const own = firewallSubnet(estate.snapshot, hop.firewall);
        let onward = own ? routeReach(estate, own, dst, toVnetKey, touched, true) : REACHABLE;
        // A hub's firewall hands traffic for a VNet of another secured hub to that hub, whose private traffic policy
        // takes it through its own firewall too: both ways then cross both firewalls.
        // A hub has a route to a VNet only through a connection: where the hub's connections are read and none names
        // the far VNet, the firewall has nowhere to send it.
        if (!own && hop.firewall.virtualHubKey && toVnetKey && hubReachesVnet(estate, hop.firewall.virtualHubKey, toVnetKey) === false) {
          const why = `Azure Firewall ${hop.firewall.name} in virtual hub ${hop.firewall.virtualHubKey.split("/").pop()} has no way on: no connection of the virtual WAN names ${estate.snapshot.vnets.get(toVnetKey)?.name ?? toVnetKey.split("/").pop()}`;
          return { reachable: false, why, fault: { owner: "firewall", way: "there", subnetKey: from.key, route: deciding(route, from), hop: "drop", why, evidence: [routeEvidence(route, hop)] } };
        }
        const far = !own && hop.firewall.virtualHubKey && toVnetKey ? farHubFirewall(estate, hop.firewall.virtualHubKey, toVnetKey) : undefined;
        const second = far && estate.snapshot.firewalls?.get(far.firewallKey);
        if (far && second && second.key !== hop.firewall.key) {
          doubt("firewall", `Azure Firewall ${hop.firewall.name} sends it on to virtual hub ${far.hub}, whose private traffic policy takes it through Azure Firewall ${second.name} (a second firewall on the way, not followed by this audit)`);
          onward = { reachable: true, legs: [{ dst, firewalls: [second], route }] };
        }
        if (!onward.reachable) {
          const why = `Azure Firewall ${hop.firewall.name} has no way on from ${own!.vnetName}: ${onward.why}`;
          return { reachable: false, why, fault: { ...onward.fault, owner: "firewall", why, evidence: [routeEvidence(route, hop), ...onward.fault.evidence] } };
        }
        for (const d of onward.doubts ?? []) doubt(d.owner, d.why, d.hop);
        if (onward.unknown && !onward.doubts?.length && own) doubt("firewall", `Azure Firewall ${hop.firewall.name}'s subnet ${own.vnetName}/${own.name}: its routes cannot be judged (its VNet is not in the input)`);
        for (const leg of onward.legs ?? [{ dst, firewalls: [], ...(onward.unknown ? { unseen: true as const } : {}) }]) legs.push({ ...leg, firewalls: [hop.firewall, ...leg.firewalls], route });
        through ??= hop.firewall;
        continue;
      }
      if (hop.kind === "outside" || hop.kind === "missing") {
        // What the appliance does next (to the firewall, or on) is unseen, and so is a next hop the input lacks: no
        // claim about which way replies take, and the way itself cannot be judged.
        legs.push({ dst, firewalls: [], unseen: true, route });
        doubt(viaFirewall ? "firewall" : "sender", hop.kind === "outside" ? `at ${from.vnetName}/${from.name}, ${hop.what}, which this audit cannot see into` : `at ${from.vnetName}/${from.name}, ${hop.what}`, { subnetKey: from.key, words: hop.what });
        continue;
      }
      if (hop.kind === "deliver") {
        legs.push({ dst, firewalls: [], route });
        if (!viaFirewall) continue;
        const off = forwardingOff(estate, from.vnetKey, toVnetKey);
        if (off) doubt("firewall", off);
        continue;
      }
      if (hop.kind !== "drop" && hop.kind !== "internet") continue;
      const unpeered = !!toVnetKey && estate.snapshot.vnets.has(from.vnetKey) && estate.snapshot.vnets.has(toVnetKey) && !reachableVnets(estate, from).has(toVnetKey);
      const dropped0 = hop.kind === "drop" ? hop.why : `${routeWords} sends it to the Internet`;
      // A subnet peering leaves the rest of the peer's space to the None (or Internet) route: say which subnets it joins.
      const partial = toVnetKey && !/subnet peering/.test(dropped0) ? subnetPeeringWords(estate, from.vnetKey, toVnetKey) : undefined;
      const where = partial ? `${dropped0}: ${partial}` : dropped0;
      // Say whose routes these are: the sender's, the receiver's (replies) or the firewall subnet's.
      const whose = `at ${from.vnetName}/${from.name}${from.routeTableKey ? "" : " (no route table)"}, ${where}`;
      // Unpeered VNets with a hub both are peered with: this end's routes could send it through the hub, so the
      // fault is theirs (and the missing peering is no news to a hub-and-spoke design).
      const noHub = unpeered && !shareHub(estate, from, toVnetKey!);
      // Two VNets connected to virtual hubs reach each other only where the hub routing says so.
      const hubs = noHub ? connectedHubs(estate, from.vnetKey) : [];
      const bgpOff = from.routeTableKey && estate.snapshot.routeTables.get(from.routeTableKey)?.disableBgpRoutePropagation;
      const isolated = !hubs.length
        ? ""
        : bgpOff
          ? `, and ${from.vnetName}/${from.name}'s route table disables BGP route propagation, so it learns no route from virtual hub ${hubs.join(" and ")}`
          : connectedHubs(estate, toVnetKey!).length
            ? `, and ${from.vnetName} learns no route to it from virtual hub ${hubs.join(" and ")} (no connection that propagates to the route table ${from.vnetName}'s connection is associated with names it)`
            : "";
      const why = noHub ? `the VNets are not peered (or the peering is not Connected with virtual network access)${isolated}; ${whose}` : whose;
      const owner = viaFirewall ? "firewall" : noHub ? "unpeered" : "sender";
      // Unpeered VNets may still share a connected group whose members the input cannot show.
      const note = [bgpLearnedNote(estate, from), noHub ? connectedGroupMembershipNote(estate) : undefined].filter(Boolean).join(" ") || undefined;
      // The first route with no way stands for every part that has none; whether the rest has one decides below.
      dropped ??= { reachable: false, why, fault: { owner, way: "there", subnetKey: from.key, route: deciding(route, from), hop: hop.kind, why, evidence: [routeEvidence(route, hop)], ...(note ? { note } : {}) } };
      droppedTo.push(dst);
    }
  }
  if (dropped) {
    if (legs.length === 0 && doubts.length === 0) return dropped;
    // Part of the destination has no way and the rest has one: partly blocked (CONTRACT §4: `warn`, naming the part).
    const part = describeAddrs(addrUnionAll(droppedTo));
    doubts.push({ owner: dropped.fault.owner, way: "there", why: `${dropped.why}, for ${part}; the rest has a way`, part: true });
  }
  if (!through && !carrier && doubts.length === 0) return REACHABLE;
  return { reachable: true, ...(through ? { firewall: through } : {}), ...(carrier ? { route: carrier } : {}), legs, ...(doubts.length ? { doubts } : {}) };
}

/**
 * Whether `sender` has a way to `receiver`'s addresses and the replies a way back (see routeReach), judging both
 * ways so each end's fault is found even when the other end has one too. `addresses` gives what stands for a
 * subnet in flows (its prefixes, or the CycleCloud server's addresses). Each fault says whose routes decided
 * (RouteOwner): the way back's `sender` is the receiver. An `unpeered` fault whose other way goes through an
 * Azure Firewall is that end's own: the estate shows the firewall the traffic could go through. Two ways that are
 * each open but meet different firewalls are an `asymmetric` fault (see asymmetry); what neither way can vouch for
 * comes back as doubts, each owned by the end whose routes chose it. `proxies`: firewalls whose application rule lets
 * this flow through, so SNAT it whatever their SNAT private ranges say. `via`: the firewalls the way there meets.
 */
export function pathBetween(estate: Estate, sender: Subnet, receiver: Subnet, given: (s: Subnet) => AddrSet, touched?: Set<string>, proxies?: ReadonlySet<AzureFirewall>): Reach {
  // A connection joins two addresses of one family: a family one end has no address in carries none of this flow
  // (an IPv4-only CycleCloud subnet and a dual-stack cluster talk IPv4 only), so no way is asked for it.
  const from = given(sender);
  const to = given(receiver);
  const v4 = from.v4.length > 0 && to.v4.length > 0;
  const v6 = from.v6.length > 0 && to.v6.length > 0;
  // No family in common: nothing narrows (what the ends cannot carry is judged as before, not waved through).
  const common = (x: AddrSet): AddrSet => ((v4 && v6) || (!v4 && !v6) ? x : { v4: v4 ? x.v4 : [], v6: v6 ? x.v6 : [], tags: x.tags });
  const addresses = (s: Subnet) => common(s === sender ? from : s === receiver ? to : given(s));
  const there = routeReach(estate, sender, addresses(receiver), receiver.vnetKey, touched);
  const via = there.reachable ? [...new Set((there.legs ?? []).flatMap((l) => l.firewalls))] : [];
  const viaField = via.length ? { via } : {};
  // A firewall that SNATs what it forwards (by network rule: the receiver's addresses lie outside its SNAT private
  // ranges) gets the replies itself and sends them on: for its legs the receiver needs a way to the firewall's
  // instances, not to the sender, and no asymmetry can arise. (An application rule SNATs too, but which rule lets a
  // flow through is its flow's to say: lib/path/snat.ts.) https://learn.microsoft.com/azure/firewall/snat-private-range
  const snatting = there.reachable ? snattingFirewalls(estate, there.legs ?? [], proxies) : new Set<AzureFirewall>();
  const direct: Way = there.reachable && snatting.size ? { ...there, legs: there.legs!.filter((l) => !(l.dst.v4.length && snatting.has(l.firewalls[0]))) } : there;
  const toFirewalls = [...snatting].map((fw): Way => {
    const way = routeReach(estate, receiver, firewallSourceAddresses(estate, fw).addresses, estate.snapshot.subnets.get(fw.subnetKeys[0] ?? "")?.vnetKey, touched);
    // A route of the receiver that takes the replies to the SNATing firewall nowhere: the fix is that route, not one to the sender.
    return way.reachable ? way : { ...way, why: `${way.why} (the replies to Azure Firewall ${fw.name}, which SNATs this flow)`, fault: { ...way.fault, why: `${way.fault.why} (the replies to Azure Firewall ${fw.name}, which SNATs this flow)`, toFirewall: fw.name } };
  });
  const backToSender = !direct.reachable || !snatting.size || direct.legs!.length ? routeReach(estate, receiver, addresses(sender), sender.vnetKey, touched) : REACHABLE;
  const back = [backToSender, ...toFirewalls].find((w) => !w.reachable) ?? backToSender;
  if (there.reachable && back.reachable) {
    const asymmetric = asymmetry(estate, sender, receiver, direct as Way & { reachable: true }, back);
    if (asymmetric?.kind === "fault") return { reachable: false, why: asymmetric.fault.why, faults: [asymmetric.fault], ...viaField };
    // A doubt of the sender's own routes is the receiver's on the way back.
    const doubts = [...(there.doubts ?? []), ...(back.doubts ?? []).map((d): RouteDoubt => ({ ...d, way: "back", owner: d.owner === "sender" ? "receiver" : d.owner }))];
    if (asymmetric?.kind === "part") doubts.push(asymmetric.doubt);
    return { reachable: true, ...(doubts.length ? { doubts } : {}), ...viaField };
  }
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
  // The open way's doubts still count against its own end (its replies handed to an appliance outside the audit).
  const openDoubts = there.reachable ? (there.doubts ?? []) : back.reachable ? (back.doubts ?? []).map((d): RouteDoubt => ({ ...d, way: "back", owner: d.owner === "sender" ? "receiver" : d.owner })) : [];
  return { reachable: false, why: faults.map(faultText).join("; "), faults, ...(openDoubts.length ? { doubts: openDoubts } : {}), ...viaField };
}

/**
 * The firewalls that first forward an IPv4 leg of the way there and SNAT all of that leg's addresses: by network rule
 * (SNAT private ranges are IPv4 ranges, so an IPv6 leg is left as routed), or, for `proxies`, by the application rule
 * that lets the flow through (its flow found that: lib/path/snat.ts). A firewall that SNATs part of a leg only is
 * left as routed, so a way back that skips it is still asymmetric for the rest.
 */
function snattingFirewalls(estate: Estate, legs: readonly Leg[], proxies?: ReadonlySet<AzureFirewall>): Set<AzureFirewall> {
  const out = new Set<AzureFirewall>();
  for (const l of legs) if (l.firewalls.length && l.dst.v4.length && (proxies?.has(l.firewalls[0]) || firewallSnats(estate, l.firewalls[0], l.dst))) out.add(l.firewalls[0]);
  return out;
}

/** A way between two ends knowing SNAT: the way, and whom the receiver meets where a firewall on it SNATs. */
export interface SnatWay {
  reach: Reach;
  /** Whom the receiver sees as the source, when a firewall on the way SNATs part of the flow; undefined: the sender. */
  seen?: SeenSource[];
  /** The sender's flow `seen` was read from (which rule let it through): what the receiver's verdict also read. */
  from?: FlowResult;
}

/**
 * `first` (pathBetween's way from `sender` to `receiver`) with Azure Firewall SNAT taken into account, one sequence for
 * the audit's subnet flows and the flow query alike: when a firewall on the way may SNAT the flow on `ports`
 * (maySnat), whom the receiver meets comes from the sender's flow (`senderFlow`, asked only then); where an application
 * rule lets it through, the firewall also takes the replies, so the way is judged again knowing it (pathBetween's
 * `proxies`; route tables read go to `touched`). https://learn.microsoft.com/azure/firewall/snat-private-range
 */
export function snatWay(estate: Estate, sender: Subnet, receiver: Subnet, addresses: (s: Subnet) => AddrSet, first: Reach, senderFlow: () => FlowResult | undefined, ports: PortSet, touched?: Set<string>, appProtocol?: AppProtocol): SnatWay {
  if (!first.via) return { reach: first };
  const to = addresses(receiver);
  if (!first.via.some((fw) => maySnat(estate, fw, sender, ports, to, appProtocol))) return { reach: first };
  const from = senderFlow();
  if (!from) return { reach: first };
  const seen = sourcesAt(estate, from, to, addresses(sender), { via: first.via });
  if (!seen.some((x) => x.firewall)) return { reach: first };
  const proxies = new Set(seen.flatMap((x) => (x.by === "application" && x.firewall ? [x.firewall] : [])));
  return { reach: proxies.size ? pathBetween(estate, sender, receiver, addresses, touched, proxies) : first, seen, from };
}

/**
 * Azure Firewall keeps state: a reply (or request) that reaches it without the rest of its connection is dropped, so
 * both ways between two subnets must go through the same firewalls or through none. Compared per leg (the part of
 * the addresses one route carries) within one address family: every pair of legs disagreeing is a fault naming the
 * route each end uses (of both ends: either end's routes can make the ways agree); some pairs only, a doubt naming
 * the part. Nothing is claimed about a way whose own routes are unknown.
 * https://learn.microsoft.com/azure/firewall/integrate-lb#asymmetric-routing
 */
function asymmetry(estate: Estate, sender: Subnet, receiver: Subnet, there: Way & { reachable: true }, back: Way & { reachable: true }): { kind: "fault"; fault: RouteFault } | { kind: "part"; doubt: RouteDoubt } | undefined {
  if (there.unknown || back.unknown) return undefined;
  const thereLegs = there.legs ?? [];
  const backLegs = back.legs ?? [];
  if (thereLegs.length === 0 || backLegs.length === 0) return undefined;
  // A connection from a sender address a to a receiver address b goes out by b's leg and comes back by a's, in one
  // address family: the same firewalls (in either order: each crosses both of a two-hub chain) or none, else a
  // firewall sees half of it. A leg the audit could not follow to its end is known up to where it was lost: a
  // firewall it met that the other (fully known) leg never meets is asymmetric whatever came after.
  const family = (l: Leg) => (l.dst.v4.length ? 4 : 6);
  const keys = (l: Leg) => new Set(l.firewalls.map((f) => f.key));
  const differ = (t: Leg, u: Leg): boolean | undefined => {
    const [a, b] = [keys(t), keys(u)];
    const missingIn = (x: Set<string>, y: Set<string>, yKnown: boolean) => yKnown && [...x].some((k) => !y.has(k));
    if (missingIn(a, b, !u.unseen) || missingIn(b, a, !t.unseen)) return true;
    if (t.unseen || u.unseen) return undefined;
    return [...a].some((k) => !b.has(k)) || [...b].some((k) => !a.has(k));
  };
  const mismatched: [Leg, Leg][] = [];
  let comparable = 0;
  for (const t of thereLegs)
    for (const u of backLegs) {
      if (family(t) !== family(u)) continue;
      const d = differ(t, u);
      if (d === undefined) continue;
      comparable++;
      if (d) mismatched.push([t, u]);
    }
  if (mismatched.length === 0) return undefined;
  const how = (l: Leg) => (l.firewalls.length ? `through Azure Firewall ${[...new Set(l.firewalls.map((f) => f.name))].join(" and ")}` : "directly, not through a firewall");
  // The route that carried the mismatched part, not the way's first route (which may be one that dropped another part).
  const routeWords = (l: Leg, w: Way & { reachable: true }) => {
    const r = l.route ?? w.route;
    return r ? ` (${wordsOfRoute(r)})` : "";
  };
  const [t, u] = mismatched[0];
  const note = bgpLearnedNote(estate, sender) ?? bgpLearnedNote(estate, receiver);
  const whole = mismatched.length === comparable && comparable === thereLegs.filter((t) => backLegs.some((u) => family(t) === family(u))).length * backLegs.filter((u) => thereLegs.some((t) => family(t) === family(u))).length;
  if (!whole) {
    const why = `asymmetric routing for part of the traffic: ${sender.vnetName}/${sender.name} sends to ${describeAddrs(t.dst)} ${how(t)}, and replies from ${receiver.vnetName}/${receiver.name} to ${describeAddrs(u.dst)} come back ${how(u)}; a firewall drops the half of a connection it did not see`;
    return { kind: "part", doubt: { owner: "asymmetric", way: "there", why } };
  }
  const why = `asymmetric routing: ${sender.vnetName}/${sender.name} sends ${how(t)}${routeWords(t, there)}, and replies from ${receiver.vnetName}/${receiver.name} come back ${how(u)}${routeWords(u, back)}; a firewall drops the half of a connection it did not see`;
  // The end that bypasses the firewall is the one whose routes a fix would point at it.
  const direct = t.firewalls.length && !u.firewalls.length ? { subnet: receiver, way: back, leg: u, dir: "back" as const } : { subnet: sender, way: there, leg: t, dir: "there" as const };
  const route = direct.leg.route ?? direct.way.route;
  const thereRoute = t.route ?? there.route;
  const backRoute = u.route ?? back.route;
  return {
    kind: "fault",
    fault: {
      owner: "asymmetric",
      way: direct.dir,
      subnetKey: direct.subnet.key,
      route: route ? deciding(route, direct.subnet) : { source: "Default", name: "", addressPrefix: "", nextHopType: "VNetPeering" },
      hop: "drop",
      why,
      ...(note ? { note } : {}),
      evidence: [
        ...(thereRoute ? [routeEvidence(thereRoute, nextHop(estate, sender, thereRoute))] : []),
        ...(backRoute ? [routeEvidence(backRoute, nextHop(estate, receiver, backRoute))] : []),
      ],
    },
  };
}
