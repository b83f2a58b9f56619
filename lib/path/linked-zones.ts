// Which private DNS zone Azure DNS of a VNet answers a name from, and what it answers. Every private DNS zone linked to
// a VNet is authoritative, for that VNet, for every name under it: the linked zone whose name is the longest suffix of
// the asked name answers it, with the zone's record or, lacking one, NXDOMAIN. Public DNS is asked only for names no
// linked zone holds, and for a name a Private Link zone lacks where the zone's link says NxDomainRedirect (the fallback
// applies to Private Link zones only). So a zone named after a public domain (`blob.core.windows.net`, `azure.com`)
// and linked to a VNet hides every public name under it that it holds no record for.
// https://learn.microsoft.com/azure/dns/private-dns-overview
// https://learn.microsoft.com/azure/dns/private-dns-fallback
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns ("It's not recommended to override a zone that's
// actively in use to resolve public endpoints")
import type { PrivateDnsZone } from "../model/types";
import type { Estate } from "../nsg/estate";

/** CNAME hops followed before a chain counts as one the audit cannot judge (as private-dns.ts's). */
const MAX_CNAME_HOPS = 8;

/** A name as DNS compares it: lower-case, no trailing dot, no surrounding blanks. */
export const dnsName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, "");

/**
 * Whether a private DNS zone is a Private Link zone (`privatelink.blob.core.windows.net`, and the few whose
 * `privatelink` label is not the first: `<partition>.privatelink.blob.storage.azure.net`): only such a zone's link
 * can fall back to public DNS (resolutionPolicy NxDomainRedirect).
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 * https://learn.microsoft.com/azure/dns/private-dns-fallback
 */
export function isPrivateLinkZone(zoneName: string): boolean {
  return dnsName(zoneName).split(".").includes("privatelink");
}

/** One zone linked to a VNet, with its (first) link to that VNet. */
interface Linked {
  zone: PrivateDnsZone;
  link: PrivateDnsZone["links"][number];
}

/**
 * Every VNet's linked zones by (lower-case) zone name, and the names of all zones linked anywhere. Built once per
 * estate family (fixes never change zones or links) in one pass over the links: a scan of every zone's links per VNet
 * was VNets × links (1,000 VNets × 80 zones linked to each: 80 million). Where two zones of one name are linked to the
 * same VNet (Azure refuses it) the first in input order answers, as before.
 */
function linkedIndex(estate: Estate): { byVnet: Map<string, Map<string, Linked>>; names: Set<string>; held: Map<string, boolean> } {
  return estate.memo("linked-private-dns-zone-index", () => {
    const byVnet = new Map<string, Map<string, Linked>>();
    const names = new Set<string>();
    for (const zone of estate.snapshot.privateDnsZones?.values() ?? []) {
      const name = dnsName(zone.name);
      for (const link of zone.links) {
        let zones = byVnet.get(link.vnetKey);
        if (!zones) byVnet.set(link.vnetKey, (zones = new Map()));
        if (!zones.has(name)) zones.set(name, { zone, link });
        names.add(name);
      }
    }
    return { byVnet, names, held: new Map<string, boolean>() };
  });
}

/** `name` and every name above it, longest first: `a.b.c` → `a.b.c`, `b.c`, `c`. */
function suffixes(name: string): string[] {
  const out = [name];
  for (let i = name.indexOf("."); i >= 0; i = name.indexOf(".", i + 1)) out.push(name.slice(i + 1));
  return out;
}

/**
 * Whether some private DNS zone of the input linked to any VNet holds `name` (any FQDN): where none does, no VNet's
 * Azure DNS answers it from a zone and public DNS does, so callers return at once (the common case: CycleCloud's names
 * and accounts' blob names under none of the Private Link zones). A few set lookups, one per label. Never throws.
 */
export function anyLinkedZoneHolds(estate: Estate, name: string): boolean {
  const { names, held } = linkedIndex(estate);
  if (!names.size) return false;
  // By the name as asked: every subnet asks the same few hundred names (one per storage account).
  let hit = held.get(name);
  if (hit === undefined) held.set(name, (hit = suffixes(dnsName(name)).some((s) => names.has(s))));
  return hit;
}

