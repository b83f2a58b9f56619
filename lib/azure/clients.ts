// The ARM clients one subscription is read with, all sharing one CallScope (one operation at a time)
// and the reader's pipeline: read-only guard, call counter, per-operation deadline.
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { PrivateDnsManagementClient } from "@azure/arm-privatedns";
import { StorageManagementClient } from "@azure/arm-storage";
import type { TokenCredential } from "@azure/identity";
import { armClientOptions, CallScope, coreClientOptions, type ArmClientSettings } from "./arm-pipeline";

export interface SubscriptionClients {
  subscriptionId: string;
  scope: CallScope;
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
  storage: StorageManagementClient;
  privateDns: PrivateDnsManagementClient;
}

/**
 * The four Microsoft SDK clients for one subscription, each built on first use (a list uses one of
 * them). Only list operations are ever called on them, and the pipeline refuses anything but GET
 * before it leaves the process (arm-pipeline.ts).
 */
export function subscriptionClients(credential: TokenCredential, settings: ArmClientSettings, subscriptionId: string): SubscriptionClients {
  const scope = new CallScope();
  let network: NetworkManagementClient | undefined;
  let compute: ComputeManagementClient | undefined;
  let storage: StorageManagementClient | undefined;
  let privateDns: PrivateDnsManagementClient | undefined;
  return {
    subscriptionId,
    scope,
    get network() {
      return (network ??= new NetworkManagementClient(credential, subscriptionId, coreClientOptions(settings, scope)));
    },
    get compute() {
      return (compute ??= new ComputeManagementClient(credential, subscriptionId, armClientOptions(settings, scope)));
    },
    get storage() {
      return (storage ??= new StorageManagementClient(credential, subscriptionId, armClientOptions(settings, scope)));
    },
    get privateDns() {
      return (privateDns ??= new PrivateDnsManagementClient(credential, subscriptionId, coreClientOptions(settings, scope)));
    },
  };
}
