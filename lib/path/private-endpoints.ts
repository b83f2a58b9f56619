// Which storage private endpoints serve a subnet (CONTRACT §4.2): one in the subnet's VNet or a directly
// peered VNet (Connected, virtual network access both ways), that admin rules and NSGs let the subnet
// reach on TCP 443, whose connection is Approved with `blob` among its group ids, and whose name
// resolves (the privatelink zone linked to the VNet whose DNS the subnet uses, holding the account; through a
// firewall's application rule, also to the firewall's VNet, since the firewall resolves the name itself).
// https://learn.microsoft.com/azure/private-link/private-endpoint-overview
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
// The endpoint's own subnet NSG counts only where that subnet's network policies let Azure apply it:
// https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
import { type AddrSet, addrIntersect, addrIsEmpty, addrSubtract, addrUnionAll, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { range } from "../net/intervals";
import type { PortSet } from "../net/ports";
import { type ProtoSet, TCP } from "../net/protocols";
import type { AzureFirewall, PrivateEndpoint, Subnet } from "../model/types";
import type { EndpointGroup, Estate } from "../nsg/estate";
import { type FlowResult, type FlowSpec, type Verdict, allowingFirewallSteps, describeDenied, evaluateFlow } from "../nsg/flow";
import { evaluateGroupPath } from "./evaluate";
import { reachableVnets } from "./next-hop";
import { privateEndpointIps } from "./routes";
import type { NameTarget } from "./fqdn";
import { firewallDnsServers, firewallSnats, firewallSubnet } from "./firewall";
import { type SeenSource, mergeFlowResults, seenSourceWords, sourcesAt, vouched } from "./snat";
import { dnsProblem, firewallDnsVnet, privateLinkRecord, recordsNotGiven, storageNameFault } from "./private-dns";
import { type Way, faultText, routeReach } from "./reach";
import { type FirewallEvidence, evidenceStage } from "../report/types";

export interface StorageEndpointUse {
  endpoint: PrivateEndpoint;
  account: string;
  /**
   * `usable`: every condition holds; `blocked`: in reach but the path to it is blocked; `partial`: open from some
   * of the subnet's endpoints and blocked from others; `unjudged`: nothing on the path denies it, but part of it
   * cannot be judged (an appliance outside the audit, a missing input); `unusable`: approval, group or DNS.
   */
  state: "usable" | "blocked" | "partial" | "unjudged" | "unusable";
  /** In words: why it counts or not. */
  detail: string;
  flow?: FlowResult;
}

const STORAGE_ACCOUNT = /\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)/i;

/** A storage private endpoint's target: the account, the sub-resource (group id) and the name that serves it. */
export interface StorageEndpointTarget {
  account: string;
  /** Lower-cased: `blob`, `file`, `dfs`, `blob_secondary`, ...; `blob` when the input shows no group ids (as §4.2 (c) counts it). */
  groupId: string;
  /** The account's FQDN for that group id; undefined when the input cannot tell it (a `web` name's zone). */
  name?: string;
  /** The connection's state as the input gives it (`Approved`, `Pending`, ...). */
  status?: string;
}

/**
 * The FQDN a storage account serves a private-link sub-resource at: `<account>.<blob|file|queue|table|dfs>.core.windows.net`,
 * `<account>-secondary.…` for a `_secondary` group id. A `web` name carries a zone (`<account>.z<nn>.web.core.windows.net`)
 * only the endpoint's own `customDnsConfigs` show; undefined without it, and for a group id Storage does not have.
 * https://learn.microsoft.com/azure/storage/common/storage-private-endpoints#dns-changes-for-private-endpoints
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns#storage
 */
export function storageEndpointName(pe: PrivateEndpoint, account: string, groupId: string): string | undefined {
  const m = /^(blob|file|queue|table|dfs|web)(_secondary)?$/.exec(groupId.toLowerCase());
  if (!m) return undefined;
  const host = `${account.toLowerCase()}${m[2] ? "-secondary" : ""}`;
  if (m[1] !== "web") return `${host}.${m[1]}.core.windows.net`;
  return pe.fqdns?.map((f) => f.toLowerCase()).find((f) => f.startsWith(`${host}.`) && f.endsWith(".web.core.windows.net"));
}

