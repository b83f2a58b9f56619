// The list-all read: per subscription, one paged list per resource type. Subnets and peerings
// arrive inside their VNet, so there is never a call per resource group or per resource.
import { NetworkManagementClient } from "@azure/arm-network";
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import { armClientOptions, CallScope, type ArmClientSettings } from "./arm-pipeline";
import { collect, runOperation } from "./operation";
import { withType } from "./resource-shape";

interface ListAllOperation {
  operation: string;
  type: string;
  list: (client: NetworkManagementClient, signal: AbortSignal) => AsyncIterable<unknown>;
}

export const LIST_ALL_OPERATIONS: readonly ListAllOperation[] = [
  { operation: "virtualNetworks.listAll", type: "Microsoft.Network/virtualNetworks", list: (c, abortSignal) => c.virtualNetworks.listAll({ abortSignal }) },
  { operation: "networkSecurityGroups.listAll", type: "Microsoft.Network/networkSecurityGroups", list: (c, abortSignal) => c.networkSecurityGroups.listAll({ abortSignal }) },
  { operation: "routeTables.listAll", type: "Microsoft.Network/routeTables", list: (c, abortSignal) => c.routeTables.listAll({ abortSignal }) },
  { operation: "networkInterfaces.listAll", type: "Microsoft.Network/networkInterfaces", list: (c, abortSignal) => c.networkInterfaces.listAll({ abortSignal }) },
  { operation: "applicationSecurityGroups.listAll", type: "Microsoft.Network/applicationSecurityGroups", list: (c, abortSignal) => c.applicationSecurityGroups.listAll({ abortSignal }) },
  { operation: "privateEndpoints.listBySubscription", type: "Microsoft.Network/privateEndpoints", list: (c, abortSignal) => c.privateEndpoints.listBySubscription({ abortSignal }) },
];

const SUBSCRIPTION_LEVEL_CODES = new Set(["SubscriptionNotFound", "InvalidAuthenticationTokenTenant"]);

export const AUDITED_TYPES = LIST_ALL_OPERATIONS.map((op) => op.type);

export interface SubscriptionRead {
  resources: Record<string, unknown>[];
  errors: ReadError[];
}

export async function readSubscription(
  credential: TokenCredential,
  settings: ArmClientSettings,
  subscriptionId: string,
  timeoutMs: number,
): Promise<SubscriptionRead> {
  const scope = new CallScope();
  const client = new NetworkManagementClient(credential, subscriptionId, armClientOptions(settings, scope));
  const resources: Record<string, unknown>[] = [];
  const errors: ReadError[] = [];
  // One operation at a time per subscription: concurrency is spread across subscriptions, and the
  // shared CallScope of this client belongs to exactly one operation at a time.
  for (const op of LIST_ALL_OPERATIONS) {
    const result = await runOperation(scope, subscriptionId, op.operation, timeoutMs, (signal) => collect(op.list(client, signal)));
    if (!result.ok) {
      errors.push(result.error);
      // These are about the subscription itself, so every other type would fail the same way. A 403
      // (AuthorizationFailed) is not: a custom role may grant some types and not others.
      if (SUBSCRIPTION_LEVEL_CODES.has(result.error.code)) break;
      continue;
    }
    let missingId = 0;
    for (const item of result.value) {
      const resource = withType(item, op.type);
      if (resource) resources.push(resource);
      else missingId += 1;
    }
    if (missingId) {
      errors.push({ subscription: subscriptionId, operation: op.operation, code: "InvalidResource", message: `${missingId} listed resource(s) had no id and were left out` });
    }
  }
  return { resources, errors };
}
