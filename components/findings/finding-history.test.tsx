// @vitest-environment happy-dom
// The timeline sentence names the scan where the latest status began; a warning after failures is "warning since"
// its own first warn, and open since the failures began (review: it said "Warning since" a scan that failed).
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type HistoryEntry, findingTimeline } from "@/lib/store/history";
import { TimelineSentence } from "./finding-history";

const entries = (statuses: HistoryEntry["status"][]): HistoryEntry[] =>
  statuses.map((status, i) => ({ scanId: `s${i + 1}`, seq: 80 + i + 1, createdAt: "2026-11-30T00:00:00Z", label: "", status, findingId: status ? `f${i + 1}` : null }));
const sentence = (statuses: HistoryEntry["status"][]) =>
  new DOMParser().parseFromString(`<body>${renderToStaticMarkup(<TimelineSentence timeline={findingTimeline(entries(statuses))} />)}</body>`, "text/html").body.textContent?.replace(/\s*\([^)]*\)/g, "");

describe("TimelineSentence", () => {
  it("warn, fail, warn: warning since the third scan, failing or warning since the first", () => {
    expect(sentence(["warn", "fail", "warn"])).toBe("Warning since scan #83; failing or warning since scan #81.");
  });

  it("fail after a warning run: failing since its first fail, failing or warning since the first warn", () => {
    expect(sentence(["pass", "warn", "fail", "fail"])).toBe("Failing since scan #83; failing or warning since scan #82.");
  });

  it("one status all along: its run alone", () => {
    expect(sentence(["pass", "warn", "warn"])).toBe("Warning since scan #82.");
  });
});
