// Whether the names CycleCloud reaches (management.azure.com, login.microsoftonline.com, the monitor names, its
// storage account's blob name) resolve at all for a subnet's machines, given the private DNS zones linked to the VNets
// whose Azure DNS they ask. A zone named after a public domain (`azure.com`, `blob.core.windows.net`) linked there
// answers every name under it, and NXDOMAIN where it holds no record: no public fallback (that is for Private Link
// zones only). The resolvers a machine asks are found as dnsProblem finds them: Azure-provided DNS (its own VNet), an
// Azure Firewall's DNS proxy resolving with Azure DNS (the firewall's VNet), a DNS server in a VNet of the input
// (that VNet). What any other server answers cannot be seen, and is not held against the name here.
// https://learn.microsoft.com/azure/dns/private-dns-overview
// https://learn.microsoft.com/azure/dns/private-dns-fallback
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { type FlowResult, allowingFirewallSteps } from "../nsg/flow";
import { firewallAt, firewallDnsProxy, firewallDnsServers } from "./firewall";
import { type ZoneAnswer, anyLinkedZoneHolds, dnsName, isPrivateLinkZone, recordsGiven, zoneAnswer, zoneWords } from "./linked-zones";
import { dnsServerLists } from "./name-resolution";
import { AZURE_DNS } from "./platform-dns";
import { firewallDnsVnet, serverVnet } from "./private-dns";
import { storageEndpointTarget } from "./private-endpoints";
import { privateEndpointIps } from "./routes";

/** One resolver a subnet's machines ask, with the VNet whose Azure DNS (and zone links) it answers from, when known. */
interface Resolver {
  label: string;
  vnetKey?: string;
  /** How the query got there where another server forwarded it (an Azure Firewall's DNS proxy), in words. */
  via?: string;
}

/**
 * What Azure Firewall `fw` resolves names with, its DNS proxy answering clients and its application rules resolving
 * the names they let through: without custom DNS servers (policy or classic settings) Azure DNS of its own VNet; with
 * them, each server, mapped as a client's is (168.63.129.16 → Azure DNS of the firewall's VNet; a Private Resolver
 * inbound endpoint or DNS server in a VNet of the input → Azure DNS of that VNet, with the zones linked there). A server
 * elsewhere (on-premises, another firewall) carries no VNet: what it answers is not seen.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 * https://learn.microsoft.com/azure/dns/dns-private-resolver-overview
 */
function firewallResolvers(estate: Estate, fw: AzureFirewall): Resolver[] {
  const own = firewallDnsVnet(estate, fw);
  const custom = firewallDnsServers(estate, fw).map((s) => s.trim());
  if (!custom.length) return [{ label: `Azure DNS of ${own?.name ?? "its VNet"}`, ...(own ? { vnetKey: own.key } : {}) }];
  return custom.map((server) => {
    if (server === AZURE_DNS) return { label: `${server} (Azure DNS)`, ...(own ? { vnetKey: own.key } : {}) };
    const vnet = firewallAt(estate, server) ? undefined : serverVnet(estate, server);
    return { label: vnet ? `${server} (in ${vnet.name})` : server, ...(vnet ? { vnetKey: vnet.key } : {}) };
  });
}

/**
 * Every resolver some machine of `subnet` asks (its NIC's DNS servers, else its VNet's, else Azure-provided DNS), each
 * with the VNet whose Azure DNS it resolves with where the audit treats it as Azure DNS: 168.63.129.16 and no list →
 * the subnet's VNet; an Azure Firewall with DNS proxy on → what the firewall resolves with (firewallResolvers: its
 * VNet, or each of its custom DNS servers); an address in a VNet of the input → that VNet. Others carry no VNet (what
 * they answer is not seen).
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
 */
