// Dashboard suite: the built app (run `next build` first; NEXT_DIST_DIR picks another build folder) on a fixed
// loopback port, over a fresh database seeded with the demo estate. Debian's Chromium drives it.
import { defineConfig } from "@playwright/test";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHROMIUM } from "./e2e/support/chromium";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Read by the specs (e2e/support/app.ts) as well as by the server.
process.env.E2E_BASE_URL = baseURL;

export default defineConfig({
  testDir: "e2e",
  testIgnore: [/auth.*\.spec\.ts$/, "**/fixtures/**", "**/support/**"],
  outputDir: "test-results/dashboard",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    viewport: { width: 1440, height: 1000 },
    acceptDownloads: true,
    launchOptions: CHROMIUM,
    trace: "retain-on-failure",
  },
  // Specs that only read run first; the ones that add scans (upload, role edits) run after them.
  projects: [
    { name: "read", testMatch: /(journey|subnets|exports|a11y|query)\.spec\.ts$/ },
    { name: "write", testMatch: /(api|roles|upload|live-scan)\.spec\.ts$/, dependencies: ["read"] },
    // Starts its own server (same build) with a short scan budget, no Azure credential and PUBLIC_URL.
    { name: "robustness", testMatch: /robustness\.spec\.ts$/, dependencies: ["read"] },
    // Starts its own server (same build, E2E_PORT + 1) over its own demo database: its writes change what it shows.
    { name: "html-cache", testMatch: /html-cache\.spec\.ts$/ },
    // Stores report fixtures (path evidence) as scans below every other, after the rest has run.
    { name: "fixtures", testMatch: /(path-evidence|gates)\.spec\.ts$/, dependencies: ["write"] },
    // Adds scans in other estates and deletes one: after the specs that expect one timeline.
    { name: "estates", testMatch: /estates\.spec\.ts$/, dependencies: ["fixtures"] },
  ],
  webServer: {
    command: "node e2e/support/start-server.mjs",
    url: `${baseURL}/api/scans`,
    env: {
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOCKDOWN_DB: path.join(tmpdir(), `lockdown-e2e-${port}.db`),
      // Sign-in has its own suite (playwright.auth.config.ts); here it is off whatever the shell says.
      AUTH_MICROSOFT_ENTRA_ID_ID: "",
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
