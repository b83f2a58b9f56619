// Scheduled scans (issue 13): the SCAN_SCHEDULE syntax, the next due time from the store (so a restart neither
// repeats nor forgets a run), one claim per due time across processes, and the webhook's two forms.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LiveReadResult } from "@/lib/azure";
import { forEachEngine } from "@/test/store/engines";
import { Store } from "@/lib/store";
import { CC, nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";
import { nextDue, parseScheduleText, scheduleFromEnv } from "./schedule";
import { runScheduledScanIfDue, webhookBody } from "./runner";
import type { WebhookJson } from "./webhook";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-schedule-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => path.join(dir, `s-${++n}.db`);

describe("SCAN_SCHEDULE", () => {
  it("reads `every <N><s|m|h|d>`", () => {
    expect(parseScheduleText("every 6h")).toBe(6 * 3_600_000);
    expect(parseScheduleText(" Every 30 m ")).toBe(30 * 60_000);
    expect(parseScheduleText("every 1d")).toBe(86_400_000);
    expect(parseScheduleText("every 2s")).toBe(2_000);
    expect(scheduleFromEnv({})).toBeUndefined();
    expect(scheduleFromEnv({ SCAN_SCHEDULE: "every 6h", SCHEDULE_ESTATE: "prod" })).toEqual({ text: "every 6h", everyMs: 21_600_000, estate: "prod" });
  });
  it("refuses anything else naming the variable", () => {
    for (const bad of ["6h", "every 0h", "every 6 hours", "*/5 * * * *", "every -1m"]) expect(() => parseScheduleText(bad)).toThrow(/^environment: SCAN_SCHEDULE: expected "every <N><s\|m\|h\|d>"/);
    expect(() => scheduleFromEnv({ SCAN_SCHEDULE: "every 1h", SCHEDULE_ESTATE: "a/b" })).toThrow(/SCHEDULE_ESTATE/);
  });
  it("is due an interval after the last run, once after a long outage, and now when it never ran", () => {
    const now = new Date("2026-05-01T12:00:00.000Z");
    expect(nextDue(undefined, 3_600_000, now)).toBe(now.toISOString());
    expect(nextDue("2026-05-01T11:30:00.000Z", 3_600_000, now)).toBe("2026-05-01T12:30:00.000Z");
    expect(nextDue("2026-05-01T11:00:00.000Z", 3_600_000, now)).toBe("2026-05-01T12:00:00.000Z");
    expect(nextDue("2026-04-30T01:10:00.000Z", 3_600_000, now)).toBe("2026-05-01T11:10:00.000Z");
  });
});

/** A stand-in live read returning the fixture estate; `storage` decides whether the CycleCloud subnet fails. */
const reader = (storage: { allowed: boolean }) => async (): Promise<LiveReadResult> => ({
  snapshot: { resources: [...(vnetSource().value.value as Record<string, unknown>[]), ...(nsgSource({ storageAllowed: storage.allowed }).value as Record<string, unknown>[])], capturedAt: new Date().toISOString() },
  errors: [],
  stats: { calls: 2, subscriptions: 1, ms: 1 },
});

describe("scheduled runs through the store", () => {
  it("runs once per due time across two processes, survives a restart, and counts changes per estate", async () => {
    const file = freshFile();
    const storage = { allowed: true };
    const a = await Store.open(file);
    const b = await Store.open(file);
    // Roles come from the estate's latest scan: seed one with a profile, and another estate's scan to ignore.
    await a.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: true })], profile: { name: "p.json", value: { roles: { cyclecloud: ["vnet-hpc/cyclecloud"] } } }, estate: "lab" });
    await a.createScan({ sources: [vnetSource(), nsgSource({ storageAllowed: false })], estate: "other" });
    const env = { SCAN_SCHEDULE: "every 1h", SCHEDULE_ESTATE: "lab", WEBHOOK_FORMAT: "json", PUBLIC_URL: "https://audit.example.com/" };
    const t0 = new Date("2026-05-01T12:00:00.000Z");

    // Claims are rows keyed by due time: a second process (b) cannot claim the time a claimed, nor any while a's
    // run is still running. (SQLite connections in one process would wait on each other's lock: sequential here.)
    const claim = await a.scheduleRuns.claim("2026-05-01T11:00:00.000Z", "lab", "a", t0);
    expect(claim).toMatchObject({ state: "running", owner: "a" });
    expect(await b.scheduleRuns.claim("2026-05-01T11:00:00.000Z", "lab", "b", t0)).toBeUndefined();
    expect(await b.scheduleRuns.claim("2026-05-01T11:30:00.000Z", "lab", "b", t0)).toBeUndefined();
    await a.scheduleRuns.finish(claim!.dueAt, "a", { failed: true, message: "test" });
    expect(await b.scheduleRuns.claim("2026-05-01T11:00:00.000Z", "lab", "b", t0)).toBeUndefined();

    const first = await runScheduledScanIfDue({ store: a, env, now: t0, read: reader(storage) });
    expect(first?.error).toBeUndefined();
    expect(first?.scan).toMatchObject({ estate: "lab", origin: "schedule" });
    expect(await runScheduledScanIfDue({ store: b, env, now: t0, read: reader(storage) })).toBeUndefined();
    const ran = [first];
    await b.close();

    // A restart: a new store on the same file. Not due until an hour after the last due time.
    const restarted = await Store.open(file);
    expect(await runScheduledScanIfDue({ store: restarted, env, now: new Date(t0.getTime() + 59 * 60_000), read: reader(storage) })).toBeUndefined();
    storage.allowed = false;
    const later = (await runScheduledScanIfDue({ store: restarted, env, now: new Date(t0.getTime() + 61 * 60_000), read: reader(storage) }))!;
    expect(later.dueAt).toBe("2026-05-01T13:00:00.000Z");
    const doc = (await webhookBody(restarted, later.scan!, env)) as WebhookJson;
    expect(doc.previousScanId).toBe(ran[0]!.scan!.id);
    expect(doc.newFailures.length).toBeGreaterThan(0);
    for (const c of doc.newFailures) {
      expect(c.subnetId).toBe(CC);
      expect(c.url).toMatch(new RegExp(`^https://audit\\.example\\.com/scans/${later.scan!.id}/findings/[0-9a-f]{16}$`));
    }
    expect((await restarted.scheduleRuns.list()).map((r) => [r.dueAt, r.state])).toEqual([
      ["2026-05-01T13:00:00.000Z", "done"],
      ["2026-05-01T12:00:00.000Z", "done"],
      ["2026-05-01T11:00:00.000Z", "failed"],
    ]);

    // Fixed again: the text form lists the fix with its link.
    storage.allowed = true;
    const fixed = (await runScheduledScanIfDue({ store: restarted, env, now: new Date(t0.getTime() + 121 * 60_000), read: reader(storage) }))!;
    const text = (await webhookBody(restarted, fixed.scan!, { ...env, WEBHOOK_FORMAT: "" })) as { text: string };
    expect(text.text).toMatch(/^Lockdown Auditor: scheduled scan #\d+ of estate "lab": 0 new failures, 1 fix\b/);
    expect(text.text).toMatch(/\n- FIXED \S+ on vnet-hpc\/cyclecloud: .+ https:\/\/audit\.example\.com\/scans\//);
    await a.close();
    await restarted.close();
  });

  it("records a read that reached nothing as a failed run, and the next one is due an interval later", async () => {
    const store = await Store.open(freshFile());
    const env = { SCAN_SCHEDULE: "every 10m" };
    const t0 = new Date("2026-05-01T00:00:00.000Z");
    const broken = async (): Promise<LiveReadResult> => ({ snapshot: { resources: [], capturedAt: new Date().toISOString() }, errors: [{ subscription: "*", operation: "sign-in", code: "AuthenticationFailed", message: "no credential" }], stats: { calls: 0, subscriptions: 0, ms: 1 } });
    expect(await runScheduledScanIfDue({ store, env, now: t0, read: broken })).toMatchObject({ error: /no credential/ });
    expect((await store.scheduleRuns.latest())).toMatchObject({ state: "failed", message: expect.stringMatching(/no credential/) });
    expect(await store.listScans()).toEqual([]);
    expect(await runScheduledScanIfDue({ store, env, now: new Date(t0.getTime() + 5 * 60_000), read: broken })).toBeUndefined();
    await store.close();
  });
});

