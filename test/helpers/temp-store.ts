// A test file's own store: SQLite on a fresh temp file, chosen the way the app chooses it (LOCKDOWN_DB, no
// DATABASE_URL), so route handlers called directly read and write it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { getStore, type Store } from "@/lib/store";

/**
 * Registers hooks that open the store before the file's tests (before its own `beforeAll`s, registered after this
 * call) and close and delete it after; `store` is the open store from then on. `name` names the temp directory.
 */
export function tempStoreForFile(name: string, file = "api.db"): { readonly store: Store } {
  const dir = mkdtempSync(path.join(tmpdir(), `lockdown-${name}-`));
  let store: Store | undefined;
  beforeAll(async () => {
    vi.stubEnv("DATABASE_URL", undefined);
    vi.stubEnv("LOCKDOWN_DB", path.join(dir, file));
    store = await getStore();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get store() {
      if (!store) throw new Error("tempStoreForFile: the store opens in beforeAll");
      return store;
    },
  };
}
