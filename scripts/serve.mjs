#!/usr/bin/env node
// `npm start`: the production dashboard server (CONTRACT §5). Refuses to expose an unauthenticated
// dashboard beyond this machine, then runs `next start` in this same process, so stopping this
// process id stops the server (no orphaned child).
import cluster from "node:cluster";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ipaddr from "ipaddr.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Same rule as lib/auth/loopback.ts (test/hardening checks they agree). */
export function isLoopbackHost(host) {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost") return true;
  if (!ipaddr.isValid(name)) return false;
  return ipaddr.process(name).range() === "loopback";
}

/** Why the server must not start with this environment (one line), or undefined. */
export function startRefusal(env) {
  const host = env.HOST?.trim() || "127.0.0.1";
  const port = env.PORT?.trim() || "3000";
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return `PORT=${port} is not a port number (0-65535).`;
  const workers = env.WEB_CONCURRENCY?.trim();
  if (workers && !(/^\d{1,2}$/.test(workers) && Number(workers) >= 1)) return `WEB_CONCURRENCY=${workers} is not a number of server processes (1-99).`;
  if (env.AUTH_MICROSOFT_ENTRA_ID_ID?.trim()) {
    const missing = ["AUTH_MICROSOFT_ENTRA_ID_SECRET", "AUTH_MICROSOFT_ENTRA_ID_ISSUER", "AUTH_SECRET", "AUTH_URL"].filter(
      (name) => !env[name]?.trim(),
    );
    if (missing.length) {
      return `Sign-in is half-configured: AUTH_MICROSOFT_ENTRA_ID_ID is set but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not; set ${missing.length > 1 ? "them" : "it"} (see README "Sign-in setup") or unset AUTH_MICROSOFT_ENTRA_ID_ID for local mode.`;
    }
    return undefined;
  }
  if (!isLoopbackHost(host) && env.ALLOW_UNAUTHENTICATED !== "1") {
    return `Refusing to listen on HOST=${host} without sign-in: anyone who can reach it would see your network's weaknesses. Configure sign-in (AUTH_MICROSOFT_ENTRA_ID_ID etc., see README), use HOST=127.0.0.1, or set ALLOW_UNAUTHENTICATED=1 on a trusted network.`;
  }
  return undefined;
}

/**
 * WEB_CONCURRENCY=N (default 1) runs N server processes on the one port (node:cluster): page rendering
 * is CPU-bound and one process uses one core. Stopping the primary stops every worker.
 */
function startWorkers(count) {
  for (let i = 0; i < count; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    // A worker that dies takes the server down whole: a supervisor (systemd, a container) restarts it cleanly.
    console.error(`lockdown-auditor: server process ${worker.process.pid} exited (${signal ?? code}); stopping`);
    stopping = true;
    for (const other of Object.values(cluster.workers ?? {})) other?.kill("SIGTERM");
    process.exitCode = 1;
  });
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
    });
  }
}

async function main() {
  const refusal = startRefusal(process.env);
  if (refusal) {
    console.error(`lockdown-auditor: ${refusal}`);
    process.exit(2);
  }
  const env = process.env;
  const workers = Number(env.WEB_CONCURRENCY?.trim() || "1");
  if (workers > 1 && cluster.isPrimary) {
    startWorkers(workers);
    return;
  }
  // next-auth 4 reads the NEXTAUTH_* names; CONTRACT §5 names them AUTH_*.
  if (env.AUTH_URL && !env.NEXTAUTH_URL) env.NEXTAUTH_URL = env.AUTH_URL;
  if (env.AUTH_SECRET && !env.NEXTAUTH_SECRET) env.NEXTAUTH_SECRET = env.AUTH_SECRET;
  env.HOST = env.HOST?.trim() || "127.0.0.1";
  env.PORT = env.PORT?.trim() || "3000";

  // NEXT_DIST_DIR (read by next.config.js) selects the build folder; the cwd must be the project root.
  process.chdir(root);
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  process.argv = [process.argv[0], nextBin, "start", "--port", env.PORT, "--hostname", env.HOST];
  await import(pathToFileURL(nextBin).href);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