forEachEngine("schedule claims", (engine) => {
  it("admits one process per due time, and none while a fresh run is running", async () => {
    const target = await engine.fresh();
    const a = await Store.open(target);
    const b = await Store.open(target);
    try {
      const now = new Date("2026-05-01T12:00:00.000Z");
      const won = await a.scheduleRuns.claim("2026-05-01T12:00:00.000Z", "lab", "a", now);
      expect(won).toMatchObject({ owner: "a", state: "running", estate: "lab" });
      expect(await b.scheduleRuns.claim("2026-05-01T12:00:00.000Z", "lab", "b", now)).toBeUndefined();
      expect(await b.scheduleRuns.claim("2026-05-01T12:10:00.000Z", "lab", "b", now)).toBeUndefined();
      // A run abandoned for over an hour (its process died) no longer blocks the next due time.
      const later = new Date(now.getTime() + 61 * 60_000);
      expect(await b.scheduleRuns.claim("2026-05-01T13:00:00.000Z", "lab", "b", later)).toMatchObject({ owner: "b" });
      await b.scheduleRuns.finish("2026-05-01T13:00:00.000Z", "b", { scanId: undefined, message: "x", failed: true });
      // Only the owner records the outcome.
      await b.scheduleRuns.finish("2026-05-01T12:00:00.000Z", "b", { failed: true });
      expect((await a.scheduleRuns.list()).map((r) => [r.dueAt, r.owner, r.state])).toEqual([
        ["2026-05-01T13:00:00.000Z", "b", "failed"],
        ["2026-05-01T12:00:00.000Z", "a", "running"],
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
