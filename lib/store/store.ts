// Scans, their inputs, results and roles, in SQLite or PostgreSQL (sql.ts). Scans are immutable once written (share
// links keep showing what was found then); a role edit re-audits the latest scan's inputs and writes a new scan.
import type Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { findingId } from "@/lib/finding-id";
import { audit, readErrorsOf } from "@/lib/audit";
import { mayHideProfileEntries } from "@/lib/partial-read";
import { InputError } from "@/lib/errors";
import type { Profile, Role, Snapshot } from "@/lib/model/types";
import type { Finding, ReadError, Report, SubnetReport } from "@/lib/report/types";
import { loadSnapshot, parseProfile, type Source } from "@/lib/snapshot";
import { openDatabase } from "./db";
import { schemaVersion } from "./migrations";
import { insertMany, type Engine, type Queryable, type SqlDatabase } from "./sql";
import { SqliteDatabase } from "./sqlite";
import { findingTimeline, type FindingTimeline, type HistoryEntry } from "./history";
import { newScanId } from "./ids";
import { DEPLOYMENT_NAME, DEPLOYMENT_NAME_RULE, applicableOverrides, isRoleChoice, type RoleChoice, type RoleOverride } from "./roles";
import { LiveJobs } from "./live-jobs";
import { ScheduleRuns } from "./schedule-runs";
import { DEFAULT_ESTATE, parseEstateName, retentionFromEnv, type RetentionPolicy } from "./estates";
import { exemptionsFileName, validateExemptionList, type StoredExemptions } from "./exemption-list";
import { applyExemptions, parseExemptions, utcToday } from "@/lib/gates/exemptions";
import { readNotes } from "@/lib/live/read-notes";

export type ScanOrigin = "upload" | "api" | "demo" | "role-edit" | "live" | "cli" | "schedule";

export interface CreateScanInput {
  sources: Source[];
  serviceTags?: Source;
  /** Raw profile JSON as uploaded; validated here. Absent: every subnet unscoped (unless the dashboard set roles). */
  profile?: Source;
  label?: string;
  origin?: ScanOrigin;
  /**
   * A live read that reached only part of the estate (CONTRACT §3 `errors`): the audit then passes nothing and leaves
   * out profile entries that match nothing read (AuditOptions.readErrors).
   */
  errors?: ReadError[];
  /** Report-level notes from the reader (`Report.notes`: a Resource Graph read's caveat). */
  notes?: string[];
  generatedAt?: string;
  parentScanId?: string;
  /** Apply roles set in the dashboard (default true). */
  applyRoleOverrides?: boolean;
  /**
   * `profile` was given with this upload (a file or the JSON body's `profile`), not carried over from a scan: it wins
   * over the estate's dashboard roles, which are not applied and are forgotten in the scan's transaction, so later role
   * edits start from this profile. A profile carried over (the form's "roles of the latest scan", a live read) leaves
   * them in place.
   */
  profileReplacesRoles?: boolean;
  /** The estate the scan belongs to (`default` when absent); validated (estates.ts). */
  estate?: string;
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
  /** The estate the scan belongs to: its history, latest and previous scan are among that estate's scans. */
  estate: string;
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
  estate: string;
}

const SCAN_COLUMNS = `s.id, s.seq, s.created_at, s.label, s.origin, s.captured_at, s.generated_at, s.status, s.summary,
  s.parent_scan_id, i.source_names, i.role_overrides, s.estate`;

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
    estate: row.estate,
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
  delete(key: K): void {
    this.map.delete(key);
  }
}

/**
 * Raises the store's revision (the `store_revision` row): call it inside the transaction of every write that can change
 * what a page shows, so a reader never sees the new revision with the old data. scripts/html-cache.mjs keys pages by it.
 */
async function raiseRevision(tx: Queryable): Promise<void> {
  await tx.run("UPDATE store_revision SET n = n + 1 WHERE id = 1");
}

const EMPTY_PROFILE: Profile = { roles: { cyclecloud: [], cluster: [], returnProxy: [] } };

export class Store {
  private reports = new Recent<string, Report>(4);
  private snapshots = new Recent<number, Snapshot>(2);
  /** Reports with the estate's exemptions applied, by scan, UTC day and earlier scan; valid while the list is the same. */
  private exempted = new Recent<string, { list: string; report: Report }>(4);

