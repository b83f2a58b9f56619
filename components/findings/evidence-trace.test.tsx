// @vitest-environment happy-dom
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Evidence } from "@/lib/report/types";
import { pathSampleReport } from "@/lib/report/__fixtures__/sample-report";
import { EvidenceTrace, evidenceSegments } from "./evidence-trace";

/** The rendered trace as a DOM, so tests read cells and attributes instead of matching markup. */
function render(evidence: Evidence[]): Document {
  const html = renderToStaticMarkup(<EvidenceTrace evidence={evidence} />);
  return new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
}

function stages(doc: Document): string[] {
  return [...doc.querySelectorAll('[data-testid="evidence-stage"]')].map((el) => el.getAttribute("data-stage") ?? "");
}

function cells(el: Element): string[] {
  return [...el.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? "");
}

const report = pathSampleReport();
const arm = report.subnets[0].findings.find((f) => f.rule === "CC-EGRESS-ARM")!;
const storage = report.subnets[1].findings.find((f) => f.rule === "NODE-EGRESS-STORAGE")!;

describe("EvidenceTrace", () => {
  it("names every scroll region uniquely on a page of several traces (axe landmark-unique: review of the subnet page)", () => {
    const html = [arm, storage].map((f) => renderToStaticMarkup(<EvidenceTrace evidence={[...f.evidence, ...f.evidence.filter((e) => "route" in e && "nextHopType" in e)]} context={f.rule} />)).join("");
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
    const names = [...doc.querySelectorAll('[role="region"]')].map((el) => el.getAttribute("aria-label"));
    expect(names.length).toBeGreaterThan(6);
    expect(new Set(names).size).toBe(names.length);
  });

  it("draws one block per stage, in the path order the engine gave", () => {
    expect(stages(render(arm.evidence))).toEqual(["admin-rule", "nsg", "route", "firewall"]);
    expect(stages(render(storage.evidence))).toEqual(["nsg", "route", "firewall", "outbound"]);
    // Reordered evidence is drawn in its own order: the component never re-sorts stages.
    expect(stages(render([...arm.evidence].reverse()))).toEqual(["firewall", "route", "nsg", "admin-rule"]);
  });

  it("shows the admin rule with its collection, configuration and network manager", () => {
    const block = render(arm.evidence).querySelector('[data-stage="admin-rule"]')!;
    expect(block.textContent).toContain("Security admin rule");
    const row = cells(block.querySelector("tbody tr")!);
    expect(row[0]).toBe("10");
    expect(row[1]).toMatch(/^allow-azure-443/);
    expect(row.slice(2)).toEqual(["Allow", "Outbound", "rc-egress", "cfg-baseline", "avnm-central"]);
  });

  it("shows the route used: table / route, prefix, next hop type and IP, and what the next hop is", () => {
    const block = render(arm.evidence).querySelector('[data-stage="route"]')!;
    const headers = [...block.querySelectorAll("th")].map((th) => th.textContent);
    expect(headers).toEqual(["Source", "Address prefix", "Next hop type", "Next hop IP address", "Route table / route", "Next hop"]);
    expect(cells(block.querySelector("tbody tr")!)).toEqual(["User", "0.0.0.0/0", "VirtualAppliance", "10.0.1.4", "rt-hub / to-firewall", "azfw-hub"]);
    const system = render(storage.evidence).querySelector('[data-stage="route"] tbody tr')!;
    expect(cells(system)).toEqual(["Default", "0.0.0.0/0", "Internet", "—", "System route (Default)", "—"]);
  });

  it("says 'no rule matched: denied' when the firewall had no rule, and names group / collection / rule when it had", () => {
    const denied = render(arm.evidence).querySelector('[data-stage="firewall"] tbody tr')!;
    expect(denied.textContent).toContain("No rule matched: denied");
    expect(cells(denied)).toEqual(["azfw-hub", "fwp-hub", "No rule matched: denied", "Application rule", "management.azure.com", "Deny"]);
    const allowed = render(storage.evidence).querySelector('[data-stage="firewall"] tbody tr')!;
    expect(allowed.textContent).not.toContain("No rule matched");
    expect(cells(allowed).slice(0, 4)).toEqual(["azfw-hub", "fwp-hub", "rcg-cyclecloud", "allow-azure"]);
    expect(cells(allowed)[4]).toMatch(/^storage-blob/);
    expect(allowed.getAttribute("data-firewall-rule")).toBe("storage-blob");
  });

  it("names the outbound method in Azure's words", () => {
    const row = render(storage.evidence).querySelector('[data-stage="outbound"] tbody tr')!;
    expect(cells(row)).toEqual(["NAT gateway", "natgw-compute", "—"]);
    const none = render([{ stage: "outbound", method: "none", detail: "private subnet without NAT gateway" }]).querySelector('[data-stage="outbound"] tbody tr')!;
    expect(cells(none)).toEqual(["No outbound path", "—", "private subnet without NAT gateway"]);
  });

  it("keeps NSG evidence as NSG tables with the deciding rule marked, with or without a stage field", () => {
    const nsgOnly = render([{ nsg: "/x/networkSecurityGroups/nsg-a", rule: "Deny1", priority: 300, access: "Deny", direction: "Outbound", level: "subnet" }]);
    expect(stages(nsgOnly)).toEqual(["nsg"]);
    expect(nsgOnly.querySelectorAll('[data-testid="evidence-group"]')).toHaveLength(1);
    expect(nsgOnly.querySelector("[data-deciding]")?.textContent).toContain("Deny1");
    const tagged = render([{ stage: "nsg", nsg: "/x/networkSecurityGroups/nsg-a", rule: "Deny1", priority: 300, access: "Deny", direction: "Outbound" }]);
    expect(stages(tagged)).toEqual(["nsg"]);
  });

  it("groups consecutive entries of a stage and keeps separate runs apart", () => {
    const nsg = (rule: string): Evidence => ({ nsg: "/n/nsg", rule, priority: 100, access: "Allow", direction: "Outbound" });
    const route: Evidence = { stage: "route", routeTable: null, route: "Default", addressPrefix: "10.0.0.0/8", nextHopType: "VNetPeering", source: "Default" };
    expect(evidenceSegments([nsg("a"), nsg("b"), route, nsg("c")]).map((s) => [s.stage, s.entries.length])).toEqual([
      ["nsg", 2],
      ["route", 1],
      ["nsg", 1],
    ]);
  });

  it("says so when nothing decided", () => {
    expect(render([]).body.textContent).toContain("No rule or route decided this finding");
  });
});
