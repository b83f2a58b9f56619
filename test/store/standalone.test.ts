// The server the container image runs, tested without Docker (no image registry here): a standalone build
// (NEXT_OUTPUT=standalone) assembled in a temp folder the way the Dockerfile's runtime stage lays out /app, started
// with the image's CMD (scripts/standalone-start.mjs), outside the repository so nothing resolves from its
// node_modules. The folder is assembled from the COPY lines of the Dockerfile's runtime stage, so the two cannot drift.
// On SQLite: health, an upload, its PDF, a page and a static asset, a JSON request log line, and a clean stop on
// SIGTERM; the worker threads run from their prebuilt bundles (uploads and role edits within SCAN_TIME_LIMIT_S, big
// PDFs). On PostgreSQL: two server processes (two replicas) share one history, and health turns 503 when the database
// goes away.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFF_THREAD_MIN_SUBNETS } from "@/lib/report/pdf-off-thread";
import { MIGRATIONS } from "@/lib/store/migrations";
import { buildApp } from "../hardening/support/build";
import { generateEstate } from "../snapshot/generate-estate";
import { baseEnv, freePort, ROOT, run, stop, waitForHttp } from "../hardening/support/processes";
import { postgresAvailable, startPostgres, type PostgresServer } from "./postgres-server";

// STANDALONE_PREBUILT names a standalone build to reuse (NEXT_OUTPUT=standalone NEXT_DIST_DIR=<it> next build), kept.
const PREBUILT = process.env.STANDALONE_PREBUILT?.trim();
const DIST = PREBUILT || `.next-standalone-${process.pid}`;
const image = mkdtempSync(path.join(tmpdir(), "lockdown-image-"));
const app = path.join(image, "app");

interface ImageCopy {
  /** Paths in the build stage, relative to its /src (the project root). */
  sources: string[];
  /** Where they go, relative to the runtime stage's WORKDIR (/app); a trailing "/" is a folder. */
  target: string;
}

