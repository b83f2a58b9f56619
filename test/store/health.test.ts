// GET /api/health (CONTRACT §5): 200 with the engine and schema version when the database answers, 503 when it
// cannot be reached, nothing else in the body either way; and the proxy lets it through without sign-in while
// every other API route still needs it.
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MIGRATIONS } from "@/lib/store/migrations";
import { postgresAvailable, startPostgres, type PostgresServer } from "./postgres-server";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-health-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

async function health(env: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules(); // a fresh module graph: getStore() opens the database these variables name
  const { GET } = await import("@/app/api/health/route");
  const response = await GET();
  return { status: response.status, body: await response.json(), cache: response.headers.get("cache-control") };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("GET /api/health", () => {
  it("answers 200 with the SQLite engine and its schema version", async () => {
    const res = await health({ DATABASE_URL: undefined, LOCKDOWN_DB: path.join(dir, "health.db") });
    expect(res).toEqual({ status: 200, body: { status: "ok", database: "sqlite", schema: MIGRATIONS.length }, cache: "no-store" });
  });

  it("answers 503 naming only the engine when PostgreSQL cannot be reached", async () => {
    const url = `postgres://lockdown:s3cret-pass@127.0.0.1:${await closedPort()}/lockdown`;
    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const res = await health({ DATABASE_URL: url });
    expect(res).toEqual({ status: 503, body: { status: "unavailable", database: "postgresql" }, cache: "no-store" });
    // The reason is logged as one JSON line, without the password.
    const logged = errors.mock.calls.map((c) => String(c[0])).join("");
    errors.mockRestore();
    expect(JSON.parse(logged.trim().split("\n").pop()!)).toMatchObject({ level: "error", database: "postgresql" });
    expect(logged).not.toContain("s3cret-pass");
  });

  it("answers 503 for a DATABASE_URL that is not a postgres:// URI, without echoing it", async () => {
    const errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const res = await health({ DATABASE_URL: "mysql://root:hunter2@db/x" });
    const logged = errors.mock.calls.map((c) => String(c[0])).join("");
    errors.mockRestore();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: "unavailable", database: "postgresql" });
    expect(logged).toContain("DATABASE_URL: expected postgres://");
    expect(logged).not.toContain("hunter2");
  });

  describe.skipIf(!postgresAvailable())("on PostgreSQL", () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server?.stop());

    it("answers 200 with the PostgreSQL engine and its schema version", async () => {
      const res = await health({ DATABASE_URL: await server.createDatabase() });
      expect(res).toEqual({ status: 200, body: { status: "ok", database: "postgresql", schema: MIGRATIONS.length }, cache: "no-store" });
    });
  });
});

describe("the proxy with sign-in on", () => {
  it("lets /api/health through signed out, refuses /api/scans, and tags both with a request id", async () => {
    vi.stubEnv("AUTH_MICROSOFT_ENTRA_ID_ID", "client");
    vi.stubEnv("AUTH_MICROSOFT_ENTRA_ID_SECRET", "secret");
    vi.stubEnv("AUTH_MICROSOFT_ENTRA_ID_ISSUER", "https://login.microsoftonline.com/tenant/v2.0");
    vi.stubEnv("AUTH_SECRET", "x".repeat(32));
    vi.stubEnv("AUTH_URL", "https://auditor.example.com");
    vi.resetModules();
    const { proxy } = await import("@/proxy");
    const { NextRequest } = await import("next/server");
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const health = await proxy(new NextRequest("https://auditor.example.com/api/health", { headers: { "x-request-id": "probe-1" } }));
    const scans = await proxy(new NextRequest("https://auditor.example.com/api/scans"));
    const lines = out.mock.calls.map((c) => JSON.parse(String(c[0])));
    out.mockRestore();
    expect(health.headers.get("x-middleware-next")).toBe("1");
    expect(health.headers.get("x-request-id")).toBe("probe-1");
    expect(scans.status).toBe(401);
    expect(scans.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toEqual([
      expect.objectContaining({ level: "info", msg: "request", requestId: "probe-1", method: "GET", path: "/api/health", to: "app" }),
      expect.objectContaining({ level: "info", msg: "request", requestId: scans.headers.get("x-request-id"), path: "/api/scans", status: 401 }),
    ]);
  });
});