/** The storage account a private endpoint connects to, or undefined for another target (or none the input shows). */
export function storageEndpointTarget(pe: PrivateEndpoint): StorageEndpointTarget | undefined {
  const conn = pe.connections.find((c) => STORAGE_ACCOUNT.test(c.targetId));
  if (!conn) return undefined;
  const account = STORAGE_ACCOUNT.exec(conn.targetId)![1];
  const groupId = (conn.groupIds.find((g) => g.toLowerCase() === "blob") ?? conn.groupIds[0] ?? "blob").toLowerCase();
  return { account, groupId, name: storageEndpointName(pe, account, groupId), ...(conn.status ? { status: conn.status } : {}) };
}

/** A storage private endpoint holding part of a destination: the part it holds and what it serves. */
export interface StorageEndpointAt {
  endpoint: PrivateEndpoint;
  subnet: Subnet;
  /** The part of the destination the endpoint holds. */
  addresses: AddrSet;
  /** Every address of the endpoint (all its NICs' IP configurations): what its name may resolve to. */
  endpointAddresses: AddrSet;
  target: StorageEndpointTarget;
}

/**
 * The storage private endpoints in the input (resources with their NICs' or their own addresses) that hold part of
 * `destination`, each with the part it holds. Endpoints to other targets, or whose addresses the input does not
 * show, are left out: the flow query judges those addresses as any other.
 */
export function storageEndpointsAt(estate: Estate, destination: AddrSet): StorageEndpointAt[] {
  const out: StorageEndpointAt[] = [];
  for (const pe of estate.snapshot.privateEndpoints.values()) {
    const target = storageEndpointTarget(pe);
    const subnet = pe.subnetKey ? estate.snapshot.subnets.get(pe.subnetKey) : undefined;
    if (!target || !subnet) continue;
    const r = cidrsToRanges(privateEndpointIps(estate.snapshot, pe));
    const endpointAddresses = concrete(r.v4, r.v6);
    const addresses = addrIntersect(endpointAddresses, destination);
    if (!addrIsEmpty(addresses)) out.push({ endpoint: pe, subnet, addresses, endpointAddresses, target });
  }
  return out;
}

/** A flow to a private endpoint judged as Azure carries it (see endpointPath). */
export interface EndpointPath {
  /** The source's side (admin rules, NSGs, route, firewall), by the name the endpoint serves. */
  outbound: FlowResult;
  /** The source's routes to the endpoint (through a firewall: and the firewall subnet's onward); replies bypass route tables. */
  way: Way;
  /**
   * What the audit cannot vouch for on an open `way`, in words: a second firewall the firewall subnet routes it to
   * (its rules are not followed), an appliance outside the audit, a route table the input lacks, forwarding off on a
   * peering. Never a pass: the audit warns and the flow query answers `partial` (CONTRACT §4.1 stage 3).
   */
  doubts: string[];
  /** Whether Azure applies the endpoint subnet's NSG (privateEndpointNetworkPolicies). */
  scope: SubnetNsgScope;
  /** The endpoint subnet's NSG where `scope` applies it (with `lazy`: only once the way there is open). */
  inbound?: FlowResult;
  /** Firewalls that let part of it through by a network rule without SNAT to the endpoint's address: the connection breaks. */
  unsnatted: AzureFirewall[];
  /** Why the endpoint's replies have no way back (by its VNet's system routes and peerings), when they have none. */
  noWayBack?: string;
  /**
   * Whom the endpoint sees as the client, per part of the source's traffic: the source itself, or an Azure Firewall
   * that let the part through by an application rule (always SNATed) or by a network rule whose policy SNATs the
   * endpoint's address. The endpoint subnet's NSG (`inbound`) judges each part by its own source.
   */
  sources: SeenSource[];
  /**
   * Firewalls that let part of it through by an application rule, so resolve the account's name themselves, and whose
   * DNS does not give them the endpoint (`unknown`: the audit cannot see what their DNS answers).
   */
  firewallDns: FirewallDnsFault[];
}

