import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";
import { renderPdfDocuments } from "./pdf-html";
import MarkdownIt from "markdown-it";
import { pathSampleReport, sampleReport } from "./__fixtures__/sample-report";

describe("renderMarkdown", () => {
  const report = sampleReport();
  const md = renderMarkdown(report, { scanId: "s1", filters: "status fail" });

  it("states the scan, scope, filter and summary counts", () => {
    expect(md).toContain("Scan `s1`");
    expect(md).toContain("Filtered view: status fail");
    expect(md).toContain(`| ${report.summary.subnets} | ${report.summary.fail} | ${report.summary.warn} | ${report.summary.pass} | ${report.summary.unscoped} |`);
    expect(md).toMatch(/Scope: 1 subscription · 2 VNets/);
  });

  it("says what the reader says of the read (a Resource Graph read cannot tell a missing permission from absent resources)", () => {
    const md = renderMarkdown({ ...report, notes: ["Read with Azure Resource Graph, which returns only what the caller may read."] });
    expect(md).toContain("## About this read\n\n- Read with Azure Resource Graph, which returns only what the caller may read.\n");
    expect(renderPdfDocuments({ ...report, notes: ["Read with <Resource Graph>"] }).join("")).toContain("<p>Read with &lt;Resource Graph&gt;</p>");
  });

  it("has one subnet table row per subnet and escapes pipes inside cells", () => {
    const tableRows = md.split("\n").filter((l) => /^\| (pass|warn|fail|unscoped) \|/.test(l));
    expect(tableRows).toHaveLength(report.subnets.length);
    const piped = renderMarkdown({ ...report, subnets: [{ ...report.subnets[3], name: "a|b" }] });
    expect(piped).toContain("a\\|b");
  });

  it("details every finding that is not a pass, with fixes in fences and links", () => {
    expect(md).toContain("FAIL · CC-EGRESS-STORAGE");
    expect(md).toContain("WARN · NODE-EGRESS-AMQP");
    expect(md).not.toContain("PASS · CC-EGRESS-AAD");
    expect(md).toContain("Passing: CC-EGRESS-AAD");
    expect(md).toContain("```bash\naz network nsg rule create -g rg-hpc");
    expect(md).toContain("[Open this finding](/scans/s1/findings/f-cc-storage)");
  });

  it("prints a passing finding's note once, with every passing rule it concerns: a pass that rests on it says so", () => {
    const noted = sampleReport();
    const subnet = noted.subnets.find((x) => x.role && x.findings.some((f) => f.status === "pass"))!;
    const pass = subnet.findings.find((f) => f.status === "pass")!;
    const note = "hub has a gateway or Route Server and cc has no route table to disable BGP route propagation: a learned route, which no snapshot shows, could change where traffic goes.";
    const a = { ...pass, detail: `${pass.detail} Note: ${note}` };
    const b = { ...pass, rule: "CC-EGRESS-ARM", id: "f-arm", detail: `Allowed. Note: ${note}` };
    subnet.findings = [...subnet.findings.filter((f) => f !== pass), a, b];
    const out = renderMarkdown(noted);
    expect(out).toContain(`Note on passing ${a.rule}, ${b.rule}: ${note}`);
    expect(out.split(note).length - 1).toBe(1);
    expect(md).not.toContain("Note on passing");
  });

  it("keeps a fence longer than any backtick run in a fix", () => {
    const tricky = sampleReport();
    tricky.subnets[0].findings[0].fixes = [{ kind: "portal", text: "use ``` here" }];
    expect(renderMarkdown(tricky)).toContain("````text\nuse ``` here\n````");
  });

  describe("the path model", () => {
    const md = renderMarkdown(pathSampleReport());
    const html = new MarkdownIt().render(md);

    it("lists a finding's evidence stage by stage, in path order, in Network Watcher's words", () => {
      const section = md.slice(md.indexOf("CC-EGRESS-ARM:"), md.indexOf("[Open this finding](/scans/s1/findings/f-cc-arm)"));
      const steps = section.split("\n").filter((l) => /^\d+\. \*\*/.test(l));
      expect(steps.map((l) => /\*\*(.+?)\*\*/.exec(l)![1])).toEqual(["Security admin rule", "Network security group", "Route", "Azure Firewall"]);
      expect(steps[0]).toContain("allow-azure-443 (priority 10, Allow Outbound) in collection rc-egress / configuration cfg-baseline of network manager avnm-central");
      expect(steps[2]).toContain("Route rt-hub/to-firewall (User): 0.0.0.0/0 → next hop VirtualAppliance 10.0.1.4 (azfw-hub)");
      // A domain name is set as code: no renderer turns it into a link, and the raw text needs no backslash.
      expect(steps[3]).toContain("Azure Firewall azfw-hub, policy fwp-hub: no rule matched: denied (application rule, `management.azure.com`)");
      expect(html).toContain("Azure Firewall azfw-hub, policy fwp-hub: no rule matched: denied (application rule, <code>management.azure.com</code>)");
    });

    it("names the firewall's rule collection group / collection / rule and the outbound method when they decided", () => {
      const report = pathSampleReport();
      report.subnets[1].findings.find((f) => f.rule === "NODE-EGRESS-STORAGE")!.status = "warn";
      const html = new MarkdownIt().render(renderMarkdown(report));
      expect(html).toContain("Azure Firewall azfw-hub, policy fwp-hub: rcg-cyclecloud / allow-azure / storage-blob: Allow (application rule, <code>*.blob.core.windows.net</code>)");
      expect(html).toContain("Outbound: NAT gateway natgw-compute");
    });

    it("gives each subnet in a role its outbound method, scale sets and effective routes", () => {
      expect(html).toContain("Outbound: <strong>Azure Firewall public IP</strong> azfw-hub");
      expect(html).toContain("vmss-hpc (Uniform; NSG nsg-compute)");
      expect(md).toContain("| Source | State | Address prefix | Next hop type | Next hop IP address | Route table / route | Next hop |");
      expect(md).toContain("| User | Active | 0.0.0.0/0 | VirtualAppliance | 10.0.1.4 | rt-hub / to-firewall | azfw-hub |");
      expect(md).toContain("| Default | Invalid | 0.0.0.0/0 | Internet | — | — | — |");
      // The return proxy passes everything, yet its section is there: a passing subnet's path is its evidence.
      expect(md).toContain("### vnet-hub/proxy — pass (return proxy)");
    });

    it("lists deployments, a deployment column, and what the audit could not see with the hint to fix it", () => {
      expect(md).toContain("## Deployments");
      expect(md).toContain("| prod-weu | vnet-hub/cyclecloud | vnet-hub/compute | vnet-hub/proxy | — | — | — |");
      // The storage account the profile names (service endpoint policies are judged against it) has its column.
      const withAccount = pathSampleReport();
      withAccount.deployments = withAccount.deployments!.map((d) => ({ ...d, storageAccount: "cclocker" }));
      expect(renderMarkdown(withAccount)).toContain("| prod-weu | vnet-hub/cyclecloud | vnet-hub/compute | vnet-hub/proxy | — | — | cclocker |");
      expect(md).toContain("| Status | Subnet | VNet | Role | Deployment | Not passing |");
      expect(md).toContain("## What the audit could not see");
      // The hint's commands are code spans, not backslash-escaped backticks that show literally.
      expect(md).toContain("| add `az network nsg list` |");
      expect(html).toContain("<td>add <code>az network nsg list</code></td>");
      expect(md).toContain("| Microsoft.Compute/virtualMachines | 3 |");
    });

    it("leaves those sections out when the report has none", () => {
      const plain = renderMarkdown(sampleReport());
      expect(plain).not.toContain("## Deployments");
      expect(plain).not.toContain("## What the audit could not see");
      expect(plain).not.toContain("| Deployment |");
    });
  });

  it("labels GitHub staging's procedure as shell on the CycleCloud VM, other portal steps as portal steps", () => {
    const md2 = renderMarkdown(sampleReport());
    expect(md2).toContain("<details><summary>Fix: Shell on the CycleCloud VM</summary>\n\n```bash\nDownload the release artifacts");
    expect(md2).toContain("<details><summary>Fix: Portal steps</summary>\n\n```text\n1. Open nsg-cyclecloud.");
  });
});

describe("renderMarkdown and accepted risk", () => {
  it("prints an exempt finding's verdict, reason, owner and expiry, and the change since a baseline", () => {
    const report = sampleReport();
    const subnet = report.subnets.find((s) => s.findings.some((f) => f.status === "fail"))!;
    const f = subnet.findings.find((x) => x.status === "fail")!;
    const exempted = { ...f, status: "exempt" as const, verdict: "fail" as const, change: "same" as const, exemption: { reason: "staged <locally>", owner: "hpc-ops", expires: "2027-01-31", match: { finding: f.id! }, verdict: "fail" as const } };
    const md = renderMarkdown({ ...report, subnets: [{ ...subnet, findings: [exempted] }] });
    expect(md).toContain("Exempt (verdict fail): staged \\<locally> — accepted by hpc-ops until 2027-01-31.");
    expect(md).toContain("Since the baseline: same.");
  });
});
