#!/usr/bin/env node
// The browser tests' server: a fresh database seeded with the demo estate through the Store API, then the
// already-built app (`next build` ran first) served on E2E_PORT. Sign-in is off: this suite tests the dashboard.
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const db = process.env.LOCKDOWN_DB;
const estate = path.resolve(root, process.env.E2E_ESTATE || "fixtures/demo");
if (!db) {
  console.error("start-server: LOCKDOWN_DB is not set");
  process.exit(2);
}

const seeded = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/store/seed-cli.ts"), db, estate, "--fresh"], {
  cwd: root,
  stdio: "inherit",
});
if (seeded.status !== 0) process.exit(seeded.status ?? 1);

const child = spawn(process.execPath, [path.join(root, "scripts/serve.mjs")], { cwd: root, stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
