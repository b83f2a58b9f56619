// Which database the store uses: PostgreSQL when DATABASE_URL names one (several server processes share it),
// otherwise the embedded SQLite file at LOCKDOWN_DB (default ./data/lockdown.db). CONTRACT §5.
import path from "node:path";
import { migrate } from "./migrations";
import { PostgresDatabase, redactUrl } from "./postgres";
import type { Engine, SqlDatabase } from "./sql";
import { SqliteDatabase } from "./sqlite";

export const DEFAULT_DB_PATH = "./data/lockdown.db";

export function dbPath(env: NodeJS.ProcessEnv = process.env): string {
  // NOTE: a runtime setting, not a build input: keep the bundler from tracing the whole project through it.
  return path.resolve(/*turbopackIgnore: true*/ env.LOCKDOWN_DB?.trim() || DEFAULT_DB_PATH);
}

/** True for a libpq URI (`postgres://` or `postgresql://`). */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target.trim());
}

/**
 * The database this environment names: `DATABASE_URL` (must be a postgres:// URI) or else the SQLite file.
 * Throws one line naming the variable when DATABASE_URL is set to something else.
 */
export function databaseTarget(env: NodeJS.ProcessEnv = process.env): { engine: Engine; target: string } {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!isPostgresUrl(url)) throw new Error(`DATABASE_URL: expected postgres://user:password@host:5432/database, got ${redactUrl(url)}`);
    return { engine: "postgresql", target: url };
  }
  return { engine: "sqlite", target: dbPath(env) };
}

/** Opens a SQLite file or a postgres:// URI and brings its schema up to date (see migrations.ts). */
export async function openDatabase(target: string): Promise<SqlDatabase> {
  const db = isPostgresUrl(target) ? new PostgresDatabase(target) : new SqliteDatabase(target);
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}
