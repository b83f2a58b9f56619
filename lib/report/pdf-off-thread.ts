// Large PDFs render in a worker thread. react-pdf's layout is synchronous CPU work (about 75 s for 1,000 subnets on a
// small machine); on the server's main thread it would stall every other request for that long.
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { ReportMeta } from "./meta";
import type { Report } from "./types";

/** Below this many subnets with findings a PDF takes well under a second: a worker's start-up would cost more. */
export const OFF_THREAD_MIN_SUBNETS = 40;

export function pdfWorkerFile(): string | undefined {
  // NOTE: resolved at run time from the project root (where `npm start` runs), not bundled: the worker loads the
  // TypeScript source through tsx, a runtime dependency.
  const file = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "report", "pdf-worker.mjs");
  return existsSync(file) ? file : undefined;
}

export async function renderPdfOffThread(report: Report, meta: ReportMeta): Promise<Buffer> {
  const audited = report.subnets.filter((s) => s.findings.length > 0).length;
  const file = audited >= OFF_THREAD_MIN_SUBNETS ? pdfWorkerFile() : undefined;
  if (!file) {
    const { renderPdf } = await import("./pdf");
    return renderPdf(report, meta);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const worker = new Worker(file, { workerData: { report, meta } });
    worker.once("message", (m: { ok: true; bytes: Uint8Array } | { ok: false; message: string }) => {
      if (m.ok) resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
      else reject(new Error(`PDF rendering failed: ${m.message}`));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`PDF worker exited with code ${code}`));
    });
  });
}
