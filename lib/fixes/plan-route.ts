// Plans the route that gives a role subnet a way to its peer through the hub's Azure Firewall when the subnet's
// own route table drops the peer's prefixes or sends them to the Internet, or has no route for them (so a system
// `None`/`Internet` route decides): hub-and-spoke VNets peered only with the hub reach each other only through
// the hub's firewall (CONTRACT §4 fix rules; §4.1 stage 3). A subnet with no route table gets guidance instead:
// creating and associating a table is a bigger change than one route.
// https://learn.microsoft.com/azure/architecture/networking/architecture/hub-spoke#spoke-connectivity
// https://learn.microsoft.com/azure/firewall/tutorial-hybrid-portal#create-the-routes
import type { AzureFirewall, Route, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { reachableVnets } from "../path/next-hop";
import { firewallAt, firewallSubnet } from "../path/firewall";
import { type RouteFault, type Way, routeReach } from "../path/reach";
import { routeTableOf } from "../path/routes";
import { vnetReachesHub } from "../path/virtual-hub";
import { cidrsOf } from "./plan-path";
import type { ResourceNames } from "./resource-names";
import type { Change } from "./types";
import { MAX_ROUTES } from "./route-limit";
import { subnetPeeringGuidance, transitGuidance } from "./subnet-peering-guidance";
import { subnetPeeringRefuses } from "../path/subnet-peering";

/** What planning found: the changes, or guidance in one sentence when no route change can be planned. */
export type RoutePlan = { kind: "changes"; changes: Change[] } | { kind: "guidance"; text: string };


/** Azure's route name limit (1–80: letters, digits, `_`, `.`, `-`; starts with a letter or digit, ends with one or `_`). */
const MAX_ROUTE_NAME = 80;

/** `to-<vnet>-<subnet><suffix>`, each name shortened fairly when the whole would pass Azure's limit. */
function routeName(vnet: string, subnet: string, suffix: string): string {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/-+/g, "-");
  const budget = MAX_ROUTE_NAME - "to-".length - "-".length - suffix.length;
  let v = clean(vnet);
  let s = clean(subnet);
  if (v.length + s.length > budget) {
    const half = Math.floor(budget / 2);
    if (v.length <= half) s = s.slice(0, budget - v.length);
    else if (s.length <= half) v = v.slice(0, budget - s.length);
    else [v, s] = [v.slice(0, half), s.slice(0, budget - half)];
  }
  const trim = (x: string) => x.replace(/^[.-]+|[.-]+$/g, "");
  return `to-${trim(v)}-${trim(s)}${suffix}`;
}

/** The VNet of a firewall's own subnet (`…/virtualnetworks/<vnet>/subnets/azurefirewallsubnet`). */
const firewallVnets = (fw: AzureFirewall) => fw.subnetKeys.map((k) => k.split("/subnets/")[0]);

/**
 * The Azure Firewall `at` should send `peer`'s traffic to, with the address to name: the one the peer's own
 * routes already send `at`'s addresses through (the estate shows the spokes route through it), else one a user
 * route of `at`'s table already uses, else one in a hub VNet both VNets are peered with (Connected, virtual
 * network access). Only a firewall `at` can reach: in its VNet or a connected peering, or in a secured hub.
 * `peerWay` is the peer's own way to `at` (routeReach).
 */
