// Whether a subnet's machines can resolve public names at all. CycleCloud and its nodes reach Azure by name
// (management.azure.com, login.microsoftonline.com, *.blob.core.windows.net), so a flow the path allows is of no use
// when no DNS server they are given answers. A machine asks the DNS servers of its NIC (`dnsSettings.dnsServers`), or
// else its VNet's (`dhcpOptions.dnsServers`), or else Azure DNS (168.63.129.16, which every VM reaches whatever its
// NSGs say). A listed server answers no one when it is an Azure Firewall whose DNS proxy is off (the firewall then
// listens on no DNS port), or when the subnet's own path to it on UDP 53 is blocked (a custom server is ordinary
// traffic to the NSGs and routes). What a custom server that is reached answers (where it forwards) cannot be seen:
// it is taken to answer.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
// https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#change-dns-servers
// https://learn.microsoft.com/azure/firewall/dns-settings#dns-proxy
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { lastSegment } from "../snapshot/arm-id";
import { firewallAt, firewallDnsProxy, firewallDnsProxySetting } from "./firewall";
import { AZURE_DNS, platformDnsState } from "./platform-dns";

/** Why clients of a subnet cannot (or may not) resolve public names with the DNS servers they are given. */
export interface ResolverProblem {
  /** true: no DNS server any machine of the subnet is given answers; false: some do not, or it cannot be judged. */
  sure: boolean;
  why: string;
  /** What to change, in words (the firewall policy's DNS proxy, the path to the server, the DNS servers listed). */
  remedy: string;
  /** Resources read, for fix verification (README "Fixes"). */
  touched: string[];
}

/** How the subnet's traffic on UDP 53 to a DNS server fares along its path (the caller evaluates the flow). */
export interface DnsServerReach {
  verdict: "allowed" | "blocked" | "partly";
  /** What decided, in words, when not allowed. */
  why?: string;
  touched: Iterable<string>;
}


type ServerState = { state: "answers" } | { state: "silent" | "unknown"; why: string; remedy: string };

/**
 * Whether machines in `subnet` can resolve public names with the DNS servers they are given: each NIC's own list, else
 * the VNet's; none at all: Azure-provided DNS, which answers unless an NSG rule naming the AzurePlatformDNS tag denies
 * it (lib/path/platform-dns.ts). Each list holds when one of its servers answers (a
 * client tries the next after a timeout); a server answers unless it is an Azure Firewall whose DNS proxy is off, or
 * `reach` (the subnet's flow on UDP 53 to it) is blocked; a firewall none of whose policy is in the input, or a flow blocked
 * in part, cannot be judged. Undefined when every list has a server that answers and none that is silent. `sure` when no
 * list has one that answers or may; not sure when some servers are silent or unjudged beside ones that answer, or only
 * some machines are cut off, naming them. Never throws.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
 */