/** A linked zone that answers a name, its link to the VNet, and the name relative to the zone (`@`: the zone's apex). */
export interface Authority {
  zone: PrivateDnsZone;
  link: PrivateDnsZone["links"][number];
  record: string;
}

/**
 * The private DNS zone Azure DNS of `vnetKey` answers `name` from: the zone linked to that VNet whose name is the
 * longest suffix of `name` (or `name` itself), with its link and the relative record name; undefined when no linked zone
 * holds it (public DNS answers). At most one zone of a name can be linked to a VNet, so the order of the input never
 * decides. Never throws. https://learn.microsoft.com/azure/dns/private-dns-privatednszone
 */
export function authorityFor(estate: Estate, name: string, vnetKey: string): Authority | undefined {
  const zones = linkedIndex(estate).byVnet.get(vnetKey);
  if (!zones) return undefined;
  const n = dnsName(name);
  for (const zoneName of suffixes(n)) {
    const hit = zones.get(zoneName);
    if (hit) return { zone: hit.zone, link: hit.link, record: n === zoneName ? "@" : n.slice(0, -(zoneName.length + 1)) };
  }
  return undefined;
}

/**
 * Whether the input gives the zone's record sets: any A record set, any record set of another type (`SOA`, which every
 * zone has at its apex, `AAAA`, `TXT`, …: an export that holds one gave the zone's listing), or (outside Private Link
 * zones, which the audit has always judged by their A record sets) any CNAME record set. A zone listed without any is
 * not judged by a record it seems to lack. https://learn.microsoft.com/azure/dns/private-dns-privatednszone
 */
export function recordsGiven(zone: PrivateDnsZone): boolean {
  return zone.aRecords.length > 0 || (zone.otherRecordSets?.size ?? 0) > 0 || (!isPrivateLinkZone(zone.name) && (zone.cnameRecords?.size ?? 0) > 0);
}

/**
 * Words for a name whose record sets in the zone are of other types only (`AAAA`, `TXT`): Azure DNS answers an A query
 * for it with no address (NODATA), so it gives the machines no IPv4 address; undefined when the zone holds nothing there.
 */
export function otherSetsOnly(zone: PrivateDnsZone, record: string): string | undefined {
  const types = zone.otherRecordSets?.get(record);
  return types?.length ? `only ${types.join(", ")} record set${types.length > 1 ? "s" : ""} for ${record}, no A or CNAME record set` : undefined;
}

/**
 * The record set a relative name finds in a zone: its own, else the closest wildcard above it (`*.blob`, then `*`), as
 * Azure DNS answers a name no record set is named for. https://learn.microsoft.com/azure/dns/private-dns-overview
 */
export function recordOf(zone: PrivateDnsZone, record: string): { kind: "a"; name: string } | { kind: "cname"; name: string; target?: string } | undefined {
  const labels = record === "@" ? [] : record.split(".");
  const candidates = [record, ...labels.map((_, i) => ["*", ...labels.slice(i + 1)].join("."))];
  for (const name of candidates) {
    if (zone.aRecords.includes(name)) return { kind: "a", name };
    if (zone.cnameRecords?.has(name)) return { kind: "cname", name, target: zone.cnameRecords.get(name) };
  }
  return undefined;
}

/** What Azure DNS of a VNet answers for a name, from the zones linked to that VNet. */
export type ZoneAnswer =
  /** No linked zone holds the name (or a Private Link zone's link falls back): public DNS answers. `via`: the CNAME chain that led there. */
  | { kind: "public"; via?: string }
  /** An A record set: its addresses where the input gives them. */
  | { kind: "address"; authority: Authority; addresses?: string[]; via: string }
  /** No address at all: the linked zone lacks the name. */
  | { kind: "nxdomain"; authority: Authority; why: string }
  /** The input cannot show what the zone answers (its record sets are not given, a CNAME without its target). */
  | { kind: "unknown"; authority: Authority; why: string };

