// Scans, their inputs, results and roles, in SQLite or PostgreSQL (sql.ts). Scans are immutable once written (share
// links keep showing what was found then); a role edit re-audits the latest scan's inputs and writes a new scan.
import type Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { findingId } from "@/lib/finding-id";
import { audit } from "@/lib/audit";
import { InputError } from "@/lib/errors";
import type { Profile, Role, Snapshot } from "@/lib/model/types";
import type { Finding, ReadError, Report, SubnetReport } from "@/lib/report/types";
import { loadSnapshot, parseProfile, type Source } from "@/lib/snapshot";
import { openDatabase } from "./db";
import { schemaVersion } from "./migrations";
import { insertMany, type Engine, type SqlDatabase } from "./sql";
import { SqliteDatabase } from "./sqlite";
import { findingTimeline, type FindingTimeline, type HistoryEntry } from "./history";
import { newScanId } from "./ids";
import { DEPLOYMENT_NAME, applicableOverrides, isRoleChoice, type RoleChoice, type RoleOverride } from "./roles";
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

  constructor(readonly sql: SqlDatabase) {
    this.liveJobs = new LiveJobs(sql);
  }

  /** Opens (and migrates) a SQLite file or a `postgres://` URI. Rejects when the database cannot be reached or is newer than this code. */
  static async open(target: string): Promise<Store> {
    return new Store(await openDatabase(target));
  }

  get engine(): Engine {
    return this.sql.engine;
  }

  /** The better-sqlite3 handle (SQLite only): maintenance and tests. */
  get db(): Database.Database {
    if (!(this.sql instanceof SqliteDatabase)) throw new Error("Store.db is the SQLite handle; this store is on PostgreSQL");
    return this.sql.raw;
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  /** A round trip to the database: its engine and schema version (GET /api/health). Rejects when it cannot be reached. */
  async health(): Promise<{ database: Engine; schema: number }> {
    return { database: this.sql.engine, schema: await schemaVersion(this.sql) };
  }

  /** Loads and audits the sources, then writes scan, inputs, report and finding index in one transaction. */
  async createScan(input: CreateScanInput): Promise<ScanRecord> {
    if (!input.sources.length) throw new InputError("snapshot", "", "no snapshot file given");
    const snapshot = loadSnapshot(input.sources, { serviceTags: input.serviceTags });
    const profile = input.profile ? parseProfile(input.profile.name, input.profile.value) : EMPTY_PROFILE;
    const overrides = input.applyRoleOverrides === false ? [] : await this.listRoleOverrides();
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
      deploymentOverrides: effective.deployments,
      applied: effective.applied,
      label: input.label?.trim() || defaultLabel(input.origin ?? "api", names),
      origin: input.origin ?? "api",
      errors: input.errors,
      generatedAt: input.generatedAt,
      parentScanId: input.parentScanId ?? null,
    });
  }

  private async write(args: {
    snapshot: Snapshot;
    sourcesJson: string;
    serviceTagsJson: string | null;
    sourceNames: string[];
    baseProfile: Profile;
    profileName: string;
    overrides: Map<string, Role | null>;
    /** Deployment by subnet key for subnets whose dashboard role names one. */
    deploymentOverrides?: Map<string, string>;
    applied: RoleOverride[];
    label: string;
    origin: ScanOrigin;
    errors?: ReadError[];
    generatedAt?: string;
    parentScanId: string | null;
  }): Promise<ScanRecord> {
    const id = newScanId();
    const report = audit(args.snapshot, args.baseProfile, {
      generatedAt: args.generatedAt,
      linkPrefix: `/scans/${id}`,
      profileName: args.profileName,
      roleOverrides: args.overrides,
      deploymentOverrides: args.deploymentOverrides,
      sources: args.sourceNames,
    });
    if (args.errors?.length) report.errors = args.errors;
    const createdAt = new Date().toISOString();
    const sha = createHash("sha256").update(args.sourcesJson).update("\0").update(args.serviceTagsJson ?? "").digest("hex");

    // Keyed by finding id, the last one winning (a report never repeats one; this keeps the insert valid if it did).
    const findings = new Map<string, string[]>();
    for (const subnet of report.subnets) {
      const key = subnet.id.toLowerCase();
      for (const f of subnet.findings) {
        const fid = findingIdOf(subnet, f);
        findings.set(fid, [id, fid, key, f.rule, f.status]);
      }
    }

    // One transaction per scan; the "scans" lock keeps two replicas from taking the same seq.
    await this.sql.transaction(
      async (tx) => {
        const inserted = await tx.get<{ id: number }>(
          "INSERT INTO snapshots (sha256, sources, service_tags, bytes, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id",
          [sha, args.sourcesJson, args.serviceTagsJson, args.sourcesJson.length, createdAt],
        );
        const snapshotId = inserted?.id ?? (await tx.get<{ id: number }>("SELECT id FROM snapshots WHERE sha256 = ?", [sha]))!.id;
        const seq = ((await tx.get<{ m: number | null }>("SELECT MAX(seq) AS m FROM scans"))!.m ?? 0) + 1;
        await tx.run(
          `INSERT INTO scans (id, seq, created_at, label, origin, captured_at, generated_at, status, summary, parent_scan_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
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
          ],
        );
        await tx.run("INSERT INTO scan_inputs (scan_id, snapshot_id, source_names, profile, role_overrides) VALUES (?, ?, ?, ?, ?)", [
          id,
          snapshotId,
          JSON.stringify(args.sourceNames),
          JSON.stringify(args.baseProfile),
          JSON.stringify(args.applied),
        ]);
        await tx.run("INSERT INTO results (scan_id, report) VALUES (?, ?)", [id, JSON.stringify(report)]);
        await insertMany(
          tx,
          "INSERT INTO finding_index (scan_id, finding_id, subnet_key, rule, status)",
          5,
          [...findings.values()],
        );
      },
      { lock: "scans" },
    );
    this.reports.set(id, report);
    return (await this.getScan(id))!;
  }

  async listScans(limit = 500): Promise<ScanRecord[]> {
    const rows = await this.sql.all<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT ?`, [limit]);
    return rows.map(toRecord);
  }

  async getScan(id: string): Promise<ScanRecord | undefined> {
    const row = await this.sql.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id WHERE s.id = ?`, [id]);
    return row && toRecord(row);
  }

  async latestScan(): Promise<ScanRecord | undefined> {
    const row = await this.sql.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT 1`);
    return row && toRecord(row);
  }

  /** The scan just before this one, for "what changed". */
  async previousScan(id: string): Promise<ScanRecord | undefined> {
    const row = await this.sql.get<ScanRow>(
      `SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id
       WHERE s.seq < (SELECT seq FROM scans WHERE id = ?) ORDER BY s.seq DESC LIMIT 1`,
      [id],
    );
    return row && toRecord(row);
  }

  async getReport(id: string): Promise<Report | undefined> {
    const cached = this.reports.get(id);
    if (cached) return cached;
    const row = await this.sql.get<{ report: string }>("SELECT report FROM results WHERE scan_id = ?", [id]);
    if (!row) return undefined;
    const report = JSON.parse(row.report) as Report;
    this.reports.set(id, report);
    return report;
  }

  async getFinding(scanId: string, findingId: string): Promise<FoundFinding | undefined> {
    const scan = await this.getScan(scanId);
    const report = scan && (await this.getReport(scanId));
    if (!scan || !report) return undefined;
    const hit = await this.sql.get<{ subnet_key: string }>("SELECT subnet_key FROM finding_index WHERE scan_id = ? AND finding_id = ?", [scanId, findingId]);
    if (!hit) return undefined;
    const subnet = report.subnets.find((s) => s.id.toLowerCase() === hit.subnet_key);
    const finding = subnet?.findings.find((f) => findingIdOf(subnet, f) === findingId);
    return subnet && finding ? { scan, report, subnet, finding } : undefined;
  }

  /** Every scan, oldest first, with this (subnet, rule)'s status in it (null where it was not audited). */
  async findingHistory(subnetId: string, rule: string): Promise<HistoryEntry[]> {
    const rows = await this.sql.all<{ id: string; seq: number; created_at: string; label: string; status: HistoryEntry["status"]; finding_id: string | null }>(
      `SELECT s.id, s.seq, s.created_at, s.label, f.status, f.finding_id FROM scans s
       LEFT JOIN finding_index f ON f.scan_id = s.id AND f.subnet_key = ? AND f.rule = ?
       ORDER BY s.seq`,
      [subnetId.toLowerCase(), rule],
    );
    return rows.map((r) => ({ scanId: r.id, seq: r.seq, createdAt: r.created_at, label: r.label, status: r.status, findingId: r.finding_id }));
  }

  /** The same (subnet, rule) as this finding id, across scans. */
  async findingTimelineById(findingId: string): Promise<{ subnetKey: string; rule: string; history: HistoryEntry[]; timeline: FindingTimeline } | undefined> {
    const hit = await this.sql.get<{ subnet_key: string; rule: string }>("SELECT subnet_key, rule FROM finding_index WHERE finding_id = ? LIMIT 1", [findingId]);
    if (!hit) return undefined;
    const history = await this.findingHistory(hit.subnet_key, hit.rule);
    return { subnetKey: hit.subnet_key, rule: hit.rule, history, timeline: findingTimeline(history) };
  }

  async getInputs(scanId: string): Promise<StoredInputs | undefined> {
    const row = await this.sql.get<{ snapshot_id: number; profile: string; role_overrides: string; sources: string; service_tags: string | null }>(
      `SELECT i.snapshot_id, i.profile, i.role_overrides, n.sources, n.service_tags
       FROM scan_inputs i JOIN snapshots n ON n.id = i.snapshot_id WHERE i.scan_id = ?`,
      [scanId],
    );
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
  async getSnapshot(scanId: string): Promise<Snapshot | undefined> {
    const ref = await this.sql.get<{ snapshot_id: number }>("SELECT snapshot_id FROM scan_inputs WHERE scan_id = ?", [scanId]);
    if (!ref) return undefined;
    const cached = this.snapshots.get(ref.snapshot_id);
    if (cached) return cached;
    const inputs = (await this.getInputs(scanId))!;
    const snapshot = loadSnapshot(inputs.sources, { serviceTags: inputs.serviceTags });
    this.snapshots.set(ref.snapshot_id, snapshot);
    return snapshot;
  }

  async listRoleOverrides(): Promise<RoleOverride[]> {
    const rows = await this.sql.all<{ subnet_key: string; subnet_id: string; role: RoleChoice; deployment: string | null }>(
      "SELECT subnet_key, subnet_id, role, deployment FROM roles ORDER BY updated_at",
    );
    return rows.map((r) => ({ subnetKey: r.subnet_key, subnetId: r.subnet_id, role: r.role, ...(r.deployment ? { deployment: r.deployment } : {}) }));
  }

  /**
   * Sets a subnet's role (and, optionally, the CycleCloud deployment it belongs to, CONTRACT §1.2), then re-audits
   * the latest scan's inputs with it and stores the result as a new scan (labelled as a role change). Returns that scan.
   */
  async setRole(subnetId: string, role: RoleChoice, deployment?: string | null): Promise<ScanRecord> {
    if (!isRoleChoice(role)) throw new InputError("request", "role", `expected one of cyclecloud, cluster, returnProxy, none, got ${JSON.stringify(role)}`);
    // No deployment given: a deployment set earlier in the dashboard stays (COALESCE below), else the profile's applies.
    const placedIn = role === "none" ? null : (deployment?.trim() ?? null) || null;
    if (placedIn !== null && !DEPLOYMENT_NAME.test(placedIn)) throw new InputError("request", "deployment", "expected a deployment name of 1-100 characters without control characters");
    const latest = await this.latestScan();
    if (!latest) throw new InputError("request", "subnetId", "there is no scan yet to re-audit");
    const inputs = (await this.getInputs(latest.id))!;
    const snapshot = (await this.getSnapshot(latest.id))!;
    const subnet = snapshot.subnets.get(subnetId.toLowerCase());
    if (!subnet) throw new InputError("request", "subnetId", `subnet ${subnetId} is not in the latest scan`);
    await this.sql.run(
      `INSERT INTO roles (subnet_key, subnet_id, role, deployment, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (subnet_key) DO UPDATE SET subnet_id = excluded.subnet_id, role = excluded.role, deployment = COALESCE(excluded.deployment, roles.deployment), updated_at = excluded.updated_at`,
      [subnet.key, subnet.id, role, placedIn, new Date().toISOString()],
    );
    const roleText = role === "none" ? "no role" : placedIn ? `${role} in deployment ${placedIn}` : role;
    return this.reaudit(latest, inputs, snapshot, `Role of ${subnet.vnetName}/${subnet.name} set to ${roleText}`);
  }

  /** Forgets the dashboard's role for a subnet (the uploaded profile decides again) and re-audits the latest scan. */
  async clearRole(subnetId: string): Promise<ScanRecord | undefined> {
    const removed = await this.sql.run("DELETE FROM roles WHERE subnet_key = ?", [subnetId.toLowerCase()]);
    const latest = await this.latestScan();
    if (!removed || !latest) return undefined;
    const snapshot = (await this.getSnapshot(latest.id))!;
    const subnet = snapshot.subnets.get(subnetId.toLowerCase());
    const name = subnet ? `${subnet.vnetName}/${subnet.name}` : subnetId;
    return this.reaudit(latest, (await this.getInputs(latest.id))!, snapshot, `Role of ${name} reset to the profile's`);
  }

  private async reaudit(latest: ScanRecord, inputs: StoredInputs, snapshot: Snapshot, label: string): Promise<ScanRecord> {
    const effective = applicableOverrides(snapshot, inputs.profile, await this.listRoleOverrides());
    const sourcesJson = JSON.stringify(inputs.sources);
    return this.write({
      snapshot,
      sourcesJson,
      serviceTagsJson: inputs.serviceTags ? JSON.stringify(inputs.serviceTags) : null,
      sourceNames: latest.sourceNames,
      baseProfile: inputs.profile,
      profileName: "profile",
      overrides: effective.map,
      deploymentOverrides: effective.deployments,
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
