// Live scans started from the dashboard: reading a tenant takes from seconds to minutes, so a scan
// is a job the page polls for progress (subscriptions read / total) until its stored scan exists.
// The job lives in the database (lib/store/live-jobs.ts): it is queued, claimed by exactly one server process,
// and any process can answer the poll. A process that stops finishes or releases its job (see shutdown()).
import type { TokenCredential } from "@azure/core-auth";
import { hostname } from "node:os";
import { readLiveEstate } from "../azure";
import { readMethodOf } from "./read-notes";
import type { LiveJob, Store } from "../store";
import { logEvent } from "../ops/log";
import { HEARTBEAT_MS, type ClaimedJob } from "../store/live-jobs";
import { DEFAULT_ESTATE } from "../store/estates";
import { storedProfileAsInput } from "@/lib/snapshot/profile";

export interface StartLiveScan {
  store: Store;
  /** The signed-in user's credential (LIVE_SCAN_AS_USER=1); absent: the app's own identity. */
  credential?: TokenCredential;
  resourceGraph?: boolean;
  /** The estate to store the scan in, already validated (parseEstateName); default `default`. */
  estate?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * A live read into another estate is queued or running: reads go one at a time, and joining it would store the
 * scan somewhere the caller did not ask for. The API answers 409 with this message.
 */
export class LiveScanBusyError extends Error {
  constructor(readonly job: LiveJob) {
    super(`a live read into estate "${job.estate}" is already running; start this one when it has finished`);
    this.name = "LiveScanBusyError";
  }
}


interface Running {
  job: ClaimedJob;
  done: Promise<void>;
  /** Set when the job was released: the run stops writing and stores no scan. */
  released: boolean;
}

interface LiveProcess {
  owner: string;
  running: Map<string, Running>;
  stopping: boolean;
  worker?: NodeJS.Timeout;
}
// NOTE: on globalThis because Next evaluates this module once per bundle (a route's, instrumentation's): the process
// has one owner id and one set of jobs, or the stop handler would release under another id than the route claimed.
const state = globalThis as unknown as { __lockdownLive?: LiveProcess };
const live: LiveProcess = (state.__lockdownLive ??= {
  owner: `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`,
  running: new Map(),
  stopping: false,
});

/** This process as a job owner: host (a container's name), pid and a random tag (pids repeat across restarts). */
export const OWNER = live.owner;

/**
 * Queues a read into `estate` unless one is already queued or running (reads are heavy; a second click for the
 * same estate joins the first), and runs it in this process. Resolves to the job to poll (GET /api/scans/live/<id>).
 * @throws LiveScanBusyError when the read already queued or running stores into another estate.
 */
export async function startLiveScan({ store, credential, resourceGraph, estate = DEFAULT_ESTATE, env }: StartLiveScan): Promise<LiveJob> {
  if (live.stopping) throw new Error("this server process is stopping; try again in a moment");
  const { job, created } = await store.liveJobs.enqueue({ resourceGraph, asUser: credential !== undefined, estate });
  if (!created && job.estate !== estate) throw new LiveScanBusyError(job);
  if (!created) return job;
  // Another replica's worker may claim an app-identity job first; then it runs there, which is as good.
  const claimed = await store.liveJobs.claim(OWNER, job.id);
  if (claimed) runClaimed(claimed, { store, credential, resourceGraph, env });
  return job;
}

function runClaimed(job: ClaimedJob, options: StartLiveScan): void {
  const entry: Running = { job, released: false, done: Promise.resolve() };
  logEvent("info", "live scan claimed", { job: job.id, owner: OWNER });
  entry.done = run(entry, options).finally(() => {
    live.running.delete(job.id);
    logEvent("info", "live scan ended", { job: job.id, state: entry.released ? "released" : job.state, ...(job.scanId ? { scanId: job.scanId } : {}) });
  });
  live.running.set(job.id, entry);
}

async function run(entry: Running, { store, credential, env }: StartLiveScan): Promise<void> {
  const job = entry.job;
  let lost = false;
  const save = async (changes: Partial<LiveJob>) => {
    Object.assign(job, changes);
    if (entry.released || lost) return;
    if (!(await store.liveJobs.update(job, OWNER))) lost = true;
  };
  const beat = setInterval(() => {
    void store.liveJobs.heartbeat(job.id, OWNER).then(
      (held) => {
        if (!held) lost = true;
      },
      () => undefined,
    );
  }, HEARTBEAT_MS);
  beat.unref();
  try {
    const read = await readLiveEstate({
      env,
      credential,
      resourceGraph: job.resourceGraph,
      onProgress: ({ done, total }) => void save({ done, total }).catch(() => undefined),
    });
    if (read.snapshot.resources.length === 0 && read.errors.length > 0) {
      await save({ state: "failed", errors: read.errors, message: "Nothing could be read from Azure; see the errors." });
      return;
    }
    await save({ state: "auditing", errors: read.errors });
    // Released (shutting down) or taken over (our heartbeat went stale): another process runs it from the start.
    if (entry.released || lost) return;
    // The roles of the latest scan of the job's estate carry over: a live read has no profile of its own (a new
    // estate starts with none). The stored profile is the parsed form; storedProfileAsInput gives back the file form.
    // The estate comes from the job row, so a job resumed by another process stores where its starter asked.
    const latest = await store.latestScan(job.estate);
    const inputs = latest ? await store.getInputs(latest.id) : undefined;
    const scan = await store.createScan({
      // Stored with how it was read, so this scan and every re-audit of it (a role edit) carry Resource Graph's
      // caveat in `notes` (lib/live/read-notes.ts, derived by the store from the snapshot).
      sources: [{ name: "azure", value: { ...read.snapshot, readMethod: readMethodOf(job.resourceGraph) } }],
      profile: latest && inputs ? { name: `profile of scan #${latest.seq}`, value: storedProfileAsInput(inputs.profile) } : undefined,
      // With errors the audit passes nothing and leaves out roles naming what was not read (AuditOptions.readErrors).
      errors: read.errors.length ? read.errors : undefined,
      label: `Live read of ${read.stats.subscriptions} subscription${read.stats.subscriptions === 1 ? "" : "s"}`,
      origin: "live",
      estate: job.estate,
    });
    await save({ state: "done", scanId: scan.id });
  } catch (e) {
    await save({ state: "failed", message: (e as Error).message.split("\n")[0] }).catch(() => undefined);
  } finally {
    clearInterval(beat);
  }
}

/**
 * Every `intervalMs`, re-queues jobs whose process crashed (stale heartbeat) and claims a queued job when this
 * process runs none (a job released by a replica that stopped, or one queued while its starter died). Runs as the
 * app's own identity; jobs acting for a user are never picked up elsewhere. Idempotent per process.
 */
export function startLiveWorker(getStore: () => Promise<Store>, { intervalMs = 5_000, env }: { intervalMs?: number; env?: NodeJS.ProcessEnv } = {}): void {
  if (live.worker) return;
  let busy = false;
  live.worker = setInterval(async () => {
    if (busy || live.stopping) return;
    busy = true;
    try {
      const store = await getStore();
      await store.liveJobs.requeueStale();
      if (live.running.size === 0) {
        const job = await store.liveJobs.claim(OWNER);
        if (job) runClaimed(job, { store, env });
      }
    } catch (e) {
      // The database is unreachable for now: the health check reports it; try again next tick.
      logEvent("warn", "live scan worker: database unavailable", { error: (e as Error).message.split("\n")[0] });
    } finally {
      busy = false;
    }
  }, intervalMs);
  live.worker.unref();
}

/**
 * Graceful stop (SIGTERM): claims nothing more, waits up to `graceMs` for this process's running read to finish,
 * then releases what is still running (queued again for another replica; failed if it acts for a user).
 * Resolves to what happened to each job.
 */
export async function shutdownLiveScans(store: Store | undefined, graceMs: number): Promise<{ finished: string[]; released: string[] }> {
  live.stopping = true;
  if (live.worker) clearInterval(live.worker);
  live.worker = undefined;
  const entries = [...live.running.values()];
  const ids = entries.map((e) => e.job.id);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(entries.map((e) => e.done)), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  const released: string[] = [];
  for (const entry of live.running.values()) {
    entry.released = true;
    if (store) {
      await store.liveJobs.release(entry.job.id, OWNER).catch((e: Error) => {
        // Not fatal: its heartbeat goes stale and a live replica re-queues it within STALE_MS.
        logEvent("warn", "live scan could not be released", { job: entry.job.id, error: e.message.split("\n")[0] });
      });
    }
    released.push(entry.job.id);
  }
  return { finished: ids.filter((id) => !released.includes(id)), released };
}

/** Test hook: forget this process's stopping state and worker (each test starts from a running process). */
export function resetLiveScansForTests(): void {
  if (live.worker) clearInterval(live.worker);
  live.worker = undefined;
  live.stopping = false;
  live.running.clear();
}
