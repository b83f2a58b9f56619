// The HTML cache of the built app (scripts/html-cache.mjs in front of Next, issue 12): a scan's page served again
// carries a fresh CSP nonce that matches its header and runs in a browser; an exemption, a deletion and a role edit
// each make the next answer a new render that shows it; a foreign Host still meets proxy.ts. This spec starts its own
// server (the same build, port E2E_PORT + 1) over its own copy of the demo estate, as its writes change what it shows.
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type OwnServer, startOwnServer } from "./support/own-server";

const port = Number(process.env.E2E_PORT ?? 3100) + 1;
const base = `http://127.0.0.1:${port}`;
const db = path.join(tmpdir(), `lockdown-e2e-html-cache-${port}.db`);

let server: OwnServer | undefined;

interface Answer {
  status: number;
  /** x-lockdown-cache: hit or miss. */
  cache: string | undefined;
  /** The nonce of the CSP header ('' when none). */
  nonce: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET with exactly these headers (node:http, so a test can send another Host). */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: pathname, headers: { host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const csp = String(res.headers["content-security-policy"] ?? "");
        const nonces = new Set([...csp.matchAll(/'nonce-([^']+)'/g)].map((m) => m[1]));
        expect(nonces.size).toBeLessThanOrEqual(1);
        resolve({ status: res.statusCode ?? 0, cache: res.headers["x-lockdown-cache"] as string | undefined, nonce: [...nonces][0] ?? "", body: Buffer.concat(chunks).toString("utf8"), headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** Every nonce attribute of the page's tags. */
const nonceAttributes = (html: string) => [...html.matchAll(/\snonce="([^"]+)"/g)].map((m) => m[1]);

async function api(method: string, pathname: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${pathname}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

interface ReportJson {
  subnets: { id: string; name: string; findings: { id: string; status: string; link: string }[] }[];
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  server = await startOwnServer({ name: "html-cache", port, db, env: { LOG_REQUESTS: "0" } });
});

test.afterAll(() => server?.stop());

async function latest(): Promise<{ id: string; seq: number; report: ReportJson }> {
  const scans = (await (await api("GET", "/api/scans")).json()) as { id: string; seq: number }[] | { scans: { id: string; seq: number }[] };
  const list = Array.isArray(scans) ? scans : scans.scans;
  const scan = list[0];
  return { ...scan, report: (await (await api("GET", `/api/scans/${scan.id}/report?format=json`)).json()) as ReportJson };
}

/** Requests `pathname` until it is a hit (the first may be, if an earlier test rendered it). */
async function cached(pathname: string): Promise<Answer> {
  await get(pathname);
  const answer = await get(pathname);
  expect(answer.cache, pathname).toBe("hit");
  return answer;
}

test("a cached page comes with a fresh nonce in its CSP header and on every script, and runs in the browser", async ({ page }) => {
  const { report } = await latest();
  const failing = report.subnets.flatMap((s) => s.findings).find((f) => f.status === "fail")!;
  const first = await get(failing.link);
  const second = await get(failing.link);
  expect(second.cache).toBe("hit");
  for (const answer of [first, second]) {
    expect(answer.status).toBe(200);
    expect(answer.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const attributes = nonceAttributes(answer.body);
    expect(attributes.length).toBeGreaterThan(3);
    expect(new Set(attributes)).toEqual(new Set([answer.nonce]));
    expect(answer.headers["x-lockdown-html-cache"]).toBeUndefined();
    expect(answer.headers["x-request-id"]).toBeTruthy();
  }
  expect(second.nonce).not.toBe(first.nonce);
  expect(second.body).not.toContain(first.nonce);
  expect(second.body.replaceAll(second.nonce, "N")).toBe(first.body.replaceAll(first.nonce, "N"));

  // In Chromium: no CSP violation, and the page hydrates (the client-side "Accept this risk" button opens its form).
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  // The browser's own first visit renders (its User-Agent is part of the key); the second is served from the cache.
  await page.goto(`${base}${failing.link}`);
  const response = await page.goto(`${base}${failing.link}`);
  expect(response?.headers()["x-lockdown-cache"]).toBe("hit");
  await page.getByTestId("accept-risk").click();
  await expect(page.getByTestId("accept-risk-form")).toBeVisible();
  expect(violations).toEqual([]);
});

test("an exemption makes the finding's cached page and the scan's pages render again, showing it", async () => {
  const { id, report } = await latest();
  const failing = report.subnets.flatMap((s) => s.findings).find((f) => f.status === "fail")!;
  const before = await cached(failing.link);
  expect(before.body).not.toContain("data-testid=\"exemption-reason\"");
  const subnetsBefore = await cached(`/scans/${id}/subnets`);
  const added = await api("POST", "/api/estates/default/exemptions", { finding: failing.id, reason: "cached pages must show this", owner: "e2e", expires: "2999-12-31" });
  expect(added.status).toBe(201);
  const after = await get(failing.link);
  expect(after.cache).toBe("miss");
  expect(after.body).toContain("cached pages must show this");
  // The subnets table's rows (a view the app also caches per report) show the exempt status too.
  const subnets = await get(`/scans/${id}/subnets`);
  expect(subnets.cache).toBe("miss");
  expect(subnets.body.replaceAll(subnets.nonce, "N")).not.toBe(subnetsBefore.body.replaceAll(subnetsBefore.nonce, "N"));
});

test("a role edit (a new scan) makes the overview render again, showing the new scan", async () => {
  const { seq, report } = await latest();
  const overview = await cached("/");
  // React separates adjacent text with an empty comment: "Scan #<!-- -->2".
  const scanNumber = (n: number) => new RegExp(`Scan #(?:<!-- -->)?${n}\\b`);
  expect(overview.body).toMatch(scanNumber(seq));
  const subnet = report.subnets.find((s) => s.findings.every((f) => f.status !== "fail")) ?? report.subnets[0];
  const edited = await api("POST", "/api/roles", { subnetId: subnet.id, role: "none" });
  expect(edited.ok).toBe(true);
  const after = await get("/");
  expect(after.cache).toBe("miss");
  expect(after.body).toMatch(scanNumber(seq + 1));
});

test("a deleted scan's cached pages answer 404, and a foreign Host still meets the proxy", async () => {
  const scans = (await (await api("GET", "/api/scans")).json()) as { id: string }[] | { scans: { id: string }[] };
  const oldest = (Array.isArray(scans) ? scans : scans.scans).at(-1)!;
  await cached(`/scans/${oldest.id}`);
  expect((await api("DELETE", `/api/scans/${oldest.id}`)).status).toBe(204);
  expect((await get(`/scans/${oldest.id}`)).status).toBe(404);

  await cached("/");
  const foreign = await get("/", { host: `evil.example:${port}` });
  expect(foreign.status).toBe(421);
  expect(foreign.cache).not.toBe("hit");
});
