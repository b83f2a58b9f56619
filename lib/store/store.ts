// Scans, their inputs, results and roles in SQLite. Scans are immutable once written (share links keep showing
// what was found then); a role edit re-audits the latest scan's inputs and writes a new scan.
import type Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { findingId } from "@/lib/finding-id";
import { audit } from "@/lib/audit";
import { InputError } from "@/lib/errors";
import type { Profile, Role, Snapshot } from "@/lib/model/types";
import type { Finding, ReadError, Report, SubnetReport } from "@/lib/report/types";
import { loadSnapshot, parseProfile, type Source } from "@/lib/snapshot";
import { openDatabase } from "./db";
import { findingTimeline, type FindingTimeline, type HistoryEntry } from "./history";
import { newScanId } from "./ids";
import { applicableOverrides, isRoleChoice, type RoleChoice, type RoleOverride } from "./roles";
import { LiveJobs } from "./live-jobs";

export type ScanOrigin = "upload" | "api" | "demo" | "role-edit" | "live" | "cli";

export interface CreateScanInput {
  sources: Source[];
  serviceTags?: Source;
  /** Raw profile JSON as uploaded; validated here. Absent: every subnet unscoped (unless the dashboard set roles). */
  profile?: Source;
  label?: string;
  origin?: ScanOrigin;
  /** A live read that reached only part of the estate (CONTRACT §3 `errors`). */
  errors?: ReadError[];
  generatedAt?: string;
  parentScanId?: string;
  /** Apply roles set in the dashboard (default true). */
  applyRoleOverrides?: boolean;
}

export interface ScanRecord {
  id: string;
  seq: number;
  createdAt: string;
  label: string;
  origin: ScanOrigin;
  capturedAt: string | null;
  generatedAt: string;
  status: "complete" | "partial";
  summary: Report["summary"];
  parentScanId: string | null;
  sourceNames: string[];
  /** The dashboard role overrides that changed this scan's roles. */
  roleOverrides: RoleOverride[];
}

export interface StoredInputs {
  sources: Source[];
  serviceTags?: Source;
  profile: Profile;
  roleOverrides: RoleOverride[];
  snapshotId: number;
}

export interface FoundFinding {
  scan: ScanRecord;
  report: Report;
  subnet: SubnetReport;
  finding: Finding;
}

interface ScanRow {
  id: string;
  seq: number;
  created_at: string;
  label: string;
  origin: ScanOrigin;
  captured_at: string | null;
  generated_at: string;
  status: "complete" | "partial";
  summary: string;
  parent_scan_id: string | null;
  source_names: string;
  role_overrides: string;
}

const SCAN_COLUMNS = `s.id, s.seq, s.created_at, s.label, s.origin, s.captured_at, s.generated_at, s.status, s.summary,
  s.parent_scan_id, i.source_names, i.role_overrides`;

function toRecord(row: ScanRow): ScanRecord {
  return {
    id: row.id,
    seq: row.seq,
    createdAt: row.created_at,
    label: row.label,
    origin: row.origin,
    capturedAt: row.captured_at,
    generatedAt: row.generated_at,
    status: row.status,
    summary: JSON.parse(row.summary),
    parentScanId: row.parent_scan_id,
    sourceNames: JSON.parse(row.source_names),
    roleOverrides: JSON.parse(row.role_overrides),
  };
}

/** A finding's stable id: the engine's, or one derived from (subnet, rule) when a report predates it. */
export function findingIdOf(subnet: SubnetReport, finding: Finding): string {
  return finding.id ?? findingId(subnet.id.toLowerCase(), finding.rule);
}

/** Small most-recently-used cache: scans never change, so a parsed report or snapshot can be reused as is. */
class Recent<K, V> {
  private map = new Map<K, V>();
  constructor(private size: number) {}
  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value as K);
  }
}

const EMPTY_PROFILE: Profile = { roles: { cyclecloud: [], cluster: [], returnProxy: [] } };

export class Store {
  private reports = new Recent<string, Report>(4);
  private snapshots = new Recent<number, Snapshot>(2);

  readonly liveJobs: LiveJobs;

