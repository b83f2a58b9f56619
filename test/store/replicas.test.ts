// Two replicas (two Store instances, each with its own connection pool) on one PostgreSQL database serve one
// history: concurrent scans from both are all kept, numbered once each, and readable from either; a live-scan job
// started from both is queued once and claimed by exactly one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "@/lib/store";
import { PROFILE, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";
import { postgresAvailable, startPostgres, type PostgresServer } from "./postgres-server";

const pgOk = postgresAvailable();

describe.skipIf(!pgOk)("two replicas on one PostgreSQL database", () => {
  let server: PostgresServer;
  let url: string;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    // Both open (and migrate) at once, as two containers starting together would.
    [a, b] = await Promise.all([Store.open(url), Store.open(url)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    server?.stop();
  });

  it("keep every scan written concurrently from both, each with its own number", async () => {
    const writes = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? b : a).createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: i % 3 === 0 })], profile: PROFILE, label: `replica ${i % 2 ? "b" : "a"} #${i}` }),
    );
    const written = await Promise.all(writes);
    const fromA = await a.listScans();
    const fromB = await b.listScans();
    expect(fromA.map((s) => s.id)).toEqual(fromB.map((s) => s.id));
    expect(new Set(fromA.map((s) => s.id))).toEqual(new Set(written.map((s) => s.id)));
    // seq is the history's order: 1..n with no gap and no duplicate.
    expect(fromA.map((s) => s.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Each replica reads the other's reports and finding index.
    for (const scan of written) {
      const report = (await (scan.label.includes("replica a") ? b : a).getReport(scan.id))!;
      expect(report.summary).toEqual(scan.summary);
      const finding = report.subnets.flatMap((s) => s.findings)[0];
      expect((await b.getFinding(scan.id, finding.id!))?.finding.rule).toBe(finding.rule);
    }
    // The same estate written from both replicas is stored once (three distinct estates: storage allowed or not).
    expect((await a.sql.get<{ n: number }>("SELECT CAST(COUNT(*) AS INTEGER) AS n FROM snapshots"))!.n).toBe(2);
  });

  it("queue one live read when both replicas start one, and let exactly one claim it", async () => {
    const started = await Promise.all([a.liveJobs.enqueue(), b.liveJobs.enqueue(), a.liveJobs.enqueue(), b.liveJobs.enqueue()]);
    expect(new Set(started.map((s) => s.job.id)).size).toBe(1);
    expect(started.filter((s) => s.created)).toHaveLength(1);
    const claims = await Promise.all([a.liveJobs.claim("replica-a"), b.liveJobs.claim("replica-b"), a.liveJobs.claim("replica-a2"), b.liveJobs.claim("replica-b2")]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("see a role set on one replica in the next scan written by the other", async () => {
    const latest = (await a.latestScan())!;
    const subnet = (await a.getReport(latest.id))!.subnets.find((s) => s.role === null)!;
    await a.setRole(subnet.id, "cluster");
    const next = await b.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: true })], profile: PROFILE });
    expect(next.roleOverrides.map((o) => o.subnetId)).toEqual([subnet.id]);
  });
});