/** A firewall's name resolution that does not (or cannot be seen to) give it a private endpoint's address. */
export interface FirewallDnsFault {
  firewall: AzureFirewall;
  /** true: cannot be judged (custom DNS servers, a secured virtual hub); false: it gets the public address. */
  unknown: boolean;
  why: string;
}

/**
 * In words, the firewalls a flow to an endpoint goes through and whom the endpoint sees as the client where they
 * SNAT ("by way of Azure Firewall fw, whose application rule blob proxies it …"); empty when none does.
 */
export function endpointSourceWords(path: EndpointPath): string {
  return seenSourceWords(path.sources, "the endpoint", "the rest of the subnet's traffic");
}

/**
 * Where a private endpoint's replies must go and whether its VNet has a way there. They bypass route tables, so
 * they take the endpoint VNet's system routes: to its own VNet and its connected peerings. What the endpoint sees
 * as the client is the source itself, or the Azure Firewall that let the request through (an application rule
 * proxies it; a network rule that SNATs it). Nothing is claimed where the input lacks the VNets.
 */
function replyFault(estate: Estate, source: Subnet, endpointSubnet: Subnet, outbound: FlowResult): string | undefined {
  if (!estate.snapshot.vnets.has(endpointSubnet.vnetKey)) return undefined;
  const back = reachableVnets(estate, endpointSubnet);
  const missing = new Map<string, string>();
  for (const o of outbound.outcomes)
    for (const p of o.pieces) {
      if (p.access !== "Allow") continue;
      const fwStep = p.steps.find((e) => evidenceStage(e) === "firewall") as FirewallEvidence | undefined;
      const fw = fwStep?.firewallId ? estate.snapshot.firewalls?.get(fwStep.firewallId.toLowerCase()) : undefined;
      const fwSubnet = fw && firewallSubnet(estate.snapshot, fw);
      const to = fwStep ? fwSubnet : source;
      if (!to || back.has(to.vnetKey) || !estate.snapshot.vnets.has(to.vnetKey)) continue;
      missing.set(to.vnetKey, fwStep ? `Azure Firewall ${fw!.name} in ${to.vnetName}` : `${to.vnetName}/${to.name}`);
    }
  if (!missing.size) return undefined;
  return `a private endpoint's replies bypass route tables and go back by ${endpointSubnet.vnetName}'s own routes, which reach no address of ${[...missing.values()].join(", ")} (no Connected peering with virtual network access between the VNets)`;
}

/**
 * A flow from `source` to a private endpoint's `addresses` in `endpointSubnet`, judged the way the audit judges its
 * storage endpoints (CONTRACT §4.2) and the flow query judges an endpoint's address — the one place both do it:
 * the source's admin rules, NSGs, route and firewall with `names` the endpoint serves (an application rule for the
 * account's FQDN counts); the source's routes there (a firewall subnet's onward); the endpoint subnet's NSG only as
 * its `privateEndpointNetworkPolicies` let Azure apply it; and, because an endpoint's replies bypass route tables,
 * a firewall network rule holds only where the policy SNATs the endpoint's address (an application rule proxies).
 * Where a firewall SNATs a part of the flow, the endpoint's subnet NSG judges that part with the firewall's
 * instances as the source (`sources`; `flow.sourceAddresses` for the rest); through an application rule the
 * firewall resolves the name itself, so its own DNS must give it the endpoint (`firewallDns`).
 * `lazy` skips the inbound NSG once the way there is not open (the audit stops there). `flow.endpointAddresses`: all
 * of the endpoint's addresses when `addresses` is only part of them (a flow query to one of its IPs): its name
 * resolves to any of them, so the name check holds it against them all, while the path is judged for `addresses`.
 * https://learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall
 * https://learn.microsoft.com/azure/firewall/snat-private-range
 * https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
 */
