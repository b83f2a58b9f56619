// The server process's life around the request handler: the live-scan worker (claims queued reads, re-queues
// those of crashed replicas) and a graceful stop. On SIGTERM (docker stop, a Container Apps revision change,
// scale-in) Next stops taking requests and drains them; meanwhile a running live read gets SHUTDOWN_GRACE_MS to
// finish, and is otherwise released so another replica reads it again. Started once from instrumentation.ts.
// https://learn.microsoft.com/azure/container-apps/application-lifecycle-management#shutdown
import { shutdownLiveScans, startLiveWorker } from "@/lib/live/jobs";
import { getStore, openedStore } from "@/lib/store";
import { startScheduler, stopScheduler } from "@/lib/schedule/runner";
import { logEvent } from "./log";

/** Default grace for a running live read: under Docker's 10 s stop timeout. The Bicep template raises both. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 8_000;

const flag = globalThis as unknown as { __lockdownLifecycle?: boolean };

/** Grace in ms from SHUTDOWN_GRACE_MS (0-600000); a bad value falls back to the default with a warning. */
export function shutdownGraceMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SHUTDOWN_GRACE_MS?.trim();
  if (!raw) return DEFAULT_SHUTDOWN_GRACE_MS;
  const value = Number(raw);
  if (/^\d{1,6}$/.test(raw) && value <= 600_000) return value;
  logEvent("warn", `SHUTDOWN_GRACE_MS=${raw} is not a number of milliseconds (0-600000); using ${DEFAULT_SHUTDOWN_GRACE_MS}`);
  return DEFAULT_SHUTDOWN_GRACE_MS;
}

/** Starts the worker and installs the stop handlers, once per process. */
export function startServerLifecycle(env: NodeJS.ProcessEnv = process.env): void {
  if (flag.__lockdownLifecycle) return;
  flag.__lockdownLifecycle = true;
  startLiveWorker(() => getStore(env), { env });
  // Scheduled live scans (SCAN_SCHEDULE); off when unset.
  startScheduler(() => getStore(env), env, (msg) => logEvent("warn", msg));

  let stopping: Promise<void> | undefined;
  // The database closes last, once Next has drained the requests still being answered (they use it).
  const closeThenExit = (code?: number) =>
    void stopping!
      .then(async () => (await openedStore()?.catch(() => undefined))?.close())
      .catch(() => undefined)
      .finally(() => exitNow(code));
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    logEvent("info", "stopping", { signal });
    stopScheduler();
    stopping = (async () => {
      const store = await openedStore()?.catch(() => undefined);
      const { finished, released } = await shutdownLiveScans(store, shutdownGraceMs(env));
      if (finished.length || released.length) logEvent("info", "live scans at stop", { finished, released });
    })();
    // With NEXT_MANUAL_SIG_HANDLE Next leaves the signal to us: exit once the read is settled.
    if (env.NEXT_MANUAL_SIG_HANDLE) closeThenExit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // Next's own handler drains HTTP, then calls process.exit: hold that exit until the live read is settled.
  const exitNow = process.exit.bind(process);
  process.exit = ((code?: number) => {
    if (!stopping) return exitNow(code);
    closeThenExit(code);
    return undefined as never;
  }) as typeof process.exit;
}
