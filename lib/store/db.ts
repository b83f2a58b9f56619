// The embedded SQLite database: path from LOCKDOWN_DB, WAL so readers never wait for the one writer.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { migrate } from "./migrations";

export const DEFAULT_DB_PATH = "./data/lockdown.db";

export function dbPath(env: NodeJS.ProcessEnv = process.env): string {
  // NOTE: a runtime setting, not a build input: keep the bundler from tracing the whole project through it.
  return path.resolve(/*turbopackIgnore: true*/ env.LOCKDOWN_DB?.trim() || DEFAULT_DB_PATH);
}

export function openDatabase(file: string): Database.Database {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commit.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}
