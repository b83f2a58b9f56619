// Every API route, walked with bad bodies and parameters: each answer is a 4xx naming what is wrong (400 with `file`
// and `path` for a field), never a 500. The store is opened by this file's copy of the modules and the routes are
// loaded afresh (vi.resetModules), as in the server, where the process's one store (lib/store/index.ts, kept on
// globalThis) may come from another route bundle whose InputError is another class: `PUT /api/estates/<e>/exemptions`
// with an unknown rule once answered 500 that way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InputError } from "@/lib/errors";
import { findingIdOf, getStore, type Store } from "@/lib/store";
import { CC, COMPUTE, PROFILE, SPARE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-api-bad-input-"));
let store: Store;
let scanId: string;
let findingId: string;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
let routes: Record<string, Record<string, Handler>>;
let RouteInputError: typeof InputError;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", undefined);
  vi.stubEnv("LOCKDOWN_DB", path.join(dir, "api.db"));
  vi.stubEnv("SCAN_TIME_LIMIT_S", "120");
  store = await getStore();
  const scan = await store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: false })], profile: PROFILE, estate: "lab" });
  scanId = scan.id;
  const subnet = (await store.getReport(scanId))!.subnets.find((s) => s.id === CC)!;
  findingId = findingIdOf(subnet, subnet.findings.find((f) => f.status === "fail" || f.status === "warn")!);
  // Uploads and role edits on this thread (no scan worker), so the store's errors meet the routes' handleError here.
  (globalThis as { __lockdownScanPool?: null }).__lockdownScanPool = null;
  vi.resetModules();
  RouteInputError = (await import("@/lib/errors")).InputError;
  routes = {
    scans: await import("@/app/api/scans/route"),
    scan: await import("@/app/api/scans/[scanId]/route"),
    report: await import("@/app/api/scans/[scanId]/report/route"),
    fixes: await import("@/app/api/scans/[scanId]/fixes/route"),
    query: await import("@/app/api/scans/[scanId]/query/route"),
    matrix: await import("@/app/api/scans/[scanId]/query/matrix/route"),
    exemptions: await import("@/app/api/estates/[estate]/exemptions/route"),
    roles: await import("@/app/api/roles/route"),
  } as unknown as Record<string, Record<string, Handler>>;
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  delete (globalThis as { __lockdownScanPool?: null }).__lockdownScanPool;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (method: string, url: string, body?: unknown) =>
  new Request(`http://localhost${url}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
const ctx = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

interface Answer {
  status: number;
  body: { error?: string; file?: string; path?: string };
}
async function call(route: string, method: string, url: string, body?: unknown, params: Record<string, string> = {}): Promise<Answer> {
  const res = await routes[route][method](send(method, url, body), ctx(params));
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Answer["body"] };
}

/** A 400 naming `file` and `path`, one line, no internals. */
function expectField(answer: Answer, file: string, field: string, message?: RegExp) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body).toMatchObject({ file, path: field });
  expect(answer.body.error).not.toMatch(/\n|internal error|at .*\.ts:/);
  if (message) expect(answer.body.error).toMatch(message);
}

describe("the routes run with another copy of InputError than the store's", () => {
  it("is the situation under test (else the walk proves nothing)", () => {
    expect(RouteInputError).not.toBe(InputError);
    // Recognised across copies (a brand, not class identity), both ways.
    expect(new InputError("f", "p", "d")).toBeInstanceOf(RouteInputError);
    expect(new RouteInputError("f", "p", "d")).toBeInstanceOf(InputError);
    expect({ file: "f", path: "p", message: "m" }).not.toBeInstanceOf(InputError);
  });
});

describe("exemptions: 400 naming the field, never 500", () => {
  const base = () => ({ finding: findingId, reason: "staged", owner: "ops", expires: "2999-01-01" });

  it("PUT with an unknown rule, a bad date, a list that is not one", async () => {
    const put = (body: unknown) => call("exemptions", "PUT", "/api/estates/lab/exemptions", body, { estate: "lab" });
    expectField(await put([{ rule: "CC-BOGUS", subnet: "vnet-hpc/cyclecloud", reason: "r", owner: "o", expires: "2999-01-01" }]), "request body", "[0].rule", /CC-BOGUS/);
    expectField(await put([{ ...base(), expires: "2026-13-45" }]), "request body", "[0].expires");
    expectField(await put([{ ...base(), subent: "x" }]), "request body", "[0].subent");
    expect((await put({ not: "a list" })).status).toBe(400);
    expect((await put("{")).status).toBe(400);
  });

  it("POST with a bad finding id, a blank reason, an impossible date", async () => {
    const post = (body: unknown) => call("exemptions", "POST", "/api/estates/lab/exemptions", body, { estate: "lab" });
    expectField(await post({ ...base(), finding: "zz" }), "request body", "finding", /16 hex digits/);
    expectField(await post({ ...base(), reason: "   " }), "request body", "reason", /non-empty/);
    expectField(await post({ ...base(), expires: "2026-13-45" }), "request body", "expires", /calendar date/);
    expect((await post([base()])).status).toBe(400);
  });

  it("a bad estate name in the URL", async () => {
    expectField(await call("exemptions", "GET", "/api/estates/x/exemptions", undefined, { estate: "a%2Fb" }), "request", "estate");
  });
});

describe("POST /api/scans: 400 naming the field", () => {
  const post = (body: unknown) => call("scans", "POST", "/api/scans", body);
  const snapshot = () => vnetSource().value;

  it("a body without snapshot names it (file and path), as does an unknown top-level key", async () => {
    expectField(await post({ profile: {} }), "request body", "snapshot", /snapshot: is required/);
    expectField(await post({ snapshot: snapshot(), profle: PROFILE.value }), "request body", "profle", /unknown key/);
    expectField(await post({ snapshot: snapshot(), label: 5 }), "request body", "label");
    expectField(await post({ snapshot: snapshot(), estate: "a/b" }), "request body", "estate");
  });

  it("a saved snapshot whose capturedAt is no date", async () => {
    expectField(await post({ snapshot: { resources: snapshot().value, capturedAt: "last tuesday" } }), "snapshot", "capturedAt", /expected a date or date and time/);
  });

  it("a profile naming no subnet, or a deployment name the parser refuses", async () => {
    expectField(await post({ snapshot: snapshot(), profile: { roles: { cluster: ["vnet-x/snet-y"] } } }), "profile", "roles.cluster[0]");
    expectField(await post({ snapshot: snapshot(), profile: { deployments: [{ name: "a\u0007b", cluster: ["vnet-hpc/compute"] }] } }), "profile", "deployments[0].name");
  });

  it("bodies that are no object", async () => {
    for (const body of ["", "{", "[]", '"x"', "42", "null"]) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(answer.body.error, body).not.toMatch(/internal error/);
    }
  });
});

describe("POST /api/roles: 400 naming the field", () => {
  const post = (body: unknown) => call("roles", "POST", "/api/roles", body);

  it("a bad role, deployment name, estate, unknown key, or a subnet not in the latest scan", async () => {
    expectField(await post({ subnetId: SPARE, role: "admin", estate: "lab" }), "request body", "role");
    expectField(await post({ subnetId: SPARE, role: "cluster", deployment: "a\u0007b", estate: "lab" }), "request body", "deployment", /1-200 characters, not all spaces, without control characters/);
    expectField(await post({ subnetId: SPARE, role: "cluster", estate: "a/b" }), "request body", "estate");
    expectField(await post({ subnetId: SPARE, role: "cluster", estate: "lab", deploymnet: "dev" }), "request body", "deploymnet", /unknown key/);
    expectField(await post({ role: "cluster" }), "request body", "subnetId");
    expectField(await post({ subnetId: `${SPARE}-missing`, role: "cluster", estate: "lab" }), "request", "subnetId");
    expectField(await post({ subnetId: COMPUTE, role: "cluster", estate: "nowhere" }), "request", "estate");
    expect((await post("{")).status).toBe(400);
  });
});

describe("exports: an unknown filter value is a 400 naming the parameter and its values", () => {
  it("report and fixes refuse status=bogus, role=admin, sort and dir outside their lists", async () => {
    for (const route of ["report", "fixes"]) {
      const get = (query: string) => call(route, "GET", `/api/scans/${scanId}/${route}?${query}`, undefined, { scanId });
      expectField(await get("status=bogus"), "query", "status", /fail, warn, pass or unscoped.*"bogus"/);
      expectField(await get("status=fail,bogus"), "query", "status");
      expectField(await get("role=admin"), "query", "role", /cyclecloud, cluster, returnProxy or none/);
      expectField(await get("sort=size"), "query", "sort");
      expectField(await get("dir=up"), "query", "dir");
    }
  });

  it("still serves a filter of known values", async () => {
    const res = await routes.report.GET(send("GET", `/api/scans/${scanId}/report?format=json&status=fail,warn&role=cyclecloud`), ctx({ scanId }));
    expect(res.status).toBe(200);
    const report = (await res.json()) as { subnets: { id: string }[] };
    expect(report.subnets.map((s) => s.id)).toEqual([CC]);
  });
});

describe("every route: bad parameters and ids are 4xx, never 500", () => {
  it("walks them", async () => {
    const cases: [string, string, string, unknown, Record<string, string>][] = [
      ["scans", "GET", "/api/scans?estate=%2Fetc", undefined, {}],
      ["scan", "GET", "/api/scans/nope", undefined, { scanId: "nope" }],
      ["scan", "DELETE", "/api/scans/nope", undefined, { scanId: "nope" }],
      ["report", "GET", `/api/scans/${scanId}/report?format=zip`, undefined, { scanId }],
      ["report", "GET", "/api/scans/nope/report", undefined, { scanId: "nope" }],
      ["fixes", "GET", `/api/scans/${scanId}/fixes?format=zip`, undefined, { scanId }],
      ["query", "GET", `/api/scans/${scanId}/query?from=x&to=y&port=99999`, undefined, { scanId }],
      ["query", "GET", `/api/scans/${scanId}/query?protocol=bogus`, undefined, { scanId }],
      ["matrix", "GET", `/api/scans/${scanId}/query/matrix?port=abc`, undefined, { scanId }],
      ["matrix", "GET", `/api/scans/${scanId}/query/matrix?protocol=x`, undefined, { scanId }],
      ["exemptions", "PUT", "/api/estates/lab/exemptions", [{}], { estate: "lab" }],
      ["exemptions", "POST", "/api/estates/lab/exemptions", { finding: null }, { estate: "lab" }],
      ["roles", "POST", "/api/roles", { subnetId: 5, role: null }, {}],
    ];
    for (const [route, method, url, body, params] of cases) {
      const answer = await call(route, method, url, body, params);
      expect(answer.status, `${method} ${url}: ${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${url}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
      expect(answer.body.error, `${method} ${url}`).toEqual(expect.any(String));
    }
  });
});

describe("an upload's own profile wins over the estate's dashboard roles", () => {
  it("POST /api/scans with a profile after a role edit in the same estate, and roles never cross estates", async () => {
    await store.setRole(COMPUTE, "none", null, "lab");
    const upload = async (estate: string, withProfile: boolean) => {
      const res = await routes.scans.POST(send("POST", "/api/scans", { snapshot: vnetSource().value, ...(withProfile ? { profile: PROFILE.value } : {}), estate }), ctx());
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      return (await store.getReport(id))!.subnets.find((s) => s.id === COMPUTE)!.role;
    };
    expect(await upload("other", true)).toBe("cluster");
    expect(await upload("other", false)).toBeNull();
    expect(await upload("lab", true)).toBe("cluster");
  });
});
