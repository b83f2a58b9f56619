import { describe, expect, it } from "vitest";
import { diffReports } from "./diff";
import type { Report } from "./types";
import { CC_SUBNET, sampleReport } from "./__fixtures__/sample-report";

function withStatus(report: Report, rule: string, status: "pass" | "warn" | "fail" | "info"): Report {
  const copy: Report = structuredClone(report);
  for (const s of copy.subnets) for (const f of s.findings) if (f.rule === rule) f.status = status;
  return copy;
}

describe("diffReports", () => {
  const older = sampleReport("/scans/a");

  it("finds nothing between a report and itself, apart from what stays open", () => {
    const d = diffReports(older, older);
    expect(d.newFailures).toEqual([]);
    expect(d.fixed).toEqual([]);
    expect(d.stillOpen).toBe(2);
  });

  it("lists new failures, new warnings and fixes with the newer scan's links", () => {
    let newer = withStatus(sampleReport("/scans/b"), "CC-EGRESS-STORAGE", "pass");
    newer = withStatus(newer, "CC-EGRESS-AAD", "fail");
    newer = withStatus(newer, "RP-SSH", "warn");
    const d = diffReports(older, newer);
    expect(d.fixed.map((c) => [c.rule, c.from, c.to])).toEqual([["CC-EGRESS-STORAGE", "fail", "pass"]]);
    expect(d.newFailures.map((c) => [c.rule, c.from, c.to])).toEqual([["CC-EGRESS-AAD", "pass", "fail"]]);
    expect(d.newFailures[0].link).toBe("/scans/b/findings/f-cc-aad");
    expect(d.newWarnings.map((c) => c.rule)).toEqual(["RP-SSH"]);
  });

  it("matches subnets case-insensitively and reports added and removed subnets", () => {
    const newer = sampleReport("/scans/b");
    newer.subnets[0].id = CC_SUBNET.toUpperCase();
    newer.subnets.pop();
    const d = diffReports(older, newer);
    expect(d.newFailures).toEqual([]);
    expect(d.subnetsRemoved).toHaveLength(1);
    expect(d.subnetsAdded).toEqual([]);
  });
});
