import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forEachEngine } from "@/test/store/engines";
import { STALE_MS } from "./live-jobs";
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
});
