// Exports whose filters match no subnet, and filter values that are themselves wrong (README "HTTP API").
// The contract says nothing of an empty selection, so it is a 200 in the asked format, still valid for the tool
// that reads it: the CSV keeps its header row, SARIF one run with no results, JSON an empty subnets list. A value
// no subnet could ever match because it is no rule id of CONTRACT §4 (`rule=CC-EGRESS-STORAG`) is a typo, not an
// empty selection: 400 naming the parameter, as `status=bogus` already is.
import { beforeAll, describe, expect, it } from "vitest";
import { PROFILE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";
import { tempStoreForFile } from "../helpers/temp-store";

const temp = tempStoreForFile("export-filters");
let scanId: string;

type Handler = (request: Request, context: { params: Promise<{ scanId: string }> }) => Promise<Response>;
let report: Handler;
let fixes: Handler;

beforeAll(async () => {
  scanId = (await temp.store.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: false })], profile: PROFILE, estate: "lab" })).id;
  report = (await import("@/app/api/scans/[scanId]/report/route")).GET as Handler;
  fixes = (await import("@/app/api/scans/[scanId]/fixes/route")).GET as Handler;
}, 120_000);

const get = (handler: Handler, route: string, query: string) =>
  handler(new Request(`http://localhost/api/scans/${scanId}/${route}?${query}`), { params: Promise.resolve({ scanId }) });

// Filters of known values that no subnet of the fixture meets.
const NOTHING = "vnet=vnet-elsewhere";

describe("an export whose filters match nothing", () => {
  it("JSON: 200 with an empty subnets list", async () => {
    const res = await get(report, "report", `format=json&${NOTHING}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { subnets: unknown[] };
    expect(body.subnets).toEqual([]);
  });

  it("CSV: 200 with the same header row as the full export, and no other row", async () => {
    const full = await (await get(report, "report", "format=csv")).text();
    const res = await get(report, "report", `format=csv&${NOTHING}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const header = full.replace(/^\ufeff/, "").split(/\r?\n/)[0];
    expect(header).toMatch(/rule/i);
    const lines = (await res.text()).replace(/^\ufeff/, "").split(/\r?\n/).filter(Boolean);
    expect(lines).toEqual([header]);
  });

  it("SARIF: 200 with one run of the tool and no results", async () => {
    const res = await get(report, "report", `format=sarif&${NOTHING}`);
    expect(res.status).toBe(200);
    const sarif = (await res.json()) as { version: string; $schema: string; runs: { tool: { driver: { name: string } }; results: unknown[] }[] };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toMatch(/sarif/);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].tool.driver.name).toBeTruthy();
    expect(sarif.runs[0].results).toEqual([]);
  });

  it("Markdown: 200 with the report's heading and the filter it applied", async () => {
    const res = await get(report, "report", `format=md&${NOTHING}`);
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toMatch(/^# /m);
    expect(md).toContain("vnet-elsewhere");
  });

  it("fix bundles: 200 in every format; the scripts keep their header and run no command", async () => {
    const text = async (format: string) => {
      const res = await get(fixes, "fixes", `format=${format}&${NOTHING}`);
      expect(res.status, format).toBe(200);
      return res.text();
    };
    const sh = await text("sh");
    expect(sh.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(sh).toContain("set -euo pipefail");
    expect(sh).not.toMatch(/^az /m);
    const ps1 = await text("ps1");
    expect(ps1).toContain("$ErrorActionPreference = 'Stop'");
    expect(ps1).not.toMatch(/^az /m);
    // An empty Bicep or Terraform file is a valid one that declares nothing (as when no fix has such a form).
    expect((await text("bicep")).trim()).toBe("");
    expect((await text("tf")).trim()).toBe("");
  });
});

describe("a filter value that is itself wrong", () => {
  it("an unknown rule id is a 400 naming `rule`, on the report and the fix bundle", async () => {
    for (const [handler, route] of [
      [report, "report"],
      [fixes, "fixes"],
    ] as const) {
      for (const query of ["rule=CC-EGRESS-STORAG", "rule=CC-EGRESS-STORAGE,nope", "rule=cc-egress-storage"]) {
        const res = await get(handler, route, query);
        expect(res.status, `${route}?${query}`).toBe(400);
        expect(await res.json()).toMatchObject({ file: "query", path: "rule", error: expect.stringMatching(/^query: rule: expected a rule id .*CC-EGRESS-STORAGE.*got "/) });
      }
    }
  });

  it("a known rule id still filters (200), also when no subnet fails it", async () => {
    const res = await get(report, "report", "format=json&rule=CC-EGRESS-STORAGE");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { subnets: { findings: { rule: string; status: string }[] }[] };
    expect(body.subnets.length).toBeGreaterThan(0);
    for (const s of body.subnets) expect(s.findings.some((f) => f.rule === "CC-EGRESS-STORAGE" && f.status !== "pass")).toBe(true);
    expect((await get(report, "report", "format=json&rule=RP-SSH")).status).toBe(200);
  });

  it("an unknown format is a 400 naming `format` as file `query`, path `format`", async () => {
    for (const [handler, route] of [
      [report, "report"],
      [fixes, "fixes"],
    ] as const) {
      const res = await get(handler, route, "format=zip");
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ file: "query", path: "format", error: expect.stringMatching(/^format: expected one of .*got "zip"$/) });
    }
  });
});
