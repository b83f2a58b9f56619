// "Scan from Azure" in the dashboard, end to end: the built app, started with the local ARM emulator as its
// Azure (self-signed HTTPS trusted through NODE_EXTRA_CA_CERTS), reads through the real SDKs, shows its
// progress, and opens the stored scan, with two server processes sharing the work; a read into a named estate
// lands in that estate's history, and "New scan" from an estate's history starts in that estate.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type Emulator, isDeploymentStatusList, startEmulator } from "../test/emulator/arm-emulator";
import { generateEstate } from "../test/emulator/scenario";

const root = path.resolve(__dirname, "..");
// Its own server beside the suite's (E2E_PORT, default 3100), so parallel runs on other ports do not collide.
const port = Number(process.env.E2E_PORT ?? 3100) + 60;
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
  // Reads only: GETs, and each network manager's deployment status list (a POST that only reads).
  expect(arm.every((r) => r.method === "GET" || isDeploymentStatusList(r))).toBe(true);
});

test("a live read into a named estate lands in that estate's history; New scan from there starts in it", async ({ page }) => {
  const ESTATE = "e2e live.lab";
  const estateOf = async () =>
    ((await (await fetch(`${base}/api/scans?estate=${encodeURIComponent(ESTATE)}`)).json()) as { id: string; estate: string; origin: string }[]);

  await page.goto(`${base}/scans/new`);
  await page.waitForLoadState("networkidle");
  const into = page.getByLabel(/^Into estate/);
  await expect(into).toHaveValue("default");
  // The upload's rule: a bad name is refused by the server in one line naming the field, and nothing is read.
  await into.fill("lab/1");
  await page.getByRole("button", { name: "Scan from Azure" }).click();
  const panel = page.getByRole("region", { name: "From Azure" });
  await expect(panel.getByRole("alert")).toContainText("estate: expected an estate name");
  await expect(panel.getByRole("progressbar")).toHaveCount(0);

  await into.fill(ESTATE);
  await page.getByRole("button", { name: "Scan from Azure" }).click();
  await page.waitForURL(/\/scans\/(?!new$)[^/]+$/, { timeout: 60_000 });
  const first = page.url().split("/").at(-1)!;
  expect(await estateOf()).toEqual([expect.objectContaining({ id: first, estate: ESTATE, origin: "live" })]);

  await page.goto(`${base}/scans?estate=${encodeURIComponent(ESTATE)}`);
  const rows = page.getByTestId("scan-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId("scan-estate")).toHaveText(ESTATE);

  // From this estate's history, "New scan" opens with it chosen: a second read lands beside the first.
  await page.getByRole("main").getByRole("link", { name: "New scan" }).click();
  await page.waitForURL(/\/scans\/new\?estate=/);
  await expect(page.getByLabel(/^Into estate/)).toHaveValue(ESTATE);
  await expect(page.getByLabel(/^Estate/)).toHaveValue(ESTATE);
  await page.getByRole("button", { name: "Scan from Azure" }).click();
  await page.waitForURL((url) => /^\/scans\/(?!new$)[^/]+$/.test(url.pathname) && !url.pathname.endsWith(first), { timeout: 60_000 });
  const second = page.url().split("/").at(-1)!;
  // The header's New scan, on that scan's page, starts in its estate too.
  await expect(page.getByRole("banner").getByRole("link", { name: "New scan" })).toHaveAttribute("href", `/scans/new?scan=${second}`);

  await page.goto(`${base}/scans?estate=${encodeURIComponent(ESTATE)}`);
  await expect(page.getByTestId("scan-row")).toHaveCount(2);
  expect((await estateOf()).map((s) => s.id)).toEqual([second, first]);
  const defaults = (await (await fetch(`${base}/api/scans?estate=default`)).json()) as { id: string }[];
  expect(defaults.map((s) => s.id)).not.toContain(first);
  expect(defaults.map((s) => s.id)).not.toContain(second);
});
