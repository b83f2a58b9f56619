// Sign-in suite: a local OpenID issuer stands in for Microsoft Entra ID, the built app runs with
// sign-in on. Run after `next build` (npm run test:e2e), or with NEXT_DIST_DIR for a separate build.
import { defineConfig } from "@playwright/test";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHROMIUM } from "./e2e/support/chromium";

const appPort = Number(process.env.AUTH_E2E_APP_PORT ?? 3200);
const issuerPort = Number(process.env.AUTH_E2E_ISSUER_PORT ?? 3210);
const appUrl = `http://127.0.0.1:${appPort}`;
const issuerUrl = `http://127.0.0.1:${issuerPort}`;
const client = { id: "lockdown-auditor-test", secret: "test-client-secret-7d1f0c9e2b" };

// Read by e2e/auth*.spec.ts: they only run under this config (the dashboard config has no issuer).
process.env.AUTH_E2E = "1";
process.env.AUTH_E2E_ISSUER_URL = issuerUrl;

export default defineConfig({
  testDir: "e2e",
  testMatch: /auth.*\.spec\.ts$/,
  outputDir: "test-results/auth",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: appUrl,
    browserName: "chromium",
    launchOptions: CHROMIUM,
    trace: "retain-on-failure",
  },
  webServer: [
    {
      command: "node e2e/auth-issuer.mjs",
      url: `${issuerUrl}/.well-known/openid-configuration`,
      env: { ISSUER_PORT: String(issuerPort), APP_URL: appUrl, CLIENT_ID: client.id, CLIENT_SECRET: client.secret },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // The dashboard suite's launcher: seeds a fresh database with the demo estate, then runs scripts/serve.mjs.
      command: "node e2e/support/start-server.mjs",
      url: `${appUrl}/signin`,
      env: {
        ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
        PORT: String(appPort),
        HOST: "127.0.0.1",
        AUTH_MICROSOFT_ENTRA_ID_ID: client.id,
        AUTH_MICROSOFT_ENTRA_ID_SECRET: client.secret,
        AUTH_MICROSOFT_ENTRA_ID_ISSUER: issuerUrl,
        AUTH_SECRET: "e2e-session-secret-not-for-production-4b1c9d",
        AUTH_URL: appUrl,
        AUTH_ALLOWED_GROUPS: "6f1d3c2a-0b7e-4f3a-9c51-2d7e8a4b1c90",
        // A fresh database (seeded with the demo estate), never someone's real scans.
        LOCKDOWN_DB: path.join(tmpdir(), `lockdown-auth-e2e-${appPort}.db`),
      },
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
