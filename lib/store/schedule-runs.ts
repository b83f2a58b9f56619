// Scheduled live scans in the database: one row per run, keyed by the time it was due. The process whose INSERT
// of a due time succeeds runs it (the others see the conflict), so one schedule runs once across replicas; the
// last row's due time is where the next interval counts from, so it survives a restart.
import type { SqlDatabase } from "./sql";

export interface ScheduleRun {
  dueAt: string;
  estate: string;
  owner: string;
  startedAt: string;
  state: "running" | "done" | "failed";
  scanId: string | null;
  message: string | null;
}

interface Row {
  due_at: string;
  estate: string;
  owner: string;
  started_at: string;
  state: ScheduleRun["state"];
  scan_id: string | null;
  message: string | null;
}

const toRun = (r: Row): ScheduleRun => ({ dueAt: r.due_at, estate: r.estate, owner: r.owner, startedAt: r.started_at, state: r.state, scanId: r.scan_id, message: r.message });

/** A run still `running` after this long is taken as abandoned (its process died): the next one may start. */
export const SCHEDULE_STALE_MS = 60 * 60_000;

export class ScheduleRuns {
  constructor(private readonly sql: SqlDatabase) {}

  /** The newest runs first (the scans page shows a few). */
  async list(limit = 10): Promise<ScheduleRun[]> {
    return (await this.sql.all<Row>("SELECT * FROM schedule_runs ORDER BY due_at DESC LIMIT ?", [limit])).map(toRun);
  }

  async latest(): Promise<ScheduleRun | undefined> {
    return (await this.list(1))[0];
  }

  /**
   * Claims the run due at `dueAt` for `owner`: resolves to the run when this call won it; undefined when another
   * process claimed that due time, or a run started less than SCHEDULE_STALE_MS ago is still running (one at a time).
   */
  async claim(dueAt: string, estate: string, owner: string, now: Date = new Date()): Promise<ScheduleRun | undefined> {
    return this.sql.transaction(
      async (tx) => {
        const staleBefore = new Date(now.getTime() - SCHEDULE_STALE_MS).toISOString();
        const busy = await tx.get<{ due_at: string }>("SELECT due_at FROM schedule_runs WHERE state = 'running' AND started_at > ? LIMIT 1", [staleBefore]);
        if (busy) return undefined;
        const row = await tx.get<Row>(
          "INSERT INTO schedule_runs (due_at, estate, owner, started_at, state) VALUES (?, ?, ?, ?, 'running') ON CONFLICT (due_at) DO NOTHING RETURNING *",
          [dueAt, estate, owner, now.toISOString()],
        );
        return row && toRun(row);
      },
      { lock: "schedule" },
    );
  }

  /** Records how the run ended (its scan, or why it failed). */
  async finish(dueAt: string, owner: string, result: { scanId?: string; message?: string; failed?: boolean }): Promise<void> {
    await this.sql.run("UPDATE schedule_runs SET state = ?, scan_id = ?, message = ? WHERE due_at = ? AND owner = ?", [
      result.failed ? "failed" : "done",
      result.scanId ?? null,
      result.message ?? null,
      dueAt,
      owner,
    ]);
  }
}
