// Runs SCAN_SCHEDULE in the server: every tick, if a scheduled scan is due and no other process claimed it (the
// store's schedule_runs row), read Azure live (the same reader as the dashboard's "Scan Azure"), store the scan in
// the schedule's estate, and post new failures and fixes to WEBHOOK_URL.
import { hostname } from "node:os";
import { readLiveEstate, type LiveReadOptions, type LiveReadResult } from "@/lib/azure";
import { publicBaseUrl } from "@/lib/auth/settings";
import { diffReports } from "@/lib/report/diff";
import type { Report } from "@/lib/report/types";
import type { ScanRecord, Store } from "@/lib/store";
import { storedProfileAsInput } from "@/lib/snapshot/profile";
import { nextDue, scheduleFromEnv, type Schedule } from "./schedule";
import { postWebhook, webhookFormat, webhookJson, webhookText } from "./webhook";

const OWNER = `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

export interface ScheduledOutcome {
  dueAt: string;
  scan?: ScanRecord;
  /** HTTP status of the webhook POST (absent: no WEBHOOK_URL, or the read failed). */
  webhookStatus?: number;
  error?: string;
}

export interface RunOptions {
  store: Store;
  env?: Record<string, string | undefined>;
  now?: Date;
  /** The live reader (tests substitute one); default readLiveEstate with `env`. */
  read?: (opts: LiveReadOptions) => Promise<LiveReadResult>;
}

/**
 * Runs the scheduled scan if one is due and this process wins its claim. Resolves to undefined when nothing was
 * due or another process has it; otherwise to what happened (a failed read or webhook is recorded, not thrown).
 */
export async function runScheduledScanIfDue({ store, env = process.env, now = new Date(), read = readLiveEstate }: RunOptions): Promise<ScheduledOutcome | undefined> {
  const schedule = scheduleFromEnv(env);
  if (!schedule) return undefined;
  const dueAt = nextDue((await store.scheduleRuns.latest())?.dueAt, schedule.everyMs, now);
  if (Date.parse(dueAt) > now.getTime()) return undefined;
  const claimed = await store.scheduleRuns.claim(dueAt, schedule.estate, OWNER, now);
  if (!claimed) return undefined;
  return runClaimed(store, schedule, dueAt, env, read);
}

async function runClaimed(store: Store, schedule: Schedule, dueAt: string, env: Record<string, string | undefined>, read: NonNullable<RunOptions["read"]>): Promise<ScheduledOutcome> {
  let scan: ScanRecord | undefined;
  try {
    const result = await read({ env: env as NodeJS.ProcessEnv });
    if (result.snapshot.resources.length === 0 && result.errors.length > 0) throw new Error(`nothing could be read from Azure: ${result.errors[0].message || result.errors[0].code}`);
    // The roles of the estate's latest scan carry over (a live read has no profile of its own).
    const latest = await store.latestScan(schedule.estate);
    const inputs = latest ? await store.getInputs(latest.id) : undefined;
    scan = await store.createScan({
      sources: [{ name: "azure", value: result.snapshot }],
      profile: latest && inputs ? { name: `profile of scan #${latest.seq}`, value: storedProfileAsInput(inputs.profile) } : undefined,
      errors: result.errors.length ? result.errors : undefined,
      label: `Scheduled live read (${schedule.text}) of ${result.stats.subscriptions} subscription${result.stats.subscriptions === 1 ? "" : "s"}`,
      origin: "schedule",
      estate: schedule.estate,
    });
  } catch (e) {
    const message = (e as Error).message.split("\n")[0];
    await store.scheduleRuns.finish(dueAt, OWNER, { failed: true, message });
    return { dueAt, error: message };
  }
  // The run is done once its scan is stored; a webhook that fails afterwards is noted on the run.
  await store.scheduleRuns.finish(dueAt, OWNER, { scanId: scan.id });
  let webhookStatus: number | undefined;
  let error: string | undefined;
  const url = env.WEBHOOK_URL?.trim();
  if (url) {
    try {
      webhookStatus = await postWebhook(url, await webhookBody(store, scan, env));
    } catch (e) {
      error = `webhook: ${(e as Error).message}`;
      await store.scheduleRuns.finish(dueAt, OWNER, { scanId: scan.id, message: error });
    }
  }
  return { dueAt, scan, webhookStatus, error };
}

/** The webhook body for a stored scan: changes against the estate's previous scan, as served (exemptions applied). */
export async function webhookBody(store: Store, scan: ScanRecord, env: Record<string, string | undefined>): Promise<unknown> {
  const previous = await store.previousScan(scan.id);
  const empty: Report = { ...(await store.getReport(scan.id))!, subnets: [] };
  const diff = diffReports((previous && (await store.getReport(previous.id))) || empty, (await store.getReport(scan.id))!);
  const doc = webhookJson(scan, previous, diff, publicBaseUrl(env));
  return webhookFormat(env) === "json" ? doc : webhookText(doc);
}

const flag = globalThis as unknown as { __lockdownScheduler?: NodeJS.Timeout };

/**
 * Checks the schedule every `tickMs` (default: a quarter of the interval, between 1 s and 30 s), once per process;
 * does nothing when SCAN_SCHEDULE is unset. A bad SCAN_SCHEDULE is logged once and the scheduler stays off.
 */
export function startScheduler(getStore: () => Promise<Store>, env: Record<string, string | undefined> = process.env, log: (msg: string) => void = console.error): void {
  if (flag.__lockdownScheduler) return;
  let schedule: Schedule | undefined;
  try {
    schedule = scheduleFromEnv(env);
  } catch (e) {
    log(`scheduled scans are off: ${(e as Error).message}`);
    return;
  }
  if (!schedule) return;
  const tickMs = Math.min(30_000, Math.max(1_000, Math.floor(schedule.everyMs / 4)));
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const outcome = await runScheduledScanIfDue({ store: await getStore(), env });
      if (outcome?.error) log(`scheduled scan due ${outcome.dueAt}: ${outcome.error}`);
    } catch (e) {
      // The database is unreachable for now: try again next tick.
      log(`scheduled scan check failed: ${(e as Error).message.split("\n")[0]}`);
    } finally {
      busy = false;
    }
  };
  flag.__lockdownScheduler = setInterval(() => void tick(), tickMs);
  flag.__lockdownScheduler.unref();
  void tick();
}

/** Stops this process's scheduler (graceful stop, tests). */
export function stopScheduler(): void {
  if (flag.__lockdownScheduler) clearInterval(flag.__lockdownScheduler);
  flag.__lockdownScheduler = undefined;
}
