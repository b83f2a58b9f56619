import { describe, expect, it } from "vitest";
import { applyFilters, describeFilters, filterReport, filtersToQuery, parseReportFilters } from "./filter";
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

  it("shows subnets worst first by default: fail, warn, pass, unscoped, then by name", () => {
    const shuffled = { ...report, subnets: [...report.subnets].reverse() };
    expect(filterReport(shuffled, { q: "vnet" }).subnets.map((s) => s.status)).toEqual(["fail", "warn", "pass", "unscoped"]);
    const twoPass = [
      { id: "/b", name: "snet-b", vnet: "vnet-a", role: "cluster" as const, status: "pass" as const, findings: [] },
      { id: "/a", name: "snet-a", vnet: "vnet-z", role: "cluster" as const, status: "pass" as const, findings: [] },
      { id: "/c", name: "snet-c", vnet: "vnet-a", role: "cluster" as const, status: "warn" as const, findings: [] },
    ];
    expect(applyFilters(twoPass, {}).map((s) => s.name)).toEqual(["snet-c", "snet-a", "snet-b"]);
  });

  it("keeps the exempt count when the report has one", () => {
    const exempted = sampleReport();
    Object.assign(exempted.subnets[1].findings[0], { status: "exempt", verdict: "warn" });
    exempted.summary.exempt = 1;
    expect(filterReport(exempted, { role: ["cluster"] }).summary).toEqual({ subnets: 1, pass: 0, warn: 1, fail: 0, unscoped: 0, exempt: 1 });
    expect(filterReport(report, { role: ["cluster"] }).summary.exempt).toBeUndefined();
  });

  it("describes itself in one line", () => {
    expect(describeFilters({ status: ["fail"], q: "hub" })).toBe('status fail; search "hub"');
    expect(describeFilters({ sort: "name" })).toBeUndefined();
  });
});
