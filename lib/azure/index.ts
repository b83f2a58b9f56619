// The live Azure reader (read-only): lists the network of every subscription in scope and
// returns it as the product's own saved-snapshot shape (CONTRACT §1.1, §1.3), every resource in
// ARM's REST form exactly as ARM answered it.
// Server-only: it needs credentials. It exposes no function that could write to Azure, and every
// client it builds refuses any request but GET and three POSTs that only read (arm-pipeline.ts).
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import type { ArmClientSettings, RetrySettings } from "./arm-pipeline";
import { readAzureEnv, type EnvLike } from "./azure-env";
import { createCredential } from "./credential";
import { readChildListsBySubscription } from "./child-lists";
import { readEffectiveRouteTables } from "./effective-routes";
import { AUDITED_TYPES, LISTS_IN_FLIGHT, readSubscription } from "./list-all";
import { mapPool } from "./pool";
import { readResourceGraph, RESOURCE_GRAPH_CHILD_TYPES } from "./resource-graph";
import { SUBSCRIPTION_TYPE } from "../snapshot/subscriptions";
import { readServiceTags, regionsInUse, type ServiceTagsFile } from "./service-tags";
import { signIn } from "./sign-in";
import { listSubscriptions } from "./subscriptions";

export { readAzureEnv, type AzureEnv, type EnvLike } from "./azure-env";
export { isKnownAuthorityHost } from "./credential";
export { isAllowedRequest } from "./arm-pipeline";

export interface LiveReadOptions {
  /** Defaults to `process.env`. */
  env?: EnvLike;
  /** Read with one Resource Graph query instead of list-all calls per subscription. */
  resourceGraph?: boolean;
  /** Subscriptions read at once (default 4). */
  concurrency?: number;
  /** Deadline of one operation, all its pages and retries included (default 60 s). */
  timeoutMs?: number;
  onProgress?: (p: { done: number; total: number }) => void;
  /** A credential to use instead of the environment's (e.g. on-behalf-of a signed-in user). */
  credential?: TokenCredential;
  /** The SDK's retry of 429 (after Retry-After) and 5xx; defaults are the SDK's (3 retries). */
  retry?: RetrySettings;
}

export interface LiveSnapshot {
  resources: unknown[];
  serviceTags?: ServiceTagsFile;
  capturedAt: string;
}

export interface LiveReadResult {
  snapshot: LiveSnapshot;
  errors: ReadError[];
  stats: { calls: number; subscriptions: number; ms: number };
}

/**
 * Reads every subscription in scope (AZURE_SUBSCRIPTION_IDS, or all the credential lists) with GET
 * list calls (README "Live Azure" names each call), or with one Resource Graph query plus the
 * child lists Resource Graph does not index; then one NIC's effective route table per BGP domain (a gateway's or
 * Route Server's VNet and the VNets using it, or a hub-connected VNet; effective-routes.ts). Never throws for Azure's answers: a call that failed is
 * one `errors` entry (subscription, operation, ARM's code) and everything else is still returned.
 */
export async function readLiveEstate(opts: LiveReadOptions = {}): Promise<LiveReadResult> {
  const started = Date.now();
  const env = readAzureEnv(opts.env ?? process.env);
  const credential = opts.credential ?? createCredential(env);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const timeoutMs = Math.max(1, opts.timeoutMs ?? 60_000);
  const settings: ArmClientSettings = { endpoint: env.armEndpoint, scope: env.armScope, retry: opts.retry, counter: { calls: 0 }, httpClient: createDefaultHttpClient() };
  const errors: ReadError[] = [];
  const result = (resources: Record<string, unknown>[], serviceTags: ServiceTagsFile | undefined, subscriptions: number): LiveReadResult => ({
    snapshot: { resources, ...(serviceTags ? { serviceTags } : {}), capturedAt: new Date(started).toISOString() },
    errors,
    stats: { calls: settings.counter.calls, subscriptions, ms: Date.now() - started },
  });

  const signInError = await signIn(credential, env.armScope, timeoutMs);
  if (signInError) {
    errors.push(signInError);
    return result([], undefined, env.subscriptionIds?.length ?? 0);
  }

  let subscriptionIds = env.subscriptionIds;
  // Display names, when the credential lists subscriptions: saved as subscription resources, so the report
  // and the dashboard can show "HPC Production" instead of a GUID.
  const named: Record<string, unknown>[] = [];
  if (!subscriptionIds) {
    const listed = await listSubscriptions(credential, settings, timeoutMs);
    errors.push(...listed.errors);
    subscriptionIds = listed.subscriptionIds;
    for (const [id, displayName] of listed.names) named.push({ id: `/subscriptions/${id}`, type: SUBSCRIPTION_TYPE, subscriptionId: id, displayName });
  }
  const total = subscriptionIds.length;
  opts.onProgress?.({ done: 0, total });

  const resources: Record<string, unknown>[] = [...named];
  if (opts.resourceGraph) {
    if (total) {
      const graph = await readResourceGraph(credential, settings, subscriptionIds, [...AUDITED_TYPES, ...RESOURCE_GRAPH_CHILD_TYPES], timeoutMs);
      resources.push(...graph.resources);
      errors.push(...graph.errors);
      // What Resource Graph does not index is listed under its parent, as the list-all read does.
      // Typically one call per subscription (a scale set's NICs): as many in flight as a list-all read has.
      const children = await readChildListsBySubscription(credential, settings, graph.resources, concurrency * LISTS_IN_FLIGHT, timeoutMs);
      resources.push(...children.resources);
      errors.push(...children.errors);
    }
    opts.onProgress?.({ done: total, total });
  } else {
    let done = 0;
    const reads = await mapPool(subscriptionIds, concurrency, async (subscriptionId) => {
      const read = await readSubscription(credential, settings, subscriptionId, timeoutMs);
      done += 1;
      opts.onProgress?.({ done, total });
      return read;
    });
    for (const read of reads) {
      resources.push(...read.resources);
      errors.push(...read.errors);
    }
  }

  // After every VNet, route table and NIC is read: they say which NICs' tables show the routes learned over BGP.
  resources.push(...(await readEffectiveRouteTables(credential, settings, resources, concurrency, timeoutMs)));

  const tags = await readServiceTags(credential, settings, regionsInUse(resources), concurrency, timeoutMs);
  errors.push(...tags.errors);

  return result(resources, tags.serviceTags, total);
}
