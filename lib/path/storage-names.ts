// A storage account's name as a flow query destination (`sta.blob.core.windows.net`): its public addresses are
// service tag Storage, but a private endpoint of the account serves the same name where private DNS gives its
// address. Which of the two a client reaches is what its DNS answers, judged as the audit judges it (dnsProblem).
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns#storage
// https://learn.microsoft.com/azure/storage/common/storage-private-endpoints#dns-changes-for-private-endpoints
import { addrIsEmpty, concrete } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import type { Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { reachableVnets } from "./next-hop";
import { BLOB_ZONE, dnsProblem } from "./private-dns";
import { type StorageEndpointAt, storageEndpointTarget } from "./private-endpoints";
import { privateEndpointIps } from "./routes";

/** What a storage name stands for from one subnet: the endpoints to judge, and whether its public addresses too. */
export interface StorageNameTargets {
  /** Private endpoints of the account serving this very name that the name may resolve to. */
  endpoints: StorageEndpointAt[];
  /** Whether the name may resolve to the account's public address (service tag Storage). */
  public: boolean;
  /** Why, in words, for the answer's notes. */
  notes: string[];
  /** Set where the name gives no address at all (NXDOMAIN from every resolver the source asks): why. */
  unresolved?: string;
}

/**
 * Where `name` (lower-case, no wildcard) leads for clients in `source`. No private endpoint in the input serves it:
 * the public address only. Otherwise, per endpoint (with the addresses the input shows for it): with the input's
 * private DNS zones, a blob name resolves to the endpoint when dnsProblem finds nothing, to the public address when
 * it surely does not, and either way when that cannot be judged. Without any private DNS zone in the input, or for
 * a non-blob name (only privatelink.blob zones are judged), whether the name resolves to the endpoint is not known:
 * both are judged, and only endpoints in the subnet's VNet or a connected peering count, as the audit counts them.
 */
export function storageNameTargets(estate: Estate, source: Subnet, name: string): StorageNameTargets {
  const { snapshot } = estate;
  const zones = Boolean(snapshot.privateDnsZones?.size);
  const reach = reachableVnets(estate, source);
  const endpoints: StorageEndpointAt[] = [];
  const notes: string[] = [];
  let resolved = false;
  let unsure = false;
  for (const pe of snapshot.privateEndpoints.values()) {
    const target = storageEndpointTarget(pe);
    const subnet = pe.subnetKey ? snapshot.subnets.get(pe.subnetKey) : undefined;
    if (!target?.name || target.name !== name || !subnet) continue;
    const r = cidrsToRanges(privateEndpointIps(snapshot, pe));
    const addresses = concrete(r.v4, r.v6);
    if (addrIsEmpty(addresses)) continue;
    const at: StorageEndpointAt = { endpoint: pe, subnet, addresses, endpointAddresses: addresses, target };
    if (!zones || target.groupId !== "blob") {
      if (!reach.has(subnet.vnetKey)) continue;
      endpoints.push(at);
      unsure = true;
      notes.push(
        `${name} is served by private endpoint ${pe.name} too; ${zones ? `only ${BLOB_ZONE} names are judged` : "the input gives no private DNS zones"}, so whether ${source.vnetName}/${source.name} resolves it to the endpoint or to the account's public address is not known: both are judged.`,
      );
      continue;
    }
    const dns = dnsProblem(estate, source, target.account, addresses);
    // No address at all, public or private: the name leads nowhere, whichever endpoint asked. Only an approved
    // endpoint is taken to have made the name a CNAME into the zone (as blobNameUnresolved has it for the audit).
    if (dns?.sure && dns.nxdomain && (!target.status || target.status.toLowerCase() === "approved")) return { endpoints: [], public: false, notes: [], unresolved: dns.why };
    if (!dns) {
      endpoints.push(at);
      resolved = true;
      notes.push(`${name} resolves to private endpoint ${pe.name} for ${source.vnetName}/${source.name} (its private DNS zone gives that address): judged as that endpoint.`);
    } else if (dns.sure) {
      notes.push(`${name} does not resolve to private endpoint ${pe.name} for ${source.vnetName}/${source.name}: ${dns.why}.`);
    } else {
      endpoints.push(at);
      unsure = true;
      notes.push(`${name} may or may not resolve to private endpoint ${pe.name} for ${source.vnetName}/${source.name}: ${dns.why}; both are judged.`);
    }
  }
  // The public address is out of the picture only where the name surely resolves to an endpoint.
  return { endpoints, public: !resolved || unsure, notes };
}

/**
 * The storage account a storage name (lower-case, no wildcard, as serviceTagOfName maps to Storage) belongs to: its first
 * label, without the `-secondary` of a read-access secondary endpoint (account names are lower-case letters and digits).
 * https://learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints
 */
export function storageAccountOfName(name: string): string {
  return name.split(".")[0].replace(/-secondary$/, "");
}