export function resolverProblem(estate: Estate, subnet: Subnet, reach: (server: string) => DnsServerReach): ResolverProblem | undefined {
  // Distinct already (dnsServerLists); an empty list is Azure DNS, which answers unless an NSG rule naming the
  // AzurePlatformDNS tag turns it off (platformDnsState).
  const platform = platformDnsState(estate, subnet);
  const lists = dnsServerLists(estate, subnet).map((l) => (l.servers.length || !platform ? l : { ...l, servers: [AZURE_DNS] }));
  if (lists.every((l) => l.servers.length === 0)) return undefined;

  const touched = new Set<string>();
  const states = new Map<string, ServerState>();
  const stateOf = (server: string): ServerState => {
    let s = states.get(server);
    if (!s) states.set(server, (s = server === AZURE_DNS && platform ? platformState(platform) : serverState(estate, server, reach, touched)));
    return s;
  };
  const bad: { list: { servers: string[]; holders: string[] }; sure: boolean; whys: string[]; remedies: string[] }[] = [];
  for (const list of lists) {
    if (!list.servers.length) continue;
    const each = list.servers.map((server) => ({ server, s: stateOf(server) }));
    const troubled = each.filter((x): x is { server: string; s: Exclude<ServerState, { state: "answers" }> } => x.s.state !== "answers");
    if (!troubled.length) continue;
    bad.push({ list, sure: troubled.length === each.length && troubled.every((x) => x.s.state === "silent"), whys: troubled.map((x) => `${x.server} ${x.s.why}`), remedies: troubled.map((x) => x.s.remedy) });
  }
  if (!bad.length) return undefined;
  const remedy = [...new Set(bad.flatMap((b) => b.remedies))].join("; or ");
  // Cut off: every machine's list has servers, and none of them answers.
  const allCut = bad.length === lists.length && bad.every((b) => b.sure);
  const whom = (b: (typeof bad)[number]) => {
    if (lists.length < 2) return "";
    const h = b.list.holders;
    return ` (${h.slice(0, 3).join(", ")}${h.length > 3 ? ` and ${h.length - 3} more` : ""})`;
  };
  const said = (b: (typeof bad)[number]) => {
    const servers = b.list.servers;
    if (b.sure) return servers.length === 1 ? `the DNS server${whom(b)} answers nothing: ${b.whys[0]}` : `none of the DNS servers ${servers.join(", ")}${whom(b)} answers: ${b.whys.join("; ")}`;
    return `not all of the DNS servers ${servers.join(", ")}${whom(b)} answer (clients that ask one that does not wait for a timeout, or cannot be judged): ${b.whys.join("; ")}`;
  };
  const words = bad.map(said).join(". ");
  return { sure: allCut, why: words, remedy, touched: [...touched] };
}

/**
 * The distinct DNS server lists the machines of `subnet` are given, each with who is given it ("NIC x", "scale set y",
 * or the subnet itself when it holds no NIC of the input): a NIC's own `dnsSettings.dnsServers` (a scale set's: its NIC
 * configuration's), else the VNet's; an empty list is Azure-provided DNS.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#change-dns-servers
 */
export function dnsServerLists(estate: Estate, subnet: Subnet): { servers: string[]; holders: string[] }[] {
  // Per subnet, once per estate family: fixes never change NICs or VNets, and every egress check and endpoint asks.
  return estate.memo(`dns-server-lists|${subnet.key}`, () => serverLists(estate, subnet));
}

function serverLists(estate: Estate, subnet: Subnet): { servers: string[]; holders: string[] }[] {
  const vnetServers = estate.snapshot.vnets.get(subnet.vnetKey)?.dnsServers ?? [];
  const lists = new Map<string, { servers: string[]; holders: string[] }>();
  const add = (servers: readonly string[], holder: string) => {
    const k = servers.join(",");
    const list = lists.get(k) ?? { servers: [...servers], holders: [] };
    list.holders.push(holder);
    lists.set(k, list);
  };
  for (const e of estate.endpoints(subnet)) {
    if (e.privateEndpointsOnly) continue;
    // A scale set's stand-in NIC carries its NIC configuration's own servers (CONTRACT §4.2: the model is the NIC).
    const own = e.nic?.dnsServers;
    add(own?.length ? own : vnetServers, e.scaleSet ? `scale set ${e.scaleSet.name}` : e.nic ? `NIC ${e.nic.name}` : `${subnet.vnetName}/${subnet.name}`);
  }
  if (!lists.size) add(vnetServers, `${subnet.vnetName}/${subnet.name}`);
  return [...lists.values()];
}

/** Azure-provided DNS where an NSG rule naming AzurePlatformDNS denies it to all or some of the subnet's machines. */
function platformState(platform: NonNullable<ReturnType<typeof platformDnsState>>): ServerState {
  const remedy = "remove the Deny of the AzurePlatformDNS service tag, or list DNS servers the machines reach";
  return platform.state === "denied" ? { state: "silent", why: `(Azure-provided DNS) is turned off: ${platform.why}`, remedy } : { state: "unknown", why: `(Azure-provided DNS) may be turned off, for some machines or all: ${platform.why}`, remedy };
}

