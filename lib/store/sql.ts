// The one query layer the store speaks: a small async interface with two implementations, SQLite
// (better-sqlite3, embedded, the default) and PostgreSQL (pg, shared by several server processes).
// SQL is written once with `?` placeholders in the common subset of both dialects (ON CONFLICT upserts,
// RETURNING, CAST(... AS INTEGER)); the PostgreSQL side numbers the placeholders.

export type Engine = "sqlite" | "postgresql";

/** A value bound to a `?` placeholder. Booleans are stored as 0/1 integers in both engines. */
export type Param = string | number | null;

/** Statements run inside one transaction, or on the database directly. */
export interface Queryable {
  /** Every row of a query (also a write with RETURNING). */
  all<T>(sql: string, params?: Param[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T>(sql: string, params?: Param[]): Promise<T | undefined>;
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: Param[]): Promise<number>;
  /** Several statements without parameters (schema steps). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Writers that must not interleave across server processes (e.g. allocating the next scan number) name the
   * same lock: PostgreSQL takes a transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE already admits one
   * writer at a time.
   */
  lock?: string;
}

export interface SqlDatabase extends Queryable {
  readonly engine: Engine;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1, $2, …` for PostgreSQL. The store's SQL has no `?` inside string literals, so a plain scan is enough. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Rows for one multi-row INSERT: chunked so neither engine's parameter limit (SQLite 32766, PostgreSQL 65535) is reached. */
export async function insertMany(
  q: Queryable,
  head: string,
  columns: number,
  rows: Param[][],
  tail = "",
  chunk = Math.floor(30_000 / columns),
): Promise<void> {
  const tuple = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await q.run(`${head} VALUES ${part.map(() => tuple).join(", ")} ${tail}`, part.flat());
  }
}
