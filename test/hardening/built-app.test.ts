// Tests over a production build made here with canary secrets in the environment: no secret reaches
// the browser (bundles, pages, API answers), and serve.mjs starts and stops as promised.
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./support/build";
import { baseEnv, freePort, ROOT, run, stop, waitForHttp } from "./support/processes";

// Per process: two runs of this suite at once must not share (and delete) one build.
const DIST = `.next-hardening-${process.pid}`;

// Shaped like the real thing, unique to this run: finding one in the output can only mean a leak.
const CANARIES = {
  AUTH_MICROSOFT_ENTRA_ID_SECRET: `Xk48Q~${randomBytes(24).toString("base64url")}`,
  AUTH_SECRET: randomBytes(32).toString("base64"),
  AZURE_CLIENT_SECRET: `Zr98Q~${randomBytes(24).toString("base64url")}`,
  AZURE_CLIENT_ID: randomUUID(),
};
const SIGN_IN_ENV = {
  AUTH_MICROSOFT_ENTRA_ID_ID: randomUUID(),
  AUTH_MICROSOFT_ENTRA_ID_SECRET: CANARIES.AUTH_MICROSOFT_ENTRA_ID_SECRET,
  // Never contacted by these tests: only the sign-in page and next-auth's local endpoints are asked.
  AUTH_MICROSOFT_ENTRA_ID_ISSUER: "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
  AUTH_SECRET: CANARIES.AUTH_SECRET,
  AZURE_CLIENT_SECRET: CANARIES.AZURE_CLIENT_SECRET,
  AZURE_CLIENT_ID: CANARIES.AZURE_CLIENT_ID,
  AZURE_TENANT_ID: "00000000-0000-0000-0000-000000000000",
};

/** Token-looking strings: a JWT (header.payload), an Entra client secret, a PEM private key, a storage key. */
const TOKEN_PATTERNS: [string, RegExp][] = [
  ["JWT", /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./],
  ["Entra client secret", /(?<![A-Za-z0-9])[A-Za-z0-9_-]{3}\dQ~[A-Za-z0-9_.~-]{30,}/],
  ["private key", /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/],
  ["storage account key", /AccountKey=[A-Za-z0-9+/]{40,}/],
];

function leaksIn(text: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(CANARIES)) if (text.includes(value)) found.push(name);
  for (const [name, pattern] of TOKEN_PATTERNS) if (pattern.test(text)) found.push(name);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

beforeAll(async () => {
  await buildApp(DIST, SIGN_IN_ENV);
}, 600_000);

afterAll(() => {
  rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
});

describe("no secret reaches the browser", () => {
  it("the client bundles hold no configured secret and no token-looking string", () => {
    const files = filesUnder(path.join(ROOT, DIST, "static"));
    expect(files.filter((f) => f.endsWith(".js")).length).toBeGreaterThan(5);
    const leaks = files.flatMap((file) => leaksIn(readFileSync(file, "latin1")).map((what) => `${path.relative(ROOT, file)}: ${what}`));
    expect(leaks).toEqual([]);
  });

  it("the scan itself finds a planted secret (it can fail)", () => {
    expect(leaksIn(`var a="${CANARIES.AUTH_SECRET}"`)).toEqual(["AUTH_SECRET"]);
    expect(leaksIn('x="eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.sig"')).toEqual(["JWT"]);
    expect(leaksIn(`k="abc8Q~${"a".repeat(34)}"`)).toEqual(["Entra client secret"]);
  });

  it("pages and API answers of the running server hold none either", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = run(process.execPath, ["scripts/serve.mjs"], baseEnv({ NEXT_DIST_DIR: DIST, PORT: String(port), AUTH_URL: base, ...SIGN_IN_ENV }));
    try {
      await waitForHttp(`${base}/signin`, server.child);
      for (const pathname of ["/signin", "/signin?callbackUrl=%2Fscans%2Fx", "/api/auth/providers", "/api/auth/csrf", "/api/auth/session", "/", "/api/scans/x/report"]) {
        const response = await fetch(`${base}${pathname}`, { redirect: "manual" });
        const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
        expect(leaksIn(`${headers}\n${await response.text()}`), pathname).toEqual([]);
      }
    } finally {
      await stop(server.child, server.done);
    }
  });
});

describe("serve.mjs", () => {
  it("with ALLOW_UNAUTHENTICATED=1 listens on 0.0.0.0, says so in the banner, and stops on SIGTERM", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const server = run(process.execPath, ["scripts/serve.mjs"], baseEnv({ NEXT_DIST_DIR: DIST, PORT: String(port), HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED: "1" }));
    await waitForHttp(url, server.child);
    const html = await (await fetch(url)).text();
    expect(html).toContain("Local mode: sign-in is off; <!-- -->listening on 0.0.0.0 without sign-in (ALLOW_UNAUTHENTICATED=1)");

    const finished = await stop(server.child, server.done);
    expect(finished.code === 0 || finished.signal === "SIGTERM").toBe(true);
    await expect(fetch(url, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });

  it("on loopback without sign-in shows the local-mode banner", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const server = run(process.execPath, ["scripts/serve.mjs"], baseEnv({ NEXT_DIST_DIR: DIST, PORT: String(port) }));
    try {
      await waitForHttp(url, server.child);
      const html = await (await fetch(url)).text();
      expect(html).toContain("Local mode: sign-in is off; <!-- -->listening on loopback only");
    } finally {
      await stop(server.child, server.done);
    }
  });
});