export function endpointPath(
  estate: Estate,
  source: Subnet,
  endpointSubnet: Subnet,
  addresses: AddrSet,
  names: NameTarget,
  flow: { protocols: ProtoSet; ports: PortSet; sourceAddresses: AddrSet; key?: string; localFilter?: FlowSpec["localFilter"]; endpointAddresses?: AddrSet; appProtocol?: FlowSpec["appProtocol"] },
  lazy = false,
): EndpointPath {
  const outbound = evaluateFlow(estate, source, { direction: "Outbound", protocols: flow.protocols, ports: flow.ports, remote: addresses, names, ...(flow.key ? { key: flow.key } : {}), ...(flow.localFilter ? { localFilter: flow.localFilter } : {}), ...(flow.appProtocol ? { appProtocol: flow.appProtocol } : {}) });
  const way = routeReach(estate, estate.snapshot.subnets.get(source.key) ?? source, addresses, endpointSubnet.vnetKey, outbound.touched);
  const scope = destinationSubnetNsgScope(endpointSubnet, true);
  const open = outbound.verdict === "allowed" && way.reachable;
  // A firewall that SNATs a part (application rules always do) is that part's source at the endpoint's subnet NSG.
  const sources = sourcesAt(estate, outbound, addresses, flow.sourceAddresses);
  const inbound = scope.applies && (open || !lazy) ? mergeFlowResults(sources.map((src) => vouched(src, evaluateEndpointInbound(estate, endpointSubnet, addresses, { protocols: flow.protocols, ports: flow.ports, remote: src.addresses })))) : undefined;
  const unsnatted = firewallsByNetworkRule(estate, outbound).filter((fw) => !firewallSnats(estate, fw, addresses));
  const noWayBack = replyFault(estate, source, endpointSubnet, outbound);
  const firewallDns = sources.filter((x) => x.by === "application").flatMap((x) => firewallDnsFault(estate, x.firewall!, names, flow.endpointAddresses ?? addresses) ?? []);
  const doubts = way.reachable ? (way.doubts ?? []).map(faultText) : [];
  return { outbound, way, doubts, scope, ...(inbound ? { inbound } : {}), unsnatted, ...(noWayBack ? { noWayBack } : {}), sources, firewallDns };
}

/**
 * Through an application rule the firewall resolves the account's name itself and connects to what it gets: with
 * its policy's custom DNS servers (what they answer is not in the input: `unknown`), or with Azure DNS of its own
 * VNet, which gives the private endpoint only when the privatelink zone is linked to that VNet and holds the
 * account (else the public address, which an account with public network access disabled refuses). As for a
 * subnet, zones are judged only where the input gives them. A secured virtual hub cannot be linked to a zone, so
 * its firewall with Azure DNS is `unknown` too.
 * https://learn.microsoft.com/azure/private-link/tutorial-inspect-traffic-azure-firewall
 * https://learn.microsoft.com/azure/firewall/dns-settings
 */
function firewallDnsFault(estate: Estate, fw: AzureFirewall, names: NameTarget, addresses?: AddrSet): FirewallDnsFault | undefined {
  const name = names.kind === "names" ? names.names[0] : undefined;
  const what = name ?? "the account's name";
  const servers = firewallDnsServers(estate, fw);
  if (servers.length) return { firewall: fw, unknown: true, why: `Azure Firewall ${fw.name} resolves ${what} itself (its application rule proxies the request) with ${fw.policyKey ? "its policy's" : "its own"} custom DNS servers ${servers.join(", ")}, whose answers the audit cannot see, so whether it reaches the private endpoint or the account's public address cannot be judged` };
  const at = name ? privateLinkRecord(name) : undefined;
  if (!at || !estate.snapshot.privateDnsZones?.size) return undefined;
  const fwVnet = firewallDnsVnet(estate, fw);
  if (!fwVnet) {
    if (!fw.virtualHubKey) return { firewall: fw, unknown: true, why: `Azure Firewall ${fw.name} resolves ${what} itself (its application rule proxies the request) with Azure DNS of a VNet the input does not name (no AzureFirewallSubnet in its ipConfigurations): whether it reaches the private endpoint cannot be judged` };
    return { firewall: fw, unknown: true, why: `Azure Firewall ${fw.name} in a secured virtual hub resolves ${what} itself (its application rule proxies the request) with Azure DNS, and a private DNS zone cannot be linked to a virtual hub: whether it reaches the private endpoint cannot be judged (give its policy DNS servers that resolve ${at.zone})` };
  }
  // A zone named after a public domain linked there answers the name first (storageNameFault).
  const problem = storageNameFault(estate, name!, fwVnet.key, `Azure Firewall ${fw.name}`, addresses);
  if (!problem) return undefined;
  const gets = problem.sure ? `: it gets ${problem.answer}, not the private endpoint` : "";
  return { firewall: fw, unknown: !problem.sure, why: `Azure Firewall ${fw.name} resolves ${what} itself (its application rule proxies the request) with Azure DNS of ${fwVnet.name}, and ${problem.why}${gets} (${problem.fix})` };
}

