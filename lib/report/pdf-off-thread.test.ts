import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OFF_THREAD_MIN_SUBNETS, pdfWorkerFile, renderPdfOffThread } from "./pdf-off-thread";
import type { Report } from "./types";
import { sampleReport } from "./__fixtures__/sample-report";

function bigReport(n: number): Report {
  const base = sampleReport();
  const template = base.subnets[0];
  const subnets = Array.from({ length: n }, (_, i) => ({ ...template, id: `${template.id}-${i}`, name: `cc-${i}` }));
  return { ...base, subnets, summary: { subnets: n, pass: 0, warn: 0, fail: n, unscoped: 0 } };
}

describe("renderPdfOffThread", () => {
  it("renders a large report in a worker thread with the same content as the inline renderer", async () => {
    expect(pdfWorkerFile()).toMatch(/pdf-worker\.mjs$/); // run from the project root, so the worker is used
    const report = bigReport(OFF_THREAD_MIN_SUBNETS);
    const pdf = await renderPdfOffThread(report, { scanId: "worker-scan" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const dir = mkdtempSync(path.join(tmpdir(), "lockdown-worker-"));
    try {
      writeFileSync(path.join(dir, "r.pdf"), pdf);
      const text = execFileSync("pdftotext", [path.join(dir, "r.pdf"), "-"], { encoding: "utf8" });
      expect(text).toContain("worker-scan");
      expect(text).toContain(`cc-${OFF_THREAD_MIN_SUBNETS - 1}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
