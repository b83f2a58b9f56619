// `npm run audit -- --live` end to end: the CLI in a child process reads the emulator
// through the real SDKs, and its exit code and report follow CONTRACT §2/§3.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { defaultFaults, startEmulator, type Emulator } from "../emulator/arm-emulator";
import { generateEstate } from "../emulator/scenario";

const ROOT = path.resolve(__dirname, "../..");
const TSX_CLI = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");

let emu: Emulator;
let dir: string;

function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [TSX_CLI, "cli/audit.ts", ...args], { cwd: ROOT, env: emu.childEnv(extraEnv) as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const subnetIds = (report: Report) => report.subnets.map((s) => s.id.toLowerCase()).sort();

beforeAll(async () => {
  emu = await startEmulator(generateEstate({ subscriptions: 2, subnetsPerSubscription: 3 }));
  dir = mkdtempSync(path.join(tmpdir(), "cli-live-"));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(emu.faults, defaultFaults());
  emu.resetLog();
});

describe("audit --live", () => {
  it("audits every subscription read, and the saved snapshot audits the same offline", async () => {
    const saved = path.join(dir, "estate.json");
    const live = await runCli(["--live", "--format", "json", "--save", saved]);
    expect(live.stderr).toBe("");
    expect([0, 1]).toContain(live.code);
    const report = JSON.parse(live.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(report.summary.subnets).toBe(2 * 3);
    expect(emu.requests.filter((r) => r.server === "arm").every((r) => r.method === "GET")).toBe(true);

    const offline = await runCli(["--snapshot", saved, "--format", "json"]);
    expect(offline.code).toBe(live.code);
    const again = JSON.parse(offline.stdout) as Report;
    expect(subnetIds(again)).toEqual(subnetIds(report));
    expect(again.summary).toEqual(report.summary);
  });

  it("exits 3 when a subscription cannot be read, naming it and ARM's code, and audits the rest", async () => {
    const forbidden = emu.estate.subscriptions[1].subscriptionId;
    emu.faults.forbiddenSubscriptions.add(forbidden);
    const run = await runCli(["--live", "--format", "json"]);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors?.length).toBeGreaterThan(0);
    expect(report.errors!.every((e) => e.subscription === forbidden && e.code === "AuthorizationFailed")).toBe(true);
    expect(report.summary.subnets).toBe(3);
    expect(report.subnets.every((s) => !s.id.toLowerCase().includes(forbidden))).toBe(true);
  });

  it("reads with Resource Graph when asked, sending only its query POST besides GETs", async () => {
    const run = await runCli(["--live", "--resource-graph", "--format", "json"]);
    expect([0, 1]).toContain(run.code);
    expect((JSON.parse(run.stdout) as Report).summary.subnets).toBe(2 * 3);
    const arm = emu.requests.filter((r) => r.server === "arm");
    expect(arm.filter((r) => r.method !== "GET").every((r) => r.method === "POST" && r.path.startsWith("/providers/Microsoft.ResourceGraph/resources?"))).toBe(true);
    expect(arm.some((r) => r.method === "POST")).toBe(true);
    expect(arm.some((r) => /\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups)\?/.test(r.path))).toBe(false);
  });

  it("rejects a malformed AZURE_SUBSCRIPTION_IDS with exit 2 and one line naming it, before any call", async () => {
    const run = await runCli(["--live", "--format", "json"], { AZURE_SUBSCRIPTION_IDS: "prod-subscription" });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("AZURE_SUBSCRIPTION_IDS[0]");
    expect(emu.requests).toEqual([]);
  });
});
