// scripts/html-cache.mjs in front of a stand-in for Next that renders like it does (a CSP header with this response's
// nonce, the nonce on its scripts and in its payload, proxy.ts's marker): cached pages come back with a fresh nonce in
// both header and body; the key (store revision, path and query, cookies, host), what may be stored, the byte bound
// and concurrent misses. The built app is exercised by e2e/html-cache.spec.ts.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { createHtmlCache, htmlCacheBytes, isCacheablePath } from "../../scripts/html-cache.mjs";
// @ts-expect-error plain ESM script without type declarations
import { startRefusal } from "../../scripts/serve.mjs";

interface Page {
  status: number;
  contentType: string;
  /** proxy.ts's `x-lockdown-html-cache` value; undefined: not sent. */
  marker?: string;
  setCookie?: boolean;
  /** Text rendered into the body after the scripts (e.g. an error digest). */
  extra?: string;
  /** Bytes of padding, to fill the cache. */
  pad?: number;
  delayMs?: number;
}

let page: Page;
let renders = 0;
let revision: number | undefined = 1;
let clock = Date.now();

/** Renders as Next does under proxy.ts: one fresh nonce in the CSP header, on a script tag and inside the payload. */
function fakeNext(req: http.IncomingMessage, res: http.ServerResponse) {
  renders++;
  const nonce = randomBytes(16).toString("base64");
  const p = page;
  setTimeout(() => {
    res.statusCode = p.status;
    res.setHeader("content-type", p.contentType);
    res.setHeader("content-security-policy", `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'; style-src 'self' 'nonce-${nonce}'`);
    if (p.marker !== undefined) res.setHeader("x-lockdown-html-cache", p.marker);
    if (p.setCookie) res.setHeader("set-cookie", "a=b; HttpOnly");
    res.write(`<!DOCTYPE html><html><head><script nonce="${nonce}" src="/_next/a.js"></script></head>`);
    res.end(`<body>render #${renders} of ${req.url} ${req.headers["accept-encoding"] ?? "identity"}<script nonce="${nonce}">self.__next_f.push([1,"${nonce}"])</script>${p.extra ?? ""}${"x".repeat(p.pad ?? 0)}</body></html>`);
  }, p.delayMs ?? 0);
}

let server: http.Server;
let base = "";

beforeAll(async () => {
  const cache = createHtmlCache({ maxBytes: 64 * 1024, revision: async () => revision, now: () => clock });
  server = http.createServer(cache.wrap(fakeNext));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  page = { status: 200, contentType: "text/html; charset=utf-8", marker: "local" };
  revision = (revision ?? 0) + 1;
  clock = Date.now();
});

interface Answer {
  status: number;
  cache: string | null;
  marker: string | null;
  nonce: string;
  body: string;
}

let unique = 0;
/** A path no other test uses, so each test starts with its own cache entries. */
const fresh = (suffix = "") => `/scans/s${++unique}${suffix}`;

/** A GET with exactly these headers (node:http: fetch would not send another Host). */
function get(path: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const header = (name: string) => (typeof res.headers[name] === "string" ? (res.headers[name] as string) : null);
        const nonces = [...(header("content-security-policy") ?? "").matchAll(/'nonce-([^']+)'/g)].map((m) => m[1]);
        expect(new Set(nonces).size).toBeLessThanOrEqual(1);
        const body = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, cache: header("x-lockdown-cache"), marker: header("x-lockdown-html-cache"), nonce: nonces[0] ?? "", body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The nonces on script tags and in the payload of a body rendered by fakeNext. */
function bodyNonces(body: string): string[] {
  return [...body.matchAll(/nonce="([^"]+)"/g), ...body.matchAll(/push\(\[1,"([^"]+)"\]\)/g)].map((m) => m[1]);
}