/** The `COPY --from=build` lines of the Dockerfile's runtime stage (one per line, as the Dockerfile notes). */
function runtimeCopies(dockerfile: string): ImageCopy[] {
  const stage = dockerfile.split(/^FROM\s+/m).find((s) => /^\S+\s+AS\s+runtime\s*$/im.test(s.split("\n")[0]));
  if (!stage) throw new Error("Dockerfile: no runtime stage");
  return [...stage.matchAll(/^COPY\s+--from=build\s+(.+)$/gm)].map((m) => {
    const args = m[1].trim().split(/\s+/);
    const target = args.pop()!;
    return {
      sources: args.map((a) => {
        if (!a.startsWith("/src/")) throw new Error(`Dockerfile: COPY from outside /src: ${a}`);
        return a.slice("/src/".length);
      }),
      target: target.replace(/^\.\//, "").replace(/^\/app\//, ""),
    };
  });
}

/** A path in the image or the build with the build folder `.next` as this test's DIST (the server looks there). */
const inDist = (p: string) => p.replace(/^\.next(?=\/|$)/, DIST);

/** Lays out `app` as the Dockerfile's runtime stage does, from its COPY lines (Docker's rules for folders and files). */
function assembleImage(): void {
  for (const { sources, target } of runtimeCopies(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"))) {
    for (const source of sources) {
      const from = path.join(ROOT, inDist(source));
      // A folder's contents go into the target; a file goes into a target folder ("dir/") or becomes the target.
      const to = statSync(from).isDirectory() || !target.endsWith("/") ? path.join(app, inDist(target)) : path.join(app, inDist(target), path.basename(from));
      mkdirSync(path.dirname(to), { recursive: true });
      // Symlinks as they are, as COPY keeps them (Next links .next/node_modules/<pkg>-<hash> to ../../node_modules/<pkg>):
      // resolved, they would point back into the build, and the server would load a second better-sqlite3 (a second
      // SQLite in one process, whose connections then miss each other's commits).
      cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    }
  }
}

beforeAll(async () => {
  if (!PREBUILT) await buildApp(DIST, { NEXT_OUTPUT: "standalone" });
  assembleImage();
}, 900_000);

afterAll(() => {
  if (!PREBUILT) rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
  rmSync(image, { recursive: true, force: true });
});

async function startServer(env: Record<string, string>) {
  const port = await freePort();
  const server = run(process.execPath, [path.join(app, "scripts", "standalone-start.mjs")], {
    ...baseEnv({ HOST: "127.0.0.1", PORT: String(port), ...env }),
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/health`, server.child);
  return { base, ...server };
}

const demo = (file: string) => JSON.parse(readFileSync(path.join(ROOT, "fixtures", "demo", file), "utf8"));
/** The resources of a file in any of the list shapes (CONTRACT §1.1): a bare list, `{value}` or `{data}`. */
const resourcesOf = (json: unknown): unknown[] =>
  Array.isArray(json) ? json : ((json as { value?: unknown[]; data?: unknown[] }).value ?? (json as { data?: unknown[] }).data ?? [json]);
const estate = () => ({
  snapshot: { resources: ["vnets.json", "nsgs.json", "nics.json", "route-tables.json"].flatMap((f) => resourcesOf(demo(f))) },
  profile: demo("profile.json"),
});

async function upload(base: string, label: string, body: object = estate()): Promise<string> {
  const res = await fetch(`${base}/api/scans`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...body, label }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A generated estate (test/snapshot/generate-estate.ts) with its first subnet as CycleCloud's and every other a cluster's. */
function generated(size: Parameters<typeof generateEstate>[0]) {
  const resources = generateEstate(size) as { type: string; properties: { subnets?: { id: string }[] } }[];
  const subnetIds = resources.flatMap((r) => (r.type === "Microsoft.Network/virtualNetworks" ? (r.properties.subnets ?? []).map((s) => s.id) : []));
  return { snapshot: { value: resources }, profile: { roles: { cyclecloud: [subnetIds[0]], cluster: subnetIds.slice(1) } }, subnetIds };
}

interface Answer {
  status: number;
  body: string;
  /** Order in which answers arrived (a counter, not a clock). */
  seq: number;
}
let answered = 0;

/** POSTs `body` and resolves to the answer; `sent` is called once the whole body is on its way. */
function post(base: string, route: string, body: string, sent: () => void): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), seq: ++answered }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body, sent);
  });
}

async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), seq: ++answered };
}

describe("the image's standalone server on SQLite", () => {
  it("is self-contained, answers health, stores and renders a scan, logs JSON, and stops on SIGTERM", async () => {
    expect(existsSync(path.join(app, "server.js"))).toBe(true);
    // The worker threads' bundles, and no sources for them: the server must start them from the bundles.
    for (const worker of ["scan-worker", "pdf-worker"]) expect(existsSync(path.join(app, "workers", `${worker}.mjs`)), worker).toBe(true);
    expect(existsSync(path.join(app, "app", "api", "_lib", "scan-worker.mjs"))).toBe(false);
    expect(existsSync(path.join(app, "lib", "report", "pdf-worker.mjs"))).toBe(false);
    // Dev-only packages are not in the image's node_modules.
    for (const dev of ["vitest", "@playwright/test", "typescript", "eslint"]) expect(existsSync(path.join(app, "node_modules", dev)), dev).toBe(false);

    const server = await startServer({ LOCKDOWN_DB: path.join(image, "data", "lockdown.db") });
    try {
      const health = await fetch(`${server.base}/api/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "sqlite", schema: MIGRATIONS.length });

      const id = await upload(server.base, "standalone");
      // The PDF export prints with Debian's Chromium (the image's default target installs it, as test:unit does here).
      const pdf = await fetch(`${server.base}/api/scans/${id}/report?format=pdf`);
      expect(pdf.status).toBe(200);
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
      // Enough audited subnets for the PDF to be made in its worker thread (lib/report/pdf-off-thread.ts).
      const { snapshot, profile } = generated({ vnets: 2, subnets: OFF_THREAD_MIN_SUBNETS + 4, nsgs: 4, rulesPerNsg: 4, nics: 8 });
      const big = await upload(server.base, "pdf off the main thread", { snapshot, profile });
      const bigPdf = await fetch(`${server.base}/api/scans/${big}/report?format=pdf`);
      expect(bigPdf.status, await bigPdf.clone().text()).toBe(200);
      expect(Buffer.from(await bigPdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

      const page = await fetch(`${server.base}/scans/${id}`, { headers: { "x-request-id": "journey-1" } });
      expect(page.status).toBe(200);
      expect(page.headers.get("x-request-id")).toBe("journey-1");
      const html = await page.text();
      const asset = html.match(/\/_next\/static\/[^"']+\.(?:js|css)/)?.[0];
      expect(asset, "a static asset referenced by the page").toBeDefined();
      expect((await fetch(`${server.base}${asset}`)).status).toBe(200);
    } finally {
      await stop(server.child, server.done);
    }
    const finished = await server.done;
    expect(finished.code === 143 || finished.code === 0 || finished.signal === "SIGTERM", `exit ${finished.code} ${finished.signal}: ${finished.stderr}`).toBe(true);
    const lines = finished.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    expect(lines).toContainEqual(expect.objectContaining({ msg: "request", requestId: "journey-1", method: "GET", path: expect.stringMatching(/^\/scans\//) }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: "stopping", signal: "SIGTERM" }));
    // Had a worker's entry been missing, its work would have run on the main thread (lib/ops/worker-file.ts says so).
    expect(finished.stderr).not.toContain("worker entry missing");
  }, 300_000);

  it("audits uploads and role edits in the scan worker bundle: over SCAN_TIME_LIMIT_S is a 422 while health answers", async () => {
    const server = await startServer({ LOCKDOWN_DB: path.join(image, "data", "budget.db"), SCAN_TIME_LIMIT_S: "1" });
    try {
      // Costly enough to take well over a second to audit (the e2e robustness spec uses the same estate).
      const { subnetIds, ...costly } = generated({ vnets: 30, subnets: 2_400, nsgs: 1_200, rulesPerNsg: 50, nics: 4_800 });
      expect(subnetIds).toHaveLength(2_400);
      let uploadSent = false;
      const refused = post(server.base, "/api/scans", JSON.stringify(costly), () => (uploadSent = true));
      // Once the whole upload is sent the server is auditing it: health requests must still be answered, before it.
      while (!uploadSent) await new Promise((r) => setTimeout(r, 20));
      const health = [];
      for (let i = 0; i < 3; i++) health.push(await get(`${server.base}/api/health`));
      const answer = await refused;
      for (const h of health) {
        expect(h.status).toBe(200);
        expect(h.seq).toBeLessThan(answer.seq);
      }
      expect(answer.status, answer.body).toBe(422);
      expect(JSON.parse(answer.body).error).toMatch(/^auditing this upload took longer than 1 s \(SCAN_TIME_LIMIT_S\)/);

      // The stopped worker is replaced: a small upload and a role edit (a re-audit in the same worker) succeed.
      const id = await upload(server.base, "after the refusal");
      const reportRes = await fetch(`${server.base}/api/scans/${id}/report?format=json`);
      expect(reportRes.status, await reportRes.clone().text()).toBe(200);
      const report = (await reportRes.json()) as { subnets: { id: string; name: string; vnet: string; status: string; role: string | null }[] };
      const target = report.subnets.find((s) => s.status === "unscoped" && !s.name.startsWith("Azure"))!;
      expect(target, "an unscoped subnet to give a role").toBeDefined();
      const edited = await fetch(`${server.base}/api/roles`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ subnetId: target.id, role: "returnProxy" }) });
      expect(edited.status, await edited.clone().text()).toBe(201);
      const created = (await edited.json()) as { id: string; label: string };
      expect(created.label).toBe(`Role of ${target.vnet}/${target.name} set to returnProxy`);
      const reaudited = (await (await fetch(`${server.base}/api/scans/${created.id}/report?format=json`)).json()) as typeof report;
      expect(reaudited.subnets.find((s) => s.id === target.id)?.role).toBe("returnProxy");
    } finally {
      await stop(server.child, server.done);
    }
    expect((await server.done).stderr).not.toContain("worker entry missing");
  }, 300_000);

  it("refuses to listen beyond loopback without sign-in, as npm start does", async () => {
    const refused = await run(process.execPath, [path.join(app, "scripts", "standalone-start.mjs")], baseEnv({ HOST: "0.0.0.0", PORT: String(await freePort()) })).done;
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Refusing to listen on HOST=0\.0\.0\.0 without sign-in/);
  });
});

describe.skipIf(!postgresAvailable())("two server processes on one PostgreSQL database", () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());

  it("serve one history: scans uploaded to either are listed by both, and health reports the shared database", async () => {
    const url = await pg.createDatabase();
    const [a, b] = await Promise.all([startServer({ DATABASE_URL: url }), startServer({ DATABASE_URL: url })]);
    try {
      for (const server of [a, b]) expect(await (await fetch(`${server.base}/api/health`)).json()).toEqual({ status: "ok", database: "postgresql", schema: MIGRATIONS.length });
      const ids = await Promise.all([upload(a.base, "via a #1"), upload(b.base, "via b #1"), upload(a.base, "via a #2"), upload(b.base, "via b #2")]);
      const listed = async (base: string) => ((await (await fetch(`${base}/api/scans`)).json()) as { id: string; seq: number }[]);
      const [fromA, fromB] = await Promise.all([listed(a.base), listed(b.base)]);
      expect(fromA).toEqual(fromB);
      expect(new Set(fromA.map((s) => s.id))).toEqual(new Set(ids));
      expect(fromA.map((s) => s.seq).sort()).toEqual([1, 2, 3, 4]);
      // A share link written by one replica opens on the other.
      const report = await fetch(`${b.base}/api/scans/${ids[0]}/report?format=json`);
      expect(report.status).toBe(200);

      pg.stop();
      const down = await fetch(`${a.base}/api/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "unavailable", database: "postgresql" });
    } finally {
      await Promise.all([stop(a.child, a.done), stop(b.child, b.done)]);
    }
  }, 180_000);
});
