// The embedded engine: one better-sqlite3 connection per process, WAL so readers never wait for the one writer.
// better-sqlite3 is synchronous; the async interface only queues work so that nothing else runs on the one
// connection while a transaction is open (another request's statement would otherwise join it).
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Param, Queryable, SqlDatabase } from "./sql";

class Statements implements Queryable {
  private cache = new Map<string, Database.Statement>();
  constructor(protected readonly db: Database.Database) {}

  protected prepare(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Bounded: multi-row inserts produce a handful of shapes, queries a few dozen.
      if (this.cache.size > 200) this.cache.clear();
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  async all<T>(sql: string, params: Param[] = []): Promise<T[]> {
    return this.prepare(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: Param[] = []): Promise<T | undefined> {
    return this.prepare(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: Param[] = []): Promise<number> {
    return this.prepare(sql).run(...params).changes;
  }
  async exec(sql: string): Promise<void> {
    this.db.exec(sql);
  }
}

/**
 * SQLite behind the store's query interface.
 * Opening creates the file's folder; the pragmas follow https://www.sqlite.org/wal.html (WAL, NORMAL sync).
 */
export class SqliteDatabase extends Statements implements SqlDatabase {
  readonly engine = "sqlite" as const;
  /** Tail of the queue of transactions; statements outside a transaction wait for it too. */
  private queue: Promise<unknown> = Promise.resolve();
  private inTransaction = false;
  private tx = new Statements(this.db);

  constructor(readonly file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commit.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    super(db);
  }

  /** The better-sqlite3 handle, for maintenance (backup, integrity_check) and tests. */
  get raw(): Database.Database {
    return this.db;
  }

  private async idle(): Promise<void> {
    while (this.inTransaction) await this.queue.catch(() => undefined);
  }

  override async all<T>(sql: string, params?: Param[]): Promise<T[]> {
    await this.idle();
    return super.all<T>(sql, params);
  }
  override async get<T>(sql: string, params?: Param[]): Promise<T | undefined> {
    await this.idle();
    return super.get<T>(sql, params);
  }
  override async run(sql: string, params?: Param[]): Promise<number> {
    await this.idle();
    return super.run(sql, params);
  }
  override async exec(sql: string): Promise<void> {
    await this.idle();
    return super.exec(sql);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const result = this.queue.catch(() => undefined).then(async () => {
      this.inTransaction = true;
      // IMMEDIATE takes the write lock up front: two processes never both read then fail to upgrade.
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const value = await fn(this.tx);
        this.db.exec("COMMIT");
        return value;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      } finally {
        this.inTransaction = false;
      }
    });
    this.queue = result;
    return result;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.db.close();
  }
}