/** Whether one DNS server answers the subnet's machines (see resolverProblem). */
function serverState(estate: Estate, server: string, reach: (server: string) => DnsServerReach, touched: Set<string>): ServerState {
  if (server === AZURE_DNS) return { state: "answers" };
  const fw = firewallAt(estate, server);
  if (fw) {
    touched.add(fw.key);
    if (fw.policyKey) touched.add(fw.policyKey);
    const proxy = firewallDnsProxy(estate, fw);
    const where = fw.policyKey ? `${fw.name}'s firewall policy ${lastSegment(fw.policyKey)}` : fw.name;
    if (proxy === undefined) return { state: "unknown", why: `is Azure Firewall ${fw.name}, whose policy is not in the input, so whether its DNS proxy answers cannot be judged`, remedy: `add the firewall policy to the input (az network firewall policy list)` };
    // A policy read as off only because it is absent: the remedy starts with adding it.
    const absent = fw.policyKey && !estate.snapshot.firewallPolicies?.has(fw.policyKey) ? `add firewall policy ${lastSegment(fw.policyKey)} to the input (az network firewall policy list) and audit again; if its DNS proxy is off, ` : "";
    if (!proxy) return { state: "silent", why: `is Azure Firewall ${fw.name}, whose DNS proxy is off (${firewallDnsProxySetting(estate, fw)}), so it answers no DNS query`, remedy: `${absent}turn on DNS proxy in ${where}${fw.policyKey ? " (az network firewall policy update --enable-dns-proxy true)" : ""}, or list DNS servers that answer` };
  }
  const r = reach(server);
  for (const k of r.touched) touched.add(k);
  if (r.verdict === "allowed") return { state: "answers" };
  const remedy = `let UDP 53 from the subnet reach ${server}, or list DNS servers it reaches`;
  if (r.verdict === "blocked") return { state: "silent", why: `is not reached on UDP 53: ${r.why ?? "the path drops it"}`, remedy };
  return { state: "unknown", why: `is reached on UDP 53 only in part, or cannot be judged: ${r.why ?? "see the path"}`, remedy };
}

/**
 * Why a network rule naming FQDNs may miss what `subnet`'s machines send, in words; undefined when it cannot. With its
 * DNS proxy on, Azure Firewall matches such a rule only at the addresses it resolved the name to itself; machines that
 * ask another DNS server first (Azure-provided DNS, a custom server) may be given other addresses for the same name
 * (the seed's names answer differently by region and over time), and their traffic then misses the rule. Microsoft
 * asks that clients use the firewall as their DNS server. Per firewall and subnet (every flow of the subnet asks).
 * https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules
 */
export function networkFqdnDoubt(estate: Estate, firewall: AzureFirewall, subnet: Subnet): string | undefined {
  return estate.memo(`fw-dns-clients|${firewall.key}|${subnet.key}`, () => {
    if (firewallDnsProxy(estate, firewall) !== true) return undefined;
    const own = new Set(firewall.privateIpAddresses.map((a) => a.trim()));
    const elsewhere = dnsServerLists(estate, subnet).filter((l) => !own.has(l.servers[0]?.trim() ?? ""));
    if (elsewhere.length === 0) return undefined;
    const who = elsewhere.flatMap((l) => l.holders);
    const servers = [...new Set(elsewhere.map((l) => (l.servers.length ? l.servers.join(", ") : "Azure-provided DNS")))];
    return `${who.slice(0, 3).join(", ")}${who.length > 3 ? ` and ${who.length - 3} more` : ""} ask${who.length === 1 ? "s" : ""} ${servers.join(" or ")} first, not ${firewall.name} (${[...own].join(", ")}), so ${who.length === 1 ? "it" : "they"} may be given other addresses`;
  });
}
