// Live-scan jobs in the database: the process that reads Azure writes its progress here, and whichever
// server process a poll reaches (WEB_CONCURRENCY > 1) reads it back.
import type Database from "better-sqlite3";
import type { ReadError } from "../report/types";

export interface LiveJob {
  id: string;
  state: "reading" | "auditing" | "done" | "failed";
  done: number;
  total: number;
  startedAt: string;
  scanId?: string;
  errors: ReadError[];
  message?: string;
}

interface Row {
  id: string;
  state: LiveJob["state"];
  done: number;
  total: number;
  started_at: string;
  scan_id: string | null;
  errors: string;
  message: string | null;
  pid: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function toJob(row: Row): LiveJob {
  const running = row.state === "reading" || row.state === "auditing";
  // A job whose process has gone will never finish: say so instead of showing it running forever.
  if (running && !alive(row.pid)) return { ...toJob({ ...row, state: "failed" }), message: "The server process reading Azure stopped; start the scan again." };
  return {
    id: row.id,
    state: row.state,
    done: row.done,
    total: row.total,
    startedAt: row.started_at,
    ...(row.scan_id ? { scanId: row.scan_id } : {}),
    errors: JSON.parse(row.errors),
    ...(row.message ? { message: row.message } : {}),
  };
}

export class LiveJobs {
  constructor(private readonly db: Database.Database) {}

  save(job: LiveJob, pid = process.pid): void {
    this.db
      .prepare(
        `INSERT INTO live_jobs (id, state, done, total, started_at, scan_id, errors, message, pid)
         VALUES (@id, @state, @done, @total, @startedAt, @scanId, @errors, @message, @pid)
         ON CONFLICT (id) DO UPDATE SET state = @state, done = @done, total = @total, scan_id = @scanId, errors = @errors, message = @message`,
      )
      .run({ ...job, scanId: job.scanId ?? null, errors: JSON.stringify(job.errors), message: job.message ?? null, pid });
  }

  get(id: string): LiveJob | undefined {
    const row = this.db.prepare(`SELECT * FROM live_jobs WHERE id = ?`).get(id) as Row | undefined;
    return row && toJob(row);
  }

  /** The job still reading or auditing, if any (one live read at a time: reads are heavy). */
  running(): LiveJob | undefined {
    const rows = this.db.prepare(`SELECT * FROM live_jobs WHERE state IN ('reading', 'auditing') ORDER BY started_at DESC`).all() as Row[];
    return rows.map(toJob).find((j) => j.state === "reading" || j.state === "auditing");
  }
}
