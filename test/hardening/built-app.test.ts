// Tests over a production build made here with canary secrets in the environment: no secret reaches
// the browser (bundles, pages, API answers), and serve.mjs starts and stops as promised.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
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

/**
 * POSTs `body` as JSON and resolves with the response as soon as it comes, as a client that reads an early response
 * does: the server refuses a declared length over its limit before reading a byte, and may close the connection
 * while the body is still being sent; a write failing after the answer (EPIPE) is not the answer.
 * https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14
 */
function postReadingEarly(url: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: text });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.on("error", (e) => {
      if (!answered) reject(e);
    });
    // In pieces, yielding between them, and no more once the answer is in: a server that refuses a declared size
    // answers and closes at once, and a body written in one go meets the closed socket (EPIPE) before the client has
    // read the answer waiting for it, on a loaded machine.
    const PIECE = 256 * 1024;
    let offset = 0;
    const pump = (): void => {
      if (answered) return;
      if (offset >= body.length) {
        req.end();
        return;
      }
      const more = req.write(body.subarray(offset, (offset += PIECE)));
      if (more) setImmediate(pump);
      else req.once("drain", pump);
    };
    pump();
  });
}

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
    // Next's own SIGTERM handler closes the server and exits 143 (128 + SIGTERM).
    expect(finished.code === 143 || finished.signal === "SIGTERM").toBe(true);
    await expect(fetch(url, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });

  it("with WEB_CONCURRENCY=2 serves from two processes and SIGTERM stops them all", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/api/scans`;
    const server = run(process.execPath, ["scripts/serve.mjs"], baseEnv({ NEXT_DIST_DIR: DIST, PORT: String(port), WEB_CONCURRENCY: "2", LOCKDOWN_DB: path.join(ROOT, DIST, "cluster.db") }));
    await waitForHttp(url, server.child);
    const workers = readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
    expect(workers).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(url).then((r) => r.status)));
    expect(answers.every((status) => status === 200)).toBe(true);

    await stop(server.child, server.done);
    for (const pid of workers) expect(() => process.kill(pid, 0), `worker ${pid} still running`).toThrow();
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

/** RFC 4180 cells of a CSV text (quoted cells may hold commas, quotes and line breaks). */
function csvCells(text: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else while (i < text.length && text[i] !== "," && text[i] !== "\r") cell += text[i++];
    cells.push(cell);
    if (text[i] === ",") i++;
    else if (text[i] === "\r") i += 2;
  }
  return cells;
}

describe("uploads and exports (local mode)", () => {
  let base = "";
  let server: ReturnType<typeof run>;
  const NET = "/subscriptions/00000000-0000-0000-0000-0000000000c5/resourceGroups/rg/providers/Microsoft.Network";

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = run(process.execPath, ["scripts/serve.mjs"], baseEnv({ NEXT_DIST_DIR: DIST, PORT: String(port), LOCKDOWN_DB: path.join(ROOT, DIST, "uploads.db") }));
    await waitForHttp(`${base}/api/scans`, server.child);
  }, 120_000);
  afterAll(async () => {
    if (server) await stop(server.child, server.done);
  });

  const post = (body: BodyInit, contentType?: string) =>
    fetch(`${base}/api/scans`, { method: "POST", body, headers: contentType ? { "content-type": contentType } : {} });

  it("anything malformed gets 400 with a one-line message, never a 500", async () => {
    const snapshotJunk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ value: [{ id: `${NET}/virtualNetworks/v`, type: "Microsoft.Network/virtualNetworks", properties: { subnets: [{ id: 1 }] } }] }));
    const body = fc.oneof(
      fc.string({ maxLength: 200 }).map((text) => ({ body: text, type: "application/json" })),
      fc.jsonValue({ maxDepth: 3 }).map((value) => ({ body: JSON.stringify(value), type: "application/json" })),
      fc.record({ snapshot: snapshotJunk, profile: fc.option(fc.jsonValue({ maxDepth: 2 })) }).map((value) => ({ body: JSON.stringify(value), type: "application/json" })),
      fc.string({ maxLength: 200 }).map((text) => ({ body: text, type: "multipart/form-data; boundary=xyz" })),
      fc.tuple(fc.string({ maxLength: 100 }), fc.constantFrom("snapshot", "profile", "other")).map(([text, field]) => {
        const form = new FormData();
        form.append(field, new Blob([text]), "upload.json");
        return { body: form, type: undefined };
      }),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ body: payload, type }) => {
        const response = await post(payload as BodyInit, type);
        expect([201, 400]).toContain(response.status);
        if (response.status === 400) {
          const answer = (await response.json()) as { error: unknown };
          expect(typeof answer.error).toBe("string");
          expect(answer.error as string).not.toMatch(/[\r\n]/);
        } else await response.body?.cancel();
      }),
      { numRuns: 60 },
    );
  });

  it("an upload larger than the proxy's default buffer (10 MB) still arrives whole", async () => {
    const nsgs = Array.from({ length: 12_000 }, (_, i) => ({
      id: `${NET}/networkSecurityGroups/nsg-${i}`,
      type: "Microsoft.Network/networkSecurityGroups",
      name: `nsg-${i}`,
      location: "westeurope",
      properties: { securityRules: [], description: "x".repeat(1_000) },
    }));
    // A VNet with a subnet beside them: a snapshot without subnets is refused (nothing to audit).
    const vnet = { id: `${NET}/virtualNetworks/big`, type: "Microsoft.Network/virtualNetworks", name: "big", location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ id: `${NET}/virtualNetworks/big/subnets/s`, name: "s", properties: { addressPrefix: "10.9.0.0/24" } }] } };
    const body = JSON.stringify({ snapshot: { value: [vnet, ...nsgs] } });
    expect(body.length).toBeGreaterThan(12 * 1024 * 1024);
    const response = await post(body, "application/json");
    expect(response.status, await response.clone().text()).toBe(201);
  });

  it("an upload over the limit is refused with 413 and says so", async () => {
    const response = await postReadingEarly(`${base}/api/scans`, Buffer.alloc(51 * 1024 * 1024, 32));
    expect(response.status).toBe(413);
    expect((JSON.parse(response.body) as { error: string }).error).toMatch(/larger than 50 MB/);
  });

  it("CSV exports neutralise formulas in names that came from the upload", async () => {
    const hostile = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(1)"];
    const vnetName = "=cmd";
    const value = [
      {
        id: `${NET}/virtualNetworks/${vnetName}`,
        name: vnetName,
        type: "Microsoft.Network/virtualNetworks",
        location: "westeurope",
        properties: {
          addressSpace: { addressPrefixes: ["10.7.0.0/16"] },
          subnets: hostile.map((name, i) => ({ id: `${NET}/virtualNetworks/${vnetName}/subnets/${encodeURIComponent(name)}`, name, properties: { addressPrefix: `10.7.${i}.0/24` } })),
        },
      },
    ];
    const created = await post(JSON.stringify({ snapshot: value }), "application/json");
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const csv = await (await fetch(`${base}/api/scans/${id}/report?format=csv`)).text();
    const cells = csvCells(csv);
    expect(cells.length).toBeGreaterThan(10);
    for (const cell of cells) expect(cell, `cell ${JSON.stringify(cell)}`).not.toMatch(/^[=+\-@\t\r]/);
    for (const name of hostile) expect(cells).toContain(`'${name}`);
  });
});
