#!/usr/bin/env node
// `npm start`: the production dashboard server (CONTRACT §5). Refuses to expose an unauthenticated
// dashboard beyond this machine, then runs `next start` in this same process, so stopping this
// process id stops the server (no orphaned child).
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ipaddr from "ipaddr.js";
import { htmlCacheBytes, installHtmlCache } from "./html-cache.mjs";

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
  if (htmlCacheBytes(env) === undefined) return `HTML_CACHE_MB=${env.HTML_CACHE_MB} is not a number of megabytes (0-99999; 0 turns the page cache off).`;
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

/** Same limit as MAX_BODY_BYTES in app/api/_lib/http.ts (50 MB). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** BODY_IDLE_TIMEOUT_S (default 30) in milliseconds: how long a request body may send nothing. */
export function bodyIdleTimeoutMs(env) {
  const seconds = Number(env.BODY_IDLE_TIMEOUT_S?.trim() || "30");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/** How long a refused request's remaining body is read and dropped before its connection is closed (a lingering close). */
const LINGER_MS = 2000;

function refuse(res, status, error) {
  // Connection: close, so Node closes the socket once the answer is out instead of reading the rest of the body.
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff", connection: "close" });
  res.end(JSON.stringify({ error }));
}

/**
 * Refuses a request whose body is still arriving, closing its connection the way RFC 9112 §9.6 asks: closing a socket
 * with unread data makes the kernel reset it, and a reset can destroy the answer before the client has read it (the
 * client sees EPIPE or ECONNRESET, not the 413). So the answer is sent, the write side closed, and what the client
 * still sends is read and dropped for up to LINGER_MS before the socket is destroyed.
 * https://www.rfc-editor.org/rfc/rfc9112#section-9.6
 */
function refuseLingering(req, res, status, error) {
  const socket = req.socket;
  // Node ends a Connection: close response with socket.destroySoon(): here, end (FIN) now and destroy later.
  socket.destroySoon = function lingeringClose() {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once("close", () => clearTimeout(timer));
  };
  req.resume();
  refuse(res, status, error);
}

/**
 * Wraps Next's request listener with two checks Next cannot make in time: with proxy.ts present, Next reads a POST
 * body to its end before the proxy's answer or the route runs (next-server.js `finalize()`), so a request that
 * declares 1 TB, or stops sending, would hold its connection until Node's 300 s request timeout. Here a declared
 * Content-Length over MAX_BODY_BYTES is answered 413 at once, and a body that sends nothing for BODY_IDLE_TIMEOUT_S
 * is answered 408 and its connection closed. Bodies within the limit pass untouched (no listener that would put
 * the request stream in flowing mode). https://nodejs.org/api/http.html#serverrequesttimeout
 */
export function guardRequests(listener, { idleMs, maxBytes = MAX_BODY_BYTES }) {
  return function guardedListener(req, res) {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > maxBytes) {
      refuseLingering(req, res, 413, `request body is larger than ${Math.round(maxBytes / 1048576)} MB`);
      return;
    }
    const hasBody = (declared !== undefined && declared !== "0") || req.headers["transfer-encoding"] !== undefined;
    if (hasBody && req.method !== "GET" && req.method !== "HEAD") {
      const socket = req.socket;
      let timer;
      const stop = () => {
        clearTimeout(timer);
        socket.off("data", arm);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          stop();
          if (!res.headersSent) refuse(res, 408, `request body stalled: nothing received for ${Math.round(idleMs / 1000)} s`);
          // Ends Next's wait for the body (it listens for "error"); the socket closes after the 408 is sent.
          res.once("finish", () => req.destroy(new Error("request body stalled")));
        }, idleMs);
        timer.unref();
      };
      // The socket's own "data" (the HTTP parser already reads it): a chunk of this body arrived.
      socket.on("data", arm);
      req.once("end", stop);
      req.once("close", stop);
      arm();
    }
    return listener.call(this, req, res);
  };
}

/** Makes every HTTP server this process creates (Next's, started next) use guardRequests. */
export function installRequestGuards(env) {
  const idleMs = bodyIdleTimeoutMs(env);
  const createServer = http.createServer;
  http.createServer = function createGuardedServer(...args) {
    const at = args.findIndex((a) => typeof a === "function");
    if (at >= 0) args[at] = guardRequests(args[at], { idleMs });
    return createServer.apply(this, args);
  };
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

  installRequestGuards(env);
  // After the guards, so they stay outermost: rendered pages of scans served again with a fresh nonce (html-cache.mjs).
  installHtmlCache(env);
  // NEXT_DIST_DIR (read by next.config.js) selects the build folder; the cwd must be the project root.
  process.chdir(root);
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
  process.argv = [process.argv[0], nextBin, "start", "--port", env.PORT, "--hostname", env.HOST];
  await import(pathToFileURL(nextBin).href);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
