import { describe, expect, it } from "vitest";
import { findingTimeline, type HistoryEntry } from "./history";

const entries = (statuses: (HistoryEntry["status"])[]): HistoryEntry[] =>
  statuses.map((status, i) => ({ scanId: `s${i + 1}`, seq: i + 1, createdAt: "", label: "", status, findingId: status ? "f" : null }));

describe("findingTimeline", () => {
  it("is empty for a finding no scan had", () => {
    expect(findingTimeline(entries([null, null]))).toEqual({});
  });

  it("skips scans without the finding instead of breaking the run", () => {
    const t = findingTimeline(entries(["pass", "fail", null, "fail"]));
    expect(t.failingSince?.scanId).toBe("s2");
    expect(t.openSince?.scanId).toBe("s2");
    expect(t.latest?.scanId).toBe("s4");
  });

  it("separates failing from open: a warn run started before the failures", () => {
    const t = findingTimeline(entries(["warn", "fail", "fail"]));
    expect(t.openSince?.scanId).toBe("s1");
    expect(t.failingSince?.scanId).toBe("s2");
  });

  it("a warning after failures: warning since the first warn of the run, open since the failures began (review: it said 'warning since' a failing scan)", () => {
    const t = findingTimeline(entries(["warn", "fail", "warn", "warn"]));
    expect(t.warningSince?.scanId).toBe("s3");
    expect(t.openSince?.scanId).toBe("s1");
    expect(t.failingSince).toBeUndefined();
  });

  it("names the scan that fixed it and the last one where it was open", () => {
    const t = findingTimeline(entries(["fail", "warn", "pass", "pass"]));
    expect(t.fixedIn?.scanId).toBe("s3");
    expect(t.lastOpen?.scanId).toBe("s2");
    expect(t.failingSince).toBeUndefined();
    expect(findingTimeline(entries(["pass", "pass"])).fixedIn).toBeUndefined();
  });
});
