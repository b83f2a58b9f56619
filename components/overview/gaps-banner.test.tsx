// @vitest-environment happy-dom
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { pathSampleReport, sampleReport } from "@/lib/report/__fixtures__/sample-report";
import { GapsBanner } from "./gaps-banner";
import { RolesPrompt, hasNoRoles } from "./roles-prompt";

function render(node: React.ReactElement): Document {
  return new DOMParser().parseFromString(`<body>${renderToStaticMarkup(node)}</body>`, "text/html");
}

describe("GapsBanner", () => {
  it("lists unresolved references with their hint as code, and the ignored types, in a collapsible banner", () => {
    const doc = render(<GapsBanner gaps={pathSampleReport().gaps} />);
    const banner = doc.querySelector('[data-testid="gaps-banner"]')!;
    expect(banner.tagName).toBe("DETAILS");
    expect(banner.querySelector("summary")?.textContent).toContain("1 reference to resources the input does not hold · 3 resources of 1 type ignored");
    const item = banner.querySelector('[data-testid="gaps-unresolved"] li')!;
    expect(item.textContent).toContain("compute refers to networkSecurityGroup nsg-missing — add az network nsg list");
    expect(item.querySelector("code")?.textContent).toBe("az network nsg list");
    expect(banner.querySelector('[data-testid="gaps-ignored"]')?.textContent).toContain("Microsoft.Compute/virtualMachines × 3");
  });

  it("is absent when the report saw everything", () => {
    expect(renderToStaticMarkup(<GapsBanner gaps={{ ignoredTypes: [], unresolved: [] }} />)).toBe("");
    expect(renderToStaticMarkup(<GapsBanner gaps={undefined} />)).toBe("");
  });
});

describe("RolesPrompt", () => {
  it("opens a scan without roles with a link to the role editor", () => {
    const report = sampleReport();
    for (const s of report.subnets) s.role = null;
    expect(hasNoRoles(report)).toBe(true);
    const doc = render(<RolesPrompt report={report} scanId="s1" />);
    const link = doc.querySelector('[data-testid="roles-prompt-editor"]')!;
    expect(link.getAttribute("href")).toBe("/scans/s1/subnets/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hpc/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/cyclecloud#role-editor");
    // On an older scan, roles are edited on the latest: no editor link into the old scan.
    expect(render(<RolesPrompt report={report} scanId="s1" latestScanId="s2" />).querySelector('[data-testid="roles-prompt-editor"]')).toBeNull();
  });

  it("stays away once any subnet has a role", () => {
    expect(renderToStaticMarkup(<RolesPrompt report={sampleReport()} scanId="s1" />)).toBe("");
  });
});
