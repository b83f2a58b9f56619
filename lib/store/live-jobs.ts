// Live-scan jobs in the database: a job is queued, claimed by exactly one server process (replica), which writes
// its progress here; whichever process a poll reaches reads it back. A process that stops releases its job (queued
// again for another replica); one that crashes leaves a stale heartbeat, and a live replica re-queues the job.
import type { ReadError } from "../report/types";
import { DEFAULT_ESTATE } from "./estates";
import type { Queryable, SqlDatabase } from "./sql";

export interface LiveJob {
  id: string;
  /** A queued job (not yet claimed by a server process) shows as `reading` with nothing done yet. */
  state: "reading" | "auditing" | "done" | "failed";
  done: number;
  total: number;
  startedAt: string;
  scanId?: string;
  errors: ReadError[];
  message?: string;
  /** The estate (estates.ts) the scan is stored in; `default` when the starter named none. */
  estate: string;
}

/** How a job is run: through Resource Graph, and whether it acts for the signed-in user (then only its starter can run it). */
export interface LiveJobOptions {
  resourceGraph?: boolean;
  asUser?: boolean;
  /** The estate to store the scan in, already validated (parseEstateName); default `default`. */
  estate?: string;
}

/** A job as its runner sees it: what the API shows plus the options it was started with. */
export interface ClaimedJob extends LiveJob {
  resourceGraph: boolean;
  asUser: boolean;
}

interface Row {
  id: string;
  state: "queued" | LiveJob["state"];
  done: number;
  total: number;
  started_at: string;
  scan_id: string | null;
  errors: string;
  message: string | null;
  resource_graph: number;
  as_user: number;
  owner: string | null;
  heartbeat_at: string | null;
  estate: string;
}

/** A runner refreshes its heartbeat this often (ms)… */
export const HEARTBEAT_MS = 10_000;
/** …and a running job whose heartbeat is older than this is taken as abandoned (its process crashed). */
export const STALE_MS = 60_000;

const ACTIVE = "('queued', 'reading', 'auditing')";
const RUNNING = "('reading', 'auditing')";
const SELF_RUN_MESSAGE = "The server process reading Azure as you stopped; start the scan again.";

function toJob(row: Row): ClaimedJob {
  return {
    id: row.id,
    state: row.state === "queued" ? "reading" : row.state,
    done: row.done,
    total: row.total,
    startedAt: row.started_at,
    ...(row.scan_id ? { scanId: row.scan_id } : {}),
    errors: JSON.parse(row.errors),
    ...(row.message ? { message: row.message } : {}),
    estate: row.estate,
    resourceGraph: row.resource_graph === 1,
    asUser: row.as_user === 1,
  };
}

/** The public view (no runner options). */
function publicJob(job: ClaimedJob): LiveJob {
  return {
    id: job.id,
    state: job.state,
    done: job.done,
    total: job.total,
    startedAt: job.startedAt,
    ...(job.scanId ? { scanId: job.scanId } : {}),
    errors: job.errors,
    ...(job.message ? { message: job.message } : {}),
    estate: job.estate,
  };
}

export class LiveJobs {
  constructor(private readonly db: SqlDatabase) {}

  /**
   * Queues a live read unless one is queued or running already (reads are heavy; a second click joins the first).
   * Atomic across replicas: the UNIQUE `slot` admits one active job. Returns the active job and whether it is new.
   */
  async enqueue(options: LiveJobOptions = {}, now = new Date()): Promise<{ job: LiveJob; created: boolean }> {
    const id = crypto.randomUUID();
    const created = await this.db.run(
      `INSERT INTO live_jobs (id, state, done, total, started_at, errors, resource_graph, as_user, heartbeat_at, slot, estate)
       VALUES (?, 'queued', 0, 0, ?, '[]', ?, ?, ?, 'live', ?) ON CONFLICT (slot) DO NOTHING`,
      [id, now.toISOString(), options.resourceGraph ? 1 : 0, options.asUser ? 1 : 0, now.toISOString(), options.estate ?? DEFAULT_ESTATE],
    );
    const active = await this.db.get<Row>(`SELECT * FROM live_jobs WHERE slot = 'live'`);
    // The active job may have finished between the insert and this read: then show the one just refused.
    if (!active) return this.enqueue(options, now);
    return { job: publicJob(toJob(active)), created: created === 1 && active.id === id };
  }

