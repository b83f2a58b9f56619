// Scheduled live scans end to end: a server-like child process with SCAN_SCHEDULE="every 2s" reads the local ARM
// emulator, stores each scan in the schedule's estate, and posts to a webhook receiver on 127.0.0.1: the first
// scan of the estate lists its failures with links under PUBLIC_URL, the next one none (nothing changed). A second
// process on the same database does not run the same due time again.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store } from "@/lib/store";
import { startEmulator, type Emulator } from "../emulator/arm-emulator";
import { generateEstate, offlineSources } from "../emulator/scenario";
import { run } from "../hardening/support/processes";

const dir = mkdtempSync(path.join(tmpdir(), "lockdown-schedule-live-"));
const file = path.join(dir, "lockdown.db");
let emu: Emulator;
let receiver: Server;
let webhookUrl = "";
const posts: { text: string }[] = [];
const waiters: (() => void)[] = [];

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

beforeAll(async () => {
  emu = await startEmulator(generateEstate({ subscriptions: 1, subnetsPerSubscription: 3 }));
  receiver = createServer(async (req, res) => {
    posts.push(JSON.parse(await body(req)));
    res.writeHead(200).end("ok");
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  // A dashboard role of the scheduled estate makes the emulated compute-2 subnet the CycleCloud subnet, which fails.
  // Roles belong to their estate and outlive its scans: the scans it was set through are deleted, so the scheduled
  // estate starts without scans but with the role.
  const store = await Store.open(file);
  const seed = await store.createScan({ sources: offlineSources(emu.estate), estate: "lab" });
  const compute2 = (await store.getReport(seed.id))!.subnets.find((s) => s.name === "compute-2")!;
  const edited = await store.setRole(compute2.id, "cyclecloud", null, "lab");
  await store.deleteScans([seed.id, edited.id]);
  await store.close();
}, 60_000);

afterAll(async () => {
  await emu?.stop();
  await new Promise((r) => receiver?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function postsAtLeast(n: number): Promise<void> {
  while (posts.length < n) await new Promise<void>((r) => waiters.push(r));
}

describe("SCAN_SCHEDULE against the ARM emulator", () => {
  it("reads on schedule, one run per due time, and posts new failures with links", async () => {
    const env = (extra: Record<string, string>) =>
      emu.childEnv({ LOCKDOWN_DB: file, SCAN_SCHEDULE: "every 2s", SCHEDULE_ESTATE: "lab", WEBHOOK_URL: webhookUrl, PUBLIC_URL: "https://audit.example.com", ...extra }) as NodeJS.ProcessEnv;
    const children = [0, 1].map(() => run(process.execPath, ["--import", "tsx", "test/emulator/schedule-driver.ts"], env({})));
    try {
      await postsAtLeast(2);
    } finally {
      for (const c of children) c.child.kill("SIGTERM");
      await Promise.all(children.map((c) => c.done));
    }

    const first = posts[0].text;
    expect(first).toMatch(/^Lockdown Auditor: scheduled scan #\d+ of estate "lab": [1-9]\d* new failures?, 0 fixes/);
    expect(first).toMatch(/\n- FAIL \S+ on vnet-hpc-0\/compute-2: .+ https:\/\/audit\.example\.com\/scans\/[^/\s]+\/findings\/[0-9a-f]{16}/);
    expect(posts[1].text).toMatch(/: 0 new failures, 0 fixes/);

    const store = await Store.open(file);
    try {
      const scans = await store.listScans(100, "lab");
      expect(scans.length).toBeGreaterThanOrEqual(2);
      for (const s of scans) expect(s).toMatchObject({ origin: "schedule", estate: "lab", status: "complete" });
      const runs = await store.scheduleRuns.list(100);
      // One row per due time (the primary key), each run by one process, each done with its scan.
      expect(new Set(runs.map((r) => r.dueAt)).size).toBe(runs.length);
      const done = runs.filter((r) => r.state === "done");
      expect(done.length).toBeGreaterThanOrEqual(2);
      for (const r of done) expect(scans.map((s) => s.id)).toContain(r.scanId);
      // No due time was read twice: distinct scans per run, and never more scheduled scans than claimed due times.
      expect(new Set(done.map((r) => r.scanId)).size).toBe(done.length);
      expect(scans.length).toBeLessThanOrEqual(runs.length);
    } finally {
      await store.close();
    }
  }, 120_000);
});
