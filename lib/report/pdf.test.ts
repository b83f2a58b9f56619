import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderPdf } from "./pdf";
import { sampleReport } from "./__fixtures__/sample-report";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-pdf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pdfText(buffer: Buffer): string {
  const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, buffer);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

describe("renderPdf", () => {
  it("renders a cover, a summary and each subnet's findings with evidence and fixes", async () => {
    const report = sampleReport();
    const buffer = await renderPdf(report, { scanId: "scan-42", scanLabel: "nightly" });
    expect(buffer.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(buffer);
    expect(text).toContain("Lockdown audit report");
    expect(text).toContain("scan-42");
    expect(text).toContain(report.generatedAt);
    expect(text).toMatch(/1 subscription · 2 VNets/);
    for (const subnet of report.subnets) expect(text).toContain(subnet.name);
    expect(text).toContain("CC-EGRESS-STORAGE: CycleCloud cannot reach Azure Storage on TCP 443");
    expect(text).toContain("nsg-cyclecloud/BlockOutbound (4000, Deny Outbound, subnet)");
    expect(text).toContain("Fix - az CLI");
    expect(text).toContain("AllowAzureStorage");
    expect(text).toContain("Passing: CC-EGRESS-AAD");
    expect(text).toMatch(/Page 1 of \d/);
  });

  it("says when a report is a filtered view", async () => {
    const text = pdfText(await renderPdf(sampleReport(), { filters: "status fail" }));
    expect(text).toContain("Filtered view");
    expect(text).toContain("status fail");
  });
});
