// Live scans started from the dashboard: reading a tenant takes from seconds to minutes, so a scan
// is a job the page polls for progress (subscriptions read / total) until its stored scan exists.
// Jobs live in this server process; a restart forgets running ones, never a stored scan.
import type { TokenCredential } from "@azure/core-auth";
import { readLiveEstate } from "../azure";
import type { Store } from "../store";

export interface LiveScanJob {
  id: string;
  state: "reading" | "auditing" | "done" | "failed";
  done: number;
  total: number;
  startedAt: string;
  scanId?: string;
  /** Calls that failed (the scan is then partial) or, when state is failed, why nothing was stored. */
  errors: { subscription: string; operation: string; code: string; message: string }[];
  message?: string;
}

interface Registry {
  jobs: Map<string, LiveScanJob>;
  running?: string;
}

// One registry per server process, kept across module reloads in development.
const registry: Registry = ((globalThis as { __lockdownLiveScans?: Registry }).__lockdownLiveScans ??= { jobs: new Map() });
const KEEP = 20;

export interface StartLiveScan {
  store: Store;
  credential?: TokenCredential;
  resourceGraph?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Starts a read unless one is already running (reads are heavy; a second click joins the first). */
export function startLiveScan({ store, credential, resourceGraph, env }: StartLiveScan): LiveScanJob {
  const running = registry.running ? registry.jobs.get(registry.running) : undefined;
  if (running && (running.state === "reading" || running.state === "auditing")) return running;
  const job: LiveScanJob = { id: crypto.randomUUID(), state: "reading", done: 0, total: 0, startedAt: new Date().toISOString(), errors: [] };
  registry.jobs.set(job.id, job);
  registry.running = job.id;
  for (const id of [...registry.jobs.keys()].slice(0, Math.max(0, registry.jobs.size - KEEP))) registry.jobs.delete(id);
  void run(job, { store, credential, resourceGraph, env });
  return job;
}

export function liveScanJob(id: string): LiveScanJob | undefined {
  return registry.jobs.get(id);
}

async function run(job: LiveScanJob, { store, credential, resourceGraph, env }: StartLiveScan): Promise<void> {
  try {
    const live = await readLiveEstate({
      env,
      credential,
      resourceGraph,
      onProgress: ({ done, total }) => {
        job.done = done;
        job.total = total;
      },
    });
    job.errors = live.errors;
    if (live.snapshot.resources.length === 0 && live.errors.length > 0) {
      job.state = "failed";
      job.message = "Nothing could be read from Azure; see the errors.";
      return;
    }
    job.state = "auditing";
    // The roles of the latest scan carry over: a live read has no profile of its own.
    const latest = store.latestScan();
    const inputs = latest ? store.getInputs(latest.id) : undefined;
    const scan = store.createScan({
      sources: [{ name: "azure", value: live.snapshot }],
      profile: inputs ? { name: `profile of scan #${latest!.seq}`, value: inputs.profile } : undefined,
      errors: live.errors.length ? live.errors : undefined,
      label: `Live read of ${live.stats.subscriptions} subscription${live.stats.subscriptions === 1 ? "" : "s"}`,
      origin: "live",
    });
    job.scanId = scan.id;
    job.state = "done";
  } catch (e) {
    job.state = "failed";
    job.message = (e as Error).message.split("\n")[0];
  }
}
