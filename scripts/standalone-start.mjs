#!/usr/bin/env node
// The container's entry (Dockerfile CMD): the same start checks as `npm start` (scripts/serve.mjs: no
// unauthenticated dashboard beyond loopback, no half-configured sign-in), then Next's standalone server.js in this
// same process, so `docker stop` (SIGTERM) reaches the server and its graceful stop (lib/ops/lifecycle.ts).
// STANDALONE_SERVER names server.js (default: ../server.js, where the image puts it).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { installHtmlCache } from "./html-cache.mjs";
import { installRequestGuards, startRefusal } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

const refusal = startRefusal(env);
if (refusal) {
  console.error(`lockdown-auditor: ${refusal}`);
  process.exit(2);
}
// next-auth 4 reads the NEXTAUTH_* names; CONTRACT §5 names them AUTH_*.
if (env.AUTH_URL && !env.NEXTAUTH_URL) env.NEXTAUTH_URL = env.AUTH_URL;
if (env.AUTH_SECRET && !env.NEXTAUTH_SECRET) env.NEXTAUTH_SECRET = env.AUTH_SECRET;
env.HOST = env.HOST?.trim() || "127.0.0.1";
env.PORT = env.PORT?.trim() || "3000";
// The standalone server listens on HOSTNAME, which Docker sets to the container id: CONTRACT §5 says HOST.
env.HOSTNAME = env.HOST;

// 413 for a declared body over 50 MB and 408 for a stalled body, before Next waits for the whole body.
installRequestGuards(env);
// Rendered pages of scans served again with a fresh CSP nonce (html-cache.mjs).
installHtmlCache(env);
const server = path.resolve(env.STANDALONE_SERVER?.trim() || path.join(here, "..", "server.js"));
process.chdir(path.dirname(server));
await import(pathToFileURL(server).href);