/** Whether Azure applies a subnet's NSG to one destination in it, and in words why (for a private endpoint). */
export interface SubnetNsgScope {
  applies: boolean;
  /** For a private endpoint: "privateEndpointNetworkPolicies <value>" (`Disabled (Azure's default)` when absent). */
  why?: string;
}

/**
 * Whether Azure applies `subnet`'s NSG to traffic a destination in it receives. A VM's NIC (or anything not a
 * private endpoint): always. A private endpoint: only when the subnet's `privateEndpointNetworkPolicies` is
 * `Enabled` or `NetworkSecurityGroupEnabled`; `Disabled` (Azure's default, also when the input does not say) and
 * `RouteTableEnabled` leave its NSG out. The one place the audit (storage private endpoints, CONTRACT §4.2 (b))
 * and the flow query (`queryFlow`) decide this.
 * https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
 */
export function destinationSubnetNsgScope(subnet: Subnet, privateEndpoint: boolean): SubnetNsgScope {
  if (!privateEndpoint) return { applies: true };
  const policies = subnet.privateEndpointNetworkPolicies;
  const why = `privateEndpointNetworkPolicies ${policies ?? "Disabled (Azure's default)"}`;
  return { applies: policies === "Enabled" || policies === "NetworkSecurityGroupEnabled", why };
}

/** A private endpoint in a subnet with the addresses the input shows for it (its own list, its NICs'). */
export interface EndpointInSubnet {
  name: string;
  addresses: AddrSet;
}

/**
 * The private endpoints placed in `subnet` whose addresses the input shows: endpoint resources (and references)
 * with their NICs' addresses, and NICs that name a private endpoint the input does not otherwise hold.
 */
export function privateEndpointsIn(estate: Estate, subnet: Subnet): EndpointInSubnet[] {
  const { snapshot } = estate;
  const out: EndpointInSubnet[] = [];
  const seenNics = new Set<string>();
  for (const pe of snapshot.privateEndpoints.values()) {
    if (pe.subnetKey !== subnet.key && !subnet.privateEndpointKeys.includes(pe.key)) continue;
    for (const k of pe.nicKeys ?? []) seenNics.add(k);
    const r = cidrsToRanges(privateEndpointIps(estate.snapshot, pe));
    const addresses = concrete(r.v4, r.v6);
    if (!addrIsEmpty(addresses)) out.push({ name: pe.name, addresses });
  }
  for (const k of subnet.nicKeys) {
    const nic = snapshot.nics.get(k);
    if (!nic?.privateEndpointKey || seenNics.has(k) || snapshot.privateEndpoints.has(nic.privateEndpointKey)) continue;
    const ips = nic.ipConfigurations.filter((c) => c.subnetKey === subnet.key && c.privateIpAddress).map((c) => c.privateIpAddress!);
    const r = cidrsToRanges(ips);
    const addresses = concrete(r.v4, r.v6);
    if (!addrIsEmpty(addresses)) out.push({ name: nic.privateEndpointKey.split("/").pop() ?? nic.name, addresses });
  }
  return out;
}

/**
 * Inbound at some of a subnet's private endpoint addresses (`local`) from `remote`: the subnet's NSG (security admin
 * rules do not apply to private endpoints), for exactly those addresses (a private endpoint's NIC carries no NSG of its own, and is no member of
 * the subnet's traffic class, so `evaluateFlow` would not hold its address). Call it only where
 * `destinationSubnetNsgScope` says the NSG applies.
 */
