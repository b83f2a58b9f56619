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

/** Whether a zone holds `name` (lower-case): the zone's own name or any name under it. */
const holds = (zoneName: string, name: string) => name === zoneName || name.endsWith(`.${zoneName}`);

/** The zones linked to `vnetKey`, longest name first. Once per estate family (fixes never change zones or links). */
function linkedZones(estate: Estate, vnetKey: string): PrivateDnsZone[] {
  return estate.memo(`linked-private-dns-zones|${vnetKey}`, () =>
    [...(estate.snapshot.privateDnsZones?.values() ?? [])].filter((z) => z.links.some((l) => l.vnetKey === vnetKey)).sort((a, b) => b.name.length - a.name.length),
  );
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
  const n = dnsName(name);
  const zone = linkedZones(estate, vnetKey).find((z) => holds(z.name.toLowerCase(), n));
  if (!zone) return undefined;
  const zoneName = zone.name.toLowerCase();
  return { zone, link: zone.links.find((l) => l.vnetKey === vnetKey)!, record: n === zoneName ? "@" : n.slice(0, -(zoneName.length + 1)) };
}

/**
 * Whether the input gives the zone's record sets: any A record set, or (outside Private Link zones, which the audit has
 * always judged by their A record sets) any CNAME record set. A zone listed without any is not judged by a record it
 * seems to lack.
 */
export function recordsGiven(zone: PrivateDnsZone): boolean {
  return zone.aRecords.length > 0 || (!isPrivateLinkZone(zone.name) && (zone.cnameRecords?.size ?? 0) > 0);
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
export function zoneAnswer(estate: Estate, name: string, vnetKey: string, hops = 0, via = ""): ZoneAnswer {
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
    return zoneAnswer(estate, found.target, vnetKey, hops + 1, `${where} answers ${n} with a CNAME to ${found.target}; `);
  }
  if (pl && link.resolutionPolicy?.toLowerCase() === "nxdomainredirect") return via ? { kind: "public", via } : { kind: "public" };
  if (!recordsGiven(zone)) {
    if (pl) return { kind: "address", authority, via: where };
    return { kind: "unknown", authority, why: `${where} holds every name under ${zone.name} for that VNet, but the input gives none of its record sets, so whether it holds ${n} cannot be judged (without a record, Azure DNS answers NXDOMAIN; az network private-dns record-set list gives them)` };
  }
  const redirect = !pl && link.resolutionPolicy?.toLowerCase() === "nxdomainredirect" ? "; the link's resolutionPolicy NxDomainRedirect applies to Private Link zones only" : "";
  return {
    kind: "nxdomain",
    authority,
    why: `${where} holds no record for ${n}${record === "@" ? " (an address at the zone's apex)" : ` (${record})`}, so Azure DNS answers it with NXDOMAIN${pl ? " (the link's resolutionPolicy is not NxDomainRedirect)" : ` and never asks public DNS${redirect}`}`,
  };
}
