// The list-all read: per subscription, one paged list per resource type, then the lists that hang off
// a parent (child-lists.ts): one per firewall policy, network manager level, scale set, DNS zone and virtual hub.
// Subnets and peerings arrive inside their VNet, so there is never a call per resource group or per
// instance. Resources are kept as ARM sent them (the REST form, fields under `properties`).
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import type { ArmClientSettings } from "./arm-pipeline";
import { readChildLists } from "./child-lists";
import { subscriptionClients, type SubscriptionClients } from "./clients";
import { collectRaw, runOperation } from "./operation";
import { mapPool } from "./pool";
import { keepListed } from "./resource-shape";

interface ListAllOperation {
  operation: string;
  type: string;
  list: (c: SubscriptionClients, signal: AbortSignal) => AsyncIterable<unknown>;
}

/**
 * Every subscription-wide list the reader sends, in order. Docs of each: https://learn.microsoft.com/rest/api/
 * (network: virtual-network, network-security-groups, …; virtualwan: virtual-hubs/list; compute: virtual-machine-scale-sets/list-all, virtual-machines/list-all;
 * storagerp: storage-accounts/list; dns/privatedns: private-zones/list; virtualnetwork: service-endpoint-policies/list).
 */
export const LIST_ALL_OPERATIONS: readonly ListAllOperation[] = [
  { operation: "virtualNetworks.listAll", type: "Microsoft.Network/virtualNetworks", list: (c, abortSignal) => c.network.virtualNetworks.listAll({ abortSignal }) },
  { operation: "networkSecurityGroups.listAll", type: "Microsoft.Network/networkSecurityGroups", list: (c, abortSignal) => c.network.networkSecurityGroups.listAll({ abortSignal }) },
  { operation: "routeTables.listAll", type: "Microsoft.Network/routeTables", list: (c, abortSignal) => c.network.routeTables.listAll({ abortSignal }) },
  { operation: "networkInterfaces.listAll", type: "Microsoft.Network/networkInterfaces", list: (c, abortSignal) => c.network.networkInterfaces.listAll({ abortSignal }) },
  { operation: "applicationSecurityGroups.listAll", type: "Microsoft.Network/applicationSecurityGroups", list: (c, abortSignal) => c.network.applicationSecurityGroups.listAll({ abortSignal }) },
  { operation: "privateEndpoints.listBySubscription", type: "Microsoft.Network/privateEndpoints", list: (c, abortSignal) => c.network.privateEndpoints.listBySubscription({ abortSignal }) },
  { operation: "natGateways.listAll", type: "Microsoft.Network/natGateways", list: (c, abortSignal) => c.network.natGateways.listAll({ abortSignal }) },
  { operation: "publicIPAddresses.listAll", type: "Microsoft.Network/publicIPAddresses", list: (c, abortSignal) => c.network.publicIPAddresses.listAll({ abortSignal }) },
  { operation: "loadBalancers.listAll", type: "Microsoft.Network/loadBalancers", list: (c, abortSignal) => c.network.loadBalancers.listAll({ abortSignal }) },
  { operation: "azureFirewalls.listAll", type: "Microsoft.Network/azureFirewalls", list: (c, abortSignal) => c.network.azureFirewalls.listAll({ abortSignal }) },
  { operation: "firewallPolicies.listAll", type: "Microsoft.Network/firewallPolicies", list: (c, abortSignal) => c.network.firewallPolicies.listAll({ abortSignal }) },
  { operation: "ipGroups.list", type: "Microsoft.Network/ipGroups", list: (c, abortSignal) => c.network.ipGroups.list({ abortSignal }) },
  // Virtual WAN hubs: a connected VNet's routes come from its hub, whose routing intent may send Internet and private
  // traffic to the hub's firewall. The hub's connections, route tables and routing intent are listed per hub (child-lists.ts).
  { operation: "virtualHubs.list", type: "Microsoft.Network/virtualHubs", list: (c, abortSignal) => c.network.virtualHubs.list({ abortSignal }) },
  { operation: "networkManagers.listBySubscription", type: "Microsoft.Network/networkManagers", list: (c, abortSignal) => c.network.networkManagers.listBySubscription({ abortSignal }) },
  { operation: "virtualMachineScaleSets.listAll", type: "Microsoft.Compute/virtualMachineScaleSets", list: (c, abortSignal) => c.compute.virtualMachineScaleSets.listAll({ abortSignal }) },
  // A VM names the scale set it is an instance of: the only link from a Flexible scale set to its instances' NICs.
  { operation: "virtualMachines.listAll", type: "Microsoft.Compute/virtualMachines", list: (c, abortSignal) => c.compute.virtualMachines.listAll({ abortSignal }) },
  { operation: "storageAccounts.list", type: "Microsoft.Storage/storageAccounts", list: (c, abortSignal) => c.storage.storageAccounts.list({ abortSignal }) },
  { operation: "serviceEndpointPolicies.list", type: "Microsoft.Network/serviceEndpointPolicies", list: (c, abortSignal) => c.network.serviceEndpointPolicies.list({ abortSignal }) },
  { operation: "privateZones.list", type: "Microsoft.Network/privateDnsZones", list: (c, abortSignal) => c.privateDns.privateZones.list({ abortSignal }) },
];