  constructor(readonly db: Database.Database) {
    this.liveJobs = new LiveJobs(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    this.db.close();
  }

  /** Loads and audits the sources, then writes scan, inputs, report and finding index in one transaction. */
  createScan(input: CreateScanInput): ScanRecord {
    if (!input.sources.length) throw new InputError("snapshot", "", "no snapshot file given");
    const snapshot = loadSnapshot(input.sources, { serviceTags: input.serviceTags });
    const profile = input.profile ? parseProfile(input.profile.name, input.profile.value) : EMPTY_PROFILE;
    const overrides = input.applyRoleOverrides === false ? [] : this.listRoleOverrides();
    const profileName = input.profile?.name ?? "profile";
    const effective = applicableOverrides(snapshot, profile, overrides, profileName);
    const names = input.sources.map((s) => s.name);
    return this.write({
      snapshot,
      sourcesJson: JSON.stringify(input.sources),
      serviceTagsJson: input.serviceTags ? JSON.stringify(input.serviceTags) : null,
      sourceNames: names,
      baseProfile: profile,
      profileName,
      overrides: effective.map,
      applied: effective.applied,
      label: input.label?.trim() || defaultLabel(input.origin ?? "api", names),
      origin: input.origin ?? "api",
      errors: input.errors,
      generatedAt: input.generatedAt,
      parentScanId: input.parentScanId ?? null,
    });
  }

  private write(args: {
    snapshot: Snapshot;
    sourcesJson: string;
    serviceTagsJson: string | null;
    sourceNames: string[];
    baseProfile: Profile;
    profileName: string;
    overrides: Map<string, Role | null>;
    applied: RoleOverride[];
    label: string;
    origin: ScanOrigin;
    errors?: ReadError[];
    generatedAt?: string;
    parentScanId: string | null;
  }): ScanRecord {
    const id = newScanId();
    const report = audit(args.snapshot, args.baseProfile, {
      generatedAt: args.generatedAt,
      linkPrefix: `/scans/${id}`,
      profileName: args.profileName,
      roleOverrides: args.overrides,
      sources: args.sourceNames,
    });
    if (args.errors?.length) report.errors = args.errors;
    const createdAt = new Date().toISOString();
    const sha = createHash("sha256").update(args.sourcesJson).update("\0").update(args.serviceTagsJson ?? "").digest("hex");

    const tx = this.db.transaction(() => {
      const existing = this.db.prepare("SELECT id FROM snapshots WHERE sha256 = ?").get(sha) as { id: number } | undefined;
      const snapshotId =
        existing?.id ??
        Number(
          this.db
            .prepare("INSERT INTO snapshots (sha256, sources, service_tags, bytes, created_at) VALUES (?, ?, ?, ?, ?)")
            .run(sha, args.sourcesJson, args.serviceTagsJson, args.sourcesJson.length, createdAt).lastInsertRowid,
        );
      const seq = ((this.db.prepare("SELECT MAX(seq) AS m FROM scans").get() as { m: number | null }).m ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO scans (id, seq, created_at, label, origin, captured_at, generated_at, status, summary, parent_scan_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          seq,
          createdAt,
          args.label,
          args.origin,
          report.capturedAt ?? args.snapshot.capturedAt ?? null,
          report.generatedAt,
          args.errors?.length ? "partial" : "complete",
          JSON.stringify(report.summary),
          args.parentScanId,
        );
      this.db
        .prepare("INSERT INTO scan_inputs (scan_id, snapshot_id, source_names, profile, role_overrides) VALUES (?, ?, ?, ?, ?)")
        .run(id, snapshotId, JSON.stringify(args.sourceNames), JSON.stringify(args.baseProfile), JSON.stringify(args.applied));
      this.db.prepare("INSERT INTO results (scan_id, report) VALUES (?, ?)").run(id, JSON.stringify(report));
      const insert = this.db.prepare("INSERT OR REPLACE INTO finding_index (scan_id, finding_id, subnet_key, rule, status) VALUES (?, ?, ?, ?, ?)");
      for (const subnet of report.subnets) {
        const key = subnet.id.toLowerCase();
        for (const f of subnet.findings) insert.run(id, findingIdOf(subnet, f), key, f.rule, f.status);
      }
    });
    tx.immediate();
    this.reports.set(id, report);
    return this.getScan(id)!;
  }

  listScans(limit = 500): ScanRecord[] {
    const rows = this.db
      .prepare(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT ?`)
      .all(limit) as ScanRow[];
    return rows.map(toRecord);
  }

  getScan(id: string): ScanRecord | undefined {
    const row = this.db.prepare(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id WHERE s.id = ?`).get(id) as
      | ScanRow
      | undefined;
    return row && toRecord(row);
  }

  latestScan(): ScanRecord | undefined {
    const row = this.db.prepare(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT 1`).get() as
      | ScanRow
      | undefined;
    return row && toRecord(row);
  }

  /** The scan just before this one, for "what changed". */
  previousScan(id: string): ScanRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id
         WHERE s.seq < (SELECT seq FROM scans WHERE id = ?) ORDER BY s.seq DESC LIMIT 1`,
      )
      .get(id) as ScanRow | undefined;
    return row && toRecord(row);
  }

  getReport(id: string): Report | undefined {
    const cached = this.reports.get(id);
    if (cached) return cached;
    const row = this.db.prepare("SELECT report FROM results WHERE scan_id = ?").get(id) as { report: string } | undefined;
    if (!row) return undefined;
    const report = JSON.parse(row.report) as Report;
    this.reports.set(id, report);
    return report;
  }

  getFinding(scanId: string, findingId: string): FoundFinding | undefined {
    const scan = this.getScan(scanId);
    const report = scan && this.getReport(scanId);
    if (!scan || !report) return undefined;
    const hit = this.db.prepare("SELECT subnet_key FROM finding_index WHERE scan_id = ? AND finding_id = ?").get(scanId, findingId) as
      | { subnet_key: string }
      | undefined;
    if (!hit) return undefined;
    const subnet = report.subnets.find((s) => s.id.toLowerCase() === hit.subnet_key);
    const finding = subnet?.findings.find((f) => findingIdOf(subnet, f) === findingId);
    return subnet && finding ? { scan, report, subnet, finding } : undefined;
  }

  /** Every scan, oldest first, with this (subnet, rule)'s status in it (null where it was not audited). */
  findingHistory(subnetId: string, rule: string): HistoryEntry[] {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.seq, s.created_at, s.label, f.status, f.finding_id FROM scans s
         LEFT JOIN finding_index f ON f.scan_id = s.id AND f.subnet_key = ? AND f.rule = ?
         ORDER BY s.seq`,
      )
      .all(subnetId.toLowerCase(), rule) as { id: string; seq: number; created_at: string; label: string; status: HistoryEntry["status"]; finding_id: string | null }[];
    return rows.map((r) => ({ scanId: r.id, seq: r.seq, createdAt: r.created_at, label: r.label, status: r.status, findingId: r.finding_id }));
  }

  /** The same (subnet, rule) as this finding id, across scans. */
  findingTimelineById(findingId: string): { subnetKey: string; rule: string; history: HistoryEntry[]; timeline: FindingTimeline } | undefined {
    const hit = this.db.prepare("SELECT subnet_key, rule FROM finding_index WHERE finding_id = ? LIMIT 1").get(findingId) as
      | { subnet_key: string; rule: string }
      | undefined;
    if (!hit) return undefined;
    const history = this.findingHistory(hit.subnet_key, hit.rule);
    return { subnetKey: hit.subnet_key, rule: hit.rule, history, timeline: findingTimeline(history) };
  }

  getInputs(scanId: string): StoredInputs | undefined {
    const row = this.db
      .prepare(
        `SELECT i.snapshot_id, i.profile, i.role_overrides, n.sources, n.service_tags
         FROM scan_inputs i JOIN snapshots n ON n.id = i.snapshot_id WHERE i.scan_id = ?`,
      )
      .get(scanId) as { snapshot_id: number; profile: string; role_overrides: string; sources: string; service_tags: string | null } | undefined;
    if (!row) return undefined;
    return {
      snapshotId: row.snapshot_id,
      sources: JSON.parse(row.sources),
      serviceTags: row.service_tags ? JSON.parse(row.service_tags) : undefined,
      profile: JSON.parse(row.profile),
      roleOverrides: JSON.parse(row.role_overrides),
    };
  }

  /** The normalised estate a scan audited (NSG rules, routes...), for the evidence views. */
  getSnapshot(scanId: string): Snapshot | undefined {
    const ref = this.db.prepare("SELECT snapshot_id FROM scan_inputs WHERE scan_id = ?").get(scanId) as { snapshot_id: number } | undefined;
    if (!ref) return undefined;
    const cached = this.snapshots.get(ref.snapshot_id);
    if (cached) return cached;
    const inputs = this.getInputs(scanId)!;
    const snapshot = loadSnapshot(inputs.sources, { serviceTags: inputs.serviceTags });
    this.snapshots.set(ref.snapshot_id, snapshot);
    return snapshot;
  }

  listRoleOverrides(): RoleOverride[] {
    const rows = this.db.prepare("SELECT subnet_key, subnet_id, role FROM roles ORDER BY updated_at").all() as { subnet_key: string; subnet_id: string; role: RoleChoice }[];
    return rows.map((r) => ({ subnetKey: r.subnet_key, subnetId: r.subnet_id, role: r.role }));
  }

  /**
   * Sets a subnet's role for this deployment, then re-audits the latest scan's inputs with it and stores the
   * result as a new scan (labelled as a role change). Returns that scan.
   */
  setRole(subnetId: string, role: RoleChoice): ScanRecord {
    if (!isRoleChoice(role)) throw new InputError("request", "role", `expected one of cyclecloud, cluster, returnProxy, none, got ${JSON.stringify(role)}`);
    const latest = this.latestScan();
    if (!latest) throw new InputError("request", "subnetId", "there is no scan yet to re-audit");
    const inputs = this.getInputs(latest.id)!;
    const snapshot = this.getSnapshot(latest.id)!;
    const subnet = snapshot.subnets.get(subnetId.toLowerCase());
    if (!subnet) throw new InputError("request", "subnetId", `subnet ${subnetId} is not in the latest scan`);
    this.db
      .prepare(
        `INSERT INTO roles (subnet_key, subnet_id, role, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (subnet_key) DO UPDATE SET subnet_id = excluded.subnet_id, role = excluded.role, updated_at = excluded.updated_at`,
      )
      .run(subnet.key, subnet.id, role, new Date().toISOString());
    const roleText = role === "none" ? "no role" : role;
    return this.reaudit(latest, inputs, snapshot, `Role of ${subnet.vnetName}/${subnet.name} set to ${roleText}`);
  }

  /** Forgets the dashboard's role for a subnet (the uploaded profile decides again) and re-audits the latest scan. */
  clearRole(subnetId: string): ScanRecord | undefined {
    const removed = this.db.prepare("DELETE FROM roles WHERE subnet_key = ?").run(subnetId.toLowerCase()).changes;
    const latest = this.latestScan();
    if (!removed || !latest) return undefined;
    const snapshot = this.getSnapshot(latest.id)!;
    const subnet = snapshot.subnets.get(subnetId.toLowerCase());
    const name = subnet ? `${subnet.vnetName}/${subnet.name}` : subnetId;
    return this.reaudit(latest, this.getInputs(latest.id)!, snapshot, `Role of ${name} reset to the profile's`);
  }

  private reaudit(latest: ScanRecord, inputs: StoredInputs, snapshot: Snapshot, label: string): ScanRecord {
    const effective = applicableOverrides(snapshot, inputs.profile, this.listRoleOverrides());
    const sourcesJson = JSON.stringify(inputs.sources);
    return this.write({
      snapshot,
      sourcesJson,
      serviceTagsJson: inputs.serviceTags ? JSON.stringify(inputs.serviceTags) : null,
      sourceNames: latest.sourceNames,
      baseProfile: inputs.profile,
      profileName: "profile",
      overrides: effective.map,
      applied: effective.applied,
      label,
      origin: "role-edit",
      parentScanId: latest.id,
    });
  }
}

function defaultLabel(origin: ScanOrigin, names: string[]): string {
  const files = names.length > 3 ? `${names.slice(0, 3).join(", ")} +${names.length - 3}` : names.join(", ");
  switch (origin) {
    case "upload":
      return `Upload: ${files}`;
    case "demo":
      return "Demo estate";
    case "live":
      return "Live read from Azure";
    default:
      return `API: ${files}`;
  }
}
