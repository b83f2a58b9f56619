// The server the container image runs, tested without Docker (no image registry here): a standalone build
// (NEXT_OUTPUT=standalone) assembled in a temp folder the way the Dockerfile's runtime stage lays out /app, started
// with the image's CMD (scripts/standalone-start.mjs), outside the repository so nothing resolves from its
// node_modules. On SQLite: health, an upload, its PDF, a page and a static asset, a JSON request log line, and a
// clean stop on SIGTERM. On PostgreSQL: two server processes (two replicas) share one history, and health turns 503
// when the database goes away.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "@/lib/store/migrations";
import { buildApp } from "../hardening/support/build";
import { baseEnv, freePort, ROOT, run, stop, waitForHttp } from "../hardening/support/processes";
import { postgresAvailable, startPostgres, type PostgresServer } from "./postgres-server";

// STANDALONE_PREBUILT names a standalone build to reuse (NEXT_OUTPUT=standalone NEXT_DIST_DIR=<it> next build), kept.
const PREBUILT = process.env.STANDALONE_PREBUILT?.trim();
const DIST = PREBUILT || `.next-standalone-${process.pid}`;
const image = mkdtempSync(path.join(tmpdir(), "lockdown-image-"));
const app = path.join(image, "app");

/** What the Dockerfile's runtime stage copies, in the same places. */
function assembleImage(): void {
  cpSync(path.join(ROOT, DIST, "standalone"), app, { recursive: true });
  cpSync(path.join(ROOT, DIST, "static"), path.join(app, DIST, "static"), { recursive: true });
  cpSync(path.join(ROOT, "public"), path.join(app, "public"), { recursive: true });
  // (The trace may already hold scripts/: the image's COPY overwrites them, so does this.)
  mkdirSync(path.join(app, "scripts"), { recursive: true });
  for (const script of ["serve.mjs", "standalone-start.mjs"]) cpSync(path.join(ROOT, "scripts", script), path.join(app, "scripts", script));
  cpSync(path.join(ROOT, "node_modules", "ipaddr.js"), path.join(app, "node_modules", "ipaddr.js"), { recursive: true });
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

async function upload(base: string, label: string): Promise<string> {
  const res = await fetch(`${base}/api/scans`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...estate(), label }) });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe("the image's standalone server on SQLite", () => {
  it("is self-contained, answers health, stores and renders a scan, logs JSON, and stops on SIGTERM", async () => {
    expect(existsSync(path.join(app, "server.js"))).toBe(true);
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
  }, 180_000);

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
