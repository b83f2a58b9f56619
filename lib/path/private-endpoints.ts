// Which storage private endpoints serve a subnet (CONTRACT §4.2): one in the subnet's VNet or a directly
// peered VNet (Connected, virtual network access both ways), that admin rules and NSGs let the subnet
// reach on TCP 443, whose connection is Approved with `blob` among its group ids, and whose name
// resolves (the privatelink zone linked to the VNet whose DNS the subnet uses, holding the account).
// https://learn.microsoft.com/azure/private-link/private-endpoint-overview
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
// The endpoint's own subnet NSG counts only where that subnet's network policies let Azure apply it:
// https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
import { type AddrSet, addrIntersect, addrIsEmpty, addrOverlaps, addrSubtract, addrUnionAll, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { range } from "../net/intervals";
import type { PortSet } from "../net/ports";
import { type ProtoSet, TCP } from "../net/protocols";
import type { AzureFirewall, PrivateEndpoint, Subnet } from "../model/types";
import type { EndpointGroup, Estate } from "../nsg/estate";
import { type FlowResult, type FlowSpec, type Verdict, describeDenied, evaluateFlow } from "../nsg/flow";
import { evaluateGroupPath } from "./evaluate";
import { reachableVnets } from "./next-hop";
import { privateEndpointIps } from "./routes";
import type { NameTarget } from "./fqdn";
import { firewallSnats } from "./firewall";
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
const BLOB_ZONE = "privatelink.blob.core.windows.net";

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
 * Inbound at some of a subnet's private endpoint addresses (`local`) from `remote`: the subnet's admin rules and
 * its NSG, for exactly those addresses (a private endpoint's NIC carries no NSG of its own, and is no member of
 * the subnet's traffic class, so `evaluateFlow` would not hold its address). Call it only where
 * `destinationSubnetNsgScope` says the NSG applies.
 */
export function evaluateEndpointInbound(estate: Estate, subnet: Subnet, local: AddrSet, flow: { protocols: ProtoSet; ports: PortSet; remote: AddrSet }): FlowResult {
  const at = estate.snapshot.subnets.get(subnet.key) ?? subnet;
  const spec: FlowSpec = { direction: "Inbound", protocols: flow.protocols, ports: flow.ports, remote: flow.remote };
  const group: EndpointGroup = { nics: [], addresses: local, members: [{ addresses: local, lbBackendPoolKeys: [] }] };
  const notes: string[] = [];
  const touched = new Set<string>([at.key]);
  const pieces = evaluateGroupPath({ estate, subnet: at, spec, notes, touched }, group);
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

/** The VNet whose DNS a subnet uses: its own with Azure-provided DNS, else the VNet holding the listed DNS server. */
function dnsVnetKey(estate: Estate, subnet: Subnet): string | undefined {
  const vnet = estate.snapshot.vnets.get(subnet.vnetKey);
  const servers = vnet?.dnsServers ?? [];
  if (servers.length === 0) return subnet.vnetKey;
  const r = cidrsToRanges(servers);
  const dns = concrete(r.v4, r.v6);
  for (const v of estate.snapshot.vnets.values()) {
    const p = cidrsToRanges(v.addressPrefixes);
    if (addrOverlaps(concrete(p.v4, p.v6), dns)) return v.key;
  }
  return undefined;
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
  for (const o of flow.outcomes)
    for (const p of o.pieces) {
      if (p.access !== "Allow") continue;
      for (const e of p.steps) {
        if (evidenceStage(e) !== "firewall") continue;
        const f = e as FirewallEvidence;
        const fw = f.kind !== "application" && f.firewallId ? estate.snapshot.firewalls?.get(f.firewallId.toLowerCase()) : undefined;
        if (fw) out.set(fw.key, fw);
      }
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
    // By the account's blob name, so a firewall on the way judges it as it would the client's request.
    const names: NameTarget = { kind: "names", names: [`${account.toLowerCase()}.blob.core.windows.net`] };
    const flow = evaluateFlow(estate, subnet, { direction: "Outbound", protocols: TCP, ports: range(443, 443), remote, key: `pe:${pe.key}`, names });
    if (flow.verdict !== "allowed") {
      const denied = flow.outcomes.some((o) => o.pieces.some((p) => p.access === "Deny"));
      const some = flow.outcomes.some((o) => o.pieces.some((p) => p.access === "Allow"));
      const how = flow.verdict === "blocked" ? "blocked" : denied ? "partly blocked" : "not known";
      const state = !denied ? "unjudged" : some ? "partial" : "blocked";
      out.push({ endpoint: pe, account, state, flow, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it is ${how}: ${describeDenied(estate, flow)}` });
      continue;
    }
    // The endpoint's side: its subnet's NSG, where that subnet's network policies let Azure apply it.
    const scope = destinationSubnetNsgScope(peSubnet, true);
    if (scope.applies) {
      const inbound = evaluateEndpointInbound(estate, peSubnet, remote, { protocols: TCP, ports: range(443, 443), remote: estate.roleAddresses(subnet) });
      if (inbound.verdict !== "allowed") {
        const how = inbound.verdict === "blocked" ? "blocked" : "partly blocked";
        out.push({ endpoint: pe, account, state: "blocked", flow: inbound, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it is ${how} at its subnet ${peSubnet.vnetName}/${peSubnet.name} (${scope.why}, so Azure applies that subnet's NSG to the endpoint): ${describeDenied(estate, inbound)}` });
        continue;
      }
    }
    // A private endpoint's replies ignore route tables and go straight back to the client: through an Azure Firewall
    // by a network rule, which does not SNAT a private destination (unless the policy's SNAT ranges say so), the
    // firewall sees only the requests and drops the connection. An application rule proxies it, so it holds.
    // https://learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall
    const unsnatted = firewallsByNetworkRule(estate, flow).filter((fw) => !firewallSnats(estate, fw, remote));
    if (unsnatted.length) {
      const names = unsnatted.map((fw) => fw.name).join(", ");
      out.push({ endpoint: pe, account, state: "blocked", flow, detail: `private endpoint ${pe.name} ${where} to ${account} is reached through Azure Firewall ${names} by a network rule, which does not SNAT its private address, and an endpoint's replies bypass route tables: they come back around the firewall, which drops the connection (use an application rule for the blob name, or SNAT to private ranges)` });
      continue;
    }
    const dns = dnsProblem(estate, subnet, account);
    if (dns) {
      out.push({ endpoint: pe, account, state: "unusable", flow, detail: `private endpoint ${pe.name} ${where} to ${account} cannot be used by name: ${dns}` });
      continue;
    }
    out.push({ endpoint: pe, account, state: "usable", flow, detail: `private endpoint ${pe.name} ${where} to ${account}` });
  }
  return out;
}

/** Where private DNS zones are given: the blob privatelink zone must be linked to the subnet's DNS VNet and hold the account. */
function dnsProblem(estate: Estate, subnet: Subnet, account: string): string | undefined {
  const zones = estate.snapshot.privateDnsZones;
  if (!zones?.size) return undefined;
  const zone = [...zones.values()].find((z) => z.name.toLowerCase() === BLOB_ZONE);
  if (!zone) return `no ${BLOB_ZONE} private DNS zone is in the input`;
  const vnetKey = dnsVnetKey(estate, subnet);
  if (!vnetKey) return `the VNet's custom DNS servers are in no VNet of the input, so whether they resolve ${BLOB_ZONE} cannot be seen`;
  if (!zone.links.some((l) => l.vnetKey === vnetKey)) return `zone ${BLOB_ZONE} is not linked to ${estate.snapshot.vnets.get(vnetKey)?.name ?? vnetKey.split("/").pop()}, whose DNS ${subnet.name} uses`;
  if (zone.aRecords.length && !zone.aRecords.includes(account.toLowerCase())) return `zone ${BLOB_ZONE} holds no A record for ${account}`;
  return undefined;
}

