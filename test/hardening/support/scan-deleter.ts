// Child of kill-during-delete.test.ts: deletes the scans named in DELETE_IDS (comma-separated) through the store, in
// one deleteScans transaction, printing `deleting` just before and `deleted <n>` after the commit.
import { Store } from "@/lib/store";

const file = process.env.LOCKDOWN_DB;
const ids = process.env.DELETE_IDS?.split(",").filter(Boolean) ?? [];
if (!file || !ids.length) throw new Error("LOCKDOWN_DB and DELETE_IDS are required");

void (async () => {
  const store = await Store.open(file);
  process.stdout.write("deleting\n");
  const started = performance.now();
  const n = await store.deleteScans(ids);
  process.stdout.write(`deleted ${n} in ${Math.round(performance.now() - started)} ms\n`);
  await store.close();
})();
