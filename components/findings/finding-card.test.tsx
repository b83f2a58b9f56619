// @vitest-environment happy-dom
// Where a finding that needs work has no fix, its card says why where the fix would be (the finding and subnet pages
// both draw FindingCard); and the always-latest link keeps the estate of the scan it is shown on.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Finding } from "@/lib/report/types";
import type { FindingTimeline, HistoryEntry } from "@/lib/store";
import { latestFindingHref } from "../links";
import { FindingCard } from "./finding-card";
import { LatestPanel } from "./finding-history";

const dom = (html: string) => new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");

const reason = "Storage account stlocker01 refuses it: its public network access is disabled; its owners decide.";
const base: Finding = { rule: "NODE-EGRESS-STORAGE", status: "fail", title: "Cluster nodes can reach Azure Storage (TCP 443)", detail: "blocked", evidence: [], fixes: [], link: "/scans/s1/findings/f1", id: "f1" };

describe("FindingCard", () => {
  it.each([false, true])("shows noFixReason where the fix would be (collapsed: %s)", (collapsed) => {
    const doc = dom(renderToStaticMarkup(<FindingCard finding={{ ...base, noFixReason: reason }} collapsed={collapsed} />));
    const section = doc.querySelector('section[aria-label="Fix"]');
    expect(section?.querySelector('[data-testid="no-fix-reason"]')?.textContent).toBe(`No fix offered: ${reason}`);
  });

  it("says nothing of a reason when there are fixes, or no reason", () => {
    const withFix = dom(renderToStaticMarkup(<FindingCard finding={{ ...base, noFixReason: reason, fixes: [{ kind: "az-cli", text: "az network nsg rule create" }] }} />));
    expect(withFix.querySelector('[data-testid="no-fix-reason"]')).toBeNull();
    expect(dom(renderToStaticMarkup(<FindingCard finding={base} />)).querySelector('[data-testid="no-fix-reason"]')).toBeNull();
  });
});

describe("always-latest link", () => {
  it("carries the estate, encoded, and none without one", () => {
    expect(latestFindingHref("abc", "e2e lab.1")).toBe("/findings/abc?estate=e2e%20lab.1");
    expect(latestFindingHref("abc")).toBe("/findings/abc");
  });

  it("on the Latest panel keeps the estate of the scan shown", () => {
    const entry: HistoryEntry = { scanId: "s1", seq: 4, createdAt: "2026-01-01T00:00:00.000Z", label: "", status: "fail", findingId: "f1" };
    const timeline = { latest: entry, failingSince: entry } as FindingTimeline;
    const doc = dom(renderToStaticMarkup(<LatestPanel timeline={timeline} history={[entry]} findingId="f1" estate="prod-weu" currentScanId="s1" />));
    expect(doc.querySelector('[data-testid="always-latest-link"]')?.getAttribute("href")).toBe("/findings/f1?estate=prod-weu");
  });
});
