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
    const section = [...doc.querySelectorAll("section")].find((el) => el.firstElementChild?.textContent === "Fix");
    expect(section?.querySelector('[data-testid="no-fix-reason"]')?.textContent).toBe(`No fix offered. ${reason}`);
  });

  it("steps heading levels down one at a time under the card's title, or under the page's heading without one", () => {
    const levels = (html: string) => [...dom(html).querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => `${h.tagName.toLowerCase()} ${h.textContent?.replace(/^\d+/, "")}`);
    const withPath: Finding = { ...base, evidence: [{ stage: "route", routeTable: null, route: "Default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet", source: "Default" }, { stage: "outbound", method: "none", subnet: "snet" } as never] };
    expect(levels(renderToStaticMarkup(<FindingCard finding={withPath} />))).toEqual(["h3 Cluster nodes can reach Azure Storage (TCP 443)", "h4 Evidence", "h5 Route", "h5 Outbound connectivity"]);
    expect(levels(renderToStaticMarkup(<FindingCard finding={withPath} headingLevel="h2" showTitle={false} />))).toEqual(["h2 Evidence", "h3 Route", "h3 Outbound connectivity"]);
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
