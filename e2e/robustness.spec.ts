// Robust and safe under real use (issue 11): DNS rebinding, bodies without a length, input errors as 400 with the
// file and JSON path, pages for what does not exist as 404, uploads and role edits audited off the event loop within a
// time budget, export links on the public URL, "Scan from Azure" without a credential, the header and the scans page at
// 390 px, the app icons.
// This spec starts its own server (the same build) with a short scan budget, a short body idle timeout, PUBLIC_URL,
// and no Azure credential, so the shared suite's server keeps its defaults.
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type OwnServer, startOwnServer } from "./support/own-server";
import { subnetHref } from "../components/links";
import { generateEstate } from "../test/snapshot/generate-estate";

const root = path.resolve(__dirname, "..");
const port = Number(process.env.E2E_PORT ?? 3100) + 17;
const base = `http://127.0.0.1:${port}`;
const db = path.join(tmpdir(), `lockdown-e2e-robustness-${port}.db`);
const PUBLIC_URL = "https://auditor.example.test";
const fixture = (...p: string[]) => path.join(__dirname, "fixtures", ...p);

let server: OwnServer | undefined;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** performance.now() when the whole answer had arrived. */
  at: number;
}

/**
 * One HTTP request with full control over what a browser or fetch would not send: any Host, a chunked body, a
 * Content-Length that lies. `write` streams the body; without it `body` is sent (with its length unless `chunked`).
 */
function raw(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  chunked?: boolean;
  write?: (req: ReturnType<typeof httpRequest>) => void;
}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...opts.headers };
    if (opts.body !== undefined && !opts.chunked && !headers["content-length"]) headers["content-length"] = String(Buffer.byteLength(opts.body));
    const req = httpRequest({ host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), at: performance.now() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.write) opts.write(req);
    else {
      if (opts.body !== undefined) req.write(opts.body);
      req.end();
    }
  });
}

const json = (a: RawAnswer) => JSON.parse(a.body) as { error?: string; file?: string; path?: string; id?: string; url?: string };