function resolvers(estate: Estate, subnet: Subnet): Resolver[] {
  const lists = dnsServerLists(estate, subnet);
  const out: Resolver[] = [];
  for (const server of new Set(lists.flatMap((l) => l.servers))) {
    const fw = firewallAt(estate, server);
    if (fw) {
      const label = `${server} (Azure Firewall ${fw.name})`;
      if (firewallDnsProxy(estate, fw) !== true) out.push({ label });
      // With custom servers the proxy forwards to each of them: a client's query may be answered by any.
      else if (firewallDnsServers(estate, fw).length) for (const r of firewallResolvers(estate, fw)) out.push({ ...r, label: `${server} (Azure Firewall ${fw.name}, whose DNS proxy forwards to ${r.label})`, via: `the machines' DNS server ${server} is Azure Firewall ${fw.name}, whose DNS proxy forwards to ${r.label}` });
      else out.push({ ...firewallResolvers(estate, fw)[0], label });
    } else if (server === AZURE_DNS) out.push({ label: `${server} (Azure DNS)`, vnetKey: subnet.vnetKey });
    else {
      const vnet = serverVnet(estate, server);
      out.push({ label: vnet ? `${server} (in ${vnet.name})` : server, ...(vnet ? { vnetKey: vnet.key } : {}) });
    }
  }
  if (lists.some((l) => !l.servers.length)) out.push({ label: "Azure-provided DNS", vnetKey: subnet.vnetKey });
  return out;
}

/** resolvers of `subnet` and a key naming them (label and VNet of each), per subnet once per estate family. */
function subnetResolvers(estate: Estate, subnet: Subnet): { list: Resolver[]; key: string } {
  return estate.memo(`zone-resolvers|${subnet.key}`, () => {
    const list = resolvers(estate, subnet);
    return { list, key: list.map((r) => `${r.label}@${r.vnetKey ?? ""}`).join(";") };
  });
}

/** A name CycleCloud needs that does not (or may not) resolve for a subnet's machines (nameProblem). */
export interface NameProblem {
  name: string;
  /** true: no resolver the machines ask gives any address (NXDOMAIN from every one); false: some may not, or it cannot be judged. */
  sure: boolean;
  why: string;
  /** What to change, in words. */
  fix: string;
  /** The zones that decide, for fix verification (README "Fixes"). */
  touched: string[];
}

/** One resolver's verdict on a name: fine, no address at all, or one the audit cannot call fine. */
type Verdict = { state: "ok" } | { state: "nxdomain" | "doubt"; why: string; fix: string; zoneKey: string };

/**
 * What one resolver's answer means for a name. `accept`: addresses the name may lawfully resolve to (the account's own
 * private endpoints); any other A record in a zone that is not a Private Link zone gives the machines an address that
 * is not the service's (a doubt: the flow there is not judged). A wildcard name (`*.blob.core.windows.net`, the seed's
 * Storage, where the profile names no account) fails only where the zone holds no name under it at all.
 */
function verdictOf(estate: Estate, name: string, answer: ZoneAnswer, accept: ReadonlySet<string>): Verdict {
  if (answer.kind === "public") return { state: "ok" };
  const { zone } = answer.authority;
  const unlink = `remove the link ${answer.authority.link.name} of ${zone.name} to ${estate.snapshot.vnets.get(answer.authority.link.vnetKey)?.name ?? "the VNet"}, or add a record for ${name} to it`;
  const base = { zoneKey: zone.key, fix: unlink };
  if (answer.kind === "address") {
    if (isPrivateLinkZone(zone.name) || !answer.addresses || answer.addresses.every((a) => accept.has(a.trim()))) return { state: "ok" };
    return { ...base, state: "doubt", why: `${answer.via} answers ${name} with ${answer.addresses.join(", ")}, not the service's public addresses: the machines connect there, and that flow is not what this check judges` };
  }
  if (answer.kind === "unknown") return { ...base, state: "doubt", why: answer.why };
  if (!name.startsWith("*.")) return { ...base, state: "nxdomain", why: answer.why };
  // A wildcard stands for every account: the zone answers only those it holds records for.
  const parent = answer.authority.record.slice(2);
  const under = [...zone.aRecords, ...(zone.cnameRecords?.keys() ?? [])].filter((r) => r !== "@" && (parent ? r.endsWith(`.${parent}`) : true) && !r.startsWith("*"));
  const words = zoneWords(estate, answer.authority);
  if (recordsGiven(zone) && !under.length) return { ...base, state: "nxdomain", why: `${words} holds no record for any name ${name} stands for, so Azure DNS answers every one of them (every storage account's blob name) with NXDOMAIN and never asks public DNS` };
  return { ...base, state: "doubt", why: `${words} answers every name ${name} stands for, and NXDOMAIN for any it holds no record for (it holds ${under.slice(0, 3).join(", ")}${under.length > 3 ? ` and ${under.length - 3} more` : ""}); the profile names no storageAccount, so whether CycleCloud's account is among them cannot be judged` };
}

