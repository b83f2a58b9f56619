// Dashboard roles belong to one estate (a role edit in estate `bad` once changed later uploads into `ui`), an upload's
// own profile wins over them, deployment names follow the profile parser's rule, and a deployment a role edit
// creates is listed in `report.deployments` (the exports' deployment tables).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forEachEngine } from "@/test/store/engines";
import { parseProfile } from "@/lib/snapshot";
import { MIGRATIONS } from "./migrations";
import { PostgresDatabase } from "./postgres";
import { SqliteDatabase } from "./sqlite";
import { Store } from "./store";
import { COMPUTE, PROFILE, SPARE, nsgSource, vnetSource } from "./__fixtures__/estate";

const sources = () => [vnetSource(), nsgSource({ storageAllowed: true })];
const roleOf = async (store: Store, scanId: string, subnet: string) => (await store.getReport(scanId))!.subnets.find((s) => s.id === subnet)?.role ?? null;

forEachEngine("dashboard roles per estate", (engine) => {
  let store: Store;
  beforeEach(async () => {
    store = await Store.open(await engine.fresh());
  });
  afterEach(async () => {
    await store.close();
  });

  it("applies a role set in one estate to that estate's later scans only", async () => {
    await store.createScan({ sources: sources(), profile: PROFILE, estate: "bad" });
    await store.setRole(SPARE, "cluster", null, "bad");
    const other = await store.createScan({ sources: sources(), profile: PROFILE, estate: "ui" });
    expect(await roleOf(store, other.id, SPARE)).toBeNull();
    expect(other.roleOverrides).toEqual([]);
    const same = await store.createScan({ sources: sources(), profile: PROFILE, estate: "bad" });
    expect(await roleOf(store, same.id, SPARE)).toBe("cluster");
    expect(await store.listRoleOverrides("ui")).toEqual([]);
    expect((await store.listRoleOverrides("bad")).map((o) => o.subnetKey)).toEqual([SPARE.toLowerCase()]);
  });

  it("keeps roles of the same subnet id apart in two estates, and resets only the named estate's", async () => {
    await store.createScan({ sources: sources(), profile: PROFILE, estate: "a" });
    await store.createScan({ sources: sources(), profile: PROFILE, estate: "b" });
    await store.setRole(SPARE, "cluster", null, "a");
    const b = await store.setRole(SPARE, "returnProxy", null, "b");
    expect(await roleOf(store, b.id, SPARE)).toBe("returnProxy");
    expect(b.estate).toBe("b");
    const reset = (await store.clearRole(SPARE, "b"))!;
    expect(await roleOf(store, reset.id, SPARE)).toBeNull();
    expect((await store.listRoleOverrides("a")).map((o) => o.role)).toEqual(["cluster"]);
  });

  it("lets an upload's own profile win over the estate's dashboard roles, which it replaces", async () => {
    await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab" });
    await store.setRole(COMPUTE, "none", null, "lab");
    const uploaded = await store.createScan({ sources: sources(), profile: PROFILE, estate: "lab", profileReplacesRoles: true });
    expect(await roleOf(store, uploaded.id, COMPUTE)).toBe("cluster");
    expect(await store.listRoleOverrides("lab")).toEqual([]);
    // A later role edit starts from the uploaded profile: the replaced role does not come back.
    const edit = await store.setRole(SPARE, "cluster", null, "lab");
    expect(await roleOf(store, edit.id, COMPUTE)).toBe("cluster");
  });

  it("lists a deployment a role edit creates in report.deployments, with its subnets", async () => {
    await store.createScan({ sources: sources(), profile: PROFILE });
    const scan = await store.setRole(SPARE, "cluster", "dev");
    const deployments = (await store.getReport(scan.id))!.deployments!;
    expect(deployments.map((d) => d.name)).toEqual(["default", "dev"]);
    expect(deployments[1]).toMatchObject({ name: "dev", cyclecloud: [], cluster: ["vnet-hpc/spare"], returnProxy: [] });
  });

  it("refuses a deployment name the profile parser refuses (control characters, too long), naming the field", async () => {
    await store.createScan({ sources: sources(), profile: PROFILE });
    for (const name of ["a\nb", "x".repeat(201), "a\u0007b"]) {
      await expect(store.setRole(SPARE, "cluster", name)).rejects.toMatchObject({ file: "request", path: "deployment", message: expect.stringMatching(/deployment name of 1-200 characters/) });
    }
    expect(() => parseProfile("p.json", { deployments: [{ name: "a\tb", cluster: [] }] })).toThrow(/^p\.json: deployments\[0\]\.name: expected a deployment name/);
    // Names profiles have always been free to use stay valid.
    for (const name of ["prod-weu 2", "prod (weu)", "Zürich", "prod/weu"]) expect(parseProfile("p.json", { deployments: [{ name, cluster: [] }] }).deployments![0].name).toBe(name);
  });

  describe("old data", () => {
    it("keeps a role stored before estates for the estate of the newest role edit that applied it, else default", async () => {
      await store.close();
      const old = await engine.fresh();
      const raw = engine.name === "sqlite" ? new SqliteDatabase(old) : new PostgresDatabase(old);
      const before = MIGRATIONS.findIndex((m) => m.name === "dashboard roles per estate");
      const dialect = { autoId: engine.name === "sqlite" ? "INTEGER PRIMARY KEY" : "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" };
      for (const step of MIGRATIONS.slice(0, before)) await raw.exec(step.up(dialect));
      if (engine.name === "sqlite") await raw.exec(`PRAGMA user_version = ${before}`);
      else await raw.exec(`CREATE TABLE lockdown_schema (version INTEGER NOT NULL); INSERT INTO lockdown_schema VALUES (${before})`);
      const at = "2026-01-01T00:00:00.000Z";
      await raw.run("INSERT INTO snapshots (sha256, sources, service_tags, bytes, created_at) VALUES ('x', '[]', NULL, 2, ?)", [at]);
      const snapshotId = (await raw.get<{ id: number }>("SELECT id FROM snapshots"))!.id;
      for (const [id, seq, estate] of [["s1", 1, "lab"], ["s2", 2, "prod"]] as const) {
        await raw.run(
          "INSERT INTO scans (id, seq, created_at, label, origin, captured_at, generated_at, status, summary, parent_scan_id, estate) VALUES (?, ?, ?, 'edit', 'role-edit', NULL, ?, 'complete', '{}', NULL, ?)",
          [id, seq, at, at, estate],
        );
        await raw.run("INSERT INTO scan_inputs (scan_id, snapshot_id, source_names, profile, role_overrides) VALUES (?, ?, '[]', '{}', ?)", [
          id,
          snapshotId,
          JSON.stringify([{ subnetKey: SPARE.toLowerCase(), subnetId: SPARE, role: "cluster" }]),
        ]);
      }
      await raw.run("INSERT INTO roles (subnet_key, subnet_id, role, deployment, updated_at) VALUES (?, ?, 'cluster', NULL, ?)", [SPARE.toLowerCase(), SPARE, at]);
      await raw.run("INSERT INTO roles (subnet_key, subnet_id, role, deployment, updated_at) VALUES (?, ?, 'none', 'dev', ?)", [COMPUTE.toLowerCase(), COMPUTE, at]);
      await raw.close();

      store = await Store.open(old);
      expect(await store.listRoleOverrides("prod")).toEqual([{ subnetKey: SPARE.toLowerCase(), subnetId: SPARE, role: "cluster" }]);
      expect(await store.listRoleOverrides("default")).toEqual([{ subnetKey: COMPUTE.toLowerCase(), subnetId: COMPUTE, role: "none", deployment: "dev" }]);
      expect(await store.listRoleOverrides("lab")).toEqual([]);
    });
  });
});
