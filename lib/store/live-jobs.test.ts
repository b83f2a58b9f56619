import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forEachEngine } from "@/test/store/engines";
import { STALE_MS } from "./live-jobs";
import { MIGRATIONS, schemaVersion } from "./migrations";
import { PostgresDatabase } from "./postgres";
import { SqliteDatabase } from "./sqlite";
import { Store } from "./store";

forEachEngine("live scan jobs", (engine) => {
  let a: Store;
  let b: Store;
  beforeEach(async () => {
    const target = await engine.fresh();
    a = await Store.open(target);
    b = await Store.open(target); // another server process on the same database
  });
  afterEach(async () => {
    await b.close();
    await a.close();
  });

  describe("queue and claim", () => {
    it("admits one active job: a second start joins the first", async () => {
      const first = await a.liveJobs.enqueue();
      expect(first.created).toBe(true);
      expect(first.job).toMatchObject({ state: "reading", done: 0, total: 0, errors: [] });
      const second = await b.liveJobs.enqueue({ resourceGraph: true });
      expect(second).toEqual({ job: first.job, created: false });
      expect((await b.liveJobs.running())?.id).toBe(first.job.id);
    });

    it("lets exactly one process claim a queued job, and only its owner write progress", async () => {
      const { job } = await a.liveJobs.enqueue({ resourceGraph: true });
      const claims = await Promise.all([a.liveJobs.claim("owner-a"), b.liveJobs.claim("owner-b"), a.liveJobs.claim("owner-c", job.id)]);
      const winners = claims.filter((c) => c !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toMatchObject({ id: job.id, resourceGraph: true, asUser: false });
      const owner = ["owner-a", "owner-b", "owner-c"][claims.findIndex((c) => c !== undefined)];
      const other = owner === "owner-a" ? "owner-b" : "owner-a";

      expect(await a.liveJobs.update({ ...job, done: 2, total: 5, errors: [{ subscription: "s", operation: "op", code: "Forbidden", message: "m" }] }, owner)).toBe(true);
      expect(await b.liveJobs.get(job.id)).toMatchObject({ state: "reading", done: 2, total: 5, errors: [{ code: "Forbidden" }] });
      expect(await b.liveJobs.update({ ...job, state: "failed", message: "not mine" }, other)).toBe(false);
      expect(await a.liveJobs.update({ ...job, state: "failed", message: "why" }, owner)).toBe(true);
      expect(await b.liveJobs.running()).toBeUndefined();
      expect(await b.liveJobs.get(job.id)).toMatchObject({ state: "failed", message: "why" });
      // The slot is free again: a new read can start.
      expect((await b.liveJobs.enqueue()).created).toBe(true);
    });

    it("never lets a worker pick up a read that acts for a user", async () => {
      const { job } = await a.liveJobs.enqueue({ asUser: true });
      expect(await b.liveJobs.claim("worker")).toBeUndefined();
      expect(await a.liveJobs.claim("starter", job.id)).toMatchObject({ id: job.id, asUser: true });
    });
  });

  describe("release and recovery", () => {
    it("re-queues a released app-identity job from the start, and the old owner can no longer write", async () => {
      const { job } = await a.liveJobs.enqueue();
      await a.liveJobs.claim("stopping", job.id);
      await a.liveJobs.update({ ...job, done: 3, total: 4 }, "stopping");
      await a.liveJobs.release(job.id, "stopping");
      expect(await b.liveJobs.get(job.id)).toMatchObject({ state: "reading", done: 0, total: 0 });
      expect(await a.liveJobs.update({ ...job, state: "done" }, "stopping")).toBe(false);
      expect(await b.liveJobs.claim("replica-b")).toMatchObject({ id: job.id });
    });

    it("fails a released job that acts for a user (no other process has that user's credential)", async () => {
      const { job } = await a.liveJobs.enqueue({ asUser: true });
      await a.liveJobs.claim("stopping", job.id);
      await a.liveJobs.release(job.id, "stopping");
      expect(await b.liveJobs.get(job.id)).toMatchObject({ state: "failed", message: expect.stringContaining("start the scan again") });
      expect(await b.liveJobs.running()).toBeUndefined();
    });

    it("re-queues a job whose process crashed (stale heartbeat), not one that is alive", async () => {
      const t0 = new Date("2026-03-01T10:00:00.000Z");
      const { job } = await a.liveJobs.enqueue({}, t0);
      await a.liveJobs.claim("crashed", job.id, t0);
      const soon = new Date(t0.getTime() + STALE_MS - 1000);
      expect(await b.liveJobs.requeueStale(soon)).toBe(0);
      expect(await a.liveJobs.heartbeat(job.id, "crashed", soon)).toBe(true);
      const later = new Date(soon.getTime() + STALE_MS + 1000);
      expect(await b.liveJobs.requeueStale(later)).toBe(1);
      expect(await a.liveJobs.heartbeat(job.id, "crashed", later)).toBe(false);
      expect(await b.liveJobs.claim("replica-b", undefined, later)).toMatchObject({ id: job.id });
    });
  });

  describe("estate", () => {
    it("keeps the estate a job was started for through a claim by another replica, a release and a crash", async () => {
      const t0 = new Date("2026-03-01T10:00:00.000Z");
      const { job } = await a.liveJobs.enqueue({ estate: "Tenant B.lab" }, t0);
      expect(job.estate).toBe("Tenant B.lab");
      expect(await b.liveJobs.claim("replica-b", undefined, t0)).toMatchObject({ id: job.id, estate: "Tenant B.lab" });
      await b.liveJobs.release(job.id, "replica-b", t0);
      expect(await a.liveJobs.claim("replica-a", undefined, t0)).toMatchObject({ id: job.id, estate: "Tenant B.lab" });
      expect(await b.liveJobs.requeueStale(new Date(t0.getTime() + 2 * STALE_MS))).toBe(1);
      expect(await b.liveJobs.claim("replica-c", undefined, new Date(t0.getTime() + 2 * STALE_MS))).toMatchObject({ id: job.id, estate: "Tenant B.lab" });
      expect(await a.liveJobs.get(job.id)).toMatchObject({ estate: "Tenant B.lab" });
    });

    it("stores `default` for a job started without one, and a second start shows the active job's estate", async () => {
      const { job } = await a.liveJobs.enqueue();
      expect(job.estate).toBe("default");
      expect(await b.liveJobs.enqueue({ estate: "lab" })).toMatchObject({ created: false, job: { id: job.id, estate: "default" } });
    });
  });
});

forEachEngine("live scan jobs estate migration", (engine) => {
  it("adds the estate column to a database of the step before it; jobs stored before are in `default`", async () => {
    const step = MIGRATIONS.findIndex((m) => m.name === "live scan jobs name their estate");
    expect(step).toBeGreaterThan(0);
    const target = await engine.fresh();
    const raw = engine.name === "sqlite" ? new SqliteDatabase(target) : new PostgresDatabase(target);
    const dialect = { autoId: engine.name === "sqlite" ? "INTEGER PRIMARY KEY" : "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" };
    for (const m of MIGRATIONS.slice(0, step)) await raw.exec(m.up(dialect));
    if (engine.name === "sqlite") await raw.exec(`PRAGMA user_version = ${step}`);
    else await raw.exec(`CREATE TABLE lockdown_schema (version INTEGER NOT NULL); INSERT INTO lockdown_schema VALUES (${step})`);
    await raw.run("INSERT INTO live_jobs (id, state, done, total, started_at, errors, slot) VALUES ('queued-before', 'queued', 0, 0, '2026-01-01T00:00:00.000Z', '[]', 'live')");
    await raw.close();

    const store = await Store.open(target);
    try {
      expect(await schemaVersion(store.sql)).toBe(MIGRATIONS.length);
      expect(await store.liveJobs.get("queued-before")).toMatchObject({ state: "reading", estate: "default" });
      // Resumed after the upgrade, it still stores where jobs always did.
      expect(await store.liveJobs.claim("after-upgrade")).toMatchObject({ id: "queued-before", estate: "default" });
    } finally {
      await store.close();
    }
  });
});
