// Uploads (POST /api/scans) and role edits (POST /api/roles, which re-audit the latest scan) are audited in worker
// threads, each audit within a time budget. A small estate can still be costly (a 160,000-prefix rule, 80,000 NICs in a
// subnet), and on the main thread it would stall every other request of this server process; in a worker, an audit
// over its budget is stopped (the worker is terminated) and only its own request fails. The same approach as the PDF
// (lib/report/pdf-off-thread.ts).
// https://nodejs.org/api/worker_threads.html#workerterminate
import { Worker } from "node:worker_threads";
import { InputError } from "@/lib/errors";
import { workerFile } from "@/lib/ops/worker-file";
import { getStore, type RoleChoice } from "@/lib/store";
import { BadRequest } from "./bad-request";
import { scanInputFromBody } from "./scan-input";
import type { ScanJob, ScanJobReply, ScanJobRequest, ScanJobScan } from "./scan-job-messages";

export type ScanResult = ScanJobScan;

/** SCAN_TIME_LIMIT_S (default 60): how long one upload's parse + load + audit + store (or a role edit's re-audit) may take. */
export function scanTimeLimitMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.SCAN_TIME_LIMIT_S?.trim() || "60");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000;
}

/** SCAN_WORKERS (default 2): audits that run at once in one server process; more wait their turn. */
function maxWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SCAN_WORKERS?.trim() || "2");
  return Number.isInteger(n) && n >= 1 && n <= 16 ? n : 2;
}

/** Uploads waiting for a worker beyond this are refused with 503 rather than queued for minutes. */
const MAX_WAITING = 16;

/**
 * The worker's entry file: app/api/_lib/scan-worker.mjs under the project root (where `npm start` runs; it loads the
 * TypeScript source through tsx), or the standalone build's bundle workers/scan-worker.mjs (lib/ops/worker-file.ts).
 */
export function scanWorkerFile(): string | undefined {
  return workerFile("scan-worker", "app/api/_lib/scan-worker.mjs");
}

interface Pending {
  request: ScanJobRequest;
  resolve: (scan: ScanResult | null) => void;
  reject: (e: unknown) => void;
}

/** The 422 for a job stopped at its budget, in the words of what the caller asked for. */
function overBudget(job: ScanJob, budgetMs: number): BadRequest {
  const limit = `${Math.round(budgetMs / 1000)} s (SCAN_TIME_LIMIT_S)`;
  const message =
    job.kind === "upload"
      ? `auditing this upload took longer than ${limit} and was stopped; audit it with the CLI (npm run audit) or split the estate`
      : `re-auditing the latest scan with this role took longer than ${limit} and was stopped; the role was not changed`;
  return new BadRequest(message, undefined, 422);
}

interface PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  job?: Pending;
}

/** The worker's refusal as the error class the route maps to a status (InputError → 400, BadRequest → its own). */
function fromReply(reply: Extract<ScanJobReply, { ok: false }>): Error {
  if (reply.kind === "input") return new InputError(reply.file, reply.path, reply.detail);
  if (reply.kind === "bad-request") return new BadRequest(reply.message, reply.file, reply.status);
  return new Error(`scan worker: ${reply.message}`);
}

class ScanPool {
  private idle: PoolWorker[] = [];
  private running = new Set<PoolWorker>();
  private waiting: Pending[] = [];
  private nextId = 1;

  constructor(private readonly file: string) {}

  /** Starts one worker ahead of the first upload, so it does not pay the worker's start-up (loading the engine). */
  warm(): void {
    if (this.idle.length + this.running.size === 0) this.idle.push(this.spawn());
  }

  run(job: ScanJob, budgetMs: number): Promise<ScanResult | null> {
    if (this.waiting.length >= MAX_WAITING) {
      return Promise.reject(new BadRequest("the server is auditing too many uploads and role changes at once; try again in a minute", undefined, 503));
    }
    return new Promise<ScanResult | null>((resolve, reject) => {
      this.waiting.push({ request: { ...job, id: this.nextId++ }, resolve, reject });
      this.dispatch(budgetMs);
    });
  }

