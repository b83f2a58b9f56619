// The HTTP API of CONTRACT §5, as a script uses it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { demoScans } from "./support/app";

const estate = (f: string) => JSON.parse(readFileSync(path.join(__dirname, "fixtures", "estate", f), "utf8"));

test("POST /api/scans stores a scan from any snapshot shape and answers 201 { id, url }", async ({ request }) => {
  const snapshot = { resources: [...estate("vnets.json").value, ...estate("nsgs.json"), ...estate("network.json").value], capturedAt: "2025-11-20T09:00:00Z" };
  const res = await request.post("/api/scans", { data: { snapshot, profile: estate("profile.json") } });
  expect(res.status()).toBe(201);
  const body = await res.json();
  expect(body.id).toMatch(/^[a-z0-9]+$/);
  expect(body.url).toBe(`/scans/${body.id}`);
  const page = await request.get(body.url);
  expect(page.status()).toBe(200);
  const report = await (await request.get(`/api/scans/${body.id}/report?format=json`)).json();
  expect(report.capturedAt).toBe("2025-11-20T09:00:00Z");
  expect(report.subnets.some((s: { role: string | null }) => s.role === "cyclecloud")).toBe(true);
});

test("bad input answers 400 with one line naming the file and field, never 500", async ({ request }) => {
  const cases: [unknown, RegExp][] = [
    [{}, /snapshot/],
    [{ snapshot: [{ type: "Microsoft.Network/networkSecurityGroups", id: 42 }] }, /^snapshot: \[0\]/],
    [{ snapshot: estate("vnets.json"), profile: { roles: { cyclecloud: ["vnet-hub/nope"] } } }, /^profile: roles\.cyclecloud\[0\]: no subnet matches/],
  ];
  for (const [data, message] of cases) {
    const res = await request.post("/api/scans", { data });
    expect(res.status(), JSON.stringify(data)).toBe(400);
    const body = await res.json();
    expect(body.error).toMatch(message);
    expect(body.error).not.toMatch(/\n|at .*\.ts/);
  }
  const broken = await request.post("/api/scans", { data: Buffer.from('{"snapshot": ['), headers: { "content-type": "application/json" } });
  expect(broken.status()).toBe(400);
  expect((await broken.json()).error).toMatch(/^request body: line 1, column \d+/);
});

test("GET /api/scans/<id>/report names its file and refuses unknown formats", async ({ request }) => {
  const { current } = await demoScans(request);
  for (const [format, type] of [
    ["json", "application/json"],
    ["csv", "text/csv"],
    ["sarif", "application/sarif+json"],
    ["md", "text/markdown"],
    ["pdf", "application/pdf"],
  ]) {
    const res = await request.get(`/api/scans/${current.id}/report?format=${format}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain(type);
    expect(res.headers()["content-disposition"]).toBe(`attachment; filename="lockdown-${current.id}.${format}"`);
  }
  const bad = await request.get(`/api/scans/${current.id}/report?format=xlsx`);
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/format/);
  const missing = await request.get(`/api/scans/nope/report?format=json`);
  expect(missing.status()).toBe(404);
});

test("filters apply to the report API as they do to the table", async ({ request }) => {
  const { current } = await demoScans(request);
  const report = await (await request.get(`/api/scans/${current.id}/report?format=json&status=unscoped`)).json();
  expect(report.summary.subnets).toBe(current.summary.unscoped);
  expect(report.subnets.every((s: { status: string }) => s.status === "unscoped")).toBe(true);
});
