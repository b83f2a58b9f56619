// Estates (issue 13): history, latest, previous scan and retention per estate; deletion with orphaned inputs;
// the estate's stored exemption list applied to every report served. Both engines.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forEachEngine } from "@/test/store/engines";
import { InputError } from "@/lib/errors";
import { MIGRATIONS } from "./migrations";
import { PostgresDatabase } from "./postgres";
import { SqliteDatabase } from "./sqlite";
import { Store, findingIdOf } from "./store";
import { parseEstateName, retentionFromEnv } from "./estates";
import { CC, PROFILE, nsgSource, vnetSource } from "./__fixtures__/estate";

const sources = (storageAllowed = false) => [vnetSource(), nsgSource({ storageAllowed })];

describe("estate names", () => {
  it("accepts letters, digits, spaces and -_. up to 64, defaulting to 'default'", () => {
    expect(parseEstateName(undefined)).toBe("default");
    expect(parseEstateName("  ")).toBe("default");
    expect(parseEstateName(" Tenant A_lab-1.0 ")).toBe("Tenant A_lab-1.0");
    expect(parseEstateName("x".repeat(64))).toBe("x".repeat(64));
  });
  it("refuses anything else with an error naming the field", () => {
    for (const bad of ["x".repeat(65), "a/b", "lab\n1", "ünï", 42]) {
      const e = (() => {
        try {
          parseEstateName(bad, "form", "estate");
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/^form: estate: expected an estate name/);
    }
  });
  it("reads RETAIN_SCANS / RETAIN_DAYS and names a bad one", () => {
    expect(retentionFromEnv({})).toEqual({});
    expect(retentionFromEnv({ RETAIN_SCANS: "5", RETAIN_DAYS: "30" })).toEqual({ scans: 5, days: 30 });
    expect(() => retentionFromEnv({ RETAIN_DAYS: "0" })).toThrow(/RETAIN_DAYS: expected a whole number/);
    expect(() => retentionFromEnv({ RETAIN_SCANS: "two" })).toThrow(/RETAIN_SCANS/);
  });
});

forEachEngine("estates", (engine) => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open(await engine.fresh());
  });
  afterEach(async () => {
    await store.close();
    delete process.env.RETAIN_SCANS;
  });

  it("keeps latest, previous scan, list and finding history per estate", async () => {
    const a1 = await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab" });
    const b1 = await store.createScan({ sources: sources(true), profile: PROFILE, estate: "prod" });
    const a2 = await store.createScan({ sources: sources(true), profile: PROFILE, estate: "lab" });
    const d = await store.createScan({ sources: sources(), profile: PROFILE });
    expect(d.estate).toBe("default");
    expect((await store.previousScan(a2.id))?.id).toBe(a1.id);
    expect(await store.previousScan(b1.id)).toBeUndefined();
    expect((await store.latestScan("lab"))?.id).toBe(a2.id);
    expect((await store.latestScan())?.id).toBe(d.id);
    expect((await store.listScans(500, "prod")).map((s) => s.id)).toEqual([b1.id]);
    expect(await store.listEstates()).toEqual([
      { name: "default", scans: 1, latestAt: d.createdAt },
      { name: "lab", scans: 2, latestAt: a2.createdAt },
      { name: "prod", scans: 1, latestAt: b1.createdAt },
    ]);
    const report = (await store.getReport(a2.id))!;
    const subnet = report.subnets.find((s) => s.id === CC)!;
    const fid = findingIdOf(subnet, subnet.findings[0]);
    const lab = (await store.findingTimelineById(fid, "lab"))!;
    expect(lab.history.map((h) => h.scanId)).toEqual([a1.id, a2.id]);
    expect((await store.findingTimelineById(fid))!.estate).toBe("default");
  });

  it("a role edit re-audits the named estate's latest scan and stays in that estate", async () => {
    const lab = await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab" });
    await store.createScan({ sources: sources(), profile: PROFILE, estate: "prod" });
    const edited = await store.setRole(CC, "cyclecloud", null, "lab");
    expect(edited).toMatchObject({ estate: "lab", parentScanId: lab.id });
  });

  it("deletes a scan with its orphaned inputs only, and unlinks scans derived from it", async () => {
    const first = await store.createScan({ sources: sources(), profile: PROFILE });
    const same = await store.createScan({ sources: sources(), profile: PROFILE });
    const other = await store.createScan({ sources: sources(true), profile: PROFILE });
    const edit = await store.setRole(CC, "cyclecloud");
    expect(edit.parentScanId).toBe(other.id);
    const snapshots = async () => Number((await store.sql.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM snapshots"))!.n);
    expect(await snapshots()).toBe(2);

    expect(await store.deleteScan(first.id)).toBe(true);
    expect(await store.getScan(first.id)).toBeUndefined();
    expect(await store.getReport(first.id)).toBeUndefined();
    expect(await snapshots()).toBe(2); // `same` still uses that snapshot
    expect(await store.getInputs(same.id)).toBeDefined();

    expect(await store.deleteScan(other.id)).toBe(true);
    expect(await snapshots()).toBe(2); // the role edit audits the same snapshot
    expect((await store.getScan(edit.id))!.parentScanId).toBeNull();
    expect(await store.deleteScan(edit.id)).toBe(true);
    expect(await snapshots()).toBe(1);
    expect(await store.deleteScan(edit.id)).toBe(false);
    const left = Number((await store.sql.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM finding_index WHERE scan_id <> ?", [same.id]))!.n);
    expect(left).toBe(0);
  });

  it("retention keeps the last N scans of the estate the new scan joined, and drops those older than D days", async () => {
    const lab: string[] = [];
    for (let i = 0; i < 3; i++) lab.push((await store.createScan({ sources: sources(i % 2 === 0), profile: PROFILE, estate: "lab" })).id);
    const prod = await store.createScan({ sources: sources(), profile: PROFILE, estate: "prod" });
    process.env.RETAIN_SCANS = "2";
    const newest = await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab" });
    expect((await store.listScans(500, "lab")).map((s) => s.id)).toEqual([newest.id, lab[2]]);
    expect(await store.getScan(prod.id)).toBeDefined();

    const now = new Date(Date.parse(newest.createdAt) + 10 * 86_400_000);
    expect(await store.applyRetention("lab", { days: 30 }, now)).toEqual([]);
    // Everything is older than 5 days then, but the estate's newest scan is always kept.
    expect(await store.applyRetention("lab", { days: 5 }, now)).toEqual([lab[2]]);
    expect((await store.listScans(500, "lab")).map((s) => s.id)).toEqual([newest.id]);
  });

  describe("exemptions", () => {
    it("applies the estate's list to every report of it, not to other estates", async () => {
      const lab = await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab" });
      const prod = await store.createScan({ sources: sources(), profile: PROFILE, estate: "prod" });
      const raw = (await store.getReport(lab.id))!;
      const subnet = raw.subnets.find((s) => s.id === CC)!;
      const failing = subnet.findings.find((f) => f.status === "fail" || f.status === "warn")!;
      const fid = findingIdOf(subnet, failing);
      const list = [{ finding: fid, reason: "staged locally", owner: "ops", expires: "2999-12-31" }];
      expect(await store.setExemptions("lab", list)).toMatchObject({ estate: "lab", list });
      expect((await store.getExemptions("lab")).list).toEqual(list);

      const served = (await store.getReport(lab.id))!;
      const exempted = served.subnets.find((s) => s.id === CC)!.findings.find((f) => findingIdOf(subnet, f) === fid)!;
      expect(exempted).toMatchObject({ status: "exempt", verdict: failing.status, exemption: { reason: "staged locally", owner: "ops" } });
      expect(served.summary.exempt).toBe(1);
      expect((await store.getFinding(lab.id, fid))!.finding.status).toBe("exempt");
      expect((await store.getReport(lab.id, { raw: true }))!.summary.exempt ?? 0).toBe(0);
      expect((await store.getFinding(prod.id, fid))!.finding.status).toBe(failing.status);
    });

    it("adds one exemption per finding and refuses a bad list with the JSON path", async () => {
      await expect(store.setExemptions("lab", [{ finding: "0123456789abcdef", reason: "r", owner: "o", expires: "2026-13-01" }])).rejects.toThrow(/\[0\]\.expires: expected a real calendar date/);
      await expect(store.setExemptions("lab", { finding: "x" })).rejects.toThrow(InputError);
      await expect(store.addExemption("lab", { finding: "0123456789abcdef", reason: "r", owner: "o" })).rejects.toThrow(/^request body: expires: /);
      // Accepting a risk until a day already gone exempts nothing (review: it replaced a standing exemption).
      await expect(store.addExemption("lab", { finding: "0123456789abcdef", reason: "r", owner: "o", expires: "2020-01-31" })).rejects.toThrow(/^request body: expires: 2020-01-31 is already past/);
      await store.addExemption("lab", { finding: "0123456789abcdef", reason: "first", owner: "o", expires: "2999-01-01" });
      await store.addExemption("lab", { finding: "0123456789ABCDEF", reason: "second", owner: "o", expires: "2999-01-01" });
      await store.addExemption("lab", { finding: "fedcba9876543210", reason: "other", owner: "o", expires: "2999-01-01" });
      expect((await store.getExemptions("lab")).list.map((e) => (e as { reason: string }).reason)).toEqual(["second", "other"]);
    });
  });

  it("puts scans stored before estates in the 'default' estate", async () => {
    await store.close();
    const old = await engine.fresh();
    const raw = engine.name === "sqlite" ? new SqliteDatabase(old) : new PostgresDatabase(old);
    const before = MIGRATIONS.findIndex((m) => m.name.startsWith("estates"));
    const dialect = { autoId: engine.name === "sqlite" ? "INTEGER PRIMARY KEY" : "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" };
    for (const step of MIGRATIONS.slice(0, before)) await raw.exec(step.up(dialect));
    if (engine.name === "sqlite") await raw.exec(`PRAGMA user_version = ${before}`);
    else await raw.exec(`CREATE TABLE lockdown_schema (version INTEGER NOT NULL); INSERT INTO lockdown_schema VALUES (${before})`);
    await raw.run(
      "INSERT INTO scans (id, seq, created_at, label, origin, generated_at, status, summary) VALUES ('old', 1, '2026-01-01T00:00:00.000Z', 'old', 'api', '2026-01-01T00:00:00.000Z', 'complete', '{}')",
    );
    await raw.close();
    store = await Store.open(old);
    const rows = await store.sql.all<{ id: string; estate: string }>("SELECT id, estate FROM scans");
    expect(rows).toEqual([{ id: "old", estate: "default" }]);
  });
});

forEachEngine("a live read that reached no subnet", (engine) => {
  it("is refused naming its failed calls, not with the export hint, and nothing is saved", async () => {
    const store = await Store.open(await engine.fresh());
    try {
      const errors = [{ subscription: "00000000-0000-0000-0000-000000000001", operation: "virtualNetworks.listAll", code: "AuthorizationFailed", message: "no access" }];
      const nsgOnly = { name: "azure", value: { value: [] } };
      const e = await store.createScan({ sources: [nsgOnly], profile: PROFILE, errors }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toContain("virtualNetworks.listAll");
      expect((e as Error).message).not.toContain("az network vnet list");
      expect(await store.listScans(10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