const SUBSCRIPTION_LEVEL_CODES = new Set(["SubscriptionNotFound", "InvalidAuthenticationTokenTenant"]);

/** The types the subscription-wide lists return (Resource Graph reads the same, see resource-graph.ts). */
export const AUDITED_TYPES = LIST_ALL_OPERATIONS.map((op) => op.type);

export interface SubscriptionRead {
  resources: Record<string, unknown>[];
  errors: ReadError[];
}

/** Lists of one subscription in flight at once (each with its own clients and CallScope). */
export const LISTS_IN_FLIGHT = 4;

async function runList(clients: SubscriptionClients, op: ListAllOperation, timeoutMs: number) {
  return runOperation(clients.scope, clients.subscriptionId, op.operation, timeoutMs, (signal) => collectRaw(clients.scope, op.list(clients, signal)));
}

/**
 * Reads one subscription: every list of LIST_ALL_OPERATIONS, then the child lists of what they
 * returned. A failed call (403 under a custom role, 5xx after retries, timeout) is one entry in
 * `errors` and the rest is still read; only an error about the subscription itself stops it.
 * The first list goes alone (it finds out whether the subscription can be read at all), the others
 * LISTS_IN_FLIGHT at a time; results and errors keep the order of LIST_ALL_OPERATIONS.
 */
export async function readSubscription(
  credential: TokenCredential,
  settings: ArmClientSettings,
  subscriptionId: string,
  timeoutMs: number,
): Promise<SubscriptionRead> {
  const clients = subscriptionClients(credential, settings, subscriptionId);
  const read: SubscriptionRead = { resources: [], errors: [] };
  const [first, ...others] = LIST_ALL_OPERATIONS;
  const firstResult = await runList(clients, first, timeoutMs);
  // These are about the subscription itself, so every other type would fail the same way. A 403
  // (AuthorizationFailed) is not: a custom role may grant some types and not others.
  if (!firstResult.ok && SUBSCRIPTION_LEVEL_CODES.has(firstResult.error.code)) {
    read.errors.push(firstResult.error);
    return read;
  }
  // A CallScope belongs to one operation at a time: each list in flight borrows a set of clients.
  const idle: SubscriptionClients[] = [clients];
  const results = await mapPool(others, LISTS_IN_FLIGHT, async (op) => {
    const borrowed = idle.pop() ?? subscriptionClients(credential, settings, subscriptionId);
    try {
      return await runList(borrowed, op, timeoutMs);
    } finally {
      idle.push(borrowed);
    }
  });
  LIST_ALL_OPERATIONS.forEach((op, i) => {
    const result = i === 0 ? firstResult : results[i - 1];
    if (result.ok) read.resources.push(...keepListed(result.value, op.type, subscriptionId, op.operation, read.errors));
    else read.errors.push(result.error);
  });
  const children = await readChildLists(clients, read.resources, timeoutMs, { resourceGraph: false });
  read.resources.push(...children.resources);
  read.errors.push(...children.errors);
  return read;
}
