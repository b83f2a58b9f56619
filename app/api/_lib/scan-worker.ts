// Runs uploads' audits and role edits' re-audits in a worker thread (see scan-jobs.ts): parsing, loading and auditing an
// estate is synchronous CPU work that, on the server's main thread, would stall every other request for as long as it
// takes.
import { parentPort } from "node:worker_threads";
import { InputError } from "@/lib/errors";
import { getStore } from "@/lib/store";
import { BadRequest } from "./bad-request";
import { scanInputFromBody } from "./scan-input";
import type { ScanJobReply, ScanJobRequest, ScanJobScan } from "./scan-job-messages";

function reply(message: ScanJobReply): void {
  parentPort!.postMessage(message);
}

async function run(job: ScanJobRequest): Promise<ScanJobScan | null> {
  const store = await getStore();
  if (job.kind === "role") {
    const scan = job.role === null ? await store.clearRole(job.subnetId, job.estate) : await store.setRole(job.subnetId, job.role, job.deployment, job.estate);
    return scan ? { id: scan.id, summary: scan.summary, label: scan.label } : null;
  }
  const input = await scanInputFromBody(job.contentType, job.bytes, () => getStore());
  const scan = await store.createScan(input);
  return { id: scan.id, summary: scan.summary, label: scan.label };
}

parentPort!.on("message", (job: ScanJobRequest) => {
  void (async () => {
    try {
      reply({ id: job.id, ok: true, scan: await run(job) });
    } catch (e) {
      if (e instanceof InputError) reply({ id: job.id, ok: false, kind: "input", file: e.file, path: e.path, detail: e.detail });
      else if (e instanceof BadRequest) reply({ id: job.id, ok: false, kind: "bad-request", message: e.message, file: e.file, status: e.status });
      else reply({ id: job.id, ok: false, kind: "internal", message: (e as Error)?.stack ?? String(e) });
    }
  })();
});
reply({ ready: true });
