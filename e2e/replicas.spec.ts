// Two replicas on one PostgreSQL database, end to end: a scan uploaded to one is in the other's history and opens
// there; a live read started from the dashboard of replica A survives A being stopped mid-read (SIGTERM): A hands
// it back, replica B claims it, and the page (now polling B) ends on the stored scan. ARM is the local emulator.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type Emulator, isDeploymentStatusList, startEmulator } from "../test/emulator/arm-emulator";
import { generateEstate } from "../test/emulator/scenario";
import { postgresAvailable, startPostgres, type PostgresServer } from "../test/store/postgres-server";

const root = path.resolve(__dirname, "..");
const ports = { a: Number(process.env.E2E_PORT ?? 3170), b: Number(process.env.E2E_PORT ?? 3170) + 1 };
const base = (name: "a" | "b") => `http://127.0.0.1:${ports[name]}`;
let pg: PostgresServer | undefined;
let emu: Emulator | undefined;
const servers: Partial<Record<"a" | "b", { child: ChildProcess; exited: Promise<number | null> }>> = {};

test.skip(!postgresAvailable(), "PostgreSQL is not installed (apt-get install postgresql); CI installs it");

async function waitForHealth(url: string, deadline = Date.now() + 90_000): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not become healthy`);
}

function logFile(name: string): number {
  mkdirSync(path.join(root, "test-results/replicas"), { recursive: true });
  return openSync(path.join(root, `test-results/replicas/replica-${name}.log`), "a");
}

function startReplica(name: "a" | "b", databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, [path.join(root, "scripts/serve.mjs")], {
    cwd: root,
    env: {
      ...emu!.childEnv(),
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      PORT: String(ports[name]),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      AUTH_MICROSOFT_ENTRA_ID_ID: "",
      NODE_ENV: "production",
      // A stop hands a running read over at once: the hand-over is what this journey tests.
      SHUTDOWN_GRACE_MS: "0",
      LOG_REQUESTS: "0",
    },
    // Kept beside the test results: a replica that dies says why there.
    stdio: ["ignore", logFile(name), logFile(name)],
  });
  servers[name] = { child, exited: new Promise((r) => child.on("exit", (code) => r(code))) };
  return waitForHealth(base(name));
}

test.beforeAll(async () => {
  pg = await startPostgres();
  const url = await pg.createDatabase();
  // Slow enough that replica A is stopped while it is still reading.
  emu = await startEmulator(generateEstate({ subscriptions: 3, subnetsPerSubscription: 2 }), { latencyMs: 300 });
  await Promise.all([startReplica("a", url), startReplica("b", url)]);
});

test.afterAll(async () => {
  for (const s of Object.values(servers)) s?.child.kill("SIGTERM");
  await Promise.all(Object.values(servers).map((s) => s?.exited));
  await emu?.stop();
  pg?.stop();
});

test("both replicas report the shared database", async () => {
  for (const name of ["a", "b"] as const) {
    const health = (await (await fetch(`${base(name)}/api/health`)).json()) as { database: string };
    expect(health.database).toBe("postgresql");
  }
});

test("a scan uploaded to one replica is in the other's history and opens there", async ({ page }) => {
  const demo = (file: string) => JSON.parse(readFileSync(path.join(root, "fixtures/demo", file), "utf8"));
  // Any list shape of CONTRACT §1.1 (a bare list, `{value}`, `{data}`) into one saved-snapshot `resources`.
  const resources = (json: unknown): unknown[] =>
    Array.isArray(json) ? json : ((json as { value?: unknown[] }).value ?? (json as { data?: unknown[] }).data ?? [json]);
  const res = await fetch(`${base("b")}/api/scans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ snapshot: { resources: ["vnets.json", "nsgs.json", "nics.json"].flatMap((f) => resources(demo(f))) }, label: "Uploaded to replica B" }),
  });
  expect(res.status).toBe(201);
  const { url } = (await res.json()) as { url: string };
  await page.goto(`${base("a")}/scans`);
  await expect(page.getByText("Uploaded to replica B").first()).toBeVisible();
  await page.goto(`${base("a")}${url}`);
  await expect(page.getByText("Uploaded to replica B").first()).toBeVisible();
});

test("a page cached on one replica renders again after a write on the other (the page cache's store revision)", async () => {
  const scans = (await (await fetch(`${base("a")}/api/scans`)).json()) as { id: string; url: string }[];
  const target = scans[0];
  for (const pathname of [target.url, "/"]) {
    await fetch(`${base("a")}${pathname}`);
    expect((await fetch(`${base("a")}${pathname}`)).headers.get("x-lockdown-cache"), pathname).toBe("hit");
  }
  expect((await fetch(`${base("b")}/api/scans/${target.id}`, { method: "DELETE" })).status).toBe(204);
  expect((await fetch(`${base("a")}${target.url}`)).status).toBe(404);
  const overview = await fetch(`${base("a")}/`);
  expect(overview.headers.get("x-lockdown-cache")).toBe("miss");
  expect(await overview.text()).not.toContain(target.id);
});

test("a live read outlives the replica it started on", async ({ page }) => {
  await page.goto(`${base("a")}/scans/new`);
  const started = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/scans/live" && r.request().method() === "POST");
  await page.getByRole("button", { name: "Scan from Azure" }).click();
  const { id } = (await (await started).json()) as { id: string };
  await expect(page.getByRole("progressbar", { name: "Subscriptions read" })).toBeVisible();

  // Replica A stops mid-read and hands the job back; B claims it (its worker polls every 5 s) and reads it again.
  servers.a!.child.kill("SIGTERM");
  await servers.a!.exited;
  // The page's polls now fail (A is gone): follow the job on B, as a user reloading through the load balancer would.
  let job: { state: string; scanId?: string; message?: string } = { state: "reading" };
  for (let i = 0; i < 120 && (job.state === "reading" || job.state === "auditing"); i++) {
    if (servers.b!.child.exitCode !== null) throw new Error("replica B exited: see test-results/replicas/replica-b.log");
    await new Promise((r) => setTimeout(r, 500));
    job = (await (await fetch(`${base("b")}/api/scans/live/${id}`)).json()) as typeof job;
  }
  expect(job, job.message).toMatchObject({ state: "done", scanId: expect.any(String) });
  await page.goto(`${base("b")}/scans/${job.scanId}`);
  await expect(page.getByText("Live read of 3 subscriptions").first()).toBeVisible();
  // Reads only: GETs, and each network manager's deployment status list (a POST that only reads).
  expect(emu!.requests.filter((r) => r.server === "arm").every((r) => r.method === "GET" || isDeploymentStatusList(r))).toBe(true);
});
