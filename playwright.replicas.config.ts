// Two server processes (replicas) on one PostgreSQL database, in the browser: the spec starts its own throwaway
// PostgreSQL (test/store/postgres-server.ts), the ARM emulator and two servers of the same build (run `next build`
// first; NEXT_DIST_DIR picks another build folder). Skipped only where PostgreSQL is not installed and CI is unset.
import { defineConfig } from "@playwright/test";
import { CHROMIUM } from "./e2e/support/chromium";

export default defineConfig({
  testDir: "e2e",
  testMatch: /replicas\.spec\.ts$/,
  outputDir: "test-results/replicas",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    viewport: { width: 1440, height: 1000 },
    launchOptions: CHROMIUM,
    trace: "retain-on-failure",
  },
});
