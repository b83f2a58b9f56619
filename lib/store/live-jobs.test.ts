import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Store } from "./store";
import type { LiveJob } from "./live-jobs";

const dirs: string[] = [];
function open(): Store {
  const dir = mkdtempSync(path.join(tmpdir(), "live-jobs-"));
  dirs.push(dir);
  return Store.open(path.join(dir, "db.sqlite"));
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const job = (id: string, state: LiveJob["state"] = "reading"): LiveJob => ({ id, state, done: 0, total: 0, startedAt: new Date().toISOString(), errors: [] });

describe("live scan jobs in the database", () => {
  it("are seen by another connection (another server process) as they progress", () => {
    const a = open();
    const b = Store.open(a.db.name);
    a.liveJobs.save(job("j1"));
    expect(b.liveJobs.running()?.id).toBe("j1");
    a.liveJobs.save({ ...job("j1"), done: 2, total: 5, errors: [{ subscription: "s", operation: "op", code: "Forbidden", message: "m" }] });
    expect(b.liveJobs.get("j1")).toMatchObject({ state: "reading", done: 2, total: 5, errors: [{ code: "Forbidden" }] });
    a.liveJobs.save({ ...job("j1", "failed"), message: "why" });
    expect(b.liveJobs.running()).toBeUndefined();
    expect(b.liveJobs.get("j1")).toMatchObject({ state: "failed", message: "why" });
    b.close();
    a.close();
  });

  it("report a job whose process has gone as failed, not running forever", () => {
    const s = open();
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    s.liveJobs.save(job("j2"), Number(gone));
    expect(s.liveJobs.get("j2")).toMatchObject({ state: "failed", message: expect.stringContaining("stopped") });
    expect(s.liveJobs.running()).toBeUndefined();
    s.close();
  });
});