/**
 * Why `name` (an FQDN, or a `*.` wildcard standing for every name under it) does not (or may not) resolve for `subnet`'s
 * machines because a private DNS zone linked to a VNet whose Azure DNS they ask answers it; undefined when no such zone
 * stands in its way. Every resolver answering NXDOMAIN → `sure`; some do, or a zone's answer cannot be judged, or gives
 * an address outside `accept` → not sure, naming each resolver. Private Link zones reached through a CNAME are judged
 * as zoneAnswer does; a Private Link zone's own record for a private endpoint is judged elsewhere (dnsProblem). Per
 * subnet and name, once per estate family (fixes never change zones or DNS servers). Never throws.
 * https://learn.microsoft.com/azure/dns/private-dns-fallback
 */
export function nameProblem(estate: Estate, subnet: Subnet, name: string, accept: ReadonlySet<string> = new Set()): NameProblem | undefined {
  if (!estate.snapshot.privateDnsZones?.size) return undefined;
  const n = dnsName(name);
  // The common case, at once: no zone linked anywhere holds the name, so every resolver's Azure DNS asks public DNS.
  if (!anyLinkedZoneHolds(estate, n)) return undefined;
  // Subnets asking the same resolvers get the same answer: one entry per resolver set, not per subnet (10,000
  // subnets × 300 accounts' blob names was 3 million entries).
  const all = subnetResolvers(estate, subnet);
  return estate.memo(`zone-override|${all.key}|${n}|${[...accept].sort().join(",")}`, () => {
    const judged = all.list.map((r) => ({ r, v: r.vnetKey ? verdictOf(estate, n, zoneAnswer(estate, n, r.vnetKey), accept) : ({ state: "ok" } as Verdict) }));
    const bad = judged.filter((j): j is { r: Resolver; v: Exclude<Verdict, { state: "ok" }> } => j.v.state !== "ok");
    if (!bad.length) return undefined;
    const sure = bad.length === judged.length && bad.every((b) => b.v.state === "nxdomain");
    const fix = [...new Set(bad.map((b) => b.v.fix))].join("; or ");
    const touched = [...new Set(bad.map((b) => b.v.zoneKey))];
    if (judged.length === 1) return { name: n, sure, why: bad[0].r.via ? `${bad[0].r.via}: ${bad[0].v.why}` : bad[0].v.why, fix, touched };
    const each = judged.map((j) => (j.v.state === "ok" ? `${j.r.label} is not in its way` : `${j.r.label}: ${j.v.why}`)).join("; ");
    const why = sure ? `none of the DNS servers the machines ask gives ${n} an address — ${each}` : `not every DNS server the machines ask gives ${n} its address, and clients may ask any of them — ${each}`;
    return { name: n, sure, why, fix, touched };
  });
}

/**
 * Why Azure Firewall `fw`, which lets a request for `name` through by an application rule and so resolves the name
 * itself to connect onward, gets no address for it (or may not): what it resolves with (firewallResolvers: Azure DNS of
 * its own VNet, or each custom DNS server of its policy or classic settings that the input places in a VNet) is judged
 * as for a client (verdictOf); a server the input does not hold is not held against the name. Several servers: `sure`
 * only where each answers NXDOMAIN. Per firewall and name.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 * https://learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall
 */