describe("html-cache.mjs", () => {
  it("serves a cached page with a fresh nonce, the same in its CSP header and everywhere in its body", async () => {
    const path = fresh("/findings/f1");
    const first = await get(path);
    const second = await get(path);
    const third = await get(path);
    expect([first.cache, second.cache, third.cache]).toEqual(["miss", "hit", "hit"]);
    for (const answer of [first, second, third]) {
      expect(answer.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(bodyNonces(answer.body)).toEqual([answer.nonce, answer.nonce, answer.nonce]);
      // proxy.ts's marker never reaches the client.
      expect(answer.marker).toBeNull();
    }
    expect(new Set([first.nonce, second.nonce, third.nonce]).size).toBe(3);
    // The same page otherwise: rendered once.
    expect(second.body.replaceAll(second.nonce, "N")).toBe(first.body.replaceAll(first.nonce, "N"));
    expect(second.body).toContain(`of ${path} identity`);
  });

  it("renders again when the store's revision changes (a new scan, a deletion, an exemption, a role)", async () => {
    const path = fresh();
    await get(path);
    expect((await get(path)).cache).toBe("hit");
    const before = renders;
    revision! += 1;
    const after = await get(path);
    expect(after.cache).toBe("miss");
    expect(renders).toBe(before + 1);
    expect((await get(path)).cache).toBe("hit");
  });

  it("keys by query string, cookies (who is signed in), Authorization and Host", async () => {
    const path = fresh();
    await get(path);
    expect((await get(path)).cache).toBe("hit");
    expect((await get(`${path}?status=fail`)).cache).toBe("miss");
    expect((await get(path, { cookie: "next-auth.session-token=alice" })).cache).toBe("miss");
    expect((await get(path, { cookie: "next-auth.session-token=alice" })).cache).toBe("hit");
    expect((await get(path, { cookie: "next-auth.session-token=bob" })).cache).toBe("miss");
    expect((await get(path, { authorization: "Bearer x" })).cache).toBe("miss");
    expect((await get(path, { host: "localhost" })).cache).toBe("miss");
  });

  it("stores only 200 text/html answers that proxy.ts let through, without Set-Cookie or a rendered error", async () => {
    const cases: Partial<Page>[] = [
      { status: 404 },
      { contentType: "application/json" },
      { marker: undefined },
      { setCookie: true },
      { extra: '<script>self.__next_f.push([1,"5:E{\\"digest\\":\\"NEXT_HTTP_ERROR_FALLBACK;404\\"}"])</script>' },
      { extra: '<template data-dgst="1234"></template>' },
    ];
    for (const change of cases) {
      page = { status: 200, contentType: "text/html; charset=utf-8", marker: "local", ...change };
      const path = fresh();
      await get(path);
      expect((await get(path)).cache, JSON.stringify(change)).toBe("miss");
    }
  });

  it("keeps a signed-in page only until its session expires", async () => {
    page.marker = String(clock + 60_000);
    const path = fresh();
    await get(path, { cookie: "s=1" });
    expect((await get(path, { cookie: "s=1" })).cache).toBe("hit");
    clock += 61_000;
    expect((await get(path, { cookie: "s=1" })).cache).toBe("miss");
    page.marker = String(clock - 1);
    const expired = fresh();
    await get(expired);
    expect((await get(expired)).cache).toBe("miss");
  });

  it("passes through what is not a page of a scan, RSC requests, other methods, and everything while the revision is unknown", async () => {
    for (const path of ["/scans", "/scans/new", "/subnets", "/api/scans/x", "/_next/static/a.js"]) {
      await get(path);
      expect((await get(path)).cache, path).toBeNull();
    }
    const path = fresh();
    await get(path);
    expect((await get(path, { rsc: "1" })).cache).toBeNull();
    expect((await get(path, { "next-router-prefetch": "1" })).cache).toBeNull();
    expect((await get(path, {}, "HEAD")).cache).toBeNull();
    revision = undefined;
    const other = fresh();
    await get(other);
    expect((await get(other)).cache).toBeNull();
  });

  it("bounds memory by bytes, dropping the least recently used page", async () => {
    page.pad = 6 * 1024; // an eighth of the 64 KB cache at most per page; ~7 KB each
    const paths = Array.from({ length: 12 }, () => fresh());
    for (const path of paths) await get(path);
    // 12 × ~7 KB (plus per-entry overhead) exceed 64 KB: the oldest are gone, the newest stay.
    expect((await get(paths[11])).cache).toBe("hit");
    expect((await get(paths[0])).cache).toBe("miss");
    page.pad = 9 * 1024; // over an eighth of the cache: never stored
    const big = fresh();
    await get(big);
    expect((await get(big)).cache).toBe("miss");
  });

  it("renders a page once for concurrent misses of it, and serves the others from that render", async () => {
    page.delayMs = 100;
    const path = fresh();
    const before = renders;
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(path)));
    expect(renders).toBe(before + 1);
    expect(answers.map((a) => a.cache).sort()).toEqual(["hit", "hit", "hit", "hit", "hit", "miss"]);
    expect(new Set(answers.map((a) => a.nonce)).size).toBe(6);
    for (const a of answers) expect(bodyNonces(a.body)).toEqual([a.nonce, a.nonce, a.nonce]);
  });

  it("knows which paths are pages of a scan, and reads HTML_CACHE_MB", () => {
    expect(["/", "/scans/abc", "/scans/abc/subnets", "/scans/abc/findings/f", "/findings/f", "/scans/newer"].map(isCacheablePath)).toEqual([true, true, true, true, true, true]);
    expect(["/scans", "/scans/", "/scans/new", "/scans/new/x", "/subnets", "/findings", "/findings/a/b", "/api/scans/abc"].map(isCacheablePath)).toEqual([
      false, false, false, false, false, false, false, false,
    ]);
    expect(htmlCacheBytes({})).toBe(64 * 1024 * 1024);
    expect(htmlCacheBytes({ HTML_CACHE_MB: "0" })).toBe(0);
    expect(htmlCacheBytes({ HTML_CACHE_MB: "8" })).toBe(8 * 1024 * 1024);
    expect(htmlCacheBytes({ HTML_CACHE_MB: "lots" })).toBeUndefined();
    // npm start refuses it with one line, as it does a bad PORT.
    expect(startRefusal({ HTML_CACHE_MB: "lots" })).toMatch(/^HTML_CACHE_MB=lots is not a number of megabytes/);
    expect(startRefusal({ HTML_CACHE_MB: "0" })).toBeUndefined();
  });
});