  private spawn(): PoolWorker {
    // Workers inherit this process's environment (LOCKDOWN_DB / DATABASE_URL) and open their own store connection.
    const worker = new Worker(this.file);
    worker.unref();
    let markReady!: () => void;
    const entry: PoolWorker = { worker, ready: new Promise<void>((r) => (markReady = r)) };
    worker.on("message", (reply: ScanJobReply) => {
      if ("ready" in reply) return markReady();
      const job = entry.job;
      if (!job || job.request.id !== reply.id) return;
      entry.job = undefined;
      if (reply.ok) job.resolve(reply.scan);
      else job.reject(fromReply(reply));
    });
    const fail = (e: unknown) => {
      this.discard(entry);
      entry.job?.reject(e instanceof Error ? e : new Error(String(e)));
      entry.job = undefined;
      markReady();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`scan worker exited with code ${code}`)));
    return entry;
  }

  private discard(entry: PoolWorker): void {
    this.running.delete(entry);
    this.idle = this.idle.filter((w) => w !== entry);
  }

  private dispatch(budgetMs: number): void {
    while (this.waiting.length && (this.idle.length || this.running.size < maxWorkers())) {
      const job = this.waiting.shift()!;
      const entry = this.idle.pop() ?? this.spawn();
      this.running.add(entry);
      entry.job = job;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        if (this.running.delete(entry) && entry.job === undefined) this.idle.push(entry);
        this.dispatch(budgetMs);
      };
      const original = { resolve: job.resolve, reject: job.reject };
      job.resolve = (scan) => {
        finish();
        original.resolve(scan);
      };
      job.reject = (e) => {
        finish();
        original.reject(e);
      };
      void entry.ready.then(() => {
        if (entry.job !== job) return;
        // The budget starts when the worker takes the job, so an upload queued behind a slow one keeps its full time.
        timer = setTimeout(() => {
          if (entry.job !== job) return;
          entry.job = undefined;
          this.discard(entry);
          void entry.worker.terminate();
          job.reject(overBudget(job.request, budgetMs));
        }, budgetMs);
        const request = job.request;
        entry.worker.postMessage(request, request.kind === "upload" ? [request.bytes.buffer as ArrayBuffer] : []);
      });
    }
  }
}

const holder = globalThis as unknown as { __lockdownScanPool?: ScanPool | null };

function pool(): ScanPool | null {
  if (holder.__lockdownScanPool === undefined) {
    const file = scanWorkerFile();
    holder.__lockdownScanPool = file ? new ScanPool(file) : null;
  }
  return holder.__lockdownScanPool;
}

/** Starts the first scan worker in the background (called from GET /api/scans, which every server sees early). */
export function warmScanWorkers(): void {
  try {
    pool()?.warm();
  } catch {
    // A worker that cannot start is reported by the upload that needs it.
  }
}

/**
 * Parses, audits and stores an upload (POST /api/scans body) off the main thread within SCAN_TIME_LIMIT_S.
 * Rejects with InputError / BadRequest (→ 400, 413, 422 over the budget, 503 when too many wait) or an Error (→ 500).
 * Without the worker file (a build that ships no sources) it runs here, without a budget.
 */
export async function createScanFromBody(contentType: string, body: Buffer, budgetMs = scanTimeLimitMs()): Promise<ScanResult> {
  const p = pool();
  if (!p) {
    const input = await scanInputFromBody(contentType, body, () => getStore());
    const scan = await (await getStore()).createScan(input);
    return { id: scan.id, summary: scan.summary, label: scan.label };
  }
  // A copy the worker can own (transferred, not cloned): the request's Buffer may share a pooled ArrayBuffer.
  const bytes = new Uint8Array(body.byteLength);
  bytes.set(body);
  return (await p.run({ kind: "upload", contentType, bytes }, budgetMs))!;
}

/** A role edit from the dashboard (POST /api/roles body, validated). */
export interface RoleChange {
  subnetId: string;
  /** null: back to the profile's role. */
  role: RoleChoice | null;
  /** The CycleCloud deployment the subnet joins (CONTRACT §1.2); absent: the profile's. */
  deployment?: string | null;
  /** The estate whose latest scan is re-audited; absent: the newest scan of any estate. */
  estate?: string;
}

/**
 * Sets (or, role null, resets) a subnet's dashboard role and stores the latest scan re-audited with it (Store.setRole /
 * clearRole), off the main thread within SCAN_TIME_LIMIT_S, as uploads are. Resolves to the new scan, or undefined
 * when a reset found no role set in the dashboard. Rejects like createScanFromBody: InputError (→ 400, e.g. a subnet
 * not in the latest scan), BadRequest 422 over the budget (the role is then left as it was), 503, or an Error (→ 500).
 */
export async function reauditWithRole(change: RoleChange, budgetMs = scanTimeLimitMs()): Promise<ScanResult | undefined> {
  const p = pool();
  if (!p) {
    const store = await getStore();
    const scan = change.role === null ? await store.clearRole(change.subnetId, change.estate) : await store.setRole(change.subnetId, change.role, change.deployment, change.estate);
    return scan ? { id: scan.id, summary: scan.summary, label: scan.label } : undefined;
  }
  return (await p.run({ kind: "role", ...change }, budgetMs)) ?? undefined;
}
