// Every export says why a failing finding has no fix (noFixReason: JSON and PDF did, Markdown and CSV did not), and
// the PDF's deployments table has the Markdown's columns: what each deployment names beside its subnets.
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, renderCsv } from "./csv";
import { DEPLOYMENT_COLUMNS } from "./deployment-columns";
import { renderMarkdown } from "./markdown";
import { renderPdfHtml } from "./pdf-html";
import { parseCsv } from "./__fixtures__/parse-csv";
import { pathSampleReport, sampleReport } from "./__fixtures__/sample-report";
import type { Report } from "./types";

const REASON = "Storage account cclocker refuses it: its public network access is disabled; its owners decide, or a private endpoint.";

/** The sample with one failing finding that has no fix and says why. */
function withNoFix(): { report: Report; id: string } {
  const report = sampleReport();
  const f = report.subnets.flatMap((s) => s.findings).find((x) => x.status === "fail" && x.fixes.length)!;
  f.fixes = [];
  f.noFixReason = REASON;
  return { report, id: f.id! };
}

describe("noFixReason in the exports", () => {
  it("Markdown prints it where the fixes would be", () => {
    const { report } = withNoFix();
    const md = renderMarkdown(report);
    // The reason is a sentence of its own: after a full stop, never a colon before its capital letter.
    expect(md).toContain(`No fix offered. ${REASON}`);
    expect(md).not.toContain("No fix offered:");
    // Not for a finding that has fixes, even with a reason (a fix is then the answer).
    const both = sampleReport();
    const f = both.subnets.flatMap((s) => s.findings).find((x) => x.fixes.length)!;
    f.noFixReason = "unused";
    expect(renderMarkdown(both)).not.toContain("No fix offered. unused");
  });

  it("the PDF prints it as the Markdown does: a sentence after \"No fix offered.\"", () => {
    const html = renderPdfHtml(withNoFix().report);
    expect(html).toContain(`No fix offered. ${REASON}`);
    expect(html).not.toContain("No fix offered:");
  });

  it("CSV has it as a last column, the columns before it unmoved", () => {
    expect(CSV_COLUMNS.at(-1)).toBe("no_fix_reason");
    expect(CSV_COLUMNS.indexOf("change")).toBe(CSV_COLUMNS.length - 2);
    const { report, id } = withNoFix();
    const [header, ...rows] = parseCsv(renderCsv(report));
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    const records = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    const link = report.subnets.flatMap((s) => s.findings).find((x) => x.id === id)!.link;
    const row = records.find((r) => r.link === link)!;
    expect(row.no_fix_reason).toBe(REASON);
    expect(row.fix_az_cli).toBe("");
    expect(records.filter((r) => r.link !== link).every((r) => r.no_fix_reason === "")).toBe(true);
  });
});

describe("the PDF's deployments table", () => {
  const report = pathSampleReport();
  report.deployments = [
    { ...report.deployments![0], cyclecloudServer: ["10.0.1.4"], serverNotes: ["vm-cc's NIC nic-cc-2 is in vnet-hub/proxy"], proxy: { address: "10.0.5.4", port: 3128 }, storageAccount: "cclocker" },
    { name: "dev", cyclecloud: [], cluster: [], returnProxy: [], cyclecloudServer: [], proxy: { address: "fd00::4", port: 8080 } },
  ];

  /** The rows of the table under a heading, as cell texts. */
  function pdfTable(html: string): string[][] {
    const table = html.slice(html.indexOf("<h3>Deployments in scope</h3>")).match(/<table[^>]*>([\s\S]*?)<\/table>/)![1];
    return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<t[hd]>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]));
  }

  it("has the Markdown's columns", () => {
    const [head] = pdfTable(renderPdfHtml(report));
    expect(head).toEqual([...DEPLOYMENT_COLUMNS]);
    expect(renderMarkdown(report)).toContain(`| ${DEPLOYMENT_COLUMNS.join(" | ")} |`);
  });

  it("prints each deployment's CycleCloud server, proxy and storage account as the Markdown does", () => {
    const [, prod, dev] = pdfTable(renderPdfHtml(report));
    expect(prod.slice(4)).toEqual(["10.0.1.4; vm-cc&#39;s NIC nic-cc-2 is in vnet-hub/proxy", "10.0.5.4:3128", "cclocker"]);
    expect(dev.slice(4)).toEqual(["–", "[fd00::4]:8080", "–"]);
    const md = renderMarkdown(report);
    expect(md).toContain("| 10.0.1.4; vm-cc's NIC nic-cc-2 is in vnet-hub/proxy | 10.0.5.4:3128 | cclocker |");
    // Markdown escapes the "[" (it could open a link); the text reads the same.
    expect(md).toContain("| dev | — | — | — | — | \\[fd00::4]:8080 | — |");
  });
});