export function hubFirewall(estate: Estate, at: Subnet, peer: Subnet, peerWay: Way, opts: { ignoreSubnetPeering?: boolean } = {}): { firewall: AzureFirewall; ip: string } | undefined {
  const mine = reachableVnets(estate, at);
  // A firewall in a VNet peered by a subnet peering that does not join `at` with its subnet is not reached.
  const joined = (fw: AzureFirewall) => {
    if (opts.ignoreSubnetPeering) return true;
    const own = firewallSubnet(estate.snapshot, fw);
    return !own || !subnetPeeringRefuses(estate, at, own, fw.privateIpAddresses[0]?.includes(":") ? 6 : 4);
  };
  const usable = (fw: AzureFirewall | undefined) =>
    !!fw && fw.privateIpAddresses.length > 0 && (fw.virtualHubKey ? vnetReachesHub(estate, at.vnetKey, fw.virtualHubKey) !== false : firewallVnets(fw).some((v) => mine.has(v)) && joined(fw));
  const pick = (fw: AzureFirewall, ip = fw.privateIpAddresses[0]) => ({ firewall: fw, ip });
  if (peerWay.reachable && usable(peerWay.firewall)) return pick(peerWay.firewall!);
  for (const r of routeTableOf(estate, at)?.routes ?? []) {
    const fw = r.nextHopType.toLowerCase() === "virtualappliance" && r.nextHopIpAddress ? firewallAt(estate, r.nextHopIpAddress) : undefined;
    if (fw && usable(fw)) return pick(fw, r.nextHopIpAddress!.trim());
  }
  const theirs = reachableVnets(estate, peer);
  for (const fw of estate.snapshot.firewalls?.values() ?? []) if (usable(fw) && firewallVnets(fw).some((v) => mine.has(v) && theirs.has(v))) return pick(fw);
  return undefined;
}

/**
 * The changes that give `at` (the subnet whose own routes decided `fault`) a way to `peer` through the hub's
 * Azure Firewall: one route per CIDR of the peer's prefixes (merged) → `VirtualAppliance` at the firewall's
 * private IP, named for the peer (`to-<vnet>-<subnet>-via-firewall`, `-2`… when several; never a name the table,
 * `planned` or another fix of the audit (`names`) already holds). A route of the table with exactly that prefix keeps its name and is edited in
 * place (Azure refuses two routes with one prefix: "RouteConflict"). Guidance when `at` has no route table, when
 * the route that decided is not a `None` or `Internet` route, or when no hub firewall is found (for directly
 * peered VNets: the user route that overrides the peering); undefined when the table is not in the input.
 */