export function firewallNameProblem(estate: Estate, fw: AzureFirewall, name: string, accept: ReadonlySet<string> = new Set()): NameProblem | undefined {
  if (!estate.snapshot.privateDnsZones?.size) return undefined;
  const n = dnsName(name);
  if (!anyLinkedZoneHolds(estate, n)) return undefined;
  return estate.memo(`zone-override-fw|${fw.key}|${n}|${[...accept].sort().join(",")}`, () => {
    const all = firewallResolvers(estate, fw);
    const judged = all.map((r) => ({ r, v: r.vnetKey ? verdictOf(estate, n, zoneAnswer(estate, n, r.vnetKey), accept) : ({ state: "ok" } as Verdict) }));
    const bad = judged.filter((j): j is { r: Resolver; v: Exclude<Verdict, { state: "ok" }> } => j.v.state !== "ok");
    if (!bad.length) return undefined;
    const sure = bad.length === judged.length && bad.every((b) => b.v.state === "nxdomain");
    const fix = [...new Set(bad.map((b) => b.v.fix))].join("; or ");
    const touched = [...new Set(bad.map((b) => b.v.zoneKey)), fw.key];
    const lets = `Azure Firewall ${fw.name}, whose application rule lets it through, resolves ${n} itself`;
    if (!firewallDnsServers(estate, fw).length) return { name: n, sure, why: `${lets} with ${all[0].label}: ${bad[0].v.why}`, fix, touched };
    const each = judged.map((j) => (j.v.state === "ok" ? `${j.r.label} is not in its way` : `${j.r.label}: ${j.v.why}`)).join("; ");
    return { name: n, sure, why: `${lets} through the custom DNS servers of its DNS settings, any of which may answer — ${each}`, fix, touched };
  });
}

/**
 * firewallNameProblem for every firewall that lets part of `results` through by an application rule, for the names
 * of `names` its rule decided (all of them where the step does not say which). Never throws.
 */
export function firewallNameProblems(estate: Estate, results: readonly FlowResult[], names: readonly string[], accept?: ReadonlySet<string>): NameProblem[] {
  if (!estate.snapshot.privateDnsZones?.size) return [];
  const out = new Map<string, NameProblem>();
  for (const r of results)
    for (const step of allowingFirewallSteps(r)) {
      const fw = step.kind === "application" && step.firewallId ? estate.snapshot.firewalls?.get(step.firewallId.toLowerCase()) : undefined;
      if (!fw) continue;
      for (const n of names.map(dnsName).filter((x) => !step.fqdn || dnsName(step.fqdn) === x)) {
        const p = firewallNameProblem(estate, fw, n, accept);
        if (p) out.set(`${fw.key}|${n}`, p);
      }
    }
  return [...out.values()];
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The addresses a storage account's service name (`sta.blob.core.windows.net`, lower-case or not) may lawfully resolve
 * to: those of the account's private endpoints for that sub-resource (a blob name's, the endpoints whose groupIds
 * include `blob`; one whose connection names no groupIds is taken as blob, as the input cannot say). An endpoint for
 * another sub-resource (`file`) gets its own name (`sta.file.core.windows.net`), never the blob name: a zone giving
 * the blob name that address sends the machines somewhere the blob service is not. Once per estate family.
 * https://learn.microsoft.com/azure/storage/common/storage-private-endpoints
 */
export function accountEndpointAddresses(estate: Estate, serviceName: string): ReadonlySet<string> {
  const byName = estate.memo("storage-endpoint-addresses-by-name", () => {
    const out = new Map<string, Set<string>>();
    for (const pe of estate.snapshot.privateEndpoints.values()) {
      const target = storageEndpointTarget(pe);
      if (!target?.name) continue;
      let ips = out.get(target.name);
      if (!ips) out.set(target.name, (ips = new Set()));
      for (const ip of privateEndpointIps(estate.snapshot, pe)) ips.add(ip.trim());
    }
    return out;
  });
  return byName.get(serviceName) ?? byName.get(dnsName(serviceName)) ?? NONE;
}
