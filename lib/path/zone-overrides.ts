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
import { type ZoneAnswer, dnsName, isPrivateLinkZone, recordsGiven, zoneAnswer, zoneWords } from "./linked-zones";
import { dnsServerLists } from "./name-resolution";
import { AZURE_DNS } from "./platform-dns";
import { firewallDnsVnet, serverVnet } from "./private-dns";
import { storageEndpointTarget } from "./private-endpoints";
import { privateEndpointIps } from "./routes";

/** One resolver a subnet's machines ask, with the VNet whose Azure DNS (and zone links) it answers from, when known. */
interface Resolver {
  label: string;
  vnetKey?: string;
}

/**
 * Every resolver some machine of `subnet` asks (its NIC's DNS servers, else its VNet's, else Azure-provided DNS), each
 * with the VNet whose Azure DNS it resolves with where the audit treats it as Azure DNS: 168.63.129.16 and no list →
 * the subnet's VNet; an Azure Firewall with DNS proxy on and no custom servers → the firewall's VNet; an address in a
 * VNet of the input → that VNet. Others carry no VNet (what they answer is not seen).
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
 */
function resolvers(estate: Estate, subnet: Subnet): Resolver[] {
  const lists = dnsServerLists(estate, subnet);
  const out: Resolver[] = [];
  for (const server of new Set(lists.flatMap((l) => l.servers))) {
    const fw = firewallAt(estate, server);
    if (fw) {
      const vnet = firewallDnsProxy(estate, fw) === true && !firewallDnsServers(estate, fw).length ? firewallDnsVnet(estate, fw) : undefined;
      out.push({ label: `${server} (Azure Firewall ${fw.name})`, ...(vnet ? { vnetKey: vnet.key } : {}) });
    } else if (server === AZURE_DNS) out.push({ label: `${server} (Azure DNS)`, vnetKey: subnet.vnetKey });
    else {
      const vnet = serverVnet(estate, server);
      out.push({ label: vnet ? `${server} (in ${vnet.name})` : server, ...(vnet ? { vnetKey: vnet.key } : {}) });
    }
  }
  if (lists.some((l) => !l.servers.length)) out.push({ label: "Azure-provided DNS", vnetKey: subnet.vnetKey });
  return out;
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
  const key = `zone-override|${subnet.key}|${n}|${[...accept].sort().join(",")}`;
  return estate.memo(key, () => {
    const all = resolvers(estate, subnet);
    const judged = all.map((r) => ({ r, v: r.vnetKey ? verdictOf(estate, n, zoneAnswer(estate, n, r.vnetKey), accept) : ({ state: "ok" } as Verdict) }));
    const bad = judged.filter((j): j is { r: Resolver; v: Exclude<Verdict, { state: "ok" }> } => j.v.state !== "ok");
    if (!bad.length) return undefined;
    const sure = bad.length === judged.length && bad.every((b) => b.v.state === "nxdomain");
    const fix = [...new Set(bad.map((b) => b.v.fix))].join("; or ");
    const touched = [...new Set(bad.map((b) => b.v.zoneKey))];
    if (judged.length === 1) return { name: n, sure, why: bad[0].v.why, fix, touched };
    const each = judged.map((j) => (j.v.state === "ok" ? `${j.r.label} is not in its way` : `${j.r.label}: ${j.v.why}`)).join("; ");
    const why = sure ? `none of the DNS servers the machines ask gives ${n} an address — ${each}` : `not every DNS server the machines ask gives ${n} its address, and clients may ask any of them — ${each}`;
    return { name: n, sure, why, fix, touched };
  });
}

/**
 * Why Azure Firewall `fw`, which lets a request for `name` through by an application rule and so resolves the name
 * itself to connect onward, gets no address for it (or may not): with Azure DNS (no custom servers in its policy or
 * classic settings) the zones linked to its own VNet decide, as for a client (verdictOf); with custom servers, or no
 * VNet the input names, what it gets is not seen and not held against the name here. Per firewall and name.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 * https://learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall
 */
export function firewallNameProblem(estate: Estate, fw: AzureFirewall, name: string, accept: ReadonlySet<string> = new Set()): NameProblem | undefined {
  if (!estate.snapshot.privateDnsZones?.size) return undefined;
  const n = dnsName(name);
  return estate.memo(`zone-override-fw|${fw.key}|${n}|${[...accept].sort().join(",")}`, () => {
    if (firewallDnsServers(estate, fw).length) return undefined;
    const vnet = firewallDnsVnet(estate, fw);
    if (!vnet) return undefined;
    const v = verdictOf(estate, n, zoneAnswer(estate, n, vnet.key), accept);
    if (v.state === "ok") return undefined;
    return { name: n, sure: v.state === "nxdomain", why: `Azure Firewall ${fw.name}, whose application rule lets it through, resolves ${n} itself with Azure DNS of ${vnet.name}: ${v.why}`, fix: v.fix, touched: [v.zoneKey, fw.key] };
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

/**
 * The addresses of storage account `account`'s private endpoints in the input (lower-case name): where a zone gives
 * the account's name one of them, the name leads to the account after all. Once per estate family.
 */
export function accountEndpointAddresses(estate: Estate, account: string): ReadonlySet<string> {
  const a = account.toLowerCase();
  return estate.memo(`account-endpoint-addresses|${a}`, () => {
    const out = new Set<string>();
    for (const pe of estate.snapshot.privateEndpoints.values()) if (storageEndpointTarget(pe)?.account.toLowerCase() === a) for (const ip of privateEndpointIps(estate.snapshot, pe)) out.add(ip.trim());
    return out;
  });
}