export function evaluateEndpointInbound(estate: Estate, subnet: Subnet, local: AddrSet, flow: { protocols: ProtoSet; ports: PortSet; remote: AddrSet }): FlowResult {
  const at = estate.snapshot.subnets.get(subnet.key) ?? subnet;
  const spec: FlowSpec = { direction: "Inbound", protocols: flow.protocols, ports: flow.ports, remote: flow.remote };
  const group: EndpointGroup = { nics: [], addresses: local, members: [{ addresses: local, lbBackendPoolKeys: [] }] };
  const notes: string[] = [];
  const touched = new Set<string>([at.key]);
  const pieces = evaluateGroupPath({ estate, subnet: at, spec, notes, touched, atPrivateEndpoint: true }, group);
  const allowed = pieces.filter((p) => p.access === "Allow").length;
  const verdict: Verdict = allowed === pieces.length ? "allowed" : allowed === 0 && pieces.every((p) => p.access === "Deny") ? "blocked" : "partly";
  return { subnet: at, spec, verdict, outcomes: [{ group, pieces }], notes, touched };
}

/**
 * A destination's addresses in `subnet` split as Azure filters them on arrival: `others` (no private endpoint:
 * admin rules and NSGs as for any NIC), `enforced` (private endpoints whose subnet NSG applies; evaluate them with
 * `evaluateEndpointInbound`) and `exempt` (private endpoints whose subnet NSG Azure does not apply, with why).
 */
export function splitBySubnetNsg(estate: Estate, subnet: Subnet, destination: AddrSet): { others: AddrSet; enforced: EndpointInSubnet[]; exempt: (EndpointInSubnet & { why: string })[] } {
  const scope = destinationSubnetNsgScope(subnet, true);
  const exempt: (EndpointInSubnet & { why: string })[] = [];
  const enforced: EndpointInSubnet[] = [];
  for (const pe of privateEndpointsIn(estate, subnet)) {
    const addresses = addrIntersect(pe.addresses, destination);
    if (addrIsEmpty(addresses)) continue;
    if (scope.applies) enforced.push({ name: pe.name, addresses });
    else exempt.push({ name: pe.name, addresses, why: scope.why! });
  }
  const endpoints = [...enforced, ...exempt];
  return { others: endpoints.length ? addrSubtract(destination, addrUnionAll(endpoints.map((e) => e.addresses))) : destination, enforced, exempt };
}

/**
 * The destination's side of a flow into `subnet` (admin rules, NSGs), split as `splitBySubnetNsg` says: other
 * addresses as `evaluateFlow` judges them (`destination` undefined: the whole subnet), private endpoints whose subnet
 * NSG applies through `evaluateEndpointInbound`, and `exempt` for those Azure does not filter with it. `result` is
 * undefined when every destination address is exempt.
 */
export function evaluateDestinationInbound(
  estate: Estate,
  subnet: Subnet,
  destination: AddrSet | undefined,
  flow: { protocols: ProtoSet; ports: PortSet; remote: AddrSet },
): { result?: FlowResult; exempt: (EndpointInSubnet & { why: string })[] } {
  const split = splitBySubnetNsg(estate, subnet, destination ?? estate.subnetPrefixes(subnet));
  const endpoints = split.enforced.length + split.exempt.length > 0;
  const parts: FlowResult[] = [];
  // Without private endpoints among the destination, exactly the flow every other check evaluates.
  if (!endpoints || !addrIsEmpty(split.others)) {
    const only = endpoints ? split.others : destination;
    parts.push(evaluateFlow(estate, subnet, { direction: "Inbound", ...flow, ...(only ? { localFilter: { addresses: only } } : {}) }));
  }
  for (const pe of split.enforced) parts.push(evaluateEndpointInbound(estate, subnet, pe.addresses, flow));
  if (parts.length === 0) return { exempt: split.exempt };
  // The exempt endpoints are reached unfiltered: with them, a destination blocked elsewhere is only partly blocked.
  const verdicts = new Set([...parts.map((r) => r.verdict), ...(split.exempt.length ? (["allowed"] as const) : [])]);
  const verdict: Verdict = verdicts.size === 1 ? parts[0].verdict : "partly";
  if (parts.length === 1) return { result: { ...parts[0], verdict }, exempt: split.exempt };
  return {
    result: { ...parts[0], verdict, outcomes: parts.flatMap((r) => r.outcomes), notes: [...new Set(parts.flatMap((r) => r.notes))], touched: new Set(parts.flatMap((r) => [...r.touched])) },
    exempt: split.exempt,
  };
}

