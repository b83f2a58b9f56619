// The app's one Store per process, on PostgreSQL when DATABASE_URL is set, else the SQLite file LOCKDOWN_DB names
// (default ./data/lockdown.db).
import { databaseTarget } from "./db";
import { Store } from "./store";

export { Store, findingIdOf } from "./store";
export type { CreateScanInput, FoundFinding, ScanOrigin, ScanRecord, StoredInputs } from "./store";
export { dbPath, databaseTarget, isPostgresUrl, openDatabase, DEFAULT_DB_PATH } from "./db";
export { findingTimeline } from "./history";
export type { FindingTimeline, HistoryEntry } from "./history";
export { ROLE_CHOICES, isRoleChoice } from "./roles";
export type { LiveJob } from "./live-jobs";
export type { RoleChoice, RoleOverride } from "./roles";
export type { Engine } from "./sql";
export { DEFAULT_ESTATE, ESTATE_NAME, parseEstateName, retentionFromEnv } from "./estates";
export type { RetentionPolicy } from "./estates";
export type { StoredExemptions } from "./exemption-list";
export type { ScheduleRun } from "./schedule-runs";

// NOTE: kept on globalThis because Next may evaluate this module once per route bundle; one connection (SQLite)
// or one pool (PostgreSQL) per process.
const holder = globalThis as unknown as { __lockdownStore?: { target: string; store: Promise<Store> } };

/**
 * The process's store, opened (and migrated) on first use. Rejects when the database cannot be reached; the next
 * call tries again, so a server started before its database recovers without a restart.
 */
export function getStore(env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  let target: string;
  try {
    target = databaseTarget(env).target;
  } catch (e) {
    return Promise.reject(e);
  }
  if (!holder.__lockdownStore || holder.__lockdownStore.target !== target) {
    const previous = holder.__lockdownStore?.store;
    const store = Store.open(target);
    holder.__lockdownStore = { target, store };
    previous?.then((s) => s.close()).catch(() => undefined);
    store.catch(() => {
      if (holder.__lockdownStore?.store === store) holder.__lockdownStore = undefined;
    });
  }
  return holder.__lockdownStore.store;
}

/** The store if one was opened in this process (shutdown closes it), without opening one. */
export function openedStore(): Promise<Store> | undefined {
  return holder.__lockdownStore?.store;
}
