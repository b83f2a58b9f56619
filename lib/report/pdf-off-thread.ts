// Large PDFs are made in a worker thread: building the HTML of 1,000 subnets and joining ~1,600 printed pages are
// seconds of CPU that must not stall the server's event loop (Chromium itself prints in its own processes).
import { Worker } from "node:worker_threads";
import { workerFile } from "../ops/worker-file";
import type { ReportMeta } from "./meta";
import { pdfReportInput } from "./pdf-html";
import type { Report } from "./types";

/** Below this many audited subnets a PDF's own CPU work is well under a second: a worker's start-up would cost more. */
export const OFF_THREAD_MIN_SUBNETS = 40;

/**
 * The worker's entry file: lib/report/pdf-worker.mjs under the project root (where `npm start` runs; it loads the
 * TypeScript source through tsx), or the standalone build's bundle workers/pdf-worker.mjs (lib/ops/worker-file.ts).
 */
export function pdfWorkerFile(): string | undefined {
  return workerFile("pdf-worker", "lib/report/pdf-worker.mjs");
}

/**
 * renderPdf (lib/report/pdf.ts) in a worker thread for reports of OFF_THREAD_MIN_SUBNETS audited subnets or more,
 * inline below that or when the worker file is not there. Same bytes either way; rejects with the worker's error.
 */
export async function renderPdfOffThread(report: Report, meta: ReportMeta): Promise<Buffer> {
  const audited = report.subnets.filter((s) => s.findings.length > 0).length;
  const file = audited >= OFF_THREAD_MIN_SUBNETS ? pdfWorkerFile() : undefined;
  if (!file) {
    const { renderPdf } = await import("./pdf");
    return renderPdf(report, meta);
  }
  const run = queue.then(() => inWorker(file, report, meta));
  queue = run.catch(() => undefined);
  return run;
}

// One worker at a time per process: each drives its own Chromium, and two big prints at once on two cores finish no
// sooner than one after the other.
let queue: Promise<unknown> = Promise.resolve();

function inWorker(file: string, report: Report, meta: ReportMeta): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // Only what the PDF prints is copied into the worker (the same PDF; effective routes and unprinted fixes are most
    // of a big report's bytes).
    const worker = new Worker(file, { workerData: { report: pdfReportInput(report), meta } });
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
