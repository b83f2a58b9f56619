import { describe, expect, it } from "vitest";
import { applyFilters, describeFilters, filterReport, filtersToQuery, parseReportFilters } from "./filter";
import { PATH_DEPLOYMENT, pathSampleReport } from "./__fixtures__/sample-report";

describe("the deployment filter", () => {
  const report = pathSampleReport();

  it("round-trips through the URL like the other filters", () => {
    const f = parseReportFilters(new URLSearchParams(`deployment=${PATH_DEPLOYMENT},none&status=fail`));
    expect(f).toEqual({ deployment: [PATH_DEPLOYMENT, "none"], status: ["fail"] });
    expect(parseReportFilters(new URLSearchParams(filtersToQuery(f)))).toEqual(f);
  });

  it("keeps the subnets of the deployment; `none` keeps those in no deployment", () => {
    expect(applyFilters(report.subnets, { deployment: [PATH_DEPLOYMENT] }).map((s) => s.name).sort()).toEqual(["compute", "cyclecloud", "proxy"]);
    expect(applyFilters(report.subnets, { deployment: ["none"] }).map((s) => s.name)).toEqual(['=HYPERLINK("x")']);
    expect(applyFilters(report.subnets, { deployment: ["dev"] })).toEqual([]);
  });

  it("applies to exports (the filtered report) and describes itself", () => {
    const filtered = filterReport(report, { deployment: ["none"] });
    expect(filtered.summary).toEqual({ subnets: 1, pass: 0, warn: 0, fail: 0, unscoped: 1 });
    expect(describeFilters({ deployment: [PATH_DEPLOYMENT] })).toBe(`deployment ${PATH_DEPLOYMENT}`);
  });
});
