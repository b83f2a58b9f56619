// The PDF as an auditor reads it, checked through its text (pdftotext, poppler-utils): failing findings in full with
// every path stage's evidence and every fix kind, passing checks, the appendix, and Unicode that survives (→, Cyrillic,
// Greek). Needs Debian's chromium, fonts-dejavu-core and poppler-utils (scripts/ensure-pdf-tools.sh installs them).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPdf } from "./pdf";
import { codeSpans, esc, evidenceFields, pdfReportInput, renderPdfDocuments, renderPdfHtml } from "./pdf-html";
import type { Evidence, Report } from "./types";
import { sampleReport } from "./__fixtures__/sample-report";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfText(buffer: Buffer, layout = false): string {
  const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, buffer);
  return execFileSync("pdftotext", [...(layout ? ["-layout"] : []), file, "-"], { encoding: "utf8" });
}

function pdfFonts(buffer: Buffer): string {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, buffer);
  return execFileSync("pdffonts", [file], { encoding: "utf8" });
}

const FW = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/azureFirewalls/azfw-hub";
const PATH_EVIDENCE: Evidence[] = [
  { stage: "admin-rule", networkManager: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkManagers/avnm-corp", configuration: "cfg-baseline", collection: "coll-egress", rule: "deny-github", id: "/x/deny-github", priority: 10, access: "Deny", direction: "Outbound" },
  { nsg: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-вычисления", rule: "AllowStorageOut", priority: 120, access: "Allow", direction: "Outbound", level: "subnet" },
  { stage: "route", routeTable: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt-spoke", route: "to-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.1.4", nextHop: FW, source: "User" },
  { stage: "firewall", firewall: FW, policy: "/x/firewallPolicies/fwp-hub", ruleCollectionGroup: "rcg-hpc", ruleCollection: "rc-storage", action: "Deny", kind: "network" },
  { stage: "outbound", method: "firewall-public-ip", resource: "/x/publicIPAddresses/pip-azfw", detail: "SNAT through the firewall's public IP" },
];

/** The sample report, with a cluster subnet whose name is not Latin and whose failing finding passes every path stage. */
function auditorReport(): Report {
  const report = sampleReport();
  const compute = report.subnets[1];
  compute.name = "вычисления-λ";
  compute.status = "fail";
  compute.findings.push({
    id: "f-node-storage-path",
    rule: "NODE-EGRESS-STORAGE",
    status: "fail",
    title: "Cluster nodes can reach Azure Storage (TCP 443)",
    detail: "Outbound TCP 443 from vnet-hub/вычисления-λ → Storage is blocked at Azure Firewall azfw-hub: no rule matched.",
    requirement: "All Cluster nodes must be able to access Azure Storage accounts.",
    evidence: PATH_EVIDENCE,
    fixes: [
      { kind: "az-cli", text: "az network firewall policy rule-collection-group collection add-filter-collection --policy-name fwp-hub --rule-name AllowStorageFromCompute" },
      { kind: "bicep", text: "resource rcg 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@2024-05-01' = {\n  name: 'fwp-hub/rcg-hpc-storage'\n}" },
      { kind: "terraform", text: 'resource "azurerm_firewall_policy_rule_collection_group" "storage" {\n  name = "rcg-hpc-storage"\n}' },
      { kind: "portal", text: "Firewall policies → fwp-hub → Rule collections → Add: allow TCP 443 to Storage." },
    ],
    link: "/scans/s1/findings/f-node-storage-path",
  });
  report.summary = { ...report.summary, fail: 2, warn: 0 };
  report.gaps = {
    ignoredTypes: [{ type: "Microsoft.Compute/virtualMachines", count: 3 }],
    unresolved: [{ from: compute.id, kind: "routeTable", ref: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt-missing", hint: "add az network route-table list" }],
  };
  return report;
}

describe("renderPdf", () => {
  let text = "";
  let layoutText = "";
  let fonts = "";
  const report = auditorReport();

  beforeAll(async () => {
    const buffer = await renderPdf(report, { scanId: "scan-42", scanLabel: "nightly", baseUrl: "https://auditor.example" });
    expect(buffer.subarray(0, 5).toString()).toBe("%PDF-");
    // Table cells wrap ("Network security / group"): compare words, not line breaks.
    text = pdfText(buffer).replace(/\s+/g, " ");
    layoutText = pdfText(buffer, true);
    fonts = pdfFonts(buffer);
  }, 60_000);

  it("opens with the summary and scope of the audit", () => {
    expect(text).toContain("Lockdown audit report");
    expect(text).toContain("scan-42");
    expect(text).toContain(report.generatedAt);
    expect(text).toMatch(/1 subscription · 2 VNets/);
    expect(text).toContain("Findings by rule");
    expect(layoutText).toMatch(/Page 1 of \d/);
  });

  it("prints each failing and warning finding in full, with the evidence of every path stage in order", () => {
    const open = text.slice(text.indexOf("Findings that need work"), text.indexOf("Checks that passed"));
    expect(open).toContain("CC-EGRESS-STORAGE: CycleCloud cannot reach Azure Storage on TCP 443");
    expect(open).toContain("NODE-EGRESS-STORAGE: Cluster nodes can reach Azure Storage (TCP 443)");
    expect(open).toContain("Requirement: All Cluster nodes must be able to access Azure Storage accounts.");
    const stages = ["Security admin rule", "Network security group", "Route", "Azure Firewall", "Outbound connectivity"];
    const trace = open.indexOf("What decided, along the path", open.indexOf("NODE-EGRESS-STORAGE"));
    expect(trace).toBeGreaterThan(0);
    const at = stages.map((s) => open.indexOf(s, trace));
    expect(at.every((i) => i > 0), JSON.stringify(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    for (const field of ["avnm-corp", "deny-github", "rt-spoke", "to-firewall", "VirtualAppliance", "10.0.1.4", "azfw-hub", "fwp-hub", "rc-storage", "none matched", "Azure Firewall public IP", "pip-azfw"]) {
      // A line may break inside a name after a hyphen, which pdftotext then drops: compare without spaces and hyphens.
      const squash = (t: string) => t.replace(/[\s-]/g, "");
      expect(squash(open)).toContain(squash(field));
    }
  });

  it("prints the az CLI fix and says where the other fix kinds are (issue 12: one language in the PDF)", () => {
    expect(text).toContain("Fix · az CLI");
    expect(text).toContain("az network firewall policy rule-collection-group collection add-filter-collection --policy-name fwp-hub");
    expect(text).toContain("Also as Bicep, Terraform, Portal steps: on the finding's page and in the JSON and Markdown exports.");
    for (const label of ["Fix · Bicep", "Fix · Terraform", "Fix · Portal steps"]) expect(text).not.toContain(label);
    expect(text).not.toContain("azurerm_firewall_policy_rule_collection_group");
    expect(text).not.toContain("Microsoft.Network/firewallPolicies/ruleCollectionGroups@2024-05-01");
    expect(text).toContain("https://auditor.example/scans/s1/findings/f-node-storage-path");
  });

  it("keeps the passing checks to a compact table and the appendix to inputs, gaps and what was not audited", () => {
    const passing = text.slice(text.indexOf("Checks that passed"), text.indexOf("Appendix"));
    expect(passing).toContain("CC-EGRESS-AAD");
    expect(passing).not.toContain("Allowed by AllowActiveDirectory");
    const appendix = text.slice(text.indexOf("Appendix"));
    expect(appendix).toContain("vnets.json, nsgs.json");
    expect(appendix).toContain(report.capturedAt!);
    expect(appendix).toContain("Microsoft.Compute/virtualMachines");
    expect(appendix).toContain("rt-missing");
    expect(appendix).toContain("What was not audited");
    expect(appendix).toContain('vnet-spoke/=HYPERLINK("x")');
  });

  it("embeds a Unicode font, so arrows and non-Latin names print as written", () => {
    expect(text).toContain("vnet-hub/вычисления-λ");
    expect(text).toContain("nsg-вычисления");
    expect(text).toContain("→ Storage");
    expect(text).not.toMatch(/’ Storage/);
    const rows = fonts.split("\n").slice(2).filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    // name, type, encoding, embedded, subset, ToUnicode: every font is DejaVu, embedded, with a Unicode map.
    for (const row of rows) expect(row).toMatch(/DejaVu\S*\s+CID TrueType\s+Identity-H\s+yes\s+(yes|no)\s+yes/);
  });
});

/** The sample report plus `n` cluster subnets failing storage egress alike but for their own names, and one that differs. */
function repeatedReport(n: number): Report {
  const report = sampleReport();
  const template = report.subnets[1];
  const alike = (i: number, deny: string) => {
    const name = `compute-${i}`;
    const nsg = `/subscriptions/s/resourceGroups/rg-hpc/providers/Microsoft.Network/networkSecurityGroups/nsg-${name}`;
    return {
      ...template,
      id: `${template.id}-${i}`,
      name,
      status: "fail" as const,
      nsg,
      addressPrefixes: [`10.2.${i}.0/24`],
      findings: [
        {
          id: `f-storage-${i}`,
          rule: "NODE-EGRESS-STORAGE",
          status: "fail" as const,
          title: "Cluster nodes can reach Azure Storage (TCP 443)",
          detail: `Outbound TCP 443 from vnet-hub/${name} to Storage is denied by ${deny} (4000) in nsg-${name}.`,
          evidence: [{ nsg, rule: deny, priority: 4000, access: "Deny" as const, direction: "Outbound" as const, level: "subnet" as const }],
          fixes: [
            { kind: "az-cli" as const, text: `az network nsg rule create -g rg-hpc --nsg-name nsg-${name} -n AllowStorage --priority 3900 --source-address-prefixes 10.2.${i}.0/24` },
            { kind: "terraform" as const, text: `resource "azurerm_network_security_rule" "storage_${i}" {}` },
          ],
          link: `/scans/s1/findings/f-storage-${i}`,
        },
      ],
    };
  };
  report.subnets.push(...Array.from({ length: n }, (_, i) => alike(i + 1, "DenyStorageOut")), alike(n + 1, "DenyEverythingOut"));
  return report;
}

describe("renderPdf, a finding repeated on many subnets", () => {
  const N = 12;
  let text = "";
  beforeAll(async () => {
    text = pdfText(await renderPdf(repeatedReport(N), { scanId: "scan-rep" })).replace(/\s+/g, " ");
  }, 60_000);

  it("prints it once, with the N subnets it applies to and each one's own values", () => {
    const open = text.slice(text.indexOf("Findings that need work"), text.indexOf("Checks that passed"));
    expect(open.match(/FAIL NODE-EGRESS-STORAGE:/g)).toHaveLength(2);
    expect(open).toContain(`on ${N} subnets`);
    expect(open.match(/DenyStorageOut/g)).toHaveLength(2); // the detail and the evidence, once
    expect(open).toContain("--nsg-name ‹NSG› -n AllowStorage --priority 3900 --source-address-prefixes ‹address prefix›");
    for (let i = 1; i <= N; i++) {
      expect(open).toContain(`vnet-hub/compute-${i} nsg-compute-${i} 10.2.${i}.0/24 f-storage-${i}`);
    }
  });

  it("does not merge a distinct finding into it", () => {
    const open = text.slice(text.indexOf("Findings that need work"), text.indexOf("Checks that passed"));
    const distinct = open.slice(open.indexOf("DenyEverythingOut") - 400);
    expect(distinct).toContain(`vnet-hub/compute-${N + 1}`);
    expect(open).toContain(`Outbound TCP 443 from vnet-hub/compute-${N + 1} to Storage is denied by DenyEverythingOut (4000) in nsg-compute-${N + 1}.`);
    expect(open).toContain(`--nsg-name nsg-compute-${N + 1} -n AllowStorage`);
    expect(open).not.toContain(`compute-${N + 1} nsg-compute-${N + 1} 10.2.${N + 1}.0/24 f-storage-${N + 1}`);
  });
});

describe("renderPdfHtml", () => {
  it("treats every name as text: markup, scripts and control characters in names cannot reach the document", () => {
    const report = sampleReport();
    report.subnets[0].name = `<img src=x onerror=alert(1)>\u0007"'&`;
    report.subnets[0].findings[0].fixes[0].text = "</pre><script>alert(1)</script>";
    report.subnets[0].findings[0].link = "javascript:alert(1)";
    const html = renderPdfHtml(report);
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;\ufffd&quot;&#39;&amp;");
    expect(esc("a\u0000b\tc\nd")).toBe("a\ufffdb\tc\nd");
  });

  it("prints a gap's commands as code, not with their backticks, and still as text", () => {
    const report = sampleReport();
    report.gaps = { ignoredTypes: [], unresolved: [{ from: report.subnets[0].id, kind: "nic", ref: "/x/networkInterfaces/<b>nic</b>", hint: "add `az network nic list -g <rg>` (the `<b>` kind)" }] };
    const html = renderPdfHtml(report);
    expect(html).toContain("add <code>az network nic list -g &lt;rg&gt;</code> (the <code>&lt;b&gt;</code> kind)");
    expect(html).not.toContain("`az network nic list");
    // As the Markdown report splits them: an unpaired backtick stays text, pairs before it are code.
    expect(codeSpans("an odd ` backtick")).toBe("an odd ` backtick");
    expect(codeSpans("`a` then ` b")).toBe("<code>a</code> then ` b");
  });

  it("gives the same documents from the part of the report the worker is sent (pdfReportInput)", () => {
    for (const report of [auditorReport(), repeatedReport(5)]) {
      report.subnets[0].effectiveRoutes = [{ source: "Default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }];
      expect(renderPdfDocuments(pdfReportInput(report), { scanId: "x" })).toEqual(renderPdfDocuments(report, { scanId: "x" }));
    }
    const slim = pdfReportInput(auditorReport());
    expect(slim.subnets[0].effectiveRoutes).toBeUndefined();
    expect(slim.subnets[1].findings.find((f) => f.id === "f-node-storage-path")!.fixes.map((f) => [f.kind, f.text.length > 0])).toEqual([
      ["az-cli", true],
      ["bicep", false],
      ["terraform", false],
      ["portal", false],
    ]);
  });

  it("lists each stage's fields in the stage's own order, leaving out the empty ones", () => {
    expect(evidenceFields(PATH_EVIDENCE[2]).map(([k]) => k)).toEqual(["Route table", "Route", "Address prefix", "Next hop type", "Next hop IP", "Next hop", "Source"]);
    expect(evidenceFields({ stage: "firewall", firewall: FW, action: "Deny" })).toEqual([
      ["Firewall", "azfw-hub"],
      ["Rule", "none matched (Azure Firewall denies by default)"],
      ["Action", "Deny"],
    ]);
    expect(evidenceFields({ stage: "route", routeTable: null, route: "Default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet", source: "Default" })[0]).toEqual(["Route table", "system route"]);
  });
});
