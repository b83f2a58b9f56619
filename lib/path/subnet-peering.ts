// Subnet peering: a peering with `peerCompleteVnets: false` joins only the subnets it lists on each side, not the two
// VNets. Azure programs the remote subnets' prefixes (not the remote VNet's space), and, while "the forward route from
// non-peered subnet to peered subnet exists", a packet from a subnet the peering does not list "gets dropped and
// doesn't reach" the remote VM. `enableOnlyIPv6Peering` peers the IPv6 space only.
// https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
import type { Peering, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";

type Memo = Pick<Estate, "snapshot" | "memo">;

/** Subnet names a peering joins: lower-cased (how Azure compares them) to the spelling its list gives. */
export type JoinedNames = ReadonlyMap<string, string>;

const byLower = (names: readonly string[]): Map<string, string> => new Map(names.map((n) => [n.toLowerCase(), n]));

/**
 * Every VNet's peerings by remote VNet, once per estate family: a spoke's way back is its hub's peering with it, and a
 * hub holds thousands.
 */
function peeringIndex(estate: Memo): ReadonlyMap<string, ReadonlyMap<string, Peering>> {
  return estate.memo("peerings-by-remote", () => {
    const out = new Map<string, Map<string, Peering>>();
    for (const v of estate.snapshot.vnets.values()) {
      const mine = new Map<string, Peering>();
      for (const p of v.peerings) if (p.remoteVnetKey && !mine.has(p.remoteVnetKey)) mine.set(p.remoteVnetKey, p);
      out.set(v.key, mine);
    }
    return out;
  });
}

/** The remote VNet's peering back to `vnetKey`, when the input holds the remote VNet. */
export function reversePeering(estate: Memo, vnetKey: string, peering: Peering): Peering | undefined {
  return peering.remoteVnetKey ? peeringIndex(estate).get(peering.remoteVnetKey)?.get(vnetKey) : undefined;
}

/** VNet `fromVnetKey`'s peering with `toVnetKey`, if it has one. */
export function peeringBetween(estate: Memo, fromVnetKey: string, toVnetKey: string): Peering | undefined {
  return peeringIndex(estate).get(fromVnetKey)?.get(toVnetKey);
}

/** Both sides' lists must hold a subnet for it to be joined; undefined where neither side lists subnets. */
function joined(own: string[] | undefined, theirs: string[] | undefined): JoinedNames | undefined {
  if (!own && !theirs) return undefined;
  if (!own) return byLower(theirs!);
  if (!theirs) return byLower(own);
  const other = byLower(theirs);
  return new Map([...byLower(own)].filter(([n]) => other.has(n)));
}

/**
 * The subnets of the peering's own VNet (`local`) and of the remote VNet (`remote`) that it joins; a side is undefined
 * where the whole VNet is peered. A subnet must be listed by both peering resources of the pair (this one and the
 * remote VNet's peering back) when the input holds both.
 */
export function joinedSubnets(estate: Memo, vnetKey: string, peering: Peering): { local?: JoinedNames; remote?: JoinedNames } {
  const back = reversePeering(estate, vnetKey, peering);
  if (!peering.subnets && !back?.subnets) return {};
  return estate.memo(`subnet-peering|${vnetKey}|${peering.name}`, () => {
    const local = joined(peering.subnets?.local, back?.subnets?.remote);
    const remote = joined(peering.subnets?.remote, back?.subnets?.local);
    return { ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
  });
}

/** Whether either side peers the IPv6 space only. */
export function peersIpv6Only(estate: Memo, vnetKey: string, peering: Peering): boolean {
  return !!(peering.onlyIpv6 || reversePeering(estate, vnetKey, peering)?.onlyIpv6);
}

const named = (names: JoinedNames) => [...names.values()];

/**
 * The prefixes a connected peering of VNet `vnetKey` routes to (its system VNetPeering routes, and what it adds to the
 * `VirtualNetwork` tag): the remote VNet's space as the peering lists it (`remoteAddressSpace`, else the remote VNet's
 * own); for a subnet peering, the prefixes of the remote subnets it joins where the input holds the remote VNet; IPv6
 * prefixes only where the peering is IPv6-only.
 */
export function peeredPrefixes(estate: Memo, vnetKey: string, peering: Peering): string[] {
  const { snapshot } = estate;
  const remote = peering.remoteVnetKey ? snapshot.vnets.get(peering.remoteVnetKey) : undefined;
  let prefixes = peering.remoteAddressPrefixes.length ? peering.remoteAddressPrefixes : (remote?.addressPrefixes ?? []);
  const joinedRemote = joinedSubnets(estate, vnetKey, peering).remote;
  if (joinedRemote && remote?.subnetKeys.length) {
    prefixes = remote.subnetKeys.flatMap((k) => {
      const s = snapshot.subnets.get(k);
      return s && joinedRemote.has(s.name.toLowerCase()) ? s.addressPrefixes : [];
    });
  }
  return peersIpv6Only(estate, vnetKey, peering) ? prefixes.filter((p) => p.includes(":")) : prefixes;
}

/** Why `subnet` cannot send over a peering of its VNet that leaves it out (a subnet peering), else undefined. */
export function leftOutBy(estate: Memo, subnet: Subnet, peering: Peering): string | undefined {
  const local = joinedSubnets(estate, subnet.vnetKey, peering).local;
  if (!local || local.has(subnet.name.toLowerCase())) return undefined;
  const listed = named(local);
  return `subnet peering ${peering.name} of ${subnet.vnetName} joins ${listed.length ? `only subnet${listed.length > 1 ? "s" : ""} ${listed.join(", ")} of it` : "none of its subnets"}, not ${subnet.name}: Azure keeps the route but drops the packets (https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering)`;
}

/**
 * The subnet peerings of `subnet`'s VNet that leave it out, as one key (empty for nearly every subnet): what a next hop
 * remembered per VNet must also be told apart by, since whether a peered next hop is reached depends on it.
 */
export function subnetPeeringClass(estate: Memo, subnet: Subnet): string {
  // Asked once per piece and route: most VNets are in no subnet peering, known from one pass over the estate, and a
  // spoke's scan of its hub's thousand peerings for the way back is done once per subnet.
  if (!vnetsInSubnetPeerings(estate).has(subnet.vnetKey)) return "";
  return estate.memo(`subnet-peering-class|${subnet.key}`, () => {
    let out = "";
    for (const p of estate.snapshot.vnets.get(subnet.vnetKey)?.peerings ?? []) if (leftOutBy(estate, subnet, p)) out += `${p.name}|`;
    return out;
  });
}

/** The VNets on either side of a subnet peering, once per estate family. */
function vnetsInSubnetPeerings(estate: Memo): ReadonlySet<string> {
  return estate.memo("vnets-in-subnet-peerings", () => {
    const out = new Set<string>();
    for (const v of estate.snapshot.vnets.values())
      for (const p of v.peerings)
        if (p.subnets) {
          out.add(v.key);
          if (p.remoteVnetKey) out.add(p.remoteVnetKey);
        }
    return out;
  });
}

/**
 * Why a packet of address family `family` from `from` to the peered subnet `to` is not carried by the peering between
 * their VNets, when it is a subnet peering that leaves either out or an IPv6-only peering; undefined when the peering
 * joins them (or they share a VNet, or no peering of `from`'s VNet leads to `to`'s, which the caller judges).
 */
export function subnetPeeringRefuses(estate: Memo, from: Subnet, to: Subnet, family: 4 | 6): string | undefined {
  if (from.vnetKey === to.vnetKey) return undefined;
  const peering = peeringBetween(estate, from.vnetKey, to.vnetKey);
  if (!peering) return undefined;
  const own = leftOutBy(estate, from, peering);
  if (own) return own;
  const remote = joinedSubnets(estate, from.vnetKey, peering).remote;
  if (remote && !remote.has(to.name.toLowerCase())) return `subnet peering ${peering.name} of ${from.vnetName} does not join subnet ${to.name} of ${to.vnetName} (https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering)`;
  if (family === 4 && peersIpv6Only(estate, from.vnetKey, peering)) return `peering ${peering.name} of ${from.vnetName} peers the IPv6 space only (enableOnlyIPv6Peering), so it carries no IPv4 traffic to ${to.vnetName}`;
  return undefined;
}

/**
 * In words, the subnet peering between two VNets (`fromVnetKey`'s peering with `toVnetKey`), when it is one: which
 * subnets of each it joins. Undefined for a whole-VNet peering or none.
 */
export function subnetPeeringWords(estate: Memo, fromVnetKey: string, toVnetKey: string): string | undefined {
  const from = estate.snapshot.vnets.get(fromVnetKey);
  const peering = peeringBetween(estate, fromVnetKey, toVnetKey);
  if (!from || !peering) return undefined;
  const { local, remote } = joinedSubnets(estate, fromVnetKey, peering);
  if (!local && !remote) return undefined;
  const to = estate.snapshot.vnets.get(toVnetKey)?.name ?? toVnetKey.split("/").pop();
  const side = (names: JoinedNames | undefined, vnet: string | undefined) => (!names ? `all of ${vnet}` : names.size ? `${named(names).join(", ")} of ${vnet}` : `no subnet of ${vnet}`);
  return `peering ${peering.name} of ${from.name} is a subnet peering joining only ${side(local, from.name)} with ${side(remote, to)} (https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering)`;
}
