import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";
import { sampleReport } from "./__fixtures__/sample-report";

describe("renderMarkdown", () => {
  const report = sampleReport();
  const md = renderMarkdown(report, { scanId: "s1", filters: "status fail" });

  it("states the scan, scope, filter and summary counts", () => {
    expect(md).toContain("Scan `s1`");
    expect(md).toContain("Filtered view: status fail");
    expect(md).toContain(`| ${report.summary.subnets} | ${report.summary.fail} | ${report.summary.warn} | ${report.summary.pass} | ${report.summary.unscoped} |`);
    expect(md).toMatch(/Scope: 1 subscription · 2 VNets/);
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

  it("keeps a fence longer than any backtick run in a fix", () => {
    const tricky = sampleReport();
    tricky.subnets[0].findings[0].fixes = [{ kind: "portal", text: "use ``` here" }];
    expect(renderMarkdown(tricky)).toContain("````text\nuse ``` here\n````");
  });
});
