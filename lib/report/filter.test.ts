import { describe, expect, it } from "vitest";
import { describeFilters, filterReport, filtersToQuery, parseReportFilters } from "./filter";
import { sampleReport } from "./__fixtures__/sample-report";

describe("parseReportFilters", () => {
  it("reads lists, search and sort from a query and drops unknown values", () => {
    const f = parseReportFilters(new URLSearchParams("q= hub &status=fail,bogus,warn&role=none&sort=name&dir=desc&vnet=vnet-hub"));
    expect(f).toEqual({ q: "hub", status: ["fail", "warn"], role: ["none"], sort: "name", dir: "desc", vnet: ["vnet-hub"] });
    expect(parseReportFilters({ status: ["fail", "pass"], sort: "nonsense" })).toEqual({ status: ["fail", "pass"] });
  });

  it("round-trips through the query string", () => {
    const f = { q: "compute", status: ["warn" as const], rule: ["NODE-EGRESS-AMQP"], sort: "vnet" as const, dir: "asc" as const };
    expect(parseReportFilters(new URLSearchParams(filtersToQuery(f)))).toEqual(f);
  });
});

describe("filterReport", () => {
  const report = sampleReport();

  it("returns the report untouched without filters", () => {
    expect(filterReport(report, {})).toBe(report);
  });

  it("keeps the subnets that match every filter and recounts the summary", () => {
    const out = filterReport(report, { status: ["fail", "warn"] });
    expect(out.subnets.map((s) => s.name)).toEqual(["cyclecloud", "compute"]);
    expect(out.summary).toEqual({ subnets: 2, pass: 0, warn: 1, fail: 1, unscoped: 0 });
    expect(filterReport(report, { role: ["none"] }).subnets.map((s) => s.status)).toEqual(["unscoped"]);
    expect(filterReport(report, { rule: ["NODE-EGRESS-AMQP"] }).subnets.map((s) => s.name)).toEqual(["compute"]);
    expect(filterReport(report, { vnet: ["VNET-SPOKE"] }).subnets).toHaveLength(1);
  });

  it("searches names, VNets and failing rules, every word having to match", () => {
    expect(filterReport(report, { q: "hub" }).subnets).toHaveLength(3);
    expect(filterReport(report, { q: "hub storage" }).subnets.map((s) => s.name)).toEqual(["cyclecloud"]);
    expect(filterReport(report, { q: "nothing-like-this" }).subnets).toHaveLength(0);
  });

  it("sorts as asked", () => {
    expect(filterReport(report, { sort: "name" }).subnets.map((s) => s.name)).toEqual(["=HYPERLINK(\"x\")", "compute", "cyclecloud", "proxy"]);
    expect(filterReport(report, { sort: "status", dir: "desc" }).subnets.map((s) => s.status)).toEqual(["unscoped", "pass", "warn", "fail"]);
  });

  it("describes itself in one line", () => {
    expect(describeFilters({ status: ["fail"], q: "hub" })).toBe('status fail; search "hub"');
    expect(describeFilters({ sort: "name" })).toBeUndefined();
  });
});
