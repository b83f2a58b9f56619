// A server process that stops (SIGTERM) with a live read running: the read gets its grace period to finish and
// store its scan; past the grace it is released, and another replica claims it and reads it again from the start.
// Azure is replaced by a read this test finishes when it wants (the store and the job queue are real).
import { afterAll, afterEach, beforeEach, expect, it, vi } from "vitest";
import type { LiveReadResult } from "@/lib/azure";
import { fixtureRead, until } from "./live-read";
import { forEachEngine } from "./engines";

const reads: { resolve: (r: LiveReadResult) => void; progress?: (p: { done: number; total: number }) => void }[] = [];
vi.mock("@/lib/azure", () => ({
  readLiveEstate: (opts: { onProgress?: (p: { done: number; total: number }) => void }) =>
    new Promise<LiveReadResult>((resolve) => {
      reads.push({ resolve, progress: opts.onProgress });
      opts.onProgress?.({ done: 0, total: 2 });
    }),
}));

const { resetLiveScansForTests, shutdownLiveScans, startLiveScan, OWNER } = await import("@/lib/live/jobs");
const { Store } = await import("@/lib/store");

forEachEngine("stopping a server process with a live read running", (engine) => {
  let target: string;
  beforeEach(async () => {
    target = await engine.fresh();
  });
  afterEach(() => {
    resetLiveScansForTests();
    reads.length = 0;
  });
  afterAll(() => resetLiveScansForTests());

  it("lets the read finish within the grace period and stores its scan", async () => {
    const store = await Store.open(target);
    const job = await startLiveScan({ store });
    await until(async () => reads[0], "the read started");
    const stopping = shutdownLiveScans(store, 30_000);
    reads[0].resolve(fixtureRead());
    expect(await stopping).toEqual({ finished: [job.id], released: [] });
    const done = (await store.liveJobs.get(job.id))!;
    expect(done).toMatchObject({ state: "done", scanId: expect.any(String) });
    expect((await store.getScan(done.scanId!))!.origin).toBe("live");
    await store.close();
  });

  it("releases a read still running after the grace period; another replica claims it and the old one stores nothing", async () => {
    const store = await Store.open(target);
    const other = await Store.open(target);
    const scansBefore = (await store.listScans()).length;
    const job = await startLiveScan({ store });
    await until(async () => reads[0], "the read started");
    expect(await shutdownLiveScans(store, 20)).toEqual({ finished: [], released: [job.id] });
    expect(await other.liveJobs.get(job.id)).toMatchObject({ state: "reading", done: 0 });
    // The stopping process's read completes late: it must not store a scan nor touch the job any more.
    reads[0].resolve(fixtureRead());
    await new Promise((r) => setTimeout(r, 50));
    expect((await store.listScans()).length).toBe(scansBefore);
    expect(await other.liveJobs.claim("replica-b")).toMatchObject({ id: job.id });
    expect(OWNER).not.toBe("replica-b");
    await other.close();
    await store.close();
  });

  it("refuses to start a read while stopping", async () => {
    const store = await Store.open(target);
    await shutdownLiveScans(store, 0);
    await expect(startLiveScan({ store })).rejects.toThrow(/stopping/);
    await store.close();
  });
});
