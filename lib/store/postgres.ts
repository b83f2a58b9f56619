// The shared engine: PostgreSQL through `pg` (node-postgres) with a small pool per process, so several server
// processes (replicas) keep one history. https://node-postgres.com/apis/pool
import pg from "pg";
import { logEvent } from "@/lib/ops/log";
import { numberPlaceholders, type Param, type Queryable, type SqlDatabase, type TransactionOptions } from "./sql";

/** Stable 32-bit key for pg_advisory_xact_lock from a lock name (FNV-1a). */
function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (const c of `lockdown:${name}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h | 0;
}

class Client implements Queryable {
  constructor(private readonly q: pg.Pool | pg.PoolClient) {}
  async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
    return (await this.q.query(numberPlaceholders(sql), params)).rows as T[];
  }
  async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: Param[] = []): Promise<number> {
    return (await this.q.query(numberPlaceholders(sql), params)).rowCount ?? 0;
  }
  async exec(sql: string): Promise<void> {
    // No parameters: the simple query protocol, which accepts several statements at once.
    await this.q.query(sql);
  }
}

/** Where DATABASE_URL points, without its password (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/**
 * PostgreSQL behind the store's query interface. `url` is a libpq connection URI
 * (`postgres://user:password@host:5432/db?sslmode=verify-full`,
 * https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS).
 * Nothing connects until the first query; a failed connection rejects that query (the pool retries on the next).
 */
export class PostgresDatabase extends Client implements SqlDatabase {
  readonly engine = "postgresql" as const;
  private readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      // A database that cannot be reached fails a request (and the health check) in seconds, not minutes.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: "lockdown-auditor",
    });
    super(pool);
    this.pool = pool;
    // An idle connection dropped by the server (restart, failover) must not crash the process; the pool replaces it.
    pool.on("error", (e) => logEvent("warn", "postgresql idle connection lost", { error: e.message }));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      if (options.lock) await client.query("SELECT pg_advisory_xact_lock($1)", [lockKey(options.lock)]);
      const value = await fn(new Client(client));
      await client.query("COMMIT");
      return value;
    } catch (e) {
      await client.query("ROLLBACK").catch((failed: Error) => {
        broken = failed;
      });
      throw e;
    } finally {
      // A connection that could not even roll back is discarded, not handed to the next request.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
