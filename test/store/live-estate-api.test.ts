// POST /api/scans/live?estate= (issue 13): the dashboard's "Scan from Azure" names the estate its scan is stored
// in — refused with 400 naming `estate` on a bad name (the upload's rule), stored there when good, kept by a job
// that another process resumes, and 409 while a read into another estate runs. The route handlers, the job queue
// and the store are real (a temp SQLite file); Azure's read and sign-in are replaced by ones the test finishes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveReadResult } from "@/lib/azure";
import { fixtureRead, until } from "./live-read";
import { SPARE } from "@/lib/store/__fixtures__/estate";

const reads: { resolve: (r: LiveReadResult) => void }[] = [];
vi.mock("@/lib/azure", () => ({
  readLiveEstate: (opts: { onProgress?: (p: { done: number; total: number }) => void }) =>
    new Promise<LiveReadResult>((resolve) => {
      reads.push({ resolve });
      opts.onProgress?.({ done: 0, total: 1 });
    }),
}));
vi.mock("@/lib/azure/sign-in", () => ({ signIn: async () => undefined }));
vi.mock("@/lib/auth/azure-credential", () => ({ azureCredentialForRequest: async () => undefined, describeSignInFailure: () => "no credential" }));

const { POST } = await import("@/app/api/scans/live/route");
const { GET } = await import("@/app/api/scans/live/[jobId]/route");
const { resetLiveScansForTests, shutdownLiveScans, startLiveWorker } = await import("@/lib/live/jobs");
const { getStore } = await import("@/lib/store");
type Store = Awaited<ReturnType<typeof getStore>>;
type Job = { id: string; state: string; estate: string; scanId?: string };

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-live-estate-"));
let store: Store;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", undefined);
  vi.stubEnv("LOCKDOWN_DB", path.join(dir, "live.db"));
  store = await getStore();
});
afterEach(async () => {
  // A test that failed midway leaves its read pending: finish it, so the next test does not meet a running job.
  for (const read of reads) read.resolve(fixtureRead());
  await until(async () => ((await store.liveJobs.running()) ? undefined : true), "no live read running");
  resetLiveScansForTests();
  reads.length = 0;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (query: string) => POST(new Request(`http://localhost/api/scans/live${query}`, { method: "POST" }));

/** Polls the job as the page does (GET /api/scans/live/<id>) until it is done. */
const finished = (id: string) =>
  until(async () => {
    const job = (await (await GET(new Request("http://localhost"), { params: Promise.resolve({ jobId: id }) })).json()) as Job;
    return job.state === "done" || job.state === "failed" ? job : undefined;
  }, `job ${id} finished`);

describe("POST /api/scans/live estate", () => {
  it("refuses a bad estate name with 400 naming the field, and queues nothing", async () => {
    for (const bad of ["a%2Fb", "lab%3A1", "x".repeat(65)]) {
      const res = await start(`?estate=${bad}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.stringMatching(/^query: estate: expected an estate name of 1-64/), file: "query", path: "estate" });
    }
    expect(await store.liveJobs.running()).toBeUndefined();
    expect(reads).toHaveLength(0);
  });

  it("stores the scan in the estate named, not in `default`", async () => {
    const res = await start("?estate=Tenant%20B.lab");
    expect(res.status).toBe(202);
    const job = (await res.json()) as Job;
    expect(job.estate).toBe("Tenant B.lab");
    (await until(async () => reads[0], "the read started")).resolve(fixtureRead());
    const done = await finished(job.id);
    expect(done).toMatchObject({ state: "done", estate: "Tenant B.lab", scanId: expect.any(String) });
    expect(await store.getScan(done.scanId!)).toMatchObject({ estate: "Tenant B.lab", origin: "live" });
    expect((await store.listScans(10, "Tenant B.lab")).map((s) => s.id)).toEqual([done.scanId]);
    expect(await store.latestScan("default")).toBeUndefined();
  });

  it("stores in `default` when no estate is named", async () => {
    const job = (await (await start("")).json()) as Job;
    expect(job.estate).toBe("default");
    (await until(async () => reads[0], "the read started")).resolve(fixtureRead());
    expect((await store.getScan((await finished(job.id)).scanId!))!.estate).toBe("default");
  });

  it("joins a running read into the same estate, and answers 409 for another estate", async () => {
    const first = (await (await start("?estate=lab")).json()) as Job;
    const again = await start("?estate=lab");
    expect(again.status).toBe(202);
    expect(((await again.json()) as Job).id).toBe(first.id);
    const other = await start("?estate=prod");
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: expect.stringContaining('estate "lab" is already running'), job: { id: first.id } });
    (await until(async () => reads[0], "the read started")).resolve(fixtureRead());
    expect((await store.getScan((await finished(first.id)).scanId!))!.estate).toBe("lab");
    expect(await store.latestScan("prod")).toBeUndefined();
  });

  it("a job resumed by another process (released at shutdown, claimed by a worker) still stores in its estate", async () => {
    const job = (await (await start("?estate=resumed")).json()) as Job;
    await until(async () => reads[0], "the first read started");
    // This process stops before the read ends: the job is queued again from the start.
    expect(await shutdownLiveScans(store, 0)).toEqual({ finished: [], released: [job.id] });
    resetLiveScansForTests();
    // A process that starts afterwards (another replica, or this one restarted) picks it up with its worker.
    startLiveWorker(async () => store, { intervalMs: 20 });
    (await until(async () => reads[1], "the resumed read started")).resolve(fixtureRead());
    reads[0].resolve(fixtureRead()); // the released run ends too, and must store nothing
    const done = await finished(job.id);
    expect(done).toMatchObject({ state: "done", estate: "resumed" });
    expect((await store.listScans(10, "resumed")).map((s) => s.id)).toEqual([done.scanId]);
  });

  it("a Resource Graph read's caveat (notes) stays on the scans a role edit re-audits from it", async () => {
    const job = (await (await start("?estate=graph&resourceGraph=1")).json()) as Job;
    (await until(async () => reads[0], "the read started")).resolve(fixtureRead());
    const done = await finished(job.id);
    const notes = (await store.getReport(done.scanId!))!.notes;
    expect(notes).toEqual([expect.stringContaining("Read with Resource Graph")]);
    // A complete read (no errors): the re-audit once dropped the notes, as only a partial scan's report was read back.
    const edited = await store.setRole(SPARE, "cluster", null, "graph");
    expect(edited.parentScanId).toBe(done.scanId);
    expect((await store.getReport(edited.id))!.notes).toEqual(notes);
  });
});
