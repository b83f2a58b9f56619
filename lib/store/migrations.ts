// Ordered schema steps. The database's `user_version` says how many have run; each runs once, in its own transaction.
// Append new steps at the end; never edit a released one (existing databases already ran it).
import type Database from "better-sqlite3";

export const MIGRATIONS: { name: string; up: string }[] = [
  {
    name: "scans, inputs, results, finding index, roles",
    up: `
      -- Snapshot sources, stored once however many scans audit them (role edits re-audit the same estate).
      CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        sources TEXT NOT NULL,
        service_tags TEXT,
        bytes INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE scans (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        label TEXT NOT NULL,
        origin TEXT NOT NULL,
        captured_at TEXT,
        generated_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'partial')),
        summary TEXT NOT NULL,
        parent_scan_id TEXT REFERENCES scans(id)
      );
      -- What a scan audited, so it can be re-audited: the estate, the profile as given, the dashboard's role overrides.
      CREATE TABLE scan_inputs (
        scan_id TEXT PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE,
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        source_names TEXT NOT NULL,
        profile TEXT NOT NULL,
        role_overrides TEXT NOT NULL
      );
      CREATE TABLE results (
        scan_id TEXT PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE,
        report TEXT NOT NULL
      );
      -- One row per finding per scan: answers "since which scan does this fail" without parsing reports.
      CREATE TABLE finding_index (
        scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        finding_id TEXT NOT NULL,
        subnet_key TEXT NOT NULL,
        rule TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (scan_id, finding_id)
      );
      CREATE INDEX finding_index_history ON finding_index (subnet_key, rule);
      CREATE INDEX finding_index_finding ON finding_index (finding_id);
      -- Roles set in the dashboard, per deployment; they apply over every profile from then on.
      CREATE TABLE roles (
        subnet_key TEXT PRIMARY KEY,
        subnet_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('cyclecloud', 'cluster', 'returnProxy', 'none')),
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    name: "live scan jobs",
    up: `
      -- Live reads started from the dashboard, so any server process can report their progress.
      CREATE TABLE live_jobs (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('reading', 'auditing', 'done', 'failed')),
        done INTEGER NOT NULL,
        total INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        scan_id TEXT REFERENCES scans(id),
        errors TEXT NOT NULL,
        message TEXT,
        pid INTEGER NOT NULL
      );
    `,
  },
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** Runs the steps this database has not run yet. A database newer than this code is refused, not damaged. */
export function migrate(db: Database.Database): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this version of Lockdown Auditor understands (${MIGRATIONS.length}); upgrade the app`);
  }
  MIGRATIONS.slice(current).forEach((step, i) => {
    db.transaction(() => {
      db.exec(step.up);
      db.pragma(`user_version = ${current + i + 1}`);
    })();
  });
}