  /**
   * Claims a queued job for `owner` (one server process): the given one, or the oldest one another process may
   * run (not one acting for a user). One UPDATE … WHERE state = 'queued': of two replicas claiming at once,
   * exactly one gets the row (PostgreSQL re-checks the WHERE after the row lock; SQLite has one writer).
   */
  async claim(owner: string, id?: string, now = new Date()): Promise<ClaimedJob | undefined> {
    // A read first: the worker polls every few seconds, and an UPDATE would take SQLite's write lock each time.
    if (!id && !(await this.db.get(`SELECT id FROM live_jobs WHERE state = 'queued' AND as_user = 0 LIMIT 1`))) return undefined;
    const target = id ? "?" : `(SELECT id FROM live_jobs WHERE state = 'queued' AND as_user = 0 ORDER BY started_at LIMIT 1)`;
    const rows = await this.db.all<Row>(
      `UPDATE live_jobs SET state = 'reading', owner = ?, heartbeat_at = ? WHERE id = ${target} AND state = 'queued' RETURNING *`,
      id ? [owner, now.toISOString(), id] : [owner, now.toISOString()],
    );
    return rows[0] && toJob(rows[0]);
  }

  /**
   * Writes a running job's progress, only while `owner` still holds it. Resolves false when it does not (the job
   * was released or re-queued meanwhile): the runner must then stop. A done or failed job frees the slot.
   */
  async update(job: LiveJob, owner: string, now = new Date()): Promise<boolean> {
    const finished = job.state === "done" || job.state === "failed";
    const changed = await this.db.run(
      `UPDATE live_jobs SET state = ?, done = ?, total = ?, scan_id = ?, errors = ?, message = ?, heartbeat_at = ?, slot = ?
       WHERE id = ? AND owner = ? AND state IN ${RUNNING}`,
      [job.state, job.done, job.total, job.scanId ?? null, JSON.stringify(job.errors), job.message ?? null, now.toISOString(), finished ? null : "live", job.id, owner],
    );
    return changed === 1;
  }

  /** Keeps a running job's claim fresh; false when `owner` no longer holds it. */
  async heartbeat(id: string, owner: string, now = new Date()): Promise<boolean> {
    return (await this.db.run(`UPDATE live_jobs SET heartbeat_at = ? WHERE id = ? AND owner = ? AND state IN ${RUNNING}`, [now.toISOString(), id, owner])) === 1;
  }

  /**
   * Gives a running job up (its process is stopping): queued again from the start for another replica, or failed
   * when it acts for a user (no other process holds that user's credential).
   */
  async release(id: string, owner: string, now = new Date()): Promise<void> {
    await this.db.transaction(async (tx) => {
      await requeueOrFail(tx, `id = ? AND owner = ? AND state IN ${RUNNING}`, [id, owner], now, "The server process reading Azure as you stopped; start the scan again.");
    });
  }

  /** Re-queues running jobs whose heartbeat is older than STALE_MS (their process crashed); returns how many. */
  async requeueStale(now = new Date(), staleMs = STALE_MS): Promise<number> {
    const cutoff = new Date(now.getTime() - staleMs).toISOString();
    if (!(await this.db.get(`SELECT id FROM live_jobs WHERE state IN ${ACTIVE} AND heartbeat_at < ? LIMIT 1`, [cutoff]))) return 0;
    return this.db.transaction((tx) => requeueOrFail(tx, `state IN ${ACTIVE} AND heartbeat_at < ?`, [cutoff], now, SELF_RUN_MESSAGE));
  }

  async get(id: string): Promise<LiveJob | undefined> {
    const row = await this.db.get<Row>(`SELECT * FROM live_jobs WHERE id = ?`, [id]);
    return row && publicJob(toJob(row));
  }

  /** The job queued or running, if any (there is at most one). */
  async running(): Promise<LiveJob | undefined> {
    const row = await this.db.get<Row>(`SELECT * FROM live_jobs WHERE slot = 'live'`);
    return row && publicJob(toJob(row));
  }
}

/** Jobs matching `where`: back to queued (from scratch) when any process may run them, failed when they act for a user. */
async function requeueOrFail(tx: Queryable, where: string, params: (string | number)[], now: Date, userMessage: string): Promise<number> {
  const failed = await tx.run(
    `UPDATE live_jobs SET state = 'failed', message = ?, owner = NULL, slot = NULL WHERE as_user = 1 AND ${where}`,
    [userMessage, ...params],
  );
  const queued = await tx.run(
    `UPDATE live_jobs SET state = 'queued', done = 0, total = 0, errors = '[]', owner = NULL, heartbeat_at = ? WHERE as_user = 0 AND ${where}`,
    [now.toISOString(), ...params],
  );
  return failed + queued;
}
