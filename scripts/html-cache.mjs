// The HTML cache in front of Next (scripts/serve.mjs and standalone-start.mjs install it). A dashboard page costs
// 8-16 ms of CPU to render and every page is dynamic (its scripts carry this response's CSP nonce), yet a scan never
// changes once written. So the rendered HTML of the overview, a scan's pages and a finding's page is kept, keyed by
// everything that can change it, and served again with a fresh nonce swapped into both the body and the CSP header.
//
// Key: the store's revision (lib/store `revision()`, raised in the transaction of every write that can change a
// page: a new scan, a deletion, an exemption list, a dashboard role; read per request, so another replica's write on
// the same PostgreSQL counts), the UTC day (exemptions expire by day), the path and query string, and the request
// headers proxy.ts, Next or the page read: Host, X-Forwarded-Proto/-Host, Cookie and Authorization (the session, so
// who is signed in), User-Agent.
// Stored: 200 text/html answers to GET that proxy.ts let through (it says so in a header, with the session's expiry),
// without Set-Cookie, without an error rendered into the stream; least recently used entries go beyond HTML_CACHE_MB.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";

/** Set by proxy.ts on answers it let through: `local`, or the session's expiry in epoch ms. Never sent to clients. */
export const HTML_CACHE_HEADER = "x-lockdown-html-cache";
/** Tells clients (and tests) how an answer was made: `hit` (from the cache) or `miss` (rendered, and cached if it could be). */
export const CACHE_STATUS_HEADER = "x-lockdown-cache";

/** HTML_CACHE_MB (default 64; 0 turns the cache off) in bytes; undefined when it is not a number of megabytes. */
export function htmlCacheBytes(env) {
  const text = env.HTML_CACHE_MB?.trim() || "64";
  if (!/^\d{1,5}$/.test(text)) return undefined;
  return Number(text) * 1024 * 1024;
}

/**
 * Whether `pathname` is a page the cache may hold: the overview (`/`), a scan's pages (`/scans/<id>` and below, not
 * `/scans/new`) and a finding's latest page (`/findings/<id>`). Lists (`/scans`, `/subnets`) show the time and are not.
 */
export function isCacheablePath(pathname) {
  if (pathname === "/") return true;
  if (/^\/findings\/[^/]+$/.test(pathname)) return true;
  const scan = /^\/scans\/([^/]+)(\/.*)?$/.exec(pathname);
  return Boolean(scan && scan[1] !== "new");
}

