// What every ARM client of the reader shares: the token scope, the endpoint, retries,
// a guard that refuses anything but reads, a request counter, and a per-operation scope
// that carries the timeout to every page of a paged list.
import type { ComputeManagementClientOptionalParams } from "@azure/arm-compute";
import type { PrivateDnsManagementClientOptionalParams } from "@azure/arm-privatedns";
import type { HttpClient } from "@azure/core-rest-pipeline";

type ClientOptions = ComputeManagementClientOptionalParams;
type AdditionalPolicy = NonNullable<ClientOptions["additionalPolicies"]>[number];
type PipelinePolicy = AdditionalPolicy["policy"];

export interface RetrySettings {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

/** The last failed answer ARM gave inside one operation (after retries). */
export interface ArmFailure {
  status: number;
  code?: string;
  message?: string;
}

/**
 * One operation (a paged list, a query): its abort signal reaches every page, because the SDK
 * passes the caller's signal to the first page only, and it keeps ARM's error body, which the
 * SDK's paging error drops ("Pagination failed with unexpected statusCode 403").
 */
export class CallScope {
  signal?: AbortSignal;
  failure?: ArmFailure;
  /**
   * While set, the `value[]` items of every successful answer (each page of a list), exactly as
   * ARM sent them. The SDKs' models drop fields their version does not know and rename some
   * (`networkAcls` becomes `networkRuleSet` in @azure/arm-storage), so the snapshot keeps ARM's own form.
   */
  captured?: unknown[];
}

export interface CallCounter {
  calls: number;
}

// The three non-GETs the product may send, each read-only by design of its API and allowed by exact path: a Resource
// Graph query; a network manager's deployment status list (what settles whether its configurations are in effect in a
// region; Azure offers no GET for it); a NIC's effective route table (the only view of routes learned over BGP; its
// answer is then polled with GETs). https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status,
// https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table
const RESOURCE_GRAPH_QUERY = /^\/providers\/microsoft\.resourcegraph\/resources$/i;
const DEPLOYMENT_STATUS_LIST = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/networkmanagers\/[^/]+\/listdeploymentstatus$/i;
const EFFECTIVE_ROUTE_TABLE = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/networkinterfaces\/[^/]+\/effectiveroutetable$/i;

export function isAllowedRequest(method: string, url: string): boolean {
  if (method.toUpperCase() === "GET") return true;
  if (method.toUpperCase() !== "POST") return false;
  try {
    const path = new URL(url).pathname.replace(/\/+$/, "");
    return RESOURCE_GRAPH_QUERY.test(path) || DEPLOYMENT_STATUS_LIST.test(path) || EFFECTIVE_ROUTE_TABLE.test(path);
  } catch {
    return false;
  }
}

/**
 * Refuses, before it leaves the process, any request that could change Azure. `name`: the pipeline's name for it (it
 * sits twice in each pipeline, per call and per attempt, so a redirect the SDK follows is checked too).
 */
export function readOnlyPolicy(name = "lockdownAuditorReadOnly"): PipelinePolicy {
  return {
    name,
    async sendRequest(request, next) {
      if (!isAllowedRequest(request.method, request.url)) {
        throw new Error(`refused ${request.method} ${new URL(request.url).pathname}: the auditor only reads Azure`);
      }
      return next(request);
    },
  };
}

function scopePolicy(scope: CallScope): PipelinePolicy {
  return {
    name: "lockdownAuditorCallScope",
    async sendRequest(request, next) {
      if (!request.abortSignal && scope.signal) request.abortSignal = scope.signal;
      const response = await next(request);
      if (response.status >= 400) scope.failure = parseArmFailure(response.status, response.bodyAsText);
      else if (scope.captured && response.status < 300) captureListItems(scope.captured, response.bodyAsText);
      return response;
    },
  };
}

function countingPolicy(counter: CallCounter): PipelinePolicy {
  return {
    name: "lockdownAuditorCounter",
    async sendRequest(request, next) {
      counter.calls += 1;
      return next(request);
    },
  };
}

function captureListItems(into: unknown[], bodyText: string | null | undefined): void {
  if (!bodyText) return;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // Not JSON: the SDK fails the operation on the same body, and that error is the one reported.
    return;
  }
  const value = body && typeof body === "object" ? (body as { value?: unknown }).value : undefined;
  if (Array.isArray(value)) for (const item of value) into.push(item);
}

/** ARM's error body is `{ "error": { "code", "message" } }`; some services answer `{ code, message }`. */
export function parseArmFailure(status: number, bodyText: string | null | undefined): ArmFailure {
  if (!bodyText) return { status };
  try {
    const body = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown }; code?: unknown; message?: unknown };
    const inner = body && typeof body === "object" ? (body.error ?? body) : undefined;
    return {
      status,
      code: typeof inner?.code === "string" ? inner.code : undefined,
      message: typeof inner?.message === "string" ? inner.message : undefined,
    };
  } catch {
    return { status, message: bodyText.slice(0, 300) };
  }
}

export interface ArmClientSettings {
  endpoint: string;
  scope: string;
  retry?: RetrySettings;
  counter: CallCounter;
  /**
   * One HTTP client (one keep-alive connection pool) for every SDK client of a read: each SDK client
   * would otherwise open its own TLS connections, and a read builds several clients per subscription.
   */
  httpClient?: HttpClient;
}

function readerPolicies(settings: ArmClientSettings, scope: CallScope): AdditionalPolicy[] {
  return [
    { policy: readOnlyPolicy(), position: "perCall" },
    // Again after the SDK's redirect policy: a 3xx it follows (a POST kept a POST on 307) is a new request to check.
    { policy: readOnlyPolicy("lockdownAuditorReadOnlyPerAttempt"), position: "perRetry" },
    { policy: scopePolicy(scope), position: "perCall" },
    // perRetry: every attempt that goes on the wire is one ARM call.
    { policy: countingPolicy(settings.counter), position: "perRetry" },
  ];
}

/** Options of the current SDK generation (@azure/arm-compute 24, @azure/arm-storage 20). */
export function armClientOptions(settings: ArmClientSettings, scope: CallScope): ClientOptions {
  return {
    endpoint: settings.endpoint,
    credentials: { scopes: [settings.scope] },
    retryOptions: settings.retry,
    httpClient: settings.httpClient,
    additionalPolicies: readerPolicies(settings, scope),
  };
}

/**
 * Options of the previous SDK generation (@azure/core-client based: @azure/arm-network 36,
 * @azure/arm-resourcegraph 5.0.0-beta.4, @azure/arm-resources-subscriptions 2.x, @azure/arm-privatedns 3.x: the
 * last versions that declare Node 20), which names the token scope `credentialScopes` and builds request URLs
 * from `$host`, not `endpoint`.
 */
export function coreClientOptions(settings: ArmClientSettings, scope: CallScope): PrivateDnsManagementClientOptionalParams {
  return {
    endpoint: settings.endpoint,
    $host: settings.endpoint,
    credentialScopes: [settings.scope],
    retryOptions: settings.retry,
    httpClient: settings.httpClient,
    additionalPolicies: readerPolicies(settings, scope),
  };
}