  readonly liveJobs: LiveJobs;
  /** Scheduled live scans (SCAN_SCHEDULE): who runs which due time, and how it ended. */
  readonly scheduleRuns: ScheduleRuns;

  constructor(readonly sql: SqlDatabase) {
    this.liveJobs = new LiveJobs(sql);
    this.scheduleRuns = new ScheduleRuns(sql);
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

  /**
   * The store's revision: a counter raised by every write that can change a page (a new scan, a deletion, an exemption
   * list, a dashboard role; raiseRevision), on whichever process or replica made it. 0 on a new database.
   */
  async revision(): Promise<number> {
    const row = await this.sql.get<{ n: number | string }>("SELECT n FROM store_revision WHERE id = 1");
    return Number(row?.n ?? 0);
  }

  /** A round trip to the database: its engine and schema version (GET /api/health). Rejects when it cannot be reached. */
  async health(): Promise<{ database: Engine; schema: number }> {
    return { database: this.sql.engine, schema: await schemaVersion(this.sql) };
  }

  /**
   * Whether `scan`'s inputs may be a live read stored before snapshots kept `readMethod` (its notes then live only in
   * its report): a live or scheduled read, or role edits of one. A chain of role edits is walked up to the scan it
   * started from (metadata only), so an edited upload's report is never parsed for notes it cannot have; a chain
   * whose start was deleted (retention) may be one.
   */
  private async mayBeLegacyLiveRead(scan: ScanRecord): Promise<boolean> {
    let at: ScanRecord | undefined = scan;
    for (let hops = 0; at?.origin === "role-edit" && hops < 10_000; hops++) at = at.parentScanId ? await this.getScan(at.parentScanId) : undefined;
    return !at || at.origin === "live" || at.origin === "schedule";
  }

  /** Loads and audits the sources, then writes scan, inputs, report and finding index in one transaction. */
  async createScan(input: CreateScanInput): Promise<ScanRecord> {
    if (!input.sources.length) throw new InputError("snapshot", "", "no snapshot file given");
    // A live read's failed calls: with no subnet read, they (not an export hint) are the reason nothing can be audited.
    const snapshot = loadSnapshot(input.sources, { serviceTags: input.serviceTags, ...(input.errors?.length ? { readErrors: input.errors } : {}) });
    const profile = input.profile ? parseProfile(input.profile.name, input.profile.value) : EMPTY_PROFILE;
    const estate = parseEstateName(input.estate);
    const replacesRoles = input.profileReplacesRoles === true && input.profile !== undefined;
    // Dashboard roles are the estate's own: a role set on a scan of another estate never applies here.
    const overrides = input.applyRoleOverrides === false || replacesRoles ? [] : await this.listRoleOverrides(estate);
    const profileName = input.profile?.name ?? "profile";
    const effective = applicableOverrides(snapshot, profile, overrides, profileName, { partialRead: mayHideProfileEntries(readErrorsOf(snapshot, { readErrors: input.errors })) });
    const names = input.sources.map((s) => s.name);
    // Read before writing: a bad RETAIN_* is refused without storing the scan.
    const retention = retentionFromEnv();
    const scan = await this.write({
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
      notes: input.notes,
      generatedAt: input.generatedAt,
      parentScanId: input.parentScanId ?? null,
      estate,
      ...(replacesRoles ? { alsoInTransaction: (tx: Queryable) => tx.run("DELETE FROM roles WHERE estate = ?", [estate]).then(() => undefined) } : {}),
    });
    // Retention runs after the new scan committed (a failed cleanup never loses the scan); the new scan is the
    // estate's latest, so it is always kept.
    await this.applyRetention(estate, retention);
    return scan;
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
    notes?: string[];
    generatedAt?: string;
    parentScanId: string | null;
    estate: string;
    /** More statements for the scan's transaction (a role edit's own row: stored only with the scan it produced). */
    alsoInTransaction?: (tx: Queryable) => Promise<void>;
  }): Promise<ScanRecord> {
    const id = newScanId();
    const report = audit(args.snapshot, args.baseProfile, {
      generatedAt: args.generatedAt,
      linkPrefix: `/scans/${id}`,
      profileName: args.profileName,
      roleOverrides: args.overrides,
      deploymentOverrides: args.deploymentOverrides,
      sources: args.sourceNames,
      readErrors: args.errors,
    });
    // Notes given with the input, and those the snapshot's own read calls for (its `readMethod`): the latter hold for
    // every re-audit of the same stored snapshot, whatever its status.
    const notes = [...new Set([...(args.notes ?? []), ...(readNotes(args.snapshot) ?? [])])];
    if (notes.length) report.notes = notes;
    if (args.deploymentOverrides?.size) addEditedDeployments(report, args.deploymentOverrides);
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
          `INSERT INTO scans (id, seq, created_at, label, origin, captured_at, generated_at, status, summary, parent_scan_id, estate)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            seq,
            createdAt,
            args.label,
            args.origin,
            report.capturedAt ?? args.snapshot.capturedAt ?? null,
            report.generatedAt,
            report.errors?.length ? "partial" : "complete",
            JSON.stringify(report.summary),
            args.parentScanId,
            args.estate,
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
        await args.alsoInTransaction?.(tx);
        await raiseRevision(tx);
      },
      { lock: "scans" },
    );
    this.reports.set(id, report);
    return (await this.getScan(id))!;
  }

  /** Scans newest first; only those of `estate` when given. */
  async listScans(limit = 500, estate?: string): Promise<ScanRecord[]> {
    const rows =
      estate === undefined
        ? await this.sql.all<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT ?`, [limit])
        : await this.sql.all<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id WHERE s.estate = ? ORDER BY s.seq DESC LIMIT ?`, [estate, limit]);
    return rows.map(toRecord);
  }

  /** Every estate with at least one scan, by name, with its scan count and latest scan's time. */
  async listEstates(): Promise<{ name: string; scans: number; latestAt: string }[]> {
    const rows = await this.sql.all<{ estate: string; n: number | string; latest: string }>(
      "SELECT estate, COUNT(*) AS n, MAX(created_at) AS latest FROM scans GROUP BY estate ORDER BY estate",
    );
    return rows.map((r) => ({ name: r.estate, scans: Number(r.n), latestAt: r.latest }));
  }

  async getScan(id: string): Promise<ScanRecord | undefined> {
    const row = await this.sql.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id WHERE s.id = ?`, [id]);
    return row && toRecord(row);
  }

  /** The newest scan of `estate`, or of any estate when none is given. */
  async latestScan(estate?: string): Promise<ScanRecord | undefined> {
    const row =
      estate === undefined
        ? await this.sql.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id ORDER BY s.seq DESC LIMIT 1`)
        : await this.sql.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id WHERE s.estate = ? ORDER BY s.seq DESC LIMIT 1`, [estate]);
    return row && toRecord(row);
  }

  /** The scan of the same estate just before this one, for "what changed". */
  async previousScan(id: string): Promise<ScanRecord | undefined> {
    const row = await this.sql.get<ScanRow>(
      `SELECT ${SCAN_COLUMNS} FROM scans s JOIN scan_inputs i ON i.scan_id = s.id
       JOIN scans t ON t.id = ? WHERE s.estate = t.estate AND s.seq < t.seq ORDER BY s.seq DESC LIMIT 1`,
      [id],
    );
    return row && toRecord(row);
  }

  /**
   * Deletes a scan with its report, finding index and inputs, and the stored snapshot when no other scan uses it,
   * in one transaction: a process killed mid-delete leaves the scan either whole or gone. Scans derived from it
   * (role edits) keep their own inputs and lose only the parent link. Resolves false when there is no such scan.
   */
  async deleteScan(id: string): Promise<boolean> {
    return (await this.deleteScans([id])) > 0;
  }

  /** Deletes these scans (deleteScan) in one transaction; resolves to how many existed. */
  async deleteScans(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const deleted = await this.sql.transaction(
      async (tx) => {
        let n = 0;
        for (const id of ids) {
          const ref = await tx.get<{ snapshot_id: number | null }>(
            "SELECT i.snapshot_id FROM scans s LEFT JOIN scan_inputs i ON i.scan_id = s.id WHERE s.id = ?",
            [id],
          );
          if (!ref) continue;
          n++;
          await tx.run("UPDATE scans SET parent_scan_id = NULL WHERE parent_scan_id = ?", [id]);
          await tx.run("UPDATE live_jobs SET scan_id = NULL WHERE scan_id = ?", [id]);
          await tx.run("UPDATE schedule_runs SET scan_id = NULL WHERE scan_id = ?", [id]);
          await tx.run("DELETE FROM finding_index WHERE scan_id = ?", [id]);
          await tx.run("DELETE FROM results WHERE scan_id = ?", [id]);
          await tx.run("DELETE FROM scan_inputs WHERE scan_id = ?", [id]);
          await tx.run("DELETE FROM scans WHERE id = ?", [id]);
          if (ref.snapshot_id !== null) {
            await tx.run("DELETE FROM snapshots WHERE id = ? AND NOT EXISTS (SELECT 1 FROM scan_inputs WHERE snapshot_id = ?)", [ref.snapshot_id, ref.snapshot_id]);
          }
        }
        if (n) await raiseRevision(tx);
        return n;
      },
      { lock: "scans" },
    );
    for (const id of ids) this.reports.delete(id);
    return deleted;
  }

  /**
   * Applies a retention policy to one estate: deletes its scans beyond the newest `policy.scans` and those created
   * more than `policy.days` days before `now`. The estate's newest scan is always kept. Resolves to the deleted ids.
   */
  async applyRetention(estate: string, policy: RetentionPolicy, now: Date = new Date()): Promise<string[]> {
    if (policy.scans === undefined && policy.days === undefined) return [];
    const rows = await this.sql.all<{ id: string; created_at: string }>("SELECT id, created_at FROM scans WHERE estate = ? ORDER BY seq DESC", [estate]);
    const cutoff = policy.days === undefined ? undefined : new Date(now.getTime() - policy.days * 86_400_000).toISOString();
    const doomed = rows
      .filter((r, i) => i > 0 && ((policy.scans !== undefined && i >= policy.scans) || (cutoff !== undefined && r.created_at < cutoff)))
      .map((r) => r.id);
    await this.deleteScans(doomed);
    return doomed;
  }

  /**
   * A scan's report as served (pages, exports, API): the estate's current exemption list applied
   * (lib/gates/exemptions.ts `applyExemptions`, today in UTC, the previous scan of the estate as the earlier
   * report). `{ raw: true }`: the report as the engine wrote it.
   */
  async getReport(id: string, opts: { raw?: boolean } = {}): Promise<Report | undefined> {
    const raw = await this.getRawReport(id);
    if (!raw || opts.raw) return raw;
    const scan = await this.sql.get<{ estate: string }>("SELECT estate FROM scans WHERE id = ?", [id]);
    const stored = scan && (await this.getExemptions(scan.estate));
    if (!stored?.list.length) return raw;
    const file = exemptionsFileName(scan!.estate);
    try {
      const previous = await this.previousScan(id);
      // The same object while nothing it depends on changes, so views derived from it (app/(dashboard)/_data/view-cache.ts) stay cached.
      const today = utcToday();
      const key = `${id}\u0000${today}\u0000${previous?.id ?? ""}`;
      const list = JSON.stringify(stored.list);
      const cached = this.exempted.get(key);
      if (cached?.list === list) return cached.report;
      const previousReport = previous && (await this.getRawReport(previous.id));
      const report = applyExemptions(raw, parseExemptions(file, stored.list), today, { file, previous: previousReport });
      this.exempted.set(key, { list, report });
      return report;
    } catch (e) {
      // A list stored valid can still name a `vnet/subnet` that is ambiguous in an older scan: serve the report
      // without exemptions rather than no report.
      if (!(e instanceof InputError)) throw e;
      console.warn(`exemptions not applied to scan ${id}: ${e.message}`);
      return raw;
    }
  }

  /** The estate's exemption list (empty, `updatedAt: null` when never set). */
  async getExemptions(estate: string): Promise<StoredExemptions> {
    const row = await this.sql.get<{ list: string; updated_at: string }>("SELECT list, updated_at FROM exemptions WHERE estate = ?", [estate]);
    return { estate, list: row ? JSON.parse(row.list) : [], updatedAt: row?.updated_at ?? null };
  }

  /**
   * Replaces the estate's exemption list (the CLI's `--exemptions` JSON). Applies from the next report served.
   * @throws InputError naming the JSON path at fault when the list is not a valid exemptions file.
   */
  async setExemptions(estate: string, value: unknown, file = "request body"): Promise<StoredExemptions> {
    const name = parseEstateName(estate, "request", "estate");
    const { list } = validateExemptionList(value, file);
    const updatedAt = new Date().toISOString();
    await this.sql.transaction(
      async (tx) => {
        await tx.run(
          "INSERT INTO exemptions (estate, list, updated_at) VALUES (?, ?, ?) ON CONFLICT (estate) DO UPDATE SET list = excluded.list, updated_at = excluded.updated_at",
          [name, JSON.stringify(list), updatedAt],
        );
        await raiseRevision(tx);
      },
      { lock: "exemptions" },
    );
    return { estate: name, list, updatedAt };
  }

  /**
   * Adds one exemption to the estate's list (the finding page's "Accept this risk"), replacing an earlier one for
   * the same finding id. Read and write in one transaction so two concurrent accepts both land.
   */
  async addExemption(estate: string, exemption: Record<string, unknown>): Promise<StoredExemptions> {
    const name = parseEstateName(estate, "request", "estate");
    try {
      validateExemptionList([exemption], "request body");
    } catch (e) {
      // Validated as a one-row file; name the field of the one exemption sent.
      if (e instanceof InputError) throw new InputError(e.file, e.path.replace(/^\[0\]\.?/, ""), e.detail);
      throw e;
    }
    // Accepting a risk today until a day already gone would replace a standing exemption with one that exempts
    // nothing (a whole list sent with PUT may keep expired rows: they are its history).
    const today = new Date().toISOString().slice(0, 10);
    if (typeof exemption.expires === "string" && exemption.expires < today) throw new InputError("request body", "expires", `${exemption.expires} is already past (today is ${today}, UTC): give the day the accepted risk ends`);
    const updatedAt = new Date().toISOString();
    const list = await this.sql.transaction(
      async (tx) => {
        const row = await tx.get<{ list: string }>("SELECT list FROM exemptions WHERE estate = ?", [name]);
        const current = (row ? JSON.parse(row.list) : []) as Record<string, unknown>[];
        const key = typeof exemption.finding === "string" ? exemption.finding.toLowerCase() : undefined;
        const next = [...current.filter((e) => !key || typeof e.finding !== "string" || e.finding.toLowerCase() !== key), exemption];
        await tx.run(
          "INSERT INTO exemptions (estate, list, updated_at) VALUES (?, ?, ?) ON CONFLICT (estate) DO UPDATE SET list = excluded.list, updated_at = excluded.updated_at",
          [name, JSON.stringify(next), updatedAt],
        );
        await raiseRevision(tx);
        return next;
      },
      { lock: "exemptions" },
    );
    return { estate: name, list, updatedAt };
  }

  /** The report as the engine wrote it (cached: scans never change). */
  async getRawReport(id: string): Promise<Report | undefined> {
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

  /** Every scan of the estate, oldest first, with this (subnet, rule)'s status in it (null where it was not audited). */
  async findingHistory(subnetId: string, rule: string, estate: string = DEFAULT_ESTATE): Promise<HistoryEntry[]> {
    const rows = await this.sql.all<{ id: string; seq: number; created_at: string; label: string; status: HistoryEntry["status"]; finding_id: string | null }>(
      `SELECT s.id, s.seq, s.created_at, s.label, f.status, f.finding_id FROM scans s
       LEFT JOIN finding_index f ON f.scan_id = s.id AND f.subnet_key = ? AND f.rule = ?
       WHERE s.estate = ? ORDER BY s.seq`,
      [subnetId.toLowerCase(), rule, estate],
    );
    return rows.map((r) => ({ scanId: r.id, seq: r.seq, createdAt: r.created_at, label: r.label, status: r.status, findingId: r.finding_id }));
  }

  /**
   * The same (subnet, rule) as this finding id, across the scans of one estate: `estate` when given, else the
   * estate of the newest scan that has the finding.
   */
  async findingTimelineById(findingId: string, estate?: string): Promise<{ subnetKey: string; rule: string; estate: string; history: HistoryEntry[]; timeline: FindingTimeline } | undefined> {
    const hit =
      estate === undefined
        ? await this.sql.get<{ subnet_key: string; rule: string; estate: string }>(
            "SELECT f.subnet_key, f.rule, s.estate FROM finding_index f JOIN scans s ON s.id = f.scan_id WHERE f.finding_id = ? ORDER BY s.seq DESC LIMIT 1",
            [findingId],
          )
        : await this.sql.get<{ subnet_key: string; rule: string; estate: string }>(
            "SELECT f.subnet_key, f.rule, s.estate FROM finding_index f JOIN scans s ON s.id = f.scan_id WHERE f.finding_id = ? AND s.estate = ? ORDER BY s.seq DESC LIMIT 1",
            [findingId, estate],
          );
    if (!hit) return undefined;
    const history = await this.findingHistory(hit.subnet_key, hit.rule, hit.estate);
    return { subnetKey: hit.subnet_key, rule: hit.rule, estate: hit.estate, history, timeline: findingTimeline(history) };
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
    // Stored: an input audited before a newer shape check (a profile given as a snapshot) still opens.
    const snapshot = loadSnapshot(inputs.sources, { serviceTags: inputs.serviceTags, stored: true });
    this.snapshots.set(ref.snapshot_id, snapshot);
    return snapshot;
  }

  /** The roles set in the dashboard for scans of `estate`, oldest first. */
  async listRoleOverrides(estate: string): Promise<RoleOverride[]> {
    const rows = await this.sql.all<{ subnet_key: string; subnet_id: string; role: RoleChoice; deployment: string | null }>(
      "SELECT subnet_key, subnet_id, role, deployment FROM roles WHERE estate = ? ORDER BY updated_at, subnet_key",
      [estate],
    );
    return rows.map((r) => ({ subnetKey: r.subnet_key, subnetId: r.subnet_id, role: r.role, ...(r.deployment ? { deployment: r.deployment } : {}) }));
  }

  /**
   * Sets a subnet's role (and, optionally, the CycleCloud deployment it belongs to, CONTRACT §1.2), then re-audits
   * the latest scan's inputs with it and stores the result as a new scan (labelled as a role change). Returns that scan.
   */
  async setRole(subnetId: string, role: RoleChoice, deployment?: string | null, estate?: string): Promise<ScanRecord> {
    if (!isRoleChoice(role)) throw new InputError("request", "role", `expected one of cyclecloud, cluster, returnProxy, none, got ${JSON.stringify(role)}`);
    // No deployment given: a deployment set earlier in the dashboard stays (COALESCE below), else the profile's applies.
    const placedIn = role === "none" ? null : (deployment?.trim() ?? null) || null;
    if (placedIn !== null && !DEPLOYMENT_NAME.test(placedIn)) throw new InputError("request", "deployment", `${DEPLOYMENT_NAME_RULE}, got ${JSON.stringify(placedIn.slice(0, 120))}`);
    // The estate's latest scan when one is named, else the newest of any estate (whose estate the new scan joins).
    const latest = await this.latestScan(estate === undefined ? undefined : parseEstateName(estate));
    if (!latest) throw new InputError("request", estate === undefined ? "subnetId" : "estate", "there is no scan yet to re-audit");
    const inputs = (await this.getInputs(latest.id))!;
    const snapshot = (await this.getSnapshot(latest.id))!;
    const subnet = snapshot.subnets.get(subnetId.toLowerCase());
    if (!subnet) throw new InputError("request", "subnetId", `subnet ${subnetId} is not in the latest scan`);
    // The re-audit sees the new role in memory; its row is written in the new scan's transaction, so a re-audit stopped
    // part-way (over SCAN_TIME_LIMIT_S, app/api/_lib/scan-jobs.ts) leaves the role as it was.
    const others = await this.listRoleOverrides(latest.estate);
    const before = others.find((o) => o.subnetKey === subnet.key);
    const deploymentKept = placedIn ?? before?.deployment;
    const overrides = [...others.filter((o) => o !== before), { subnetKey: subnet.key, subnetId: subnet.id, role, ...(deploymentKept ? { deployment: deploymentKept } : {}) }];
    const roleText = role === "none" ? "no role" : placedIn ? `${role} in deployment ${placedIn}` : role;
    return this.reaudit(latest, inputs, snapshot, `Role of ${subnet.vnetName}/${subnet.name} set to ${roleText}`, overrides, (tx) =>
      tx
        .run(
          `INSERT INTO roles (estate, subnet_key, subnet_id, role, deployment, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (estate, subnet_key) DO UPDATE SET subnet_id = excluded.subnet_id, role = excluded.role, deployment = COALESCE(excluded.deployment, roles.deployment), updated_at = excluded.updated_at`,
          [latest.estate, subnet.key, subnet.id, role, placedIn, new Date().toISOString()],
        )
        .then(() => undefined),
    );
  }

  /** Forgets the dashboard's role for a subnet (the uploaded profile decides again) and re-audits the latest scan. */
  async clearRole(subnetId: string, estate?: string): Promise<ScanRecord | undefined> {
    const key = subnetId.toLowerCase();
    const named = estate === undefined ? undefined : parseEstateName(estate);
    const latest = await this.latestScan(named);
    const of = latest?.estate ?? named ?? DEFAULT_ESTATE;
    const overrides = await this.listRoleOverrides(of);
    if (!overrides.some((o) => o.subnetKey === key)) return undefined;
    const forget = (db: Queryable) => db.run("DELETE FROM roles WHERE estate = ? AND subnet_key = ?", [of, key]).then(() => undefined);
    if (!latest) return forget(this.sql);
    const snapshot = (await this.getSnapshot(latest.id))!;
    const subnet = snapshot.subnets.get(key);
    const name = subnet ? `${subnet.vnetName}/${subnet.name}` : subnetId;
    // As in setRole: the row goes with the new scan's transaction, or not at all.
    const remaining = overrides.filter((o) => o.subnetKey !== key);
    return this.reaudit(latest, (await this.getInputs(latest.id))!, snapshot, `Role of ${name} reset to the profile's`, remaining, forget);
  }

  /** Re-audits the latest scan's inputs with these dashboard roles; `commit` stores the role change with the new scan. */
  private async reaudit(
    latest: ScanRecord,
    inputs: StoredInputs,
    snapshot: Snapshot,
    label: string,
    overrides: RoleOverride[],
    commit: (tx: Queryable) => Promise<void>,
  ): Promise<ScanRecord> {
    // A partial read stays partial when its roles change: its errors (and notes) carry over, or the re-audit would pass
    // what the first audit could not. A live read's notes derive from its stored snapshot (`readMethod`); one stored
    // before that field existed has them only in its report. Only those reports are read back (a large one is costly
    // to parse).
    const legacyLive = !snapshot.readMethod && (await this.mayBeLegacyLiveRead(latest));
    const stored = latest.status === "partial" || legacyLive ? await this.getRawReport(latest.id) : undefined;
    const errors = stored?.errors?.length ? stored.errors : undefined;
    const effective = applicableOverrides(snapshot, inputs.profile, overrides, "profile", { partialRead: mayHideProfileEntries(readErrorsOf(snapshot, { readErrors: errors })) });
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
      errors,
      notes: stored?.notes,
      parentScanId: latest.id,
      estate: latest.estate,
      alsoInTransaction: commit,
    });
  }
}

/**
 * Lists in `report.deployments` the deployments dashboard role edits created (a name no profile deployment has), with
 * the subnets the audit placed in them, so the exports' deployment tables show every deployment the findings name.
 * Subnets are written as `vnet/subnet` refs, as a profile would name them.
 */
function addEditedDeployments(report: Report, placed: ReadonlyMap<string, string>): void {
  const listed = report.deployments ?? [];
  const known = new Set(listed.map((d) => d.name));
  const added = new Map<string, NonNullable<Report["deployments"]>[number]>();
  for (const name of new Set(placed.values())) {
    if (!known.has(name)) added.set(name, { name, cyclecloud: [], cluster: [], returnProxy: [], cyclecloudServer: [] });
  }
  if (!added.size) return;
  for (const subnet of report.subnets) {
    const entry = subnet.deployment ? added.get(subnet.deployment) : undefined;
    if (entry && subnet.role) entry[subnet.role].push(`${subnet.vnet}/${subnet.name}`);
  }
  report.deployments = [...listed, ...added.values()];
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
