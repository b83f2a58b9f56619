// The service endpoint list a fix leaves on a subnet. Azure Storage has two kinds of endpoint that "can't coexist on
// the same subnet": the local Microsoft.Storage (the VNet's region and its pair) and the cross-region
// Microsoft.Storage.Global, which Microsoft recommends for new deployments. Adding one replaces the other, so a fix
// never asks Azure for a list it refuses.
// https://learn.microsoft.com/azure/storage/common/storage-network-security#service-endpoints

import type { Subnet } from "../model/types";

const STORAGE_KINDS = ["microsoft.storage", "microsoft.storage.global"];

/** Whether a service endpoint's `service` is Azure Storage's, of either kind (any case). */
export const isStorageEndpoint = (service: string): boolean => STORAGE_KINDS.includes(service.trim().toLowerCase());

/**
 * The Storage endpoint a fix adds to `subnet`: the cross-region `Microsoft.Storage.Global` Microsoft recommends for new
 * deployments, which serves accounts of every region; on a subnet with a service endpoint policy the local
 * `Microsoft.Storage`, since a policy needs the endpoints of the services it lists on the subnet.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview#limitations
 */
export function storageEndpointKind(subnet: Subnet): "Microsoft.Storage" | "Microsoft.Storage.Global" {
  return subnet.serviceEndpointPolicyKeys?.length ? "Microsoft.Storage" : "Microsoft.Storage.Global";
}

/**
 * `current` (a subnet's service endpoints, in any shape whose `service` names the endpoint) with `add` appended,
 * unless an endpoint of that name is there; the other Storage kind, when `add` is one, is dropped. Order kept.
 * Names compare case-insensitively, as ARM does. Never throws.
 */
export function endpointsWith<T>(current: readonly T[], add: string, serviceOf: (e: T) => string, make: (service: string) => T): T[] {
  const lower = add.toLowerCase();
  const displaced = STORAGE_KINDS.includes(lower) ? STORAGE_KINDS.filter((k) => k !== lower) : [];
  const kept = current.filter((e) => !displaced.includes(serviceOf(e).toLowerCase()));
  return kept.some((e) => serviceOf(e).toLowerCase() === lower) ? kept : [...kept, make(add)];
}

/** The endpoint names `add` replaces on a subnet holding `current` (the other Storage kind), for the fix's words. */
export function endpointsReplaced(current: readonly string[], add: string): string[] {
  const kept = endpointsWith(current, add, (s) => s, (s) => s);
  return current.filter((s) => !kept.includes(s));
}
