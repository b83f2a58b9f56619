// The server is killed (SIGKILL) while it deletes scans (DELETE /api/scans/<id>, retention): after a restart the
// database is consistent and the delete happened wholly or not at all: no scan without its report, inputs or
// finding index, no index or report row without its scan, no stored snapshot that no scan uses.
// A child process stands in for the server (same store API, same database file), as in kill-during-write.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Store } from "@/lib/store";
import { generateEstate } from "../snapshot/generate-estate";
import { baseEnv, run } from "./support/processes";

const dir = mkdtempSync(path.join(tmpdir(), "kill-delete-"));
const file = path.join(dir, "lockdown.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resources = generateEstate({ vnets: 2, subnets: 160, nsgs: 80, rulesPerNsg: 30, nics: 160 });
const profile = { name: "profile.json", value: { roles: { cyclecloud: ["vnet-0/subnet-0"], cluster: ["vnet-0/subnet-1", "vnet-1/subnet-2"] } } };

async function count(store: Store, sql: string, params: (string | number)[] = []): Promise<number> {
  return Number((await store.sql.get<{ n: number }>(sql, params))!.n);
}

/** Starts the deleter on `ids` and kills it `delayMs` after it says it is deleting. */
async function killDeleterMidway(ids: string[], delayMs: number): Promise<{ finished: boolean }> {
  const child = run(process.execPath, ["--import", "tsx", "test/hardening/support/scan-deleter.ts"], baseEnv({ LOCKDOWN_DB: file, DELETE_IDS: ids.join(",") }));
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("deleting\n")) resolve();
    });
    child.done.then((f) => (f.stdout.includes("deleting") ? resolve() : reject(new Error(`deleter exited early (${f.code}): ${f.stderr}`))), reject);
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.child.kill("SIGKILL");
  const done = await child.done;
  if (process.env.KILL_STATS) console.log(`delay ${delayMs} ms: ${done.stdout.trim().split("\n").at(-1)}`);
  return { finished: done.stdout.includes("deleted ") };
}

describe("SIGKILL while scans are being deleted", () => {
  it("leaves a consistent database where the delete happened wholly or not at all", async () => {
    let seq = 0;
    const keep: string[] = [];
    {
      const store = await Store.open(file);
      keep.push((await store.createScan({ sources: [{ name: "keep.json", value: { resources, capturedAt: "2026-01-01T00:00:00Z" } }], profile, label: "kept" })).id);
      await store.close();
    }
    const outcomes = new Set<string>();
    for (const delay of [0, 5, 15, 40, 80, 160]) {
      const writer = await Store.open(file);
      const doomed: string[] = [];
      // Distinct snapshots, so the delete also removes their (large) stored inputs.
      for (let i = 0; i < 4; i++) {
        const capturedAt = new Date(Date.UTC(2026, 1, 1) + ++seq * 1000).toISOString();
        doomed.push((await writer.createScan({ sources: [{ name: "estate.json", value: { resources, capturedAt } }], profile, label: `doomed ${seq}` })).id);
      }
      await writer.close();

      const { finished } = await killDeleterMidway(doomed, delay);
      const store = await Store.open(file);
      try {
        expect(store.db.pragma("integrity_check", { simple: true })).toBe("ok");
        expect(store.db.pragma("foreign_key_check")).toEqual([]);
        const present = (await Promise.all(doomed.map((id) => store.getScan(id)))).filter(Boolean).length;
        // All or nothing: one transaction.
        expect([0, doomed.length]).toContain(present);
        if (finished) expect(present).toBe(0);
        outcomes.add(present ? "kept" : "deleted");
        for (const id of keep) expect(await store.getReport(id)).toBeDefined();
        for (const scan of await store.listScans(10_000)) {
          const report = await store.getReport(scan.id, { raw: true });
          expect(report).toBeDefined();
          expect(await store.getInputs(scan.id)).toBeDefined();
          expect(await count(store, "SELECT COUNT(*) AS n FROM finding_index WHERE scan_id = ?", [scan.id])).toBe(report!.subnets.reduce((n, s) => n + s.findings.length, 0));
        }
        expect(await count(store, "SELECT COUNT(*) AS n FROM finding_index f WHERE NOT EXISTS (SELECT 1 FROM scans s WHERE s.id = f.scan_id)")).toBe(0);
        expect(await count(store, "SELECT COUNT(*) AS n FROM results r WHERE NOT EXISTS (SELECT 1 FROM scans s WHERE s.id = r.scan_id)")).toBe(0);
        expect(await count(store, "SELECT COUNT(*) AS n FROM snapshots n WHERE NOT EXISTS (SELECT 1 FROM scan_inputs i WHERE i.snapshot_id = n.id)")).toBe(0);
        // Leave the next round a database with only the kept scan and this round's survivors deleted cleanly.
        if (present) await store.deleteScans(doomed);
      } finally {
        await store.close();
      }
    }
    if (process.env.KILL_STATS) console.log(`outcomes: ${[...outcomes].join(", ")}`);
  }, 240_000);
});
