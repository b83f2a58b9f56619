// A local HTTPS stand-in for Microsoft Entra ID (token endpoint) and Azure Resource Manager
// (subscriptions, the subscription-wide list endpoints of Microsoft.Network, .Compute and .Storage,
// the child lists under a parent resource, service tags, Resource Graph), so the real
// @azure/identity and @azure/arm-* code can be driven end to end on loopback.
// It records every request, and injects faults on demand: paging, 429 once, 403 (a whole subscription
// or one type), persistent 500, slowness.
import { randomBytes } from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { makeSelfSignedCert, type TestCert } from "./cert";
import { LIST_PROVIDERS, LIST_TYPES, RESOURCE_GRAPH_CHILD_TYPES, type ArmResource, type Estate, type ListType } from "./scenario";

export interface RecordedRequest {
  server: "login" | "arm";
  method: string;
  path: string;
  status: number;
  at: number;
}

/**
 * A network manager's deployment status list: the one POST besides Resource Graph's query the reader sends (it only
 * reads, https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status).
 */
export const isDeploymentStatusList = (r: Pick<RecordedRequest, "method" | "path">) => r.method === "POST" && /\/providers\/Microsoft\.Network\/networkManagers\/[^/]+\/listDeploymentStatus\?/i.test(r.path);

/** A NIC's effective route table asked for (a POST that only reads, answered as a long-running operation). */
export const isEffectiveRouteTable = (r: Pick<RecordedRequest, "method" | "path">) => r.method === "POST" && /\/providers\/Microsoft\.Network\/networkInterfaces\/[^/]+\/effectiveRouteTable\?/i.test(r.path);

export interface Faults {
  /** Items per page of every list; more items → absolute nextLink pages. */
  pageSize: number;
  /** Subscriptions answering 403 AuthorizationFailed to every network read. */
  forbiddenSubscriptions: Set<string>;
  /**
   * `sub/type` keys answering 403 AuthorizationFailed, as under a custom role that lacks that type's
   * read permission. Keys (lower-case): `sub/<type>` for a subscription-wide list (`sub/firewallpolicies`),
   * `sub/<parent type>/<child type>` for a child list (`sub/networkmanagers/networkgroups`).
   */
  forbidden: Set<string>;
  /** `sub/type` keys (as `forbidden`; also `servicetags`) answering 500 every time. */
  failing: Set<string>;
  /** `sub/type` keys answered once with 429 + Retry-After, then normally. */
  throttleOnce: Set<string>;
  retryAfterSeconds: number;
  /** `sub/type` keys answered only after this many ms. */
  slow: Map<string, number>;
  /** Delay before every ARM answer, to stand in for a real round trip (benchmarks). */
  latencyMs: number;
}

export interface Emulator {
  armUrl: string;
  loginUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  cert: TestCert;
  estate: Estate;
  faults: Faults;
  requests: RecordedRequest[];
  /** Requests no route knew (a sign that the SDK asked something the emulator does not serve). */
  unexpected: RecordedRequest[];
  /** The `scope` of every token request. */
  tokenScopes: string[];
  /** Environment for a child process reading through this emulator. */
  childEnv(extra?: Record<string, string>): Record<string, string | undefined>;
  resetLog(): void;
  stop(): Promise<void>;
}

export function defaultFaults(): Faults {
  return { pageSize: 1000, forbiddenSubscriptions: new Set(), forbidden: new Set(), failing: new Set(), throttleOnce: new Set(), retryAfterSeconds: 1, slow: new Map(), latencyMs: 0 };
}

/** `microsoft.network/natgateways` → `natGateways`. */
const LIST_PATHS = new Map<string, ListType>(LIST_TYPES.map((t) => [`${LIST_PROVIDERS[t]}/${t}`.toLowerCase(), t]));
const GRAPH_CHILD_TYPES = new Set(RESOURCE_GRAPH_CHILD_TYPES);

interface ChildCollection {
  sub: string;
  /** Fault key: `sub/<parent type>/<child type>`. */
  key: string;
  /** What a 403 names as the missing permission. */
  action: string;
  items: ArmResource[];
}

/** Every child list of the estate, by its lower-cased path. */
function indexChildren(estate: Estate): Map<string, ChildCollection> {
  const out = new Map<string, ChildCollection>();
  for (const s of estate.subscriptions) {
    const sub = s.subscriptionId.toLowerCase();
    for (const [path, items] of Object.entries(s.children)) {
      const segments = path.split("/");
      const childType = segments.at(-1)!;
      const parentType = segments.at(-3)!;
      const provider = segments[segments.indexOf("providers") + 1];
      out.set(path.toLowerCase(), { sub, key: `${sub}/${parentType}/${childType}`.toLowerCase(), action: `${provider}/${parentType}/${childType}/read`, items });
    }
  }
  return out;
}

