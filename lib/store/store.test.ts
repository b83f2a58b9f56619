import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "@/lib/errors";
import { MIGRATIONS, schemaVersion } from "./migrations";
import { Store } from "./store";
import { CC, COMPUTE, PROFILE, SPARE, nsgSource, vnetSource } from "./__fixtures__/estate";

let dir: string;
let file: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lockdown-store-"));
  file = path.join(dir, "nested", "lockdown.db");
  store = Store.open(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const broken = () => [vnetSource(), nsgSource({ storageAllowed: false })];
const fixed = () => [vnetSource(), nsgSource({ storageAllowed: true })];
const storageFinding = (s: Store, scanId: string) => s.getReport(scanId)!.subnets.find((x) => x.id === CC)!.findings.find((f) => f.rule === "CC-EGRESS-STORAGE")!;

describe("database", () => {
  it("creates its folder, runs every migration once, uses WAL, and refuses a newer schema", () => {
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    store.close();
    store = Store.open(file); // a second open runs nothing again
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.length);
    store.db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    store.close();
    expect(() => Store.open(file)).toThrow(/newer than this version/);
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    db.close();
    store = Store.open(file);
  });
});

describe("scans", () => {
  it("audits, stores and reads back a scan with links pointing at it", () => {
    const scan = store.createScan({ sources: broken(), profile: PROFILE, origin: "upload" });
    expect(scan.seq).toBe(1);
    expect(scan.label).toBe("Upload: vnet.json, nsgs.json");
    expect(scan.sourceNames).toEqual(["vnet.json", "nsgs.json"]);
    const report = store.getReport(scan.id)!;
    expect(scan.summary).toEqual(report.summary);
    expect(report.summary.subnets).toBe(3);
    const finding = storageFinding(store, scan.id);
    expect(finding.status).toBe("fail");
    expect(finding.link).toBe(`/scans/${scan.id}/findings/${finding.id}`);
    const found = store.getFinding(scan.id, finding.id!)!;
    expect(found.subnet.id).toBe(CC);
    expect(found.finding.rule).toBe("CC-EGRESS-STORAGE");
    expect(store.getFinding(scan.id, "nope")).toBeUndefined();
    expect(store.getScan("nope")).toBeUndefined();
  });

  it("reads what it wrote from a fresh connection (nothing only in memory)", () => {
    const scan = store.createScan({ sources: broken(), profile: PROFILE });
    store.close();
    store = Store.open(file);
    expect(store.getReport(scan.id)!.subnets.map((s) => s.name).sort()).toEqual(["compute", "cyclecloud", "spare"]);
    expect(store.getInputs(scan.id)!.sources).toEqual(broken());
    expect(store.getSnapshot(scan.id)!.nsgs.size).toBe(1);
  });

  it("writes nothing when the input is bad, and says which file", () => {
    expect(() => store.createScan({ sources: [vnetSource()], profile: { name: "p.json", value: { roles: { cluster: ["vnet-hpc/nope"] } } } })).toThrow(
      InputError,
    );
    try {
      store.createScan({ sources: [{ name: "bad.json", value: { value: [{ type: "Microsoft.Network/networkSecurityGroups", id: 7 }] } }] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe("bad.json");
    }
    expect(store.listScans()).toEqual([]);
  });

  it("lists newest first, knows the previous scan, and stores a shared snapshot once", () => {
    const a = store.createScan({ sources: broken(), profile: PROFILE, label: "first" });
    const b = store.createScan({ sources: broken(), profile: PROFILE, label: "second" });
    expect(store.listScans().map((s) => s.label)).toEqual(["second", "first"]);
    expect(store.latestScan()!.id).toBe(b.id);
    expect(store.previousScan(b.id)!.id).toBe(a.id);
    expect(store.previousScan(a.id)).toBeUndefined();
    expect((store.db.prepare("SELECT COUNT(*) AS n FROM snapshots").get() as { n: number }).n).toBe(1);
  });

  it("marks a partial live read and keeps its errors in the report", () => {
    const errors = [{ subscription: "s2", operation: "networkSecurityGroups.listAll", code: "AuthorizationFailed", message: "denied" }];
    const scan = store.createScan({ sources: broken(), profile: PROFILE, origin: "live", errors });
    expect(scan.status).toBe("partial");
    expect(store.getReport(scan.id)!.errors).toEqual(errors);
  });
});

describe("finding history", () => {
  it("says since which scan a finding fails and in which scan it was fixed", () => {
    const s1 = store.createScan({ sources: fixed(), profile: PROFILE, label: "ok" });
    const s2 = store.createScan({ sources: broken(), profile: PROFILE, label: "broke" });
    const s3 = store.createScan({ sources: broken(), profile: PROFILE, label: "still broken" });
    const id = storageFinding(store, s3.id).id!;
    expect(storageFinding(store, s1.id).id).toBe(id); // stable across scans
    let t = store.findingTimelineById(id)!;
    expect(t.history.map((h) => h.status)).toEqual(["pass", "fail", "fail"]);
    expect(t.timeline.failingSince!.scanId).toBe(s2.id);
    expect(t.timeline.fixedIn).toBeUndefined();
    const s4 = store.createScan({ sources: fixed(), profile: PROFILE, label: "fixed" });
    t = store.findingTimelineById(id)!;
    expect(t.timeline.latest!.scanId).toBe(s4.id);
    expect(t.timeline.failingSince).toBeUndefined();
    expect(t.timeline.fixedIn!.scanId).toBe(s4.id);
    expect(t.timeline.lastOpen!.scanId).toBe(s3.id);
  });
});

describe("roles", () => {
  it("re-audits the latest scan's inputs with the new role and keeps the old scan as it was", () => {
    const first = store.createScan({ sources: broken(), profile: PROFILE });
    expect(store.getReport(first.id)!.subnets.find((s) => s.id === SPARE)!.status).toBe("unscoped");
    const second = store.setRole(SPARE.toUpperCase(), "cluster");
    expect(second.seq).toBe(2);
    expect(second.origin).toBe("role-edit");
    expect(second.parentScanId).toBe(first.id);
    expect(second.label).toBe("Role of vnet-hpc/spare set to cluster");
    expect(second.roleOverrides.map((o) => [o.subnetId, o.role])).toEqual([[SPARE, "cluster"]]);
    const spare = store.getReport(second.id)!.subnets.find((s) => s.id === SPARE)!;
    expect(spare.role).toBe("cluster");
    expect(spare.findings.length).toBeGreaterThan(0);
    expect(store.getReport(first.id)!.subnets.find((s) => s.id === SPARE)!.role).toBeNull();
  });

  it("applies dashboard roles to later uploads, removes roles with none, and forgets them on reset", () => {
    store.createScan({ sources: broken(), profile: PROFILE });
    store.setRole(COMPUTE, "none");
    const upload = store.createScan({ sources: broken(), profile: PROFILE });
    expect(store.getReport(upload.id)!.subnets.find((s) => s.id === COMPUTE)!.status).toBe("unscoped");
    expect(upload.roleOverrides).toHaveLength(1);
    const reset = store.clearRole(COMPUTE)!;
    expect(store.getReport(reset.id)!.subnets.find((s) => s.id === COMPUTE)!.role).toBe("cluster");
    expect(store.listRoleOverrides()).toEqual([]);
    const ignoring = store.createScan({ sources: broken(), profile: PROFILE, applyRoleOverrides: false });
    expect(ignoring.roleOverrides).toEqual([]);
  });

  it("rejects an unknown role or subnet", () => {
    store.createScan({ sources: broken(), profile: PROFILE });
    expect(() => store.setRole(CC, "boss" as never)).toThrow(/expected one of/);
    expect(() => store.setRole(`${CC}-nope`, "cluster")).toThrow(/not in the latest scan/);
  });
});
