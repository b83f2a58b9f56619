// The server is killed (SIGKILL, no chance to clean up) while a scan is being written: after a
// restart the database is consistent, earlier scans are intact, and every scan reported as written
// survived. A child process stands in for the server's writer (same store API, same database file).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { Store } from "@/lib/store";
import { baseEnv, run } from "./support/processes";

const dir = mkdtempSync(path.join(tmpdir(), "kill-write-"));
const file = path.join(dir, "lockdown.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NET = "/subscriptions/00000000-0000-0000-0000-0000000000e1/resourceGroups/rg/providers/Microsoft.Network";
const smallEstate = {
  value: [
    { id: `${NET}/networkSecurityGroups/nsg-a`, name: "nsg-a", type: "Microsoft.Network/networkSecurityGroups", location: "westeurope", properties: { securityRules: [] } },
    {
      id: `${NET}/virtualNetworks/vnet-a`,
      name: "vnet-a",
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.9.0.0/16"] },
        subnets: [
          { id: `${NET}/virtualNetworks/vnet-a/subnets/cc`, name: "cc", properties: { addressPrefix: "10.9.0.0/24", networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-a` } } },
          { id: `${NET}/virtualNetworks/vnet-a/subnets/compute`, name: "compute", properties: { addressPrefix: "10.9.1.0/24" } },
        ],
      },
    },
  ],
};

/** Starts the writer, lets it commit `commits` scans and kills it while it writes the next one(s). */
async function killWriterMidway(commits: number, extraDelayMs: number): Promise<string[]> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss.
  const writer = run(process.execPath, ["--import", "tsx", "test/hardening/support/scan-writer.ts"], baseEnv({ LOCKDOWN_DB: file }));
  const written: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let buffered = "";
    writer.child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("wrote ")) written.push(line.slice(6));
      if (written.length >= commits) resolve();
    });
    writer.done.then((finished) => reject(new Error(`writer exited early (${finished.code}): ${finished.stderr}`)), reject);
  });
  // Land the kill at a varying point of the next write (most of a write is inside its transaction).
  await new Promise((r) => setTimeout(r, extraDelayMs));
  writer.child.kill("SIGKILL");
  const finished = await writer.done;
  expect(finished.signal).toBe("SIGKILL");
  // Lines printed before the kill landed still count: each is printed only after its commit.
  for (const line of finished.stdout.split("\n")) if (line.startsWith("wrote ") && !written.includes(line.slice(6))) written.push(line.slice(6));
  return written;
}

describe("SIGKILL while a scan is being written", () => {
  it("leaves a consistent database with every committed scan intact", async () => {
    const earlier = await Store.open(file);
    const before: { id: string; report: Report }[] = [];
    for (let i = 0; i < 2; i++) {
      const scan = await earlier.createScan({ sources: [{ name: `small-${i}.json`, value: smallEstate }], profile: { name: "p.json", value: { roles: { cyclecloud: ["vnet-a/cc"], cluster: ["vnet-a/compute"] } } }, label: `earlier ${i}` });
      before.push({ id: scan.id, report: (await earlier.getReport(scan.id))! });
    }
    await earlier.close();

    const committed: string[] = [];
    // Five kills at spread-out points of a write (each write: load, audit, then a transaction of ~3 MB).
    for (const [round, delay] of [[0, 10], [1, 40], [2, 80], [3, 120], [4, 170]] as const) {
      committed.push(...(await killWriterMidway(2 + round, delay)));

      const reopened = await Store.open(file);
      try {
        expect(reopened.db.pragma("integrity_check", { simple: true })).toBe("ok");
        expect(reopened.db.pragma("foreign_key_check")).toEqual([]);
        for (const { id, report } of before) expect(await reopened.getReport(id)).toEqual(report);
        for (const id of committed) expect(await reopened.getScan(id), `committed scan ${id}`).toBeDefined();
        // No half-written scan: every listed scan has its inputs, its report and its finding index.
        // (A scan may also have committed just before the kill, between its commit and its `wrote` line.)
        const scans = await reopened.listScans(10_000);
        expect(scans.length).toBeGreaterThanOrEqual(before.length + committed.length);
        for (const scan of scans) {
          const report = await reopened.getReport(scan.id);
          expect(report, `report of ${scan.id}`).toBeDefined();
          expect(await reopened.getInputs(scan.id), `inputs of ${scan.id}`).toBeDefined();
          const indexed = reopened.db.prepare("SELECT COUNT(*) AS n FROM finding_index WHERE scan_id = ?").get(scan.id) as { n: number };
          expect(indexed.n).toBe(report!.subnets.reduce((n, s) => n + s.findings.length, 0));
        }
      } finally {
        await reopened.close();
      }
    }
    expect(committed.length).toBeGreaterThanOrEqual(2 + 3 + 4 + 5 + 6);
    if (process.env.KILL_STATS) console.log(`committed ${committed.length} scans over 5 kills`);
  }, 240_000);
});
