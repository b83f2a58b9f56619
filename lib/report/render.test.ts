import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, isReportFormat, renderReport, reportFileName } from "./render";
import { sampleReport } from "./__fixtures__/sample-report";

describe("renderReport", () => {
  it("gives every format a body, a content type and a file name with the right extension", async () => {
    for (const format of REPORT_FORMATS) {
      const out = await renderReport(sampleReport(), format, { scanId: "s1" });
      expect(out.fileName).toBe(`lockdown-s1.${format}`);
      expect(out.body.length).toBeGreaterThan(100);
      expect(out.contentType).toMatch(format === "pdf" ? /^application\/pdf/ : /charset=utf-8$/);
    }
    const json = await renderReport(sampleReport(), "json");
    expect(JSON.parse(json.body as string).summary).toEqual(sampleReport().summary);
  });

  it("names filtered exports apart and keeps file names header-safe", () => {
    expect(reportFileName("csv", { scanId: "s1", filters: "status fail" })).toBe("lockdown-s1-filtered.csv");
    expect(reportFileName("md", { scanId: 'a"b/c' })).toBe("lockdown-a-b-c.md");
    expect(reportFileName("json", {}, "2025-11-20T10:00:00.000Z")).toBe("lockdown-2025-11-20-10-00-00.json");
  });

  it("knows its formats", () => {
    expect(isReportFormat("sarif")).toBe(true);
    expect(isReportFormat("xlsx")).toBe(false);
  });
});
