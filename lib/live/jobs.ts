// Live scans started from the dashboard: reading a tenant takes from seconds to minutes, so a scan
// is a job the page polls for progress (subscriptions read / total) until its stored scan exists.
// The job's state lives in the database, so any server process can answer the poll.
import type { TokenCredential } from "@azure/core-auth";
import { readLiveEstate } from "../azure";
import type { LiveJob, Store } from "../store";

export interface StartLiveScan {
  store: Store;
  credential?: TokenCredential;
  resourceGraph?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Starts a read unless one is already running (reads are heavy; a second click joins the first). */
export function startLiveScan({ store, credential, resourceGraph, env }: StartLiveScan): LiveJob {
  const running = store.liveJobs.running();
  if (running) return running;
  const job: LiveJob = { id: crypto.randomUUID(), state: "reading", done: 0, total: 0, startedAt: new Date().toISOString(), errors: [] };
  store.liveJobs.save(job);
  void run(job, { store, credential, resourceGraph, env });
  return job;
}

async function run(job: LiveJob, { store, credential, resourceGraph, env }: StartLiveScan): Promise<void> {
  const save = (changes: Partial<LiveJob>) => {
    Object.assign(job, changes);
    store.liveJobs.save(job);
  };
  try {
    const live = await readLiveEstate({ env, credential, resourceGraph, onProgress: ({ done, total }) => save({ done, total }) });
    if (live.snapshot.resources.length === 0 && live.errors.length > 0) {
      save({ state: "failed", errors: live.errors, message: "Nothing could be read from Azure; see the errors." });
      return;
    }
    save({ state: "auditing", errors: live.errors });
    // The roles of the latest scan carry over: a live read has no profile of its own.
    const latest = store.latestScan();
    const inputs = latest ? store.getInputs(latest.id) : undefined;
    const scan = store.createScan({
      sources: [{ name: "azure", value: live.snapshot }],
      profile: latest && inputs ? { name: `profile of scan #${latest.seq}`, value: inputs.profile } : undefined,
      errors: live.errors.length ? live.errors : undefined,
      label: `Live read of ${live.stats.subscriptions} subscription${live.stats.subscriptions === 1 ? "" : "s"}`,
      origin: "live",
    });
    save({ state: "done", scanId: scan.id });
  } catch (e) {
    save({ state: "failed", message: (e as Error).message.split("\n")[0] });
  }
}
