// The app's one Store per process, on the database LOCKDOWN_DB names (default ./data/lockdown.db).
import { dbPath } from "./db";
import { Store } from "./store";

export { Store, findingIdOf } from "./store";
export type { CreateScanInput, FoundFinding, ScanOrigin, ScanRecord, StoredInputs } from "./store";
export { dbPath, openDatabase, DEFAULT_DB_PATH } from "./db";
export { findingTimeline } from "./history";
export type { FindingTimeline, HistoryEntry } from "./history";
export { ROLE_CHOICES, isRoleChoice } from "./roles";
export type { LiveJob } from "./live-jobs";
export type { RoleChoice, RoleOverride } from "./roles";

// NOTE: kept on globalThis because Next may evaluate this module once per route bundle; one connection per process.
const holder = globalThis as unknown as { __lockdownStore?: { path: string; store: Store } };

export function getStore(): Store {
  const file = dbPath();
  if (!holder.__lockdownStore || holder.__lockdownStore.path !== file) {
    holder.__lockdownStore?.store.close();
    holder.__lockdownStore = { path: file, store: Store.open(file) };
  }
  return holder.__lockdownStore.store;
}
