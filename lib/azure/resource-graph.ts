// The Resource Graph read: one read-only KQL query over every subscription at once, paged
// 1,000 rows at a time with $skipToken. Rows come in ARM form (`properties`, lower-case types).
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import { coreClientOptions, CallScope, type ArmClientSettings } from "./arm-pipeline";
import { runOperation } from "./operation";
import { withType } from "./resource-shape";

export const RESOURCE_GRAPH_OPERATION = "resourceGraph.resources";
const PAGE_ROWS = 1000;
// Resource Graph takes at most 1,000 subscriptions in one request's scope.
const SUBSCRIPTIONS_PER_QUERY = 1000;

/**
 * The types a list-all read gets through child lists (child-lists.ts) that Resource Graph's `Resources` table holds
 * (tracked resources: private DNS zone links, virtual network gateways). The others (rule
 * collection groups, network manager groups, members, configurations and rules, scale set instance NICs,
 * DNS record sets, a virtual hub's VNet connections, route tables and routing intent) are resources its Resources
 * table does not index: they are read with list calls (child-lists.ts).
 * https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources
 */
export const RESOURCE_GRAPH_CHILD_TYPES = ["Microsoft.Network/privateDnsZones/virtualNetworkLinks", "Microsoft.Network/virtualNetworkGateways"] as const;

export function resourceGraphQuery(types: readonly string[]): string {
  const list = types.map((t) => `'${t.toLowerCase()}'`).join(", ");
  // `sku` decides a load balancer's and public IP's outbound behaviour and a scale set's capacity; `kind`
  // tells storage account kinds apart. `order by id` keeps paging stable: $skipToken pages of an
  // unordered result may overlap.
  return `Resources | where type in~ (${list}) | project id, name, type, location, resourceGroup, subscriptionId, sku, kind, properties | order by id asc`;
}

// Resource Graph answers null for a projected column a resource does not have, where ARM leaves the
// field out; the snapshot keeps ARM's form.
const NULLABLE_COLUMNS = ["sku", "kind", "location"] as const;

function dropNullColumns(row: unknown): unknown {
  if (!row || typeof row !== "object") return row;
  const record = row as Record<string, unknown>;
  for (const column of NULLABLE_COLUMNS) if (record[column] === null) delete record[column];
  return record;
}

// Resource Graph leaves out, without an error, what the principal may not read. Asking which
// subscriptions it can see turns a missing subscription into a reported error instead of an empty estate.
const VISIBLE_SUBSCRIPTIONS_QUERY = "ResourceContainers | where type =~ 'microsoft.resources/subscriptions' | project subscriptionId";

/**
 * The rows of an `objectArray` result. @azure/arm-resourcegraph 5.0.0-beta.4 (core-client; the last version that
 * declares Node 20) deserializes the `data` array as an object keyed "0", "1", …; read both forms, in order.
 * https://learn.microsoft.com/rest/api/azureresourcegraph/resourcegraph/resources/resources
 */
export function rowsOf(data: unknown): unknown[] {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== "object") return [];
  const entries = Object.entries(data as Record<string, unknown>).filter(([k]) => /^\d+$/.test(k));
  return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
}

export async function readResourceGraph(
  credential: TokenCredential,
  settings: ArmClientSettings,
  subscriptionIds: string[],
  types: readonly string[],
  timeoutMs: number,
): Promise<{ resources: Record<string, unknown>[]; errors: ReadError[] }> {
  const scope = new CallScope();
  const client = new ResourceGraphClient(credential, coreClientOptions(settings, scope));
  const query = resourceGraphQuery(types);
  const resources: Record<string, unknown>[] = [];
  const errors: ReadError[] = [];

  for (let start = 0; start < subscriptionIds.length; start += SUBSCRIPTIONS_PER_QUERY) {
    const batch = subscriptionIds.slice(start, start + SUBSCRIPTIONS_PER_QUERY);
    const label = batch.length === 1 ? batch[0] : `${batch.length} subscriptions`;
    const visible = await runOperation(scope, label, RESOURCE_GRAPH_OPERATION, timeoutMs, (abortSignal) =>
      client.resources({ subscriptions: batch, query: VISIBLE_SUBSCRIPTIONS_QUERY, options: { resultFormat: "objectArray", top: PAGE_ROWS } }, { abortSignal }),
    );
    if (!visible.ok) {
      errors.push(visible.error);
      continue;
    }
    const seen = new Set(
      (rowsOf(visible.value.data) as { subscriptionId?: unknown }[]).map((r) => String(r?.subscriptionId ?? "").toLowerCase()),
    );
    for (const sub of batch) {
      if (!seen.has(sub.toLowerCase())) {
        errors.push({ subscription: sub, operation: RESOURCE_GRAPH_OPERATION, code: "SubscriptionNotVisible", message: "Resource Graph returns nothing for this subscription: the credential cannot read it, or it does not exist" });
      }
    }
    let skipToken: string | undefined;
    do {
      const result = await runOperation(scope, label, RESOURCE_GRAPH_OPERATION, timeoutMs, (abortSignal) =>
        client.resources(
          { subscriptions: batch, query, options: { resultFormat: "objectArray", top: PAGE_ROWS, ...(skipToken ? { skipToken } : {}) } },
          { abortSignal },
        ),
      );
      if (!result.ok) {
        errors.push(result.error);
        break;
      }
      const rows = rowsOf(result.value.data);
      for (const row of rows) {
        const type = row && typeof row === "object" && typeof (row as { type?: unknown }).type === "string" ? (row as { type: string }).type : "";
        const resource = withType(dropNullColumns(row), type);
        if (resource) resources.push(resource);
      }
      skipToken = result.value.skipToken || undefined;
      if (!skipToken && String(result.value.resultTruncated) === "true") {
        errors.push({ subscription: label, operation: RESOURCE_GRAPH_OPERATION, code: "ResultTruncated", message: "Resource Graph truncated the result without a $skipToken; some resources are missing" });
      }
    } while (skipToken);
  }
  return { resources, errors };
}