function armError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): number {
  send(res, status, { error: { code, message } }, headers);
  return status;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-ms-request-id": randomBytes(8).toString("hex"),
    ...headers,
  });
  res.end(text);
}

/** A long-running operation still running: no body, where its result will be (and its status, when given), and to poll at once. */
function accepted(res: ServerResponse, location: string, asyncOperation?: string): void {
  res.writeHead(202, { location, ...(asyncOperation ? { "azure-asyncoperation": asyncOperation } : {}), "retry-after": "0", "content-length": 0, "x-ms-request-id": randomBytes(8).toString("hex") });
  res.end();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startEmulator(estate: Estate, faults: Partial<Faults> = {}): Promise<Emulator> {
  const cert = makeSelfSignedCert();
  const tenantId = estate.tenantId;
  const clientId = "0a0c0000-0000-4000-8000-0000000c1e47";
  const clientSecret = randomBytes(12).toString("base64url");
  const requests: RecordedRequest[] = [];
  const unexpected: RecordedRequest[] = [];
  const tokenScopes: string[] = [];
  const tokens = new Map<string, string>(); // token → scope
  const state: Faults = { ...defaultFaults(), ...faults };
  const graphCache = new Map<string, Record<string, unknown>[]>();
  /** Long-running operations begun (a NIC's effective route table): how often polled, and the answer. */
  const operations = new Map<string, { polls: number; body: unknown }>();
  const subs = new Map(estate.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s]));
  const children = indexChildren(estate);
  let loginUrl = "";
  let armUrl = "";

  const record = (server: "login" | "arm", req: IncomingMessage, status: number, known: boolean) => {
    const entry: RecordedRequest = { server, method: req.method ?? "", path: req.url ?? "", status, at: Date.now() };
    requests.push(entry);
    if (!known) unexpected.push(entry);
  };

  // ---- Microsoft Entra ID (the part MSAL's client-credentials flow uses)
  const login = https.createServer({ cert: cert.cert, key: cert.key }, async (req, res) => {
    const url = new URL(req.url ?? "/", loginUrl);
    const parts = url.pathname.split("/").filter(Boolean);
    const tenant = parts[0] ?? "";
    if (req.method === "GET" && parts.slice(1).join("/") === "v2.0/.well-known/openid-configuration") {
      const base = `${loginUrl}/${tenant}`;
      send(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        jwks_uri: `${loginUrl}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${loginUrl}/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${loginUrl}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid"],
        tenant_region_scope: "EU",
        cloud_instance_name: "127.0.0.1",
      });
      return record("login", req, 200, true);
    }
    if (req.method === "POST" && parts.slice(1).join("/") === "oauth2/v2.0/token") {
      const form = new URLSearchParams(await readBody(req));
      if (tenant !== tenantId) {
        send(res, 400, { error: "invalid_request", error_description: `AADSTS90002: Tenant '${tenant}' not found.` });
        return record("login", req, 400, true);
      }
      if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) {
        send(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
        return record("login", req, 401, true);
      }
      const scope = form.get("scope") ?? "";
      tokenScopes.push(scope);
      const token = `emu.${randomBytes(18).toString("base64url")}`;
      // MSAL adds openid/profile/offline_access; the resource scope is the one that is not OIDC.
      tokens.set(token, scope.split(" ").find((s) => s.endsWith("/.default")) ?? scope);
      send(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
      return record("login", req, 200, true);
    }
    send(res, 404, { error: "not_found", error_description: `emulator: no route for ${req.method} ${url.pathname}` });
    record("login", req, 404, false);
  });

  // ---- Azure Resource Manager
  const pageOf = <T>(items: T[], url: URL): { value: T[]; nextLink?: string } => {
    const offset = Number(url.searchParams.get("$skipToken") ?? "0") || 0;
    const page = items.slice(offset, offset + state.pageSize);
    const next = offset + state.pageSize;
    if (next >= items.length) return { value: page };
    const link = new URL(url.pathname, armUrl);
    link.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
    link.searchParams.set("$skipToken", String(next));
    return { value: page, nextLink: link.toString() };
  };

  /** Applies the configured faults for one `sub/type` key; returns the status sent, or 0 to go on. */
  const injectFault = async (res: ServerResponse, sub: string, type: string, action = `Microsoft.Network/${type}/read`): Promise<number> => {
    const key = `${sub}/${type}`;
    const delay = state.slow.get(key);
    if (delay) await sleep(delay);
    if (state.forbiddenSubscriptions.has(sub) || state.forbidden.has(key)) {
      return armError(res, 403, "AuthorizationFailed",
        `The client '${clientId}' with object id '${clientId}' does not have authorization to perform action '${action}' over scope '/subscriptions/${sub}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    if (state.throttleOnce.delete(key)) {
      return armError(res, 429, "ReadThrottled", `Number of 'read' requests for subscription '${sub}' exceeded the limit for this hour. Please try again after '${state.retryAfterSeconds}' seconds.`,
        { "retry-after": String(state.retryAfterSeconds) });
    }
    if (state.failing.has(key)) {
      return armError(res, 500, "InternalServerError",
        `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${sub}', tracking id '${randomBytes(8).toString("hex")}'.`);
    }
    return 0;
  };

  /**
   * What Resource Graph would answer: rows in ARM form, lower-case types, over the readable subscriptions;
   * a projected column the resource lacks (`sku`, `kind`) is null. Child lists are in it only for the
   * tracked child types (RESOURCE_GRAPH_CHILD_TYPES).
   */
  const graphRows = (query: string, readable: string[]): Record<string, unknown>[] => {
    if (/^\s*ResourceContainers\b/i.test(query)) return readable.map((s) => ({ subscriptionId: subs.get(s)!.subscriptionId }));
    const inList = /type\s+in~\s*\(([^)]*)\)/i.exec(query)?.[1] ?? "";
    const wanted = new Set([...inList.matchAll(/'([^']+)'/g)].map((m) => m[1].toLowerCase()));
    const rows: Record<string, unknown>[] = [];
    for (const s of readable) {
      const entry = subs.get(s)!;
      const tracked = [...LIST_TYPES.flatMap((t) => entry.lists[t]), ...Object.values(entry.children).flat().filter((r) => GRAPH_CHILD_TYPES.has(r.type.toLowerCase()))];
      for (const r of tracked) {
        if (!wanted.has(r.type.toLowerCase())) continue;
        rows.push({
          id: r.id,
          name: r.name,
          type: r.type.toLowerCase(),
          location: r.location ?? null,
          resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(r.id)?.[1]?.toLowerCase(),
          subscriptionId: entry.subscriptionId,
          sku: r.sku === undefined ? null : structuredClone(r.sku),
          kind: r.kind === undefined ? null : r.kind,
          properties: structuredClone(r.properties),
        });
      }
    }
    return rows.sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  };

  const resourceGraph = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const fault = await injectFault(res, "*", "resourcegraph");
    if (fault) return fault;
    const body = JSON.parse((await readBody(req)) || "{}") as { subscriptions?: string[]; query?: string; options?: { $top?: number; $skipToken?: string; resultFormat?: string } };
    const query = body.query ?? "";
    const scope = (body.subscriptions ?? [...subs.keys()]).map((s) => s.toLowerCase());
    const readable = scope.filter((s) => subs.has(s) && !state.forbiddenSubscriptions.has(s));
    // Paging asks the same query again and again: build its rows once (the emulator's cost is not the reader's).
    const cacheKey = JSON.stringify([query, readable]);
    const rows = graphCache.get(cacheKey) ?? graphRows(query, readable);
    graphCache.set(cacheKey, rows);
    const top = Math.min(body.options?.$top ?? 1000, 1000);
    const offset = body.options?.$skipToken ? Number(Buffer.from(body.options.$skipToken, "base64url").toString("utf8")) : 0;
    const page = rows.slice(offset, offset + top);
    const more = offset + top < rows.length;
    send(res, 200, {
      totalRecords: rows.length,
      count: page.length,
      data: page,
      facets: [],
      resultTruncated: "false",
      ...(more ? { $skipToken: Buffer.from(String(offset + top)).toString("base64url") } : {}),
    });
    return 200;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<{ status: number; known: boolean }> => {
    const url = new URL(req.url ?? "/", armUrl);
    const path = url.pathname.replace(/\/+$/, "");
    const lower = path.toLowerCase();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const expectedScope = `${armUrl}/.default`;
    if (!token || !tokens.has(token)) {
      return { status: armError(res, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or has an unknown token."), known: true };
    }
    if (tokens.get(token) !== expectedScope) {
      return { status: armError(res, 401, "InvalidAuthenticationTokenAudience", `The access token has been obtained for wrong audience or resource '${tokens.get(token)}'. It should exactly match '${expectedScope}'.`), known: true };
    }
    if (!url.searchParams.get("api-version")) {
      return { status: armError(res, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."), known: true };
    }
    if (req.method === "POST" && lower === "/providers/microsoft.resourcegraph/resources") {
      return { status: await resourceGraph(req, res), known: true };
    }
    const status = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/networkmanagers\/[^/]+\/listdeploymentstatus$/.exec(lower);
    if (req.method === "POST" && status) return { status: await deploymentStatus(req, res, status[1], lower.replace(/\/listdeploymentstatus$/, "")), known: true };
    const routes = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/networkinterfaces\/[^/]+\/effectiveroutetable$/.exec(lower);
    if (req.method === "POST" && routes) return { status: await effectiveRouteTable(res, url, routes[1], lower.replace(/\/effectiveroutetable$/, "")), known: true };
    const operation = /^\/subscriptions\/[^/]+\/providers\/microsoft\.network\/locations\/[^/]+\/(operations|operationresults)\/([^/]+)$/.exec(lower);
    if (req.method === "GET" && operation && operations.has(operation[2])) return { status: operationPoll(res, operation[1], operation[2]), known: true };
    if (req.method !== "GET") {
      return { status: armError(res, 405, "MethodNotAllowed", `emulator: ${req.method} is not served`), known: false };
    }
    if (lower === "/subscriptions") {
      const value = estate.subscriptions.map((s) => ({
        id: `/subscriptions/${s.subscriptionId}`,
        authorizationSource: "RoleBased",
        managedByTenants: [],
        subscriptionId: s.subscriptionId,
        tenantId,
        displayName: s.displayName,
        state: s.state,
        subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "EnterpriseAgreement_2014-09-01", spendingLimit: "Off" },
      }));
      send(res, 200, pageOf(value, url));
      return { status: 200, known: true };
    }
    const m = /^\/subscriptions\/([^/]+)\/providers\/([^/]+)\/(?:locations\/([^/]+)\/)?([a-z]+)$/.exec(lower);
    if (m) {
      const [, sub, provider, location, kind] = m;
      const entry = subs.get(sub);
      if (provider === "microsoft.network" && kind === "servicetags" && location) {
        const fault = await injectFault(res, sub, "servicetags");
        if (fault) return { status: fault, known: true };
        if (!entry) return { status: armError(res, 404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`), known: true };
        send(res, 200, {
          name: "Public",
          id: `/subscriptions/${entry.subscriptionId}/providers/Microsoft.Network/serviceTags/Public`,
          type: "Microsoft.Network/serviceTags",
          changeNumber: String(estate.serviceTags.changeNumber ?? "1"),
          cloud: "Public",
          values: estate.serviceTags.values,
        });
        return { status: 200, known: true };
      }
      const type = LIST_PATHS.get(`${provider}/${kind}`);
      if (type && !location) {
        const fault = await injectFault(res, sub, kind, `${LIST_PROVIDERS[type]}/${type}/read`);
        if (fault) return { status: fault, known: true };
        if (!entry) return { status: armError(res, 404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`), known: true };
        send(res, 200, pageOf<ArmResource>(entry.lists[type], url));
        return { status: 200, known: true };
      }
    }
    const child = children.get(lower);
    if (child) {
      const fault = await injectFault(res, child.sub, child.key.slice(child.sub.length + 1), child.action);
      if (fault) return { status: fault, known: true };
      send(res, 200, pageOf<ArmResource>(child.items, url));
      return { status: 200, known: true };
    }
    return { status: armError(res, 404, "InvalidResourceType", `emulator: no route for GET ${path}`), known: false };
  };

  /**
   * A network manager's deployment status list: the body's `regions` and `deploymentTypes` filter (all when absent), and
   * its `skipToken` pages, as the service does (https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status).
   * Fault key `sub/networkmanagers/listdeploymentstatus`; its 403 names the action Reader lacks.
   */
  const deploymentStatus = async (req: IncomingMessage, res: ServerResponse, sub: string, managerKey: string): Promise<number> => {
    const fault = await injectFault(res, sub, "networkmanagers/listdeploymentstatus", "Microsoft.Network/networkManagers/listDeploymentStatus/action");
    if (fault) return fault;
    const entry = subs.get(sub);
    const manager = entry?.lists.networkManagers.find((m) => m.id.toLowerCase() === managerKey);
    if (!entry || !manager) return armError(res, 404, "ResourceNotFound", `The Resource '${managerKey}' was not found.`);
    const body = JSON.parse((await readBody(req)) || "{}") as { regions?: string[]; deploymentTypes?: string[]; skipToken?: string };
    const listed = Object.entries(entry.deploymentStatus ?? {}).find(([id]) => id.toLowerCase() === managerKey)?.[1] ?? [];
    const wanted = (values: string[] | undefined, v: unknown) => !values?.length || values.some((x) => x.toLowerCase() === String(v).toLowerCase());
    const items = listed.filter((e) => wanted(body.regions, (e as { region?: unknown }).region) && wanted(body.deploymentTypes, (e as { deploymentType?: unknown }).deploymentType));
    const offset = Number(body.skipToken ?? "0") || 0;
    const next = offset + state.pageSize;
    send(res, 200, { value: items.slice(offset, next), ...(next < items.length ? { skipToken: String(next) } : {}) });
    return 200;
  };

  /**
   * A NIC's effective route table, as Azure answers a long-running POST: 202 with an `Azure-AsyncOperation` status to poll
   * and a `Location` holding the result (`Retry-After: 0` here, so the SDK polls at once); the status is InProgress
   * once, then Succeeded, and the Location then answers the table. Fault key `sub/networkinterfaces/effectiveroutetable`;
   * its 403 names the action Reader lacks.
   * https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table,
   * https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations
   */
  const effectiveRouteTable = async (res: ServerResponse, url: URL, sub: string, nicKey: string): Promise<number> => {
    const fault = await injectFault(res, sub, "networkinterfaces/effectiveroutetable", "Microsoft.Network/networkInterfaces/effectiveRouteTable/action");
    if (fault) return fault;
    const entry = subs.get(sub);
    const nic = entry?.lists.networkInterfaces.find((n) => n.id.toLowerCase() === nicKey);
    if (!entry || !nic) return armError(res, 404, "NotFound", `Resource ${nicKey} not found.`);
    const answer = Object.entries(entry.effectiveRoutes ?? {}).find(([id]) => id.toLowerCase() === nicKey)?.[1];
    if (answer === undefined) return armError(res, 400, "VirtualMachineNotRunning", `emulator: the VM of network interface ${nicKey} is not running`);
    if (!Array.isArray(answer)) return armError(res, answer.status, answer.code, answer.message);
    const id = randomBytes(8).toString("hex");
    operations.set(id, { polls: 0, body: { value: structuredClone(answer), nextLink: null } });
    const at = (kind: string) => `${armUrl}/subscriptions/${entry.subscriptionId}/providers/Microsoft.Network/locations/${nic.location ?? "westeurope"}/${kind}/${id}?api-version=${url.searchParams.get("api-version")}`;
    accepted(res, at("operationResults"), at("operations"));
    return 202;
  };

  const operationPoll = (res: ServerResponse, kind: string, id: string): number => {
    const op = operations.get(id)!;
    if (kind === "operations") {
      send(res, 200, { status: op.polls++ === 0 ? "InProgress" : "Succeeded" }, { "retry-after": "0" });
      return 200;
    }
    if (op.polls < 2) {
      accepted(res, `${armUrl}${res.req.url}`);
      return 202;
    }
    send(res, 200, op.body);
    return 200;
  };

  const arm = https.createServer({ cert: cert.cert, key: cert.key }, async (req, res) => {
    try {
      if (state.latencyMs) await sleep(state.latencyMs);
      const { status, known } = await route(req, res);
      record("arm", req, status, known);
    } catch (error) {
      if (!res.headersSent) armError(res, 500, "EmulatorError", String(error));
      record("arm", req, 500, false);
    }
  });

  // ARM's front door keeps idle connections for minutes. Node's default (5 s) would close a pooled
  // socket the SDK is about to reuse on a loaded machine: an ECONNRESET the SDK retries, one more
  // attempt than the emulator sees.
  for (const server of [login, arm]) {
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
  }

  const listen = (server: https.Server) =>
    new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  loginUrl = `https://127.0.0.1:${await listen(login)}`;
  armUrl = `https://127.0.0.1:${await listen(arm)}`;

  return {
    armUrl,
    loginUrl,
    tenantId,
    clientId,
    clientSecret,
    cert,
    estate,
    faults: state,
    requests,
    unexpected,
    tokenScopes,
    childEnv(extra = {}) {
      return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_EXTRA_CA_CERTS: cert.certPath,
        AZURE_TENANT_ID: tenantId,
        AZURE_CLIENT_ID: clientId,
        AZURE_CLIENT_SECRET: clientSecret,
        AZURE_AUTHORITY_HOST: loginUrl,
        AZURE_RESOURCE_MANAGER_ENDPOINT: armUrl,
        ...extra,
      };
    },
    resetLog() {
      requests.length = 0;
      unexpected.length = 0;
      tokenScopes.length = 0;
    },
    async stop() {
      const close = (server: https.Server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
      await Promise.all([close(login), close(arm)]);
      cert.remove();
    },
  };
}
