// Runs renderPdf in a worker thread (see pdf-off-thread.ts): laying out and joining a big PDF must not stall the server.
import { parentPort, workerData } from "node:worker_threads";
import { renderPdf } from "./pdf";
import type { ReportMeta } from "./meta";
import type { Report } from "./types";

const { report, meta } = workerData as { report: Report; meta: ReportMeta };
renderPdf(report, meta).then(
  (buffer) => {
    const bytes = new Uint8Array(buffer.byteLength);
    bytes.set(buffer);
    parentPort!.postMessage({ ok: true, bytes }, [bytes.buffer]);
  },
  (e: unknown) => parentPort!.postMessage({ ok: false, message: (e as Error)?.message ?? String(e) }),
);