/**
 * Adds to `touched` every endpoint in `uses`, usable or not, and the keys its path read (the source's NSGs and
 * routes, the endpoint subnet's NSG): a fix to any of them re-checks the finding that asked.
 */
export function endpointReads(uses: readonly StorageEndpointUse[], touched: Set<string>): void {
  for (const u of uses) {
    touched.add(u.endpoint.key);
    for (const k of u.flow?.touched ?? []) touched.add(k);
  }
}

/** The Azure Firewalls that let some of `flow` through by a network rule. */
function firewallsByNetworkRule(estate: Estate, flow: FlowResult): AzureFirewall[] {
  const out = new Map<string, AzureFirewall>();
  for (const f of allowingFirewallSteps(flow)) {
    const fw = f.kind !== "application" && f.firewallId ? estate.snapshot.firewalls?.get(f.firewallId.toLowerCase()) : undefined;
    if (fw) out.set(fw.key, fw);
  }
  return [...out.values()];
}

/** Storage private endpoints in reach of a subnet, each judged against CONTRACT §4.2. */
export function storageEndpointsFor(estate: Estate, subnet: Subnet): StorageEndpointUse[] {
  const { snapshot } = estate;
  const reach = reachableVnets(estate, subnet);
  const out: StorageEndpointUse[] = [];
  for (const pe of snapshot.privateEndpoints.values()) {
    const peSubnet = pe.subnetKey ? snapshot.subnets.get(pe.subnetKey) : undefined;
    if (!peSubnet || !reach.has(peSubnet.vnetKey)) continue;
    const conn = pe.connections.find((c) => STORAGE_ACCOUNT.test(c.targetId));
    // An endpoint known only from a reference (no connections read) may still be a storage endpoint; say so.
    if (!conn && pe.connections.length) continue;
    const account = conn ? STORAGE_ACCOUNT.exec(conn.targetId)![1] : "an unknown target";
    const where = peSubnet.vnetKey === subnet.vnetKey ? `in ${peSubnet.vnetName}` : `in peered VNet ${peSubnet.vnetName}`;
    if (conn) {
      const approved = !conn.status || conn.status.toLowerCase() === "approved";
      const blob = conn.groupIds.length === 0 || conn.groupIds.some((g) => g.toLowerCase() === "blob");
      if (!approved || !blob || (pe.provisioningState && pe.provisioningState.toLowerCase() !== "succeeded")) {
        out.push({ endpoint: pe, account, state: "unusable", detail: `private endpoint ${pe.name} ${where} to ${account} is ${!approved ? `connection ${conn.status} (not approved)` : !blob ? `for ${conn.groupIds.join(", ")}, not blob` : `in state ${pe.provisioningState}`}` });
        continue;
      }
    } else {
      continue;
    }
    const addresses = privateEndpointIps(estate.snapshot, pe);
    const target = addresses.length ? cidrsToRanges(addresses) : cidrsToRanges(peSubnet.addressPrefixes);
    const remote = concrete(target.v4, target.v6);
    // By the account's blob name, so a firewall on the way judges it as it would the client's request; the same
    // judgement the flow query gives the endpoint's address (endpointPath).
    const names: NameTarget = { kind: "names", names: [storageEndpointName(pe, account, "blob")!] };
    // Blob over HTTPS: a firewall's application rules meet it on their Https ports only.
    const path = endpointPath(estate, subnet, peSubnet, remote, names, { protocols: TCP, ports: range(443, 443), sourceAddresses: estate.roleAddresses(subnet), key: `pe:${pe.key}`, appProtocol: "https" }, true);
    const flow = path.outbound;
    if (flow.verdict !== "allowed") {
      const denied = flow.outcomes.some((o) => o.pieces.some((p) => p.access === "Deny"));
      const some = flow.outcomes.some((o) => o.pieces.some((p) => p.access === "Allow"));
      const how = flow.verdict === "blocked" ? "blocked" : denied ? "partly blocked" : "not known";
      const state = !denied ? "unjudged" : some ? "partial" : "blocked";
      out.push({ endpoint: pe, account, state, flow, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it is ${how}: ${describeDenied(estate, flow)}` });
      continue;
    }
    if (!path.way.reachable || path.noWayBack) {
      const why = path.way.reachable ? `no way back: ${path.noWayBack}` : `no way there: ${path.way.why}`;
      out.push({ endpoint: pe, account, state: "blocked", flow, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it has ${why}` });
      continue;
    }
    // The endpoint's side: its subnet's NSG, where that subnet's network policies let Azure apply it.
    const { scope, inbound } = path;
    if (inbound && inbound.verdict !== "allowed") {
      const how = inbound.verdict === "blocked" ? "blocked" : "partly blocked";
      const via = endpointSourceWords(path);
      out.push({ endpoint: pe, account, state: "blocked", flow: inbound, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it is ${how} at its subnet ${peSubnet.vnetName}/${peSubnet.name} (${scope.why}, so Azure applies that subnet's NSG to the endpoint${via ? `; the request arrives ${via}` : ""}): ${describeDenied(estate, inbound)}` });
      continue;
    }
    // A private endpoint's replies ignore route tables and go straight back to the client: through an Azure Firewall
    // by a network rule, which does not SNAT a private destination (unless the policy's SNAT ranges say so), the
    // firewall sees only the requests and drops the connection. An application rule proxies it, so it holds.
    // https://learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall
    if (path.unsnatted.length) {
      const names = path.unsnatted.map((fw) => fw.name).join(", ");
      out.push({ endpoint: pe, account, state: "blocked", flow, detail: `private endpoint ${pe.name} ${where} to ${account} is reached through Azure Firewall ${names} by a network rule, which does not SNAT its private address, and an endpoint's replies bypass route tables: they come back around the firewall, which drops the connection (use an application rule for the blob name, or SNAT to private ranges)` });
      continue;
    }
    const dns = dnsProblem(estate, subnet, account, addresses.length ? remote : undefined);
    if (dns) {
      // Not sure (resolvers that differ, answers the audit cannot see): never a pass, nor a sure failure.
      out.push({ endpoint: pe, account, state: dns.sure ? "unusable" : "unjudged", flow, detail: `private endpoint ${pe.name} ${where} to ${account} ${dns.sure ? "cannot be used by name" : "may not be usable by name"}: ${dns.why}` });
      continue;
    }
    // Through an application rule the firewall resolves the name itself: its DNS must give it the endpoint too.
    const fwDns = path.firewallDns.find((f) => !f.unknown) ?? path.firewallDns[0];
    if (fwDns) {
      // Parts of the subnet's traffic that go there directly, or through a firewall whose DNS is fine, still arrive.
      const everywhere = path.sources.every((x) => x.by === "application" && path.firewallDns.some((d) => !d.unknown && d.firewall.key === x.firewall?.key));
      out.push({ endpoint: pe, account, state: fwDns.unknown ? "unjudged" : everywhere ? "unusable" : "partial", flow, detail: `private endpoint ${pe.name} ${where} to ${account} ${fwDns.unknown ? "may not be reached" : "is not reached"} through Azure Firewall ${fwDns.firewall.name}: ${fwDns.why}` });
      continue;
    }
    const via = endpointSourceWords(path);
    // Onward from a firewall to a second one (or an appliance) the audit does not follow: never a silent pass.
    if (path.doubts.length) {
      out.push({ endpoint: pe, account, state: "unjudged", flow, detail: `private endpoint ${pe.name} ${where} to ${account}${via ? `, ${via},` : ""} may not be reached: the way there cannot be judged — ${path.doubts.join("; ")}` });
      continue;
    }
    const unseen = recordsNotGiven(estate, account);
    out.push({ endpoint: pe, account, state: "usable", flow, detail: `private endpoint ${pe.name} ${where} to ${account}${via ? `, ${via}` : ""}${unseen ? `; ${unseen}` : ""}` });
  }
  return out;
}
