// `tsx lib/store/seed-cli.ts <db file | postgres://…> <estate dir> [--fresh]`: used by `npm run demo` and the browser tests.
// --fresh empties the database first (deletes the SQLite file; on PostgreSQL drops the store's tables).
import { InputError } from "@/lib/errors";
import { removeDatabase, seedFromDirectory } from "./seed";
import { isPostgresUrl } from "./db";
import { PostgresDatabase } from "./postgres";
import { Store } from "./store";

/** Drops the store's tables (PostgreSQL `--fresh`): the next open migrates an empty schema. */
async function dropTables(url: string): Promise<void> {
  const db = new PostgresDatabase(url, { max: 1 });
  try {
    await db.exec("DROP TABLE IF EXISTS live_jobs, roles, finding_index, results, scan_inputs, scans, snapshots, lockdown_schema CASCADE");
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const fresh = argv.includes("--fresh");
  const [dbFile, dir] = argv.filter((a) => a !== "--fresh");
  if (!dbFile || !dir) {
    process.stderr.write("usage: tsx lib/store/seed-cli.ts <db file | postgres://…> <estate dir> [--fresh]\n");
    return 2;
  }
  if (fresh) {
    if (isPostgresUrl(dbFile)) await dropTables(dbFile);
    else removeDatabase(dbFile);
  }
  const store = await Store.open(dbFile);
  try {
    for (const scan of await seedFromDirectory(store, dir)) {
      const s = scan.summary;
      process.stdout.write(`seeded scan #${scan.seq} ${scan.id} (${scan.label}): ${s.subnets} subnets, ${s.fail} fail, ${s.warn} warn, ${s.pass} pass, ${s.unscoped} unscoped\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    await store.close();
  }
}

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
