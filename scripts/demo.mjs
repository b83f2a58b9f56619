#!/usr/bin/env node
// `npm run demo`: build the dashboard if needed, seed a fresh demo database with the bundled demo estate
// (fixtures/demo/older as the first scan, fixtures/demo as the latest), then serve it on
// http://localhost:${PORT:-3000}. Seeding goes through the same Store API as the app (lib/store/seed.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const node = process.execPath;
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const tsxCli = path.join(root, "node_modules", "tsx", "dist", "cli.mjs");
const distDir = path.resolve(root, process.env.NEXT_DIST_DIR || ".next");
const dbFile = path.resolve(root, process.env.LOCKDOWN_DB || path.join("data", "demo.db"));
const estate = path.resolve(root, process.env.DEMO_ESTATE || path.join("fixtures", "demo"));
const port = process.env.PORT?.trim() || "3000";
const host = process.env.HOST?.trim() || "127.0.0.1";

function say(line) {
  process.stderr.write(`demo: ${line}\n`);
}

/** Newest modification time under the folders a build depends on. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(tsx?|css|mjs|js|json|svg)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ["app", "components", "lib", "public"]) walk(path.join(root, dir));
  for (const file of ["next.config.js", "package.json", "postcss.config.mjs", "proxy.ts"]) {
    const full = path.join(root, file);
    if (existsSync(full)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function buildIfNeeded() {
  const buildId = path.join(distDir, "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource()) {
    say(`using the existing build in ${path.relative(root, distDir)}`);
    return;
  }
  say("building the dashboard (next build), about a minute the first time…");
  const result = spawnSync(node, [nextBin, "build"], { cwd: root, stdio: "inherit", env: process.env });
  if (result.status !== 0) {
    say("the build failed; see above");
    process.exit(result.status ?? 1);
  }
}

function seed() {
  if (!existsSync(estate)) {
    say(`the demo estate is missing: ${estate}`);
    process.exit(2);
  }
  say(`seeding a fresh demo database at ${path.relative(root, dbFile)} from ${path.relative(root, estate)}`);
  const result = spawnSync(node, [tsxCli, path.join(root, "lib", "store", "seed-cli.ts"), dbFile, estate, "--fresh"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function serve() {
  const env = { ...process.env, LOCKDOWN_DB: dbFile, PORT: port, HOST: host, NODE_ENV: "production" };
  // serve.mjs refuses unsafe settings (non-loopback HOST without sign-in) and then runs `next start` in-process.
  const serveScript = path.join(root, "scripts", "serve.mjs");
  const args = existsSync(serveScript) ? [serveScript] : [nextBin, "start", "--port", port, "--hostname", host];
  const shown = host === "127.0.0.1" || host === "::1" ? "localhost" : host;
  say(`serving the dashboard on http://${shown}:${port} (Ctrl+C stops it)`);
  const child = spawn(node, args, { cwd: root, stdio: "inherit", env });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

buildIfNeeded();
seed();
serve();
