// Name resolution of storage private endpoints (CONTRACT §4.2): whether the resolvers a client asks give the
// account's name the endpoint's address. A VNet resolves with Azure DNS and the private DNS zones linked to it (at
// most one zone of a name per VNet), or with the DNS servers its dhcpOptions list, any of which a client may ask.
// https://learn.microsoft.com/azure/dns/private-dns-privatednszone
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import { type AddrSet, addrOverlaps, concrete, describeAddrs } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { pushTo } from "../collections";
import type { AzureFirewall, PrivateDnsZone, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { parentVnetOf } from "../snapshot/arm-id";
import { firewallAt, firewallDnsProxy, firewallDnsProxySetting, firewallDnsServers, firewallSubnet } from "./firewall";
import { authorityFor, isPrivateLinkZone, otherSetsOnly, recordOf, recordsGiven } from "./linked-zones";
import { dnsServerLists } from "./name-resolution";
import { AZURE_DNS } from "./platform-dns";

export const BLOB_ZONE = "privatelink.blob.core.windows.net";
/** CNAME hops followed before a chain counts as one the audit cannot judge. */
const MAX_CNAME_HOPS = 8;

/** Why Azure DNS does not (or may not) give a private endpoint by name (zoneProblem). */
export interface ZoneFault {
  kind: "zone" | "link" | "record" | "address" | "partly" | "cname";
  /**
   * true: the resolver gets something else than the endpoint. false: what it gets cannot be judged (a CNAME the audit
   * cannot follow) or is the endpoint only part of the time (an A record set with stray addresses).
   */
  sure: boolean;
  why: string;
  /** What the resolver gets instead: "the account's public address", or the stale record's addresses. */
  answer: string;
  fix: string;
  /** Set where the resolver gets no address at all: a linked zone without the name answers NXDOMAIN. */
  nxdomain?: true;
}

/** A client subnet's name resolution that does not (or cannot be seen to) give the endpoint (dnsProblem). */
export interface DnsProblem {
  /** true: the name does not resolve to the endpoint; false: whether it does cannot be judged. */
  sure: boolean;
  why: string;
  /** With `sure`: no resolver the subnet's machines ask gives any address for the name (NXDOMAIN), public or private. */
  nxdomain?: true;
}

/** What one resolver answers for the account's name. */
type Answer = { gives: "endpoint"; label: string } | { gives: "other" | "unknown"; label: string; why: string; nxdomain?: true };

/**
 * The private DNS zones of the input named `name` (lower-case), in input order. Indexed once per estate family (fixes
 * never change zones): every subnet asks, and a scan per subnet was subnets × zones.
 */
export function zonesNamed(estate: Estate, name: string): PrivateDnsZone[] {
  const byName = estate.memo("private-dns-zones-by-name", () => {
    const out = new Map<string, PrivateDnsZone[]>();
    for (const z of estate.snapshot.privateDnsZones?.values() ?? []) pushTo(out, z.name.toLowerCase(), z);
    return out;
  });
  return byName.get(name) ?? [];
}

/**
 * The zone named `name` that Azure DNS of `vnetKey` answers from: the one linked to that VNet. Several zones may
 * share a name (one per resource group or subscription), but at most one of them can be linked to a VNet, so the
 * link decides, never the order of the input. https://learn.microsoft.com/azure/dns/private-dns-privatednszone
 */
export function zoneFor(estate: Estate, name: string, vnetKey: string): PrivateDnsZone | undefined {
  return zonesNamed(estate, name).find((z) => z.links.some((l) => l.vnetKey === vnetKey));
}

/**
 * Why Azure DNS of `vnetKey` does not answer `record` in private zone `zoneName` with the endpoint (no zone of that
 * name, none linked to that VNet, no such record, or addresses outside `at`, the endpoint's), in words naming
 * `user`, who resolves there; undefined when it does. A record set with the endpoint's address and others is
 * answered whole, and clients pick any: not sure. A CNAME is followed to an A record in a zone the same VNet
 * resolves from; one the input does not let the audit follow cannot be judged. Records are judged as far as the
 * input gives them: no record sets at all, or a set without its addresses, is not held against it. A zone that is not
 * a Private Link zone (`blob.core.windows.net` above the account's public name: storageNameFault) never falls back to
 * public DNS, whatever its link's resolutionPolicy, and one whose record sets the input does not give cannot be judged
 * (not sure). The one place the client's DNS (dnsProblem) and a firewall's are judged.
 * https://learn.microsoft.com/azure/dns/private-dns-fallback
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 * https://learn.microsoft.com/azure/dns/dns-zones-records#record-sets
 */
export function zoneProblem(estate: Estate, zoneName: string, record: string, vnetKey: string, user: string, at?: AddrSet, hops = 0): ZoneFault | undefined {
  const publicAddress = "the account's public address";
  if (!zonesNamed(estate, zoneName).length) return { kind: "zone", sure: true, why: `no ${zoneName} private DNS zone is in the input`, answer: publicAddress, fix: `create ${zoneName} and link it` };
  const zone = zoneFor(estate, zoneName, vnetKey);
  const vnetName = estate.snapshot.vnets.get(vnetKey)?.name ?? vnetKey.split("/").pop();
  if (!zone) return { kind: "link", sure: true, why: `zone ${zoneName} is not linked to ${vnetName}, whose DNS ${user} uses`, answer: publicAddress, fix: `link ${zoneName} to ${vnetName}` };
  const name = record.toLowerCase();
  const link = zone.links.find((l) => l.vnetKey === vnetKey);
  // A zone named after a public domain (blob.core.windows.net) answers every name under it for the VNet, and never
  // falls back to public DNS: its record sets must be seen to judge it.
  const privateLink = isPrivateLinkZone(zoneName);
  const unlink = `remove ${zoneName}'s ${link ? `link ${link.name}` : "link"} to ${vnetName} (a zone named after a public domain hides every name under it that it holds no record for; a private endpoint's records belong in its Private Link zone)`;
  if (!privateLink && !recordsGiven(zone)) {
    return { kind: "record", sure: false, why: `zone ${zoneName}, linked to ${vnetName} and not a Private Link zone, answers every name under it, but the input gives none of its record sets, so whether it holds ${record} cannot be judged (without it, Azure DNS answers NXDOMAIN)`, answer: "NXDOMAIN unless the zone holds the record", fix: `${unlink}, or add the zone's record sets to the input (az network private-dns record-set list)` };
  }
  const found = recordOf(zone, name);
  // A name holds a CNAME or other records, never both: Azure DNS answers the CNAME and follows it.
  if (found?.kind === "cname") return cnameProblem(estate, zone, record, found.target, vnetKey, user, at, hops);
  if (recordsGiven(zone) && !found) {
    // The account's public name is a CNAME into this zone once it has a private endpoint: Azure DNS of a linked VNet
    // answers a name the zone lacks with NXDOMAIN, unless the link falls back to public DNS (NxDomainRedirect), which
    // only a Private Link zone's link does.
    // https://learn.microsoft.com/azure/dns/private-dns-fallback
    const fallback = privateLink && link?.resolutionPolicy?.toLowerCase() === "nxdomainredirect";
    const fix = `add an A record ${record} for the private endpoint's address to ${zoneName}`;
    if (fallback) return { kind: "record", sure: true, why: `zone ${zoneName} holds no A record for ${record}, and its link to ${vnetName} falls back to public DNS (resolutionPolicy NxDomainRedirect)`, answer: publicAddress, fix };
    const only = otherSetsOnly(zone, name);
    if (!privateLink && only) return { kind: "record", sure: true, nxdomain: true, why: `zone ${zoneName}, linked to ${vnetName} by ${link?.name ?? "a virtual network link"}, holds ${only}, so Azure DNS gives its name no IPv4 address: ${zoneName} is not a Private Link zone, so it never falls back to public DNS`, answer: "no address at all", fix: `${unlink}, or ${fix}` };
    if (!privateLink) return { kind: "record", sure: true, nxdomain: true, why: `zone ${zoneName}, linked to ${vnetName} by ${link?.name ?? "a virtual network link"}, holds no record for ${record}, so Azure DNS answers its name with NXDOMAIN: ${zoneName} is not a Private Link zone, so it never falls back to public DNS (resolutionPolicy NxDomainRedirect applies to Private Link zones only)`, answer: "no address at all", fix: `${unlink}, or ${fix}` };
    return { kind: "record", sure: true, nxdomain: true, why: `zone ${zoneName}, linked to ${vnetName}, holds no A record for ${record}, so Azure DNS answers its name with NXDOMAIN (the link's resolutionPolicy is not NxDomainRedirect)`, answer: "no address at all", fix: `${fix}, or set the link's resolutionPolicy to NxDomainRedirect to fall back to the public address` };
  }
  const ips = zone.aRecordAddresses?.get(found?.name ?? name);
  if (!ips || !at) return undefined;
  const isEndpoint = (ip: string) => {
    const r = cidrsToRanges([ip]);
    return addrOverlaps(concrete(r.v4, r.v6), at);
  };
  const stray = ips.filter((ip) => !isEndpoint(ip));
  if (ips.length && !stray.length) return undefined;
  if (stray.length < ips.length) {
    const mine = ips.filter(isEndpoint);
    return {
      kind: "partly",
      sure: false,
      why: `zone ${zoneName}'s A record ${record} holds ${stray.join(", ")} besides the private endpoint's address ${mine.join(", ")}; Azure DNS answers with every address of the set and clients use any of them, so only part of the requests reach the endpoint`,
      answer: ips.join(", "),
      fix: `remove ${stray.join(", ")} from the A record ${record} in ${zoneName}`,
    };
  }
  const answer = ips.length ? ips.join(", ") : "no address";
  return { kind: "address", sure: true, why: `zone ${zoneName}'s A record ${record} points at ${answer}, not at the private endpoint's address ${describeAddrs(at)}`, answer, fix: `set the A record ${record} in ${zoneName} to the private endpoint's address` };
}

/** A CNAME `record` in `zone` pointing at `target`: judged as the A record it leads to where the same VNet's zones hold it, else not sure. */
function cnameProblem(estate: Estate, zone: PrivateDnsZone, record: string, target: string | undefined, vnetKey: string, user: string, at: AddrSet | undefined, hops: number): ZoneFault | undefined {
  const what = `zone ${zone.name}'s CNAME record ${record}`;
  const fix = `make ${record} in ${zone.name} an A record for the private endpoint's address`;
  const unknown = (why: string): ZoneFault => ({ kind: "cname", sure: false, why: `${what} ${why}, so whether it gives the private endpoint cannot be judged`, answer: target ?? "the CNAME's target", fix });
  if (!target) return unknown("is in the input without its target (cnameRecord.cname)");
  if (hops >= MAX_CNAME_HOPS) return unknown(`leads to ${target} after ${hops} CNAME records`);
  // The most specific zone linked to this VNet that holds the target's name answers it (a longer zone that is not
  // linked there is not asked).
  const authority = authorityFor(estate, target, vnetKey);
  if (!authority) return unknown(`points at ${target}, which no private DNS zone of the input linked to the same VNet holds`);
  const targetZone = authority.zone.name.toLowerCase();
  const rel = authority.record;
  if (!recordOf(authority.zone, rel)) return unknown(`points at ${target}, whose record the input does not give`);
  const next = zoneProblem(estate, targetZone, rel, vnetKey, user, at, hops + 1);
  if (!next) return undefined;
  return { ...next, why: `${what} points at ${target}, and ${next.why}` };
}

/** The Private Link zone and relative record a storage service name resolves through (`sta.blob.core.windows.net` → privatelink.blob…, `sta`). */
export function privateLinkRecord(name: string): { zone: string; record: string } | undefined {
  const m = /^([a-z0-9-]+)\.(blob|file|queue|table|dfs)\.core\.windows\.net$/.exec(name.toLowerCase());
  return m ? { zone: `privatelink.${m[2]}.core.windows.net`, record: m[1] } : undefined;
}

/**
 * Why Azure DNS of `vnetKey` does not answer a storage account's service name (`sta.blob.core.windows.net`) with its
 * private endpoint (`at`), as zoneProblem says it. A zone linked to that VNet that is not a Private Link zone and holds
 * the name (`blob.core.windows.net`, `core.windows.net`, …) answers it first, before public DNS could give the CNAME
 * into the Private Link zone: that zone decides, its record or NXDOMAIN. Otherwise the Private Link zone does.
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 * https://learn.microsoft.com/azure/dns/private-dns-overview
 */
export function storageNameFault(estate: Estate, name: string, vnetKey: string, user: string, at?: AddrSet): ZoneFault | undefined {
  const authority = authorityFor(estate, name, vnetKey);
  if (authority && !isPrivateLinkZone(authority.zone.name)) return zoneProblem(estate, authority.zone.name.toLowerCase(), authority.record, vnetKey, user, at);
  const pl = privateLinkRecord(name);
  return pl ? zoneProblem(estate, pl.zone, pl.record, vnetKey, user, at) : undefined;
}

/** Whether some zone of the input that is not a Private Link zone holds `name` (it may answer it where linked). */
function overridable(estate: Estate, name: string): boolean {
  return [...(estate.snapshot.privateDnsZones?.values() ?? [])].some((z) => !isPrivateLinkZone(z.name) && (name === z.name.toLowerCase() || name.endsWith(`.${z.name.toLowerCase()}`)));
}

/**
 * The VNet whose Azure DNS Azure Firewall `fw` resolves with (its zone links decide): the VNet of its
 * AzureFirewallSubnet, else the one its ipConfigurations' subnet id names when that subnet is not in the input;
 * undefined when neither is known (a secured virtual hub's firewall has no VNet).
 */
export function firewallDnsVnet(estate: Estate, fw: AzureFirewall): { key: string; name: string } | undefined {
  const fwSubnet = firewallSubnet(estate.snapshot, fw);
  if (fwSubnet) return { key: fwSubnet.vnetKey, name: fwSubnet.vnetName };
  const named = fw.subnetKeys.map(parentVnetOf).find((x) => x !== undefined);
  return named && { key: named.key, name: estate.snapshot.vnets.get(named.key)?.name ?? named.name };
}

/**
 * What a client VNet's DNS server that is Azure Firewall `fw`'s private IP answers: with the proxy on, the
 * firewall's own resolution decides (Azure DNS of its VNet, or its custom servers: forwardedAnswer); with it
 * off, the firewall answers no DNS query and the name does not resolve. https://learn.microsoft.com/azure/firewall/dns-settings
 */
function firewallServerAnswer(estate: Estate, subnet: Subnet, account: string, server: string, fw: AzureFirewall, at?: AddrSet): Answer {
  const label = `${server} (Azure Firewall ${fw.name})`;
  const via = `the VNet's DNS server ${server} is Azure Firewall ${fw.name}`;
  const proxy = firewallDnsProxy(estate, fw);
  if (proxy === undefined) return { gives: "unknown", label, why: `${via}, whose policy is not in the input, so whether its DNS proxy answers and what it resolves cannot be judged` };
  if (!proxy) return { gives: "other", label, why: `${via}, whose DNS proxy is off (${firewallDnsProxySetting(estate, fw)}), so it answers no DNS query and ${account}'s name does not resolve (enable DNS proxy ${fw.policyKey ? `in ${fw.name}'s policy ${fw.policyKey.split("/").pop()}` : `on ${fw.name}`}, or point the VNet's DNS elsewhere)` };
  const custom = firewallDnsServers(estate, fw);
  if (custom.length) return forwardedAnswer(estate, subnet, account, fw, custom, label, via, at);
  const vnetKey = firewallDnsVnet(estate, fw)?.key;
  if (!vnetKey && fw.virtualHubKey) return { gives: "unknown", label, why: `${via} in a secured virtual hub, whose DNS proxy resolves with Azure DNS, and a private DNS zone cannot be linked to a virtual hub, so whether ${account}'s name resolves to the private endpoint cannot be judged` };
  if (!vnetKey) return { gives: "unknown", label, why: `${via}, whose DNS proxy resolves with Azure DNS of a VNet the input does not name, so whether ${account}'s name resolves to the private endpoint cannot be judged` };
  const problem = storageNameFault(estate, `${account}.blob.core.windows.net`, vnetKey, `Azure Firewall ${fw.name}'s DNS proxy`, at);
  if (!problem) return { gives: "endpoint", label };
  const fix = problem.kind === "link" ? `link ${BLOB_ZONE} to ${estate.snapshot.vnets.get(vnetKey)?.name ?? vnetKey.split("/").pop()}` : problem.fix;
  const gets = problem.sure ? `: ${subnet.name} gets ${problem.answer}` : "";
  return { gives: problem.sure ? "other" : "unknown", label, why: `${via}, whose DNS proxy resolves with Azure DNS of its own VNet, and ${problem.why}${gets} (${fix})`, ...(problem.nxdomain ? { nxdomain: true as const } : {}) };
}

/**
 * What Azure Firewall `fw`'s DNS proxy answers where it forwards to its custom DNS servers `custom`: each server mapped
 * as a client's is (168.63.129.16 → Azure DNS of the firewall's VNet; a Private Resolver inbound endpoint or DNS server
 * in a VNet of the input → Azure DNS of that VNet; any other → not seen), and the proxy may ask any of them: all give
 * the endpoint → endpoint; none does → other; else cannot be judged.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 * https://learn.microsoft.com/azure/dns/dns-private-resolver-overview
 */
function forwardedAnswer(estate: Estate, subnet: Subnet, account: string, fw: AzureFirewall, custom: readonly string[], label: string, via: string, at?: AddrSet): Answer {
  const user = `Azure Firewall ${fw.name}'s DNS proxy`;
  const each = custom.map((raw): Answer => {
    const server = raw.trim();
    const vnet = server === AZURE_DNS ? firewallDnsVnet(estate, fw) : firewallAt(estate, server) ? undefined : serverVnet(estate, server);
    const name = server === AZURE_DNS ? `${server} (Azure DNS)` : vnet ? `${server} (in ${vnet.name})` : server;
    if (!vnet) return { gives: "unknown", label: name, why: `${name} is in no VNet of the input, so what it answers cannot be seen` };
    const problem = storageNameFault(estate, `${account}.blob.core.windows.net`, vnet.key, user, at);
    if (!problem) return { gives: "endpoint", label: name };
    const fix = problem.kind === "link" ? `link ${BLOB_ZONE} to ${vnet.name}` : problem.fix;
    return { gives: problem.sure ? "other" : "unknown", label: name, why: `${name} resolves with Azure DNS of ${vnet.name}, and ${problem.why} (${fix})`, ...(problem.nxdomain ? { nxdomain: true as const } : {}) };
  });
  const forwards = `${via}, whose DNS proxy forwards to its custom DNS servers ${custom.join(", ")}, any of which may answer`;
  if (each.every((a) => a.gives === "endpoint")) return { gives: "endpoint", label };
  const words = each.map((a) => (a.gives === "endpoint" ? `${a.label} gives the private endpoint` : `${a.label}: ${a.why}`)).join("; ");
  if (each.every((a) => a.gives === "other")) return { gives: "other", label, why: `${forwards}, and none gives the private endpoint — ${words}: ${subnet.name} does not reach it by name`, ...(each.every((a) => a.gives === "other" && a.nxdomain) ? { nxdomain: true as const } : {}) };
  return { gives: "unknown", label, why: `${forwards}, and not every one can be seen to give the private endpoint, so whether ${account}'s name resolves to it cannot be judged — ${words}` };
}

/** What Azure DNS of `vnetKey` (with the zones linked to it) answers a client of `subnet`. */
function vnetAnswer(estate: Estate, subnet: Subnet, account: string, vnetKey: string, label: string, at?: AddrSet): Answer {
  const problem = storageNameFault(estate, `${account}.blob.core.windows.net`, vnetKey, subnet.name, at);
  if (!problem) return { gives: "endpoint", label };
  // A missing link keeps its words; a missing or stale record says what to do about it.
  const why = problem.kind === "link" ? problem.why : problem.sure ? `${problem.why}: ${subnet.name} gets ${problem.answer} (${problem.fix})` : `${problem.why} (${problem.fix})`;
  return { gives: problem.sure ? "other" : "unknown", label, why, ...(problem.nxdomain ? { nxdomain: true as const } : {}) };
}

/**
 * The VNet of the input holding DNS server `server` (a custom server forwards to Azure DNS of its own VNet), or
 * undefined. Per server address, once per estate family (fixes never change VNets): every subnet using it asks.
 */
export function serverVnet(estate: Estate, server: string): { key: string; name: string } | undefined {
  return estate.memo(`dns-server-vnet|${server}`, () => {
    const r = cidrsToRanges([server]);
    const ip = concrete(r.v4, r.v6);
    return [...estate.snapshot.vnets.values()].find((v) => {
      const p = cidrsToRanges(v.addressPrefixes);
      return addrOverlaps(concrete(p.v4, p.v6), ip);
    });
  });
}

/**
 * What one of a VNet's DNS servers answers: an Azure Firewall's private IP → its DNS proxy; Azure DNS's
 * 168.63.129.16 → the client VNet's zone links; an address in a VNet of the input → that VNet's zone links (a DNS
 * server forwards to Azure DNS of its own VNet); any other → cannot be judged.
 */
function serverAnswer(estate: Estate, subnet: Subnet, account: string, server: string, at?: AddrSet): Answer {
  const fw = firewallAt(estate, server);
  if (fw) return firewallServerAnswer(estate, subnet, account, server, fw, at);
  if (server === AZURE_DNS) return vnetAnswer(estate, subnet, account, subnet.vnetKey, `${server} (Azure DNS)`, at);
  const vnet = serverVnet(estate, server);
  if (vnet) return vnetAnswer(estate, subnet, account, vnet.key, `${server} (in ${vnet.name})`, at);
  return { gives: "unknown", label: server, why: `the VNet's DNS server ${server} is in no VNet of the input, so whether it resolves ${BLOB_ZONE} cannot be seen` };
}

/**
 * Where private DNS zones are given: why the account's blob name does not resolve to the endpoint (`at`: its
 * addresses, when the input shows them) for clients in `subnet`; undefined when it does. With Azure-provided DNS
 * the zone linked to the subnet's VNet decides; with listed DNS servers a client may ask any of them, so each is
 * judged (serverAnswer) and: all give the endpoint → undefined; none does → `sure`; they differ, or one cannot be
 * judged → not `sure`, naming which server gives what.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
 * https://learn.microsoft.com/azure/firewall/dns-settings
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 */
export function dnsProblem(estate: Estate, subnet: Subnet, account: string, at?: AddrSet): DnsProblem | undefined {
  if (!estate.snapshot.privateDnsZones?.size) return undefined;
  // A zone named after a public domain above the account's name may answer it where no privatelink zone exists.
  if (!zonesNamed(estate, BLOB_ZONE).length && !overridable(estate, `${account.toLowerCase()}.blob.core.windows.net`)) return { sure: true, why: `no ${BLOB_ZONE} private DNS zone is in the input` };
  // Every resolver some machine of the subnet asks: its NIC's DNS servers, else the VNet's, else Azure DNS.
  const lists = dnsServerLists(estate, subnet);
  const servers = [...new Set(lists.flatMap((l) => l.servers))];
  const answers = [...servers.map((s) => serverAnswer(estate, subnet, account, s, at)), ...(lists.some((l) => !l.servers.length) ? [vnetAnswer(estate, subnet, account, subnet.vnetKey, "Azure DNS", at)] : [])];
  if (answers.every((a) => a.gives === "endpoint")) return undefined;
  // Every resolver answering NXDOMAIN: the name gives no address at all, public or private.
  const nxdomain = answers.every((a) => a.gives === "other" && a.nxdomain) ? { nxdomain: true as const } : {};
  if (answers.length === 1) {
    const a = answers[0] as Exclude<Answer, { gives: "endpoint" }>;
    return { sure: a.gives === "other", why: a.why, ...nxdomain };
  }
  const each = answers.map((a) => (a.gives === "endpoint" ? `${a.label} gives the private endpoint` : `${a.label}: ${a.why}`)).join("; ");
  if (answers.every((a) => a.gives === "other")) return { sure: true, why: `none of the VNet's DNS servers ${servers.join(", ")} gives the private endpoint, and clients ask any of them — ${each}`, ...nxdomain };
  return { sure: false, why: `the VNet's DNS servers ${servers.join(", ")} do not all give the private endpoint, and clients may ask any of them, so whether ${account}'s name resolves to it cannot be judged — ${each}` };
}

/** Where a blob zone of the input has VNet links but none of its record sets are given: a note saying the records were not checked. */
export function recordsNotGiven(estate: Estate, account: string): string | undefined {
  const unseen = zonesNamed(estate, BLOB_ZONE).some((z) => z.links.length && !z.aRecords.length && !z.cnameRecords?.size && !z.otherRecordSets?.size);
  if (!unseen) return undefined;
  return `the input gives no A record sets of ${BLOB_ZONE}, so whether it holds ${account}'s record, and which address that gives, was not checked (az network private-dns record-set a list gives them)`;
}

/**
 * Why the account's blob name gives `subnet`'s machines no address at all (every resolver they ask answers NXDOMAIN:
 * a privatelink zone linked to the resolving VNet lacks the account's record, and the link does not fall back to
 * public DNS), or undefined. Only where the account has an approved blob private endpoint in the input: its public
 * blob name is then a CNAME into the privatelink zone. Neither its public address nor an endpoint is reached by name. Never throws.
 * https://learn.microsoft.com/azure/dns/private-dns-fallback
 */
export function blobNameUnresolved(estate: Estate, subnet: Subnet, account: string): string | undefined {
  const name = account.toLowerCase();
  // Only a blob endpoint makes the blob name a CNAME into privatelink.blob (endpoints are per service), and only one
  // whose connection is approved is taken to (a pending or rejected one may not have made it yet: no claim then).
  // Per account, once per estate family (fixes never change private endpoints): every subnet's storage checks ask.
  const hasEndpoint = estate.memo(`approved-blob-endpoint|${name}`, () =>
    [...estate.snapshot.privateEndpoints.values()].some((pe) =>
      pe.connections.some(
        (c) =>
          c.targetId.toLowerCase().endsWith(`/storageaccounts/${name}`) &&
          (c.groupIds.length === 0 || c.groupIds.some((g) => g.toLowerCase() === "blob")) &&
          (!c.status || c.status.toLowerCase() === "approved"),
      ),
    ),
  );
  if (!hasEndpoint) return undefined;
  const dns = dnsProblem(estate, subnet, name);
  return dns?.sure && dns.nxdomain ? dns.why : undefined;
}