async function postJson(body: unknown): Promise<RawAnswer> {
  return raw({ method: "POST", path: "/api/scans", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  server = await startOwnServer({
    name: "robustness",
    port,
    db,
    env: {
      // No Azure credential anywhere: no service principal, no `az login` profile.
      HOME: path.join(tmpdir(), `lockdown-robustness-home-${port}`),
      SCAN_TIME_LIMIT_S: "1",
      BODY_IDLE_TIMEOUT_S: "2",
      PUBLIC_URL,
    },
  });
});

test.afterAll(() => server?.stop());

test.describe("DNS rebinding (local mode answers loopback Host names only)", () => {
  test("a foreign Host is refused on pages, API reads and writes; loopback names pass", async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `127.0.0.1:${port + 1}`, "evil.example"]) {
      const page = await raw({ path: "/", headers: { host } });
      expect(page.status, host).toBe(421);
      expect(json(page).error).toMatch(/not a loopback name|port/);
      const post = await raw({ method: "POST", path: "/api/scans", headers: { host, origin: `http://${host}`, "content-type": "application/json" }, body: "{}" });
      expect(post.status, host).toBe(421);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await raw({ path: "/api/scans", headers: { host } })).status, host).toBe(200);
    }
  });

  test("X-Forwarded-Host does not make another origin this site", async () => {
    const post = await raw({
      method: "POST",
      path: "/api/scans",
      headers: { "x-forwarded-host": "evil.example", origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(post.status).toBe(403);
    expect(json(post).error).toMatch(/cross-site request refused/);
  });
});

test.describe("bodies without a length header", () => {
  test("a chunked body over 50 MB is 'too large' (413), not 'invalid JSON'", async () => {
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    const answer = await raw({
      method: "POST",
      path: "/api/scans",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      write: (req) => {
        req.on("error", () => undefined);
        let sent = 0;
        const next = () => {
          while (sent < 53) {
            sent++;
            if (!req.write(sent === 1 ? Buffer.concat([Buffer.from('{"snapshot": ['), mb.subarray(14)]) : mb)) return void req.once("drain", next);
          }
          req.end();
        };
        next();
      },
    });
    expect(answer.status).toBe(413);
    expect(json(answer).error).toMatch(/larger than 50 MB/);
  });

  test("a declared 1 TB Content-Length is refused at once with 413", async () => {
    const answer = await raw({
      method: "POST",
      path: "/api/scans",
      headers: { "content-type": "application/json", "content-length": String(1024 ** 4) },
      write: (req) => {
        req.on("error", () => undefined);
        req.flushHeaders();
      },
    });
    expect(answer.status).toBe(413);
  });

  test("a body that stops sending times out with 408 (BODY_IDLE_TIMEOUT_S)", async () => {
    const answer = await raw({
      method: "POST",
      path: "/api/scans",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      write: (req) => {
        req.on("error", () => undefined);
        req.write('{"snapshot": ');
      },
    });
    expect(answer.status).toBe(408);
    expect(json(answer).error).toMatch(/stalled/);
  });
});

test.describe("input errors: 400 with the file and JSON path, never a 500", () => {
  test("a number as snapshot, deep nesting, __proto__ as type, a profile that matches nothing", async () => {
    const number = await postJson({ snapshot: 42 });
    expect(number.status).toBe(400);
    expect(json(number).file).toBe("snapshot");

    let deep = "1";
    for (let i = 0; i < 5000; i++) deep = `{"a":[${deep}]}`;
    const nested = await raw({ method: "POST", path: "/api/scans", headers: { "content-type": "application/json" }, body: `{"snapshot": ${deep}}` });
    expect(nested.status).toBe(400);
    expect(json(nested).error).toMatch(/^request body: snapshot\.a\[0\].*nested deeper than \d+ levels/);

    const vnets = JSON.parse(readFileSync(path.join(root, "fixtures/demo/vnets.json"), "utf8")) as unknown[];
    const hostile = ["__proto__", "constructor", "toString", "hasOwnProperty"].map((type) => ({ type, id: `/subscriptions/x/resourceGroups/r/providers/${type}/y`, name: type }));
    const proto = await postJson({ snapshot: hostile });
    expect(proto.status).toBe(400);
    expect(json(proto).error).toMatch(/no virtual networks or subnets/);
    const protoInEstate = await postJson({ snapshot: [...vnets, ...hostile] });
    expect(protoInEstate.status).toBe(201);

    const profile = await postJson({ snapshot: vnets, profile: { roles: { cyclecloud: ["vnet-elsewhere/snet-none"] } } });
    expect(profile.status).toBe(400);
    expect(json(profile)).toMatchObject({ file: "profile", path: "roles.cyclecloud[0]" });
    for (const answer of [number, nested, proto, profile]) expect(json(answer).error).not.toMatch(/\n|internal error|at .*\.ts:/);
  });

  test("exemptions, unknown keys and filter values: 400 naming the field on the built server (the store opened by another route)", async () => {
    // The process's one store is opened by the first route that asks (here GET /api/scans); the exemptions route is
    // another bundle with its own copy of InputError, which once turned these into 500s.
    expect((await raw({ path: "/api/scans" })).status).toBe(200);
    const vnets = JSON.parse(readFileSync(path.join(root, "fixtures/demo/vnets.json"), "utf8")) as unknown[];
    const created = await postJson({ snapshot: vnets, estate: "robust-ex" });
    expect(created.status, created.body).toBe(201);
    const send = (method: string, url: string, body: unknown) => raw({ method, path: url, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const exemption = { finding: "0123456789abcdef", reason: "r", owner: "o", expires: "2999-01-01" };
    const answers = [
      [await send("PUT", "/api/estates/robust-ex/exemptions", [{ rule: "CC-BOGUS", subnet: "vnet-hub/snet-cyclecloud", reason: "r", owner: "o", expires: "2999-01-01" }]), "request body", "[0].rule"],
      [await send("POST", "/api/estates/robust-ex/exemptions", { ...exemption, finding: "zz" }), "request body", "finding"],
      [await send("POST", "/api/estates/robust-ex/exemptions", { ...exemption, reason: "   " }), "request body", "reason"],
      [await send("POST", "/api/estates/robust-ex/exemptions", { ...exemption, expires: "2026-13-45" }), "request body", "expires"],
      [await postJson({ profile: {} }), "request body", "snapshot"],
      [await postJson({ snapshot: vnets, profle: {} }), "request body", "profle"],
      [await postJson({ snapshot: { resources: vnets, capturedAt: "last tuesday" } }), "snapshot", "capturedAt"],
      [await raw({ path: `/api/scans/${json(created).id}/report?format=json&status=bogus` }), "query", "status"],
      [await raw({ path: `/api/scans/${json(created).id}/fixes?role=admin` }), "query", "role"],
    ] as const;
    for (const [answer, file, field] of answers) {
      expect(answer.status, answer.body).toBe(400);
      expect(json(answer)).toMatchObject({ file, path: field });
      expect(json(answer).error).not.toMatch(/\n|internal error|at .*\.ts:/);
    }
  });

  test("the form's default 'roles of the latest scan' on another estate applies what matches and names the rest", async () => {
    // The latest scan: two estates side by side, one subnet of each in a role.
    const demoVnets = JSON.parse(readFileSync(path.join(root, "fixtures/demo/vnets.json"), "utf8")) as unknown[];
    const estateVnets = (JSON.parse(readFileSync(fixture("estate", "vnets.json"), "utf8")) as { value: unknown[] }).value;
    const latest = await postJson({
      snapshot: [...demoVnets, ...estateVnets],
      profile: { roles: { cyclecloud: ["vnet-hub/cyclecloud"], cluster: ["vnet-hpc-spoke/snet-compute"] } },
    });
    expect(latest.status, latest.body).toBe(201);
    const form = new FormData();
    for (const name of ["vnets.json", "nsgs.json", "network.json"]) {
      form.append("snapshot", new Blob([readFileSync(fixture("estate", name))], { type: "application/json" }), name);
    }
    form.append("rolesFrom", "latest");
    const res = await fetch(`${base}/api/scans`, { method: "POST", body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = (await res.json()) as { id: string; url: string };
    const scan = (await (await fetch(`${base}/api/scans/${created.id}`)).json()) as { label: string; summary: { subnets: number; unscoped: number } };
    expect(scan.label).toMatch(/roles of scan #\d+; not in this estate: cluster vnet-hpc-spoke\/snet-compute\)$/);
    // The ref that matches was applied: the CycleCloud subnet is audited, not unscoped.
    expect(scan.summary.unscoped).toBe(scan.summary.subnets - 1);
    await fetch(`${base}${created.url}`).then(async (page) => expect(await page.text()).toContain("not in this estate: cluster vnet-hpc-spoke/snet-compute"));
  });

  test("a file with no virtual networks or subnets (package.json) is refused next to that file in the upload form", async ({ page }) => {
    await page.goto(`${base}/scans/new`);
    await page.waitForLoadState("networkidle");
    await page.getByTestId("file-input").setInputFiles([path.join(root, "package.json")]);
    await page.getByRole("button", { name: "Run audit" }).click();
    await expect(page.locator('[data-testid="upload-file"][data-file-name="package.json"] [data-testid="file-error"]')).toContainText(
      "no virtual networks or subnets",
    );
    await expect(page).toHaveURL(/\/scans\/new$/);
  });
});

test.describe("pages and API routes for what does not exist", () => {
  test("answer 404, whatever the id holds", async () => {
    const scans = (await (await fetch(`${base}/api/scans`)).json()) as { id: string }[];
    const real = scans[scans.length - 1].id;
    const ids = ["nope", "%25", "..%2F..%2Fapi%2Fscans", "a%0D%0Ab", "%00", "%EF%BB%BFx", "a..b", "x".repeat(4_000)];
    // A bare ".." segment is resolved by URL rules before routing (/scans/.. is /), as browsers do; encoded slashes are not.
    for (const id of ids) {
      for (const p of [`/scans/${id}`, `/scans/${id}/subnets`, `/scans/${real}/findings/${id}`, `/scans/${real}/subnets/${id}`, `/scans/${real}/subnets/subscriptions/${id}/x`, `/findings/${id}`]) {
        const answer = await raw({ path: p });
        expect(answer.status, `${p.slice(0, 80)} → ${answer.status}`).toBe(404);
        if (answer.status === 404 && answer.headers["content-type"]?.toString().includes("html")) expect(answer.body).toContain("Not found");
      }
      for (const p of [`/api/scans/${id}`, `/api/scans/${id}/report?format=json`]) {
        const answer = await raw({ path: p });
        expect(answer.status, p.slice(0, 80)).toBe(404);
        expect(json(answer).error).toBeTruthy();
      }
    }
    expect((await raw({ path: `/scans/${real}` })).status).toBe(200);
  });

  test("names with %, .., a BOM, NUL or 100,000 characters keep every page working and inside its route", async () => {
    const vnetName = "vnet-%41..\ufeff";
    const vnetId = `/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${vnetName}`;
    const odd = "snet-%25-..-\ufeff-\u0000";
    const long = "a".repeat(100_000);
    const created = await postJson({
      snapshot: [
        {
          type: "Microsoft.Network/virtualNetworks",
          id: vnetId,
          name: vnetName,
          location: "westeurope",
          properties: {
            addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
            subnets: [
              { name: odd, id: `${vnetId}/subnets/${odd}`, properties: { addressPrefix: "10.0.1.0/24" } },
              { name: long, id: `${vnetId}/subnets/${long}`, properties: { addressPrefix: "10.0.2.0/24" } },
            ],
          },
        },
      ],
      profile: { roles: { cyclecloud: [`${vnetName}/${odd}`] } },
    });
    expect(created.status, created.body).toBe(201);
    const { id } = json(created);
    for (const p of [`/scans/${id}`, `/scans/${id}/subnets`, subnetHref(id!, `${vnetId}/subnets/${odd}`)]) {
      const page = await raw({ path: p });
      expect(page.status, p).toBe(200);
      expect(page.body, p).toContain("snet-%25-..");
    }
    const report = await raw({ path: `/api/scans/${id}/report?format=json` });
    expect(report.status).toBe(200);
    expect(report.body).toContain(long);
  });
});

test.describe("uploads are audited off the event loop within SCAN_TIME_LIMIT_S", () => {
  test("the server answers other requests while a costly upload runs, and stops that upload at its budget", async () => {
    const resources = generateEstate({ vnets: 30, subnets: 2_400, nsgs: 1_200, rulesPerNsg: 50, nics: 4_800 }) as { type: string; properties: { subnets?: { id: string }[] } }[];
    const subnetIds = resources.flatMap((r) => (r.type === "Microsoft.Network/virtualNetworks" ? (r.properties.subnets ?? []).map((s) => s.id) : []));
    const body = JSON.stringify({ snapshot: { value: resources }, profile: { roles: { cyclecloud: [subnetIds[0]], cluster: subnetIds.slice(1) } } });
    expect(body.length).toBeLessThan(50 * 1024 * 1024);
    let uploadSent = 0;
    const upload = raw({
      method: "POST",
      path: "/api/scans",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      write: (req) => {
        req.end(body, () => (uploadSent = performance.now()));
      },
    });
    // Once the whole upload has been sent, the server is parsing and auditing it: ask for the scan list meanwhile.
    while (!uploadSent) await new Promise((r) => setTimeout(r, 20));
    const list = await raw({ path: "/api/scans" });
    const refused = await upload;
    expect(list.status).toBe(200);
    expect(list.at).toBeLessThan(refused.at);
    expect(refused.status).toBe(422);
    expect(json(refused).error).toMatch(/^auditing this upload took longer than 1 s \(SCAN_TIME_LIMIT_S\)/);
    // The stopped worker is replaced: the next upload is audited as usual.
    const vnets = JSON.parse(readFileSync(path.join(root, "fixtures/demo/vnets.json"), "utf8"));
    expect((await postJson({ snapshot: vnets })).status).toBe(201);
  });

  test("a role edit re-audits in the same workers: the new scan has the role, bad input is a 400", async () => {
    const demo = (file: string) => JSON.parse(readFileSync(path.join(root, "fixtures/demo", file), "utf8")) as unknown;
    const listOf = (json: unknown) => (Array.isArray(json) ? json : ((json as { value: unknown[] }).value ?? [json]));
    const small = await postJson({
      snapshot: ["vnets.json", "nsgs.json", "nics.json", "route-tables.json"].flatMap((f) => listOf(demo(f))),
      profile: demo("profile.json"),
      estate: "roles-small",
    });
    expect(small.status, small.body).toBe(201);
    type Subnet = { id: string; name: string; vnet: string; status: string; role: string | null };
    const reportOf = async (id: string) => JSON.parse((await raw({ path: `/api/scans/${id}/report?format=json` })).body) as { subnets: Subnet[]; summary: { unscoped: number } };
    const before = await reportOf(json(small).id!);
    const target = before.subnets.find((s) => s.status === "unscoped" && !s.name.startsWith("Azure"))!;
    expect(target, "an unscoped subnet to give a role").toBeDefined();
    const edit = (body: unknown) => raw({ method: "POST", path: "/api/roles", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

    const set = await edit({ subnetId: target.id, role: "returnProxy", estate: "roles-small" });
    expect(set.status, set.body).toBe(201);
    const setAnswer = JSON.parse(set.body) as { id: string; label: string };
    expect(setAnswer.label).toBe(`Role of ${target.vnet}/${target.name} set to returnProxy`);
    const after = await reportOf(setAnswer.id);
    expect(after.subnets.find((s) => s.id === target.id)?.role).toBe("returnProxy");
    expect(after.summary.unscoped).toBe(before.summary.unscoped - 1);

    const reset = await edit({ subnetId: target.id, role: null, estate: "roles-small" });
    expect(reset.status, reset.body).toBe(201);
    expect((await reportOf(json(reset).id!)).subnets.find((s) => s.id === target.id)?.role).toBeNull();

    const badRole = await edit({ subnetId: target.id, role: "admin", estate: "roles-small" });
    expect(badRole.status).toBe(400);
    expect(json(badRole).error).toMatch(/^request body: role: /);
    const missing = await edit({ subnetId: `${target.id}-missing`, role: "cluster", estate: "roles-small" });
    expect(missing.status).toBe(400);
    expect(json(missing)).toMatchObject({ file: "request", path: "subnetId" });
    const broken = await raw({ method: "POST", path: "/api/roles", headers: { "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    for (const answer of [badRole, missing, broken]) expect(json(answer).error).not.toMatch(/\n|internal error|at .*\.ts:/);
  });

  test("a costly role edit is stopped at its budget with 422 and changes nothing, while the server answers", async () => {
    test.setTimeout(300_000);
    // A costly latest scan, stored directly (over HTTP its upload would itself be refused at this server's 1 s budget).
    const resources = generateEstate({ vnets: 30, subnets: 2_400, nsgs: 1_200, rulesPerNsg: 50, nics: 4_800 }) as { type: string; properties: { subnets?: { id: string }[] } }[];
    const subnetIds = resources.flatMap((r) => (r.type === "Microsoft.Network/virtualNetworks" ? (r.properties.subnets ?? []).map((s) => s.id) : []));
    const dir = mkdtempSync(path.join(tmpdir(), "lockdown-costly-"));
    try {
      writeFileSync(path.join(dir, "costly.json"), JSON.stringify({ value: resources }));
      writeFileSync(path.join(dir, "profile.json"), JSON.stringify({ roles: { cyclecloud: [subnetIds[0]], cluster: subnetIds.slice(1, -1) } }));
      // Through tsx, like the seeding in beforeAll (this runner does not load the store's TypeScript itself), and not
      // with spawnSync: blocking this test worker for the seconds the audit takes got the server stopped (SIGTERM).
      writeFileSync(
        path.join(dir, "store.ts"),
        `import { readFileSync } from "node:fs";
import { Store } from ${JSON.stringify(path.join(root, "lib/store/store.ts"))};
const read = (name: string) => ({ name, value: JSON.parse(readFileSync(${JSON.stringify(dir)} + "/" + name, "utf8")) });
void (async () => {
  const store = await Store.open(${JSON.stringify(db)});
  await store.createScan({ sources: [read("costly.json")], profile: read("profile.json"), estate: "costly", label: "costly" });
  await store.close();
})();
`,
      );
      const storing = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(dir, "store.ts")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
      expect(await new Promise((resolve) => storing.on("exit", resolve))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const target = subnetIds[subnetIds.length - 1];
    let sent = 0;
    const edit = raw({
      method: "POST",
      path: "/api/roles",
      headers: { "content-type": "application/json" },
      write: (req) => {
        req.end(JSON.stringify({ subnetId: target, role: "cluster", estate: "costly" }), () => (sent = performance.now()));
      },
    });
    while (!sent) await new Promise((r) => setTimeout(r, 20));
    // While the worker re-audits 2,400 subnets, the main thread answers one request after another.
    const health: RawAnswer[] = [];
    for (let i = 0; i < 3; i++) health.push(await raw({ path: "/api/health" }));
    const refused = await edit;
    for (const h of health) {
      expect(h.status).toBe(200);
      expect(h.at).toBeLessThan(refused.at);
    }
    expect(refused.status, refused.body).toBe(422);
    expect(json(refused).error).toMatch(/^re-auditing the latest scan with this role took longer than 1 s \(SCAN_TIME_LIMIT_S\) and was stopped; the role was not changed$/);
    // Nothing was stored: no new scan in the estate, and no role to reset.
    const scans = JSON.parse((await raw({ path: "/api/scans?estate=costly" })).body) as unknown[];
    expect(scans).toHaveLength(1);
    const reset = await raw({ method: "POST", path: "/api/roles", headers: { "content-type": "application/json" }, body: JSON.stringify({ subnetId: target, role: null, estate: "costly" }) });
    expect(reset.status).toBe(404);
  });
});

test.describe("what users see", () => {
  test("export links use the public base URL", async () => {
    const scans = (await (await fetch(`${base}/api/scans`)).json()) as { id: string; origin: string }[];
    // A seeded demo scan: its findings carry share links.
    const demo = scans.find((s) => s.origin === "demo")!;
    const md = await raw({ path: `/api/scans/${demo.id}/report?format=md` });
    expect(md.status).toBe(200);
    expect(md.body).toContain(`${PUBLIC_URL}/scans/`);
    expect(md.body).not.toContain(`127.0.0.1:${port}`);
  });

  test("Scan from Azure without a credential says in one line what to set, and draws no progress", async ({ page }) => {
    const api = await raw({ method: "POST", path: "/api/scans/live" });
    expect(api.status).toBe(503);
    const error = json(api).error ?? "";
    expect(error).toContain("AZURE_CLIENT_SECRET");
    expect(error).toContain("az login");
    expect(error).not.toMatch(/\n|CredentialUnavailableError|ChainedTokenCredential/);

    await page.goto(`${base}/scans/new`);
    await page.waitForLoadState("networkidle");
    await page.getByRole("button", { name: /Scan from Azure/ }).click();
    await expect(page.getByText("No Azure credential")).toBeVisible();
    await expect(page.getByRole("progressbar")).toHaveCount(0);
  });

  test("at 390 px the header fits: nothing overflows, New scan is fully visible", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    // The header's own row: nothing in it is pushed past its width (page content below is another matter).
    const row = page.locator("header > div").first();
    const overflow = await row.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const box = await page.getByRole("link", { name: "New scan" }).boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expect(page.getByRole("link", { name: "Lockdown Auditor" })).toBeVisible();
  });

  test("at 390 px the scans page does not scroll sideways: the table scrolls within its own container", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/scans`);
    await expect(page.getByTestId("scan-row").first()).toBeVisible();
    // Several scans by now, so the trend chart is drawn too (beside the card's title it could be up to 36rem wide).
    const chart = page.getByRole("img", { name: /Failing and warning subnets over the last \d+ scans/ });
    await expect(chart).toBeVisible();
    const chartBox = (await chart.boundingBox())!;
    expect(chartBox.x + chartBox.width).toBeLessThanOrEqual(390);
    const doc = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(doc.scroll).toBeLessThanOrEqual(doc.client);
    // The table is wider than a phone: its own container scrolls instead of the page (the header's sr-only "Links"
    // text, absolutely positioned, used to escape it and make the page 1,000 px wide).
    const table = await page.getByTestId("scans-table-scroll").evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(table.scroll).toBeGreaterThan(table.client);
    expect(table.client).toBeLessThanOrEqual(390);
  });

  test("the favicon and app icons are served and linked from every page", async ({ page }) => {
    await page.goto(`${base}/`);
    const links = await page.locator('link[rel~="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]').evaluateAll((els) => els.map((e) => e.getAttribute("href")));
    for (const href of ["/favicon.ico", "/icon.svg", "/icon-192.png", "/apple-touch-icon.png", "/site.webmanifest"]) {
      expect(links.some((l) => l?.startsWith(href)), href).toBe(true);
      const answer = await raw({ path: href });
      expect(answer.status, href).toBe(200);
    }
  });
});