/** Request headers with which Next answers something other than the page's HTML document (RSC payloads, actions). */
function asksForOtherThanHtml(headers) {
  if (headers.rsc !== undefined || headers.range !== undefined) return true;
  for (const name of Object.keys(headers)) if (name.startsWith("next-")) return true;
  return false;
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Same rule as lib/ops/log.ts `requestIdOf`. */
function requestIdOf(headers) {
  const incoming = typeof headers["x-request-id"] === "string" ? headers["x-request-id"].trim() : "";
  return incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/** Headers not replayed from a stored answer: recomputed per response, or wrong once the body changes. */
const NOT_REPLAYED = new Set(["content-length", "date", "etag", "transfer-encoding", "connection", "keep-alive", "x-request-id", HTML_CACHE_HEADER, CACHE_STATUS_HEADER]);

/** A failure rendered into a streamed 200 page (an error boundary or notFound() after the first bytes). */
const RENDERED_ERROR = /E\{\\*"digest\\*"|data-dgst=/;

const NONCE_IN_CSP = /'nonce-([A-Za-z0-9+/=]+)'/;

/** A least-recently-used map bounded by the bytes of its entries. */
class ByteLru {
  #map = new Map();
  #bytes = 0;
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
  }
  get bytes() {
    return this.#bytes;
  }
  get size() {
    return this.#map.size;
  }
  get(key) {
    const entry = this.#map.get(key);
    if (entry) {
      this.#map.delete(key);
      this.#map.set(key, entry);
    }
    return entry;
  }
  set(key, entry) {
    this.delete(key);
    this.#map.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [oldest, old] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(oldest);
      this.#bytes -= old.bytes;
    }
  }
  delete(key) {
    const entry = this.#map.get(key);
    if (!entry) return;
    this.#map.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/** `body` split at every occurrence of `nonce` (a random 24-character string, so every occurrence is this one). */
function splitAt(body, nonce) {
  const needle = Buffer.from(nonce);
  const parts = [];
  let from = 0;
  for (let at = body.indexOf(needle); at !== -1; at = body.indexOf(needle, from)) {
    parts.push(body.subarray(from, at));
    from = at + needle.length;
  }
  parts.push(body.subarray(from));
  return parts;
}

/** The stored answer's body with `nonce` where the old one was. */
function joinWith(parts, nonce) {
  const needle = Buffer.from(nonce);
  const pieces = [parts[0]];
  for (let i = 1; i < parts.length; i++) pieces.push(needle, parts[i]);
  return Buffer.concat(pieces);
}

/** 128 random bits, as lib/auth/security-headers.ts `createNonce` makes them. */
function createNonce() {
  return randomBytes(16).toString("base64");
}

/** Writes the one request line proxy.ts would have written (lib/ops/log.ts shape). */
function logHit(requestId, req, pathname, started) {
  const line = { time: new Date().toISOString(), level: "info", msg: "request", requestId, method: req.method, path: pathname, status: 200, cache: "hit", ms: Math.round(performance.now() - started) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/**
 * An HTML cache for one server process.
 * @param {{ maxBytes: number, revision: () => Promise<number | undefined>, logRequests?: boolean, now?: () => number }} options
 *   `revision`: the store's revision, or undefined when it cannot be read (the store is not open yet, the database is
 *   down): then nothing is served from or stored in the cache.
 * @returns {{ wrap: (listener: http.RequestListener) => http.RequestListener, stats: () => { entries: number, bytes: number } }}
 */
export function createHtmlCache({ maxBytes, revision, logRequests = false, now = Date.now }) {
  const entries = new ByteLru(maxBytes);
  // Renders under way, by key: concurrent misses of one page wait for the first instead of each rendering it.
  const pending = new Map();

  function keyOf(req, rev) {
    const h = req.headers;
    // Cookie and Authorization carry the session (next-auth reads either); User-Agent picks how Next streams metadata.
    const read = [h.host, h["x-forwarded-proto"], h["x-forwarded-host"], h.cookie, h.authorization, h["user-agent"]];
    return [rev, Math.floor(now() / 86_400_000), req.url, ...read.map((v) => v ?? "")].join("\u0000");
  }

  function serve(entry, req, res, pathname, started) {
    const nonce = createNonce();
    const body = joinWith(entry.parts, nonce);
    res.statusCode = 200;
    for (const [name, value] of entry.headers) res.setHeader(name, typeof value === "string" ? value.replaceAll(entry.nonce, nonce) : value);
    const requestId = requestIdOf(req.headers);
    res.setHeader("x-request-id", requestId);
    res.setHeader(CACHE_STATUS_HEADER, "hit");
    res.setHeader("content-length", body.length);
    res.end(body);
    if (logRequests) logHit(requestId, req, pathname, started);
  }

  /** Passes the request to Next; keeps the answer under `key` when it may be reused. Resolves when the answer is out. */
  function renderAndKeep(listener, self, req, res, key) {
    // Identity, so the stored bytes are the HTML whose nonce can be swapped (Next would otherwise gzip them).
    delete req.headers["accept-encoding"];
    res.setHeader(CACHE_STATUS_HEADER, "miss");
    const chunks = [];
    let size = 0;
    let headers;
    let reusableUntil;
    const limit = maxBytes / 8;
    const collect = (chunk, encoding) => {
      if (size > limit || chunk === undefined || chunk === null || typeof chunk === "function") return;
      const buffer = typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8") : Buffer.from(chunk);
      size += buffer.length;
      if (size <= limit) chunks.push(buffer);
    };
    const write = res.write;
    const end = res.end;
    res.write = function (chunk, encoding, cb) {
      collect(chunk, encoding);
      return write.call(this, chunk, encoding, cb);
    };
    res.end = function (chunk, encoding, cb) {
      collect(chunk, encoding);
      return end.call(this, chunk, encoding, cb);
    };
    const writeHead = res.writeHead;
    res.writeHead = function (statusCode, ...rest) {
      const given = rest.find((r) => r && typeof r === "object" && !Array.isArray(r));
      headers = { ...res.getHeaders() };
      if (given) for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
      reusableUntil = headers[HTML_CACHE_HEADER];
      return writeHead.call(this, statusCode, ...rest);
    };
    return new Promise((resolve) => {
      res.once("close", resolve);
      res.once("finish", () => {
        const entry = entryOf(res.statusCode, headers, reusableUntil, size <= limit ? Buffer.concat(chunks) : undefined);
        if (entry) entries.set(key, entry);
        resolve();
      });
      listener.call(self, req, res);
    });
  }

  /** What may be stored of a finished answer, or undefined. */
  function entryOf(status, headers, reusableUntil, body) {
    if (status !== 200 || !headers || !body || typeof reusableUntil !== "string") return undefined;
    const until = reusableUntil === "local" ? Infinity : Number(reusableUntil);
    if (!(until > now())) return undefined;
    if (!String(headers["content-type"] ?? "").startsWith("text/html")) return undefined;
    if (headers["set-cookie"] !== undefined || headers["content-encoding"] !== undefined) return undefined;
    const csp = headers["content-security-policy"];
    const nonce = typeof csp === "string" ? NONCE_IN_CSP.exec(csp)?.[1] : undefined;
    if (!nonce) return undefined;
    if (RENDERED_ERROR.test(body.toString("latin1"))) return undefined;
    const replayed = Object.entries(headers).filter(([name]) => !NOT_REPLAYED.has(name));
    return { parts: splitAt(body, nonce), nonce, headers: replayed, until, bytes: body.length + 1024 };
  }

  function wrap(listener) {
    return async function cachingListener(req, res) {
      // proxy.ts's marker never leaves this process, whatever the answer.
      if (req.method === "GET") {
        const writeHead = res.writeHead;
        res.writeHead = function (...args) {
          res.removeHeader(HTML_CACHE_HEADER);
          const given = args.find((a, i) => i > 0 && a && typeof a === "object" && !Array.isArray(a));
          if (given) for (const name of Object.keys(given)) if (name.toLowerCase() === HTML_CACHE_HEADER) delete given[name];
          return writeHead.apply(this, args);
        };
      }
      const started = performance.now();
      const pathname = (req.url ?? "/").split("?", 1)[0];
      if (req.method !== "GET" || !isCacheablePath(pathname) || asksForOtherThanHtml(req.headers)) return listener.call(this, req, res);
      let rev;
      try {
        rev = await revision();
      } catch {
        rev = undefined;
      }
      if (rev === undefined) return listener.call(this, req, res);
      const key = keyOf(req, rev);
      for (let waited = false; ; waited = true) {
        const entry = entries.get(key);
        if (entry && entry.until > now()) return serve(entry, req, res, pathname, started);
        if (entry) entries.delete(key);
        const underway = pending.get(key);
        if (!underway || waited) break;
        await underway;
      }
      const done = renderAndKeep(listener, this, req, res, key);
      if (!pending.has(key)) {
        pending.set(key, done);
        done.then(() => {
          if (pending.get(key) === done) pending.delete(key);
        });
      }
      return done;
    };
  }

  return { wrap, stats: () => ({ entries: entries.size, bytes: entries.bytes }) };
}

/**
 * The store's revision from the app's own store in this process (lib/store/index.ts keeps it on globalThis once a
 * request opened it); undefined before that, or when the database cannot answer.
 */
async function appStoreRevision() {
  const opened = globalThis.__lockdownStore?.store;
  if (!opened) return undefined;
  try {
    return await (await opened).revision();
  } catch {
    return undefined;
  }
}

/**
 * Makes every HTTP server this process creates next (Next's) answer through the HTML cache; a no-op with
 * HTML_CACHE_MB=0. Sets LOCKDOWN_HTML_CACHE=1, which tells proxy.ts to mark the answers it let through.
 */
export function installHtmlCache(env) {
  const maxBytes = htmlCacheBytes(env);
  if (!maxBytes) return undefined;
  env.LOCKDOWN_HTML_CACHE = "1";
  const cache = createHtmlCache({ maxBytes, revision: appStoreRevision, logRequests: env.LOG_REQUESTS?.trim() !== "0" });
  const createServer = http.createServer;
  http.createServer = function createCachingServer(...args) {
    const at = args.findIndex((a) => typeof a === "function");
    if (at >= 0) args[at] = cache.wrap(args[at]);
    return createServer.apply(this, args);
  };
  return cache;
}
