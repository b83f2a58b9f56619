// Which subnet holds an address: the next hop of a route, the profile's CycleCloud server or proxy, a query's end.
import { type AddrSet, addrOverlaps, concrete } from "../net/addr-set";
import { cidrsToRanges, parseCidr } from "../net/ip";
import type { Snapshot, Subnet } from "../model/types";

/**
 * The first subnet (among `subnetKeys`, or all) whose prefixes overlap `addresses` — an AddrSet or an IP
 * address as text. Undefined when none does or the text is not an address.
 */
export function subnetHolding(snapshot: Snapshot, addresses: AddrSet | string, subnetKeys?: Iterable<string>): Subnet | undefined {
  let at: AddrSet;
  if (typeof addresses === "string") {
    const r = parseCidr(addresses);
    if (!r) return undefined;
    at = concrete(r.v4, r.v6);
  } else at = addresses;
  const candidates = subnetKeys ? [...subnetKeys].map((k) => snapshot.subnets.get(k)) : snapshot.subnets.values();
  for (const s of candidates) {
    if (!s) continue;
    const p = cidrsToRanges(s.addressPrefixes);
    if (addrOverlaps(concrete(p.v4, p.v6), at)) return s;
  }
  return undefined;
}
