// Whether a subnet's machines can resolve public names at all. CycleCloud and its nodes reach Azure by name
// (management.azure.com, login.microsoftonline.com, *.blob.core.windows.net), so a flow the path allows is of no use
// when no DNS server the VNet hands out answers. The one case the input shows for sure: a VNet whose DNS server is an
// Azure Firewall's private IP while the firewall's DNS proxy is off — the firewall then listens on no DNS port.
// Other custom DNS servers (a VM, a DNS Private Resolver inbound endpoint) are taken to answer: what they forward to
// cannot be seen. https://learn.microsoft.com/azure/firewall/dns-settings
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
import type { AzureFirewall, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { firewallAt, firewallDnsProxy } from "./firewall";

/** Why clients of a subnet cannot (or may not) resolve public names with their VNet's DNS servers. */
export interface ResolverProblem {
  /** true: no DNS server the VNet lists answers; false: some do not, or whether they do cannot be judged. */
  sure: boolean;
  why: string;
  /** What to change, in words (the firewall policy's DNS proxy, or the VNet's DNS servers). */
  remedy: string;
  /** Resources read, for fix verification (README "Fixes"). */
  touched: string[];
}

/** What one DNS server of the VNet does with a query: answers, answers nothing (proxy off), or cannot be judged. */
type ServerState = { server: string; state: "answers" } | { server: string; state: "silent" | "unknown"; fw: AzureFirewall; why: string };

function serverState(estate: Estate, server: string): ServerState {
  const fw = firewallAt(estate, server);
  if (!fw) return { server, state: "answers" };
  const proxy = firewallDnsProxy(estate, fw);
  const where = fw.policyKey ? `${fw.name}'s policy ${fw.policyKey.split("/").pop()}` : fw.name;
  if (proxy === undefined) return { server, state: "unknown", fw, why: `${server} is Azure Firewall ${fw.name}, whose policy is not in the input, so whether its DNS proxy answers cannot be judged` };
  if (proxy) return { server, state: "answers" };
  return { server, state: "silent", fw, why: `${server} is Azure Firewall ${fw.name}, whose DNS proxy is off in ${where} (${fw.policyKey ? "dnsSettings.enableProxy" : "additionalProperties Network.DNS.EnableProxy"}), so it answers no DNS query` };
}

/**
 * Whether machines in `subnet` can resolve public names with the DNS servers their VNet lists (`dhcpOptions.dnsServers`;
 * none: Azure-provided DNS, which always answers). Undefined when every listed server answers (or may: a server that is
 * not an Azure Firewall is taken to). `sure` when none answers — every server is a firewall whose DNS proxy is off —
 * else not sure, naming the servers that do not answer or cannot be judged. A client tries the next server after a
 * timeout, so a VNet with one silent server among working ones resolves, slowly: not sure.
 * Units: none; `subnet` must belong to `estate`. Never throws.
 * https://learn.microsoft.com/azure/firewall/dns-settings#dns-proxy
 */
export function resolverProblem(estate: Estate, subnet: Subnet): ResolverProblem | undefined {
  const servers = estate.snapshot.vnets.get(subnet.vnetKey)?.dnsServers ?? [];
  if (!servers.length) return undefined;
  // Per VNet, once per estate (fixes never change VNets or firewall policies' DNS settings).
  return estate.memo(`resolver-problem|${subnet.vnetKey}`, () => {
    const states = servers.map((s) => serverState(estate, s));
    const bad = states.filter((s): s is Exclude<ServerState, { state: "answers" }> => s.state !== "answers");
    if (!bad.length) return undefined;
    const firewalls = [...new Set(bad.map((b) => b.fw))];
    const touched = firewalls.flatMap((fw) => [fw.key, ...(fw.policyKey ? [fw.policyKey] : [])]);
    const remedy = `turn on DNS proxy in ${firewalls.map((fw) => (fw.policyKey ? `${fw.name}'s firewall policy ${fw.policyKey.split("/").pop()}` : fw.name)).join(" and ")} (az network firewall policy update --enable-dns-proxy true), or list DNS servers that answer in ${subnet.vnetName}'s DNS settings`;
    const vnet = subnet.vnetName;
    if (bad.length === states.length && bad.every((b) => b.state === "silent")) {
      return { sure: true, why: `no DNS server of ${vnet} answers: ${bad.map((b) => b.why).join("; ")}`, remedy, touched };
    }
    const some = bad.length === states.length ? `whether any DNS server of ${vnet} answers cannot be judged` : `not every DNS server of ${vnet} answers (clients that ask it first wait for a timeout)`;
    return { sure: false, why: `${some}: ${bad.map((b) => b.why).join("; ")}`, remedy, touched };
  });
}
