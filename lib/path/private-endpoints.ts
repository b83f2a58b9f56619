// Which storage private endpoints serve a subnet (CONTRACT §4.2): one in the subnet's VNet or a directly
// peered VNet (Connected, virtual network access both ways), that admin rules and NSGs let the subnet
// reach on TCP 443, whose connection is Approved with `blob` among its group ids, and whose name
// resolves (the privatelink zone linked to the VNet whose DNS the subnet uses, holding the account).
// https://learn.microsoft.com/azure/private-link/private-endpoint-overview
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import { addrOverlaps, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { range } from "../net/intervals";
import { TCP } from "../net/protocols";
import type { PrivateEndpoint, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { type FlowResult, describeDenied, evaluateFlow } from "../nsg/flow";
import { reachableVnets } from "./next-hop";

export interface StorageEndpointUse {
  endpoint: PrivateEndpoint;
  account: string;
  /** `usable`: every condition holds; `blocked`: in reach but the path to it is blocked; `unusable`: approval, group or DNS. */
  state: "usable" | "blocked" | "unusable";
  /** In words: why it counts or not. */
  detail: string;
  flow?: FlowResult;
}

const STORAGE_ACCOUNT = /\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)/i;
const BLOB_ZONE = "privatelink.blob.core.windows.net";

function endpointAddresses(estate: Estate, pe: PrivateEndpoint): string[] {
  const out = new Set(pe.ipAddresses ?? []);
  for (const k of pe.nicKeys ?? []) for (const ipc of estate.snapshot.nics.get(k)?.ipConfigurations ?? []) if (ipc.privateIpAddress) out.add(ipc.privateIpAddress);
  return [...out];
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
    const addresses = endpointAddresses(estate, pe);
    const target = addresses.length ? cidrsToRanges(addresses) : cidrsToRanges(peSubnet.addressPrefixes);
    const flow = evaluateFlow(estate, subnet, { direction: "Outbound", protocols: TCP, ports: range(443, 443), remote: concrete(target.v4, target.v6), key: `pe:${pe.key}` });
    if (flow.verdict !== "allowed") {
      out.push({ endpoint: pe, account, state: "blocked", flow, detail: `private endpoint ${pe.name} ${where} to ${account} is in reach, but TCP 443 to it is ${flow.verdict === "blocked" ? "blocked" : "partly blocked"}: ${describeDenied(estate, flow)}` });
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