/** How a zone and its link are named in words: `private DNS zone azure.com (linked to vnet-hpc by link-hpc)`. */
export function zoneWords(estate: Estate, a: Authority): string {
  const vnet = estate.snapshot.vnets.get(a.link.vnetKey)?.name ?? a.link.vnetKey.split("/").pop();
  return `private DNS zone ${a.zone.name} (linked to ${vnet} by ${a.link.name}${isPrivateLinkZone(a.zone.name) ? "" : ", not a Private Link zone"})`;
}

/**
 * What Azure DNS of `vnetKey` answers for `name` (any FQDN): the longest linked zone that holds it decides (authorityFor);
 * an A record set there → its addresses; a CNAME → followed, through that VNet's zones again, to public DNS where none
 * holds the target; no record → NXDOMAIN, except in a Private Link zone whose link falls back (NxDomainRedirect), or a
 * Private Link zone whose A record sets are not in the input (judged as the audit judges those: not held against it).
 * A zone that is not a Private Link zone and whose record sets the input does not give: `unknown`. Never throws.
 * https://learn.microsoft.com/azure/dns/private-dns-fallback
 */
export function zoneAnswer(estate: Estate, name: string, vnetKey: string): ZoneAnswer {
  const n = dnsName(name);
  // Per resolving VNet and name, once per estate family: every subnet resolving there asks the same.
  return estate.memo(`zone-answer|${vnetKey}|${n}`, () => answerOf(estate, n, vnetKey, 0, ""));
}

/** zoneAnswer `hops` CNAME records into a chain, `via` saying how it got there. */
function answerOf(estate: Estate, name: string, vnetKey: string, hops: number, via: string): ZoneAnswer {
  const n = dnsName(name);
  const authority = authorityFor(estate, n, vnetKey);
  if (!authority) return via ? { kind: "public", via } : { kind: "public" };
  const { zone, link, record } = authority;
  const pl = isPrivateLinkZone(zone.name);
  const found = recordOf(zone, record);
  const where = `${via}${zoneWords(estate, authority)}`;
  if (found?.kind === "a") return { kind: "address", authority, via: where, ...(zone.aRecordAddresses?.has(found.name) ? { addresses: zone.aRecordAddresses.get(found.name)! } : {}) };
  if (found?.kind === "cname") {
    if (!found.target) return { kind: "unknown", authority, why: `${where} answers ${n} with a CNAME record the input gives without its target, so where it leads cannot be judged` };
    if (hops >= MAX_CNAME_HOPS) return { kind: "unknown", authority, why: `${where} answers ${n} with a CNAME to ${found.target} after ${hops} CNAME records, which the audit does not follow further` };
    return answerOf(estate, found.target, vnetKey, hops + 1, `${where} answers ${n} with a CNAME to ${found.target}; `);
  }
  if (pl && link.resolutionPolicy?.toLowerCase() === "nxdomainredirect") return via ? { kind: "public", via } : { kind: "public" };
  if (!recordsGiven(zone)) {
    if (pl) return { kind: "address", authority, via: where };
    return { kind: "unknown", authority, why: `${where} holds every name under ${zone.name} for that VNet, but the input gives none of its record sets, so whether it holds ${n} cannot be judged (without a record, Azure DNS answers NXDOMAIN; az network private-dns record-set list gives them)` };
  }
  const redirect = !pl && link.resolutionPolicy?.toLowerCase() === "nxdomainredirect" ? "; the link's resolutionPolicy NxDomainRedirect applies to Private Link zones only" : "";
  const only = otherSetsOnly(zone, record);
  if (only) return { kind: "nxdomain", authority, why: `${where} holds ${only}, so Azure DNS gives ${n} no IPv4 address (an empty answer)${pl ? "" : ` and never asks public DNS${redirect}`}` };
  return {
    kind: "nxdomain",
    authority,
    why: `${where} holds no record for ${n}${record === "@" ? " (an address at the zone's apex)" : ` (${record})`}, so Azure DNS answers it with NXDOMAIN${pl ? " (the link's resolutionPolicy is not NxDomainRedirect)" : ` and never asks public DNS${redirect}`}`,
  };
}