export function planRouteFix(estate: Estate, at: Subnet, peer: Subnet, fault: RouteFault, planned: readonly Change[], names: ResourceNames): RoutePlan | undefined {
  // A subnet peering that leaves either subnet out: its subnet lists are what to change, not a route.
  const unjoined = subnetPeeringGuidance(estate, at, peer) ?? transitGuidance(estate, fault, [peer]);
  if (unjoined) return { kind: "guidance", text: unjoined };
  // The peer's own way to `at`: which firewall it already goes through, or whether it goes straight over a peering.
  const peerWay = routeReach(estate, peer, estate.subnetPrefixes(at), at.vnetKey);
  const hub = hubFirewall(estate, at, peer, peerWay);
  const cidrs = cidrsOf(estate.subnetPrefixes(peer));
  const where = `${at.vnetName}/${at.name}`;
  const target = `${peer.vnetName}/${peer.name} (${cidrs.join(", ")})`;
  // Where the peer's own traffic to `at` goes straight over a peering, a firewall route at `at` alone would make the
  // two ways differ, and the firewall drops replies of connections it did not see: the override is what to fix.
  const peerDirect = peerWay.reachable && !peerWay.firewall && !peerWay.unknown && !peerWay.legs?.some((l) => l.unseen);
  if ((!hub || peerDirect) && fault.route.source === "User" && reachableVnets(estate, at).has(peer.vnetKey)) {
    return {
      kind: "guidance",
      text: `Route ${fault.route.name} in ${routeTableOf(estate, at)?.name ?? "the route table"} overrides the peering between ${at.vnetName} and ${peer.vnetName} for ${target}: delete or narrow it so the peering carries the traffic (pointing it at a firewall works only when ${peer.vnetName}'s routes send the replies through that same firewall).`,
    };
  }
  // A hub firewall there, but in a subnet the subnet peering does not join with `at`: its subnet lists are the fix.
  const unjoinedHub = hub ? undefined : hubFirewall(estate, at, peer, peerWay, { ignoreSubnetPeering: true });
  const hubSubnet = unjoinedHub && firewallSubnet(estate.snapshot, unjoinedHub.firewall);
  const hubText = hubSubnet && subnetPeeringGuidance(estate, at, hubSubnet);
  if (hubText) return { kind: "guidance", text: `To route it through Azure Firewall ${unjoinedHub!.firewall.name}: ${hubText}` };
  if (!hub) {
    return {
      kind: "guidance",
      text: `Peer ${at.vnetName} and ${peer.vnetName} with "Allow virtual network access" in both directions, or peer both with a hub VNet whose Azure Firewall both route to; no hub firewall that both VNets reach was found, so no route can be planned, and NSG rules cannot open a flow without a route.`,
    };
  }
  if (!at.routeTableKey) {
    return {
      kind: "guidance",
      text: `${where} has no route table: create one with a route for ${target} to next hop VirtualAppliance ${hub.ip} (Azure Firewall ${hub.firewall.name}) and associate it with the subnet. That is a bigger change than adding a route (the table applies to every NIC in the subnet and takes part in BGP propagation), so it is not planned here.`,
    };
  }
  const table = routeTableOf(estate, at);
  if (!table) return undefined;
  const hop = fault.route.nextHopType.toLowerCase();
  if (hop !== "none" && hop !== "internet") {
    return {
      kind: "guidance",
      text: `Route ${fault.route.name} in ${table.name} sends ${target} to ${fault.route.nextHopType}${fault.route.nextHopIpAddress ? ` ${fault.route.nextHopIpAddress}` : ""}, which cannot take it there: point it at Azure Firewall ${hub.firewall.name} (${hub.ip}) or another next hop that reaches ${peer.vnetName}.`,
    };
  }
  const taken = new Set([...table.routes.map((r) => r.name.toLowerCase()), ...planned.flatMap((c) => (c.kind === "add-route" && c.routeTableKey === table.key ? [c.route.name.toLowerCase()] : []))]);
  const changes: Change[] = [];
  for (const cidr of cidrs) {
    if (planned.some((c) => c.kind === "add-route" && c.routeTableKey === table.key && c.route.addressPrefix === cidr)) continue;
    // Azure allows one route per prefix in a table: a route with exactly this prefix is pointed at the firewall.
    const same = table.routes.find((r) => r.addressPrefix.trim().toLowerCase() === cidr.toLowerCase());
    // Peers of one name in two resource groups would get one name: claimed per table and prefix across the audit.
    const name = same?.name ?? names.claim("routes", table.key, cidr.toLowerCase(), routeName(peer.vnetName, peer.name, "-via-firewall"), taken);
    taken.add(name.toLowerCase());
    const route: Route = { name, addressPrefix: cidr, nextHopType: "VirtualAppliance", nextHopIpAddress: hub.ip };
    changes.push({ kind: "add-route", routeTableKey: table.key, route });
  }
  // Each new name is one more route in the table: past Azure's limit the plan could not be applied.
  if (taken.size > MAX_ROUTES) {
    return {
      kind: "guidance",
      // A table already at the limit has no room even for a summary: say what must give way.
      text:
        table.routes.length >= MAX_ROUTES
          ? `${table.name} already holds Azure's limit of ${MAX_ROUTES} routes, so ${where} cannot be given a route to ${target} through Azure Firewall ${hub.firewall.name} (${hub.ip}): replace routes that cover single subnets with summaries of the VNets' address spaces (such as 10.0.0.0/8 to the firewall), then add the route.`
          : `Giving ${where} a route to each peer through Azure Firewall ${hub.firewall.name} (${hub.ip}) would take ${table.name} past Azure's ${MAX_ROUTES} routes per route table: route the peers' VNet address spaces (or a summary such as 10.0.0.0/8) to the firewall instead.`,
    };
  }
  return { kind: "changes", changes };
}
