// Stores a hand-made report (lib/report/__fixtures__) as a scan in the e2e server's database, so the dashboard can be
// tested on evidence the demo estate does not produce yet (routes, Azure Firewall, outbound, gaps, deployments).
// The scan reuses the latest scan's stored inputs and takes a sequence number below every other scan, so it never
// becomes "latest" and no other spec sees it. Written with SQLite directly: the e2e server runs on LOCKDOWN_DB.
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { findingId } from "../../lib/finding-id";
import type { Report } from "../../lib/report/types";

/** The e2e server's database file, as playwright.config.ts names it. */
export function e2eDatabaseFile(): string {
  return path.join(tmpdir(), `lockdown-e2e-${Number(process.env.E2E_PORT ?? 3100)}.db`);
}

/** Writes `make(linkPrefix)` as a stored scan and returns its id; finding ids and links are the real ones. */
export function storeFixtureScan(label: string, make: (linkPrefix: string) => Report): { scanId: string; report: Report } {
  const scanId = `fx${randomBytes(6).toString("hex")}`;
  const report = make(`/scans/${scanId}`);
  for (const subnet of report.subnets) {
    for (const f of subnet.findings) {
      f.id = findingId(subnet.id.toLowerCase(), f.rule);
      f.link = `/scans/${scanId}/findings/${f.id}`;
    }
  }
  const db = new Database(e2eDatabaseFile());
  try {
    db.pragma("busy_timeout = 10000");
    const latest = db.prepare("SELECT i.snapshot_id, i.source_names, i.profile FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT 1").get() as
      | { snapshot_id: number; source_names: string; profile: string }
      | undefined;
    if (!latest) throw new Error("the e2e database has no scan to borrow inputs from");
    const seq = (db.prepare("SELECT MIN(seq) AS m FROM scans").get() as { m: number }).m - 1;
    const now = new Date().toISOString();
    db.transaction(() => {
      db.prepare(
        "INSERT INTO scans (id, seq, created_at, label, origin, captured_at, generated_at, status, summary, parent_scan_id) VALUES (?, ?, ?, ?, 'api', ?, ?, 'complete', ?, NULL)",
      ).run(scanId, seq, now, label, report.capturedAt ?? null, report.generatedAt, JSON.stringify(report.summary));
      db.prepare("INSERT INTO scan_inputs (scan_id, snapshot_id, source_names, profile, role_overrides) VALUES (?, ?, ?, ?, '[]')").run(scanId, latest.snapshot_id, latest.source_names, latest.profile);
      db.prepare("INSERT INTO results (scan_id, report) VALUES (?, ?)").run(scanId, JSON.stringify(report));
      const insert = db.prepare("INSERT INTO finding_index (scan_id, finding_id, subnet_key, rule, status) VALUES (?, ?, ?, ?, ?)");
      for (const subnet of report.subnets) for (const f of subnet.findings) insert.run(scanId, f.id, subnet.id.toLowerCase(), f.rule, f.status);
    })();
  } finally {
    db.close();
  }
  return { scanId, report };
}
