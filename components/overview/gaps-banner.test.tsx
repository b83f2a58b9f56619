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

  it("a list Azure computes (a NIC's effective route table) is said to be lacking, not referred to, and the headline does not claim its flows are held back", () => {
    const gap = { from: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub", kind: "effectiveRouteTable", ref: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-hub/effectiveRoutes", hint: "add the effective route table of a running VM's NIC in vnet-hub" };
    const only = render(<GapsBanner gaps={{ ignoredTypes: [], unresolved: [gap] }} />);
    expect(only.querySelector('[data-testid="gaps-unresolved"] li')?.textContent).toBe("vnet-hub lacks a NIC's effective route table — add the effective route table of a running VM's NIC in vnet-hub");
    expect(only.querySelector("summary")?.textContent).not.toContain("never passed");
    expect(only.querySelector("summary")?.textContent).toContain("1 list Azure computes not in the input");
    expect(only.querySelector("summary")?.textContent).not.toContain("reference");
    expect(only.querySelector("summary")?.textContent).toContain("its line says how the audit went on without it");
    const both = render(<GapsBanner gaps={{ ignoredTypes: [], unresolved: [gap, ...pathSampleReport().gaps!.unresolved] }} />);
    expect(both.querySelector("summary")?.textContent).toContain("Flows through a missing resource are not judged (warn), never passed. Where a list Azure computes is missing");
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
