// The store's revision (what scripts/html-cache.mjs keys pages by): raised by every write that can change a page, by
// whichever of two stores (two replicas, two processes) on one database made it, and never by a read. Reports served
// with exemptions stay the same object until the list changes (app/(dashboard)/_data/view-cache.ts keys by it).
import { afterEach, beforeEach, expect, it } from "vitest";
import { forEachEngine } from "@/test/store/engines";
import { Store } from "./store";
import { CC, PROFILE, SPARE, nsgSource, vnetSource } from "./__fixtures__/estate";

const sources = () => [vnetSource(), nsgSource({ storageAllowed: false })];

forEachEngine("store revision", (engine) => {
  let a: Store;
  let b: Store;

  beforeEach(async () => {
    const target = await engine.fresh();
    a = await Store.open(target);
    // A second store on the same database: another server process, or a replica on the same PostgreSQL.
    b = await Store.open(target);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it("rises with each new scan, deletion, exemption list and role, seen from the other store too", async () => {
    let seen = await b.revision();
    expect(await a.revision()).toBe(seen);
    const raised = async (what: string, write: () => Promise<unknown>) => {
      await write();
      const now = await b.revision();
      expect(now, what).toBeGreaterThan(seen);
      expect(await a.revision(), what).toBe(now);
      seen = now;
    };
    const first = await a.createScan({ sources: sources(), profile: PROFILE });
    seen = await b.revision();
    await raised("new scan", () => a.createScan({ sources: sources(), profile: PROFILE }));
    const finding = (await a.getReport(first.id))!.subnets.find((s) => s.id === CC)!.findings.find((f) => f.status === "fail")!;
    await raised("exemption added", () => a.addExemption("default", { finding: finding.id, reason: "r", owner: "o", expires: "2999-01-01" }));
    await raised("exemption list replaced", () => b.setExemptions("default", []));
    await raised("role set", () => a.setRole(SPARE, "cluster"));
    await raised("role cleared", () => b.clearRole(SPARE));
    await raised("scan deleted", () => a.deleteScan(first.id));

    // Reads leave it as it is; so does deleting what is not there.
    await a.listScans();
    await a.getReport((await a.latestScan())!.id);
    await b.getExemptions("default");
    await a.deleteScan("no-such-scan");
    expect(await a.revision()).toBe(seen);
    expect(await b.revision()).toBe(seen);
  });

  it("hands out one report object per scan while its exemptions stay the same, and a new one when they change", async () => {
    const scan = await a.createScan({ sources: sources(), profile: PROFILE });
    const raw = await a.getReport(scan.id);
    expect(await a.getReport(scan.id)).toBe(raw);
    const finding = raw!.subnets.find((s) => s.id === CC)!.findings.find((f) => f.status === "fail")!;
    await b.addExemption("default", { finding: finding.id, reason: "r", owner: "o", expires: "2999-01-01" });
    const exempted = await a.getReport(scan.id);
    expect(exempted).not.toBe(raw);
    expect(exempted!.subnets.find((s) => s.id === CC)!.findings.find((f) => f.id === finding.id)!.status).toBe("exempt");
    expect(await a.getReport(scan.id)).toBe(exempted);
    // Another replica changes the list: the next read sees it (a new object, the finding failing again).
    await b.addExemption("default", { finding: finding.id, reason: "changed", owner: "o", expires: "2999-01-01" });
    const again = await a.getReport(scan.id);
    expect(again).not.toBe(exempted);
    await b.setExemptions("default", []);
    expect((await a.getReport(scan.id))!.subnets.find((s) => s.id === CC)!.findings.find((f) => f.id === finding.id)!.status).toBe("fail");
  });
});
