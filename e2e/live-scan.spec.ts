// "Scan from Azure" in the dashboard, end to end: the built app, started with the local ARM emulator as its
// Azure (self-signed HTTPS trusted through NODE_EXTRA_CA_CERTS), reads through the real SDKs, shows its
// progress, and opens the stored scan, with two server processes sharing the work.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type Emulator, startEmulator } from "../test/emulator/arm-emulator";
import { generateEstate } from "../test/emulator/scenario";

const root = path.resolve(__dirname, "..");
const port = 3160;
const base = `http://127.0.0.1:${port}`;
const db = path.join(tmpdir(), `lockdown-e2e-live-${port}.db`);
let emu: Emulator;
let server: ChildProcess;

async function waitForServer(url: string, deadline = Date.now() + 60_000): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not start`);
}

test.beforeAll(async () => {
  rmSync(db, { force: true });
  // Slow enough that the progress bar is there to see.
  emu = await startEmulator(generateEstate({ subscriptions: 3, subnetsPerSubscription: 4 }), { latencyMs: 150 });
  server = spawn(process.execPath, [path.join(root, "scripts/serve.mjs")], {
    cwd: root,
    env: {
      ...emu.childEnv(),
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOCKDOWN_DB: db,
      AUTH_MICROSOFT_ENTRA_ID_ID: "",
      NODE_ENV: "production",
      // Two server processes: the polls land on either, so the job's progress must come from the database.
      WEB_CONCURRENCY: "2",
    },
    stdio: "ignore",
  });
  await waitForServer(`${base}/api/scans`);
});

test.afterAll(async () => {
  server?.kill("SIGTERM");
  await emu?.stop();
  rmSync(db, { force: true });
});

test("a live read shows its progress, stores a scan and opens it; only GETs reach ARM", async ({ page }) => {
  await page.goto(`${base}/scans/new`);
  await page.getByRole("button", { name: "Scan from Azure" }).click();
  const bar = page.getByRole("progressbar", { name: "Subscriptions read" });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute("aria-valuemax", "3");
  await page.waitForURL(/\/scans\/[^/]+$/, { timeout: 60_000 });
  await expect(page.getByText("Live read of 3 subscriptions").first()).toBeVisible();

  const scans = (await (await fetch(`${base}/api/scans`)).json()) as { scans?: { origin: string }[] } | { origin: string }[];
  const list = Array.isArray(scans) ? scans : (scans.scans ?? []);
  expect(list.some((s) => s.origin === "live")).toBe(true);
  const arm = emu.requests.filter((r) => r.server === "arm");
  expect(arm.length).toBeGreaterThan(0);
  expect(arm.every((r) => r.method === "GET")).toBe(true);
});
