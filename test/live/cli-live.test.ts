// `npm run audit -- --live` end to end: the CLI in a child process reads the emulator
// through the real SDKs, and its exit code and report follow CONTRACT §2/§3.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { defaultFaults, isDeploymentStatusList, startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { generateEstate } from "../emulator/scenario";


let emu: Emulator;
let dir: string;
let profile: string;

const runCli = (args: string[], extraEnv: Record<string, string> = {}) => runAuditCli(emu, args, extraEnv);

const subnetIds = (report: Report) => report.subnets.map((s) => s.id.toLowerCase()).sort();
// Two subscriptions of three subnets, and the hub's AzureFirewallSubnet.
const SUBNETS = 2 * 3 + 1;

beforeAll(async () => {
  emu = await startEmulator(generateEstate({ subscriptions: 2, subnetsPerSubscription: 3 }));
  dir = mkdtempSync(path.join(tmpdir(), "cli-live-"));
  // CycleCloud in the hub, its clusters in both subscriptions (a run without roles audits nothing).
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: ["vnet-hpc-0/compute-1", "vnet-hpc-1/compute-1", "vnet-hpc-1/compute-2"], returnProxy: [] } }));
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
    const live = await runCli(["--live", "--profile", profile, "--format", "json", "--save", saved]);
    expect(live.stderr).toBe("");
    expect([0, 1]).toContain(live.code);
    const report = JSON.parse(live.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(report.summary.subnets).toBe(SUBNETS);
    // Reads only: GETs, and each network manager's deployment status list (a POST that only reads).
    expect(emu.requests.filter((r) => r.server === "arm").every((r) => r.method === "GET" || isDeploymentStatusList(r))).toBe(true);
    // The path types are read (scale sets, firewall policy groups, admin rules, DNS records) by GET.
    for (const part of ["/virtualMachineScaleSets?", "/ruleCollectionGroups?", "/rules?", "/A?"]) {
      expect(emu.requests.some((r) => r.path.includes(part)), part).toBe(true);
    }

    const offline = await runCli(["--snapshot", saved, "--profile", profile, "--format", "json"]);
    expect(offline.code).toBe(live.code);
    const again = JSON.parse(offline.stdout) as Report;
    expect(subnetIds(again)).toEqual(subnetIds(report));
    expect(again.summary).toEqual(report.summary);
    const verdicts = (r: Report) => r.subnets.map((s) => [s.id, s.status, s.findings.map((f) => [f.rule, f.status, f.detail])]);
    expect(verdicts(again)).toEqual(verdicts(report));
  });

  it("exits 3 when a subscription cannot be read, naming it and ARM's code, and audits the rest", async () => {
    const forbidden = emu.estate.subscriptions[1].subscriptionId;
    emu.faults.forbiddenSubscriptions.add(forbidden);
    // Roles only in the readable hub (one naming the unread subscription's subnets is listed: partial-read-live.test.ts).
    const hubProfile = path.join(dir, "hub-profile.json");
    writeFileSync(hubProfile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: ["vnet-hpc-0/compute-1"], returnProxy: [] } }));
    const run = await runCli(["--live", "--profile", hubProfile, "--format", "json"]);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors?.length).toBeGreaterThan(0);
    expect(report.errors!.every((e) => e.subscription === forbidden && e.code === "AuthorizationFailed")).toBe(true);
    expect(report.summary.subnets).toBe(3 + 1);
    expect(report.subnets.every((s) => !s.id.toLowerCase().includes(forbidden))).toBe(true);
  });

  it("exits 3 when a custom role cannot read one type, naming it, and audits everything else", async () => {
    const hubSub = emu.estate.subscriptions[0].subscriptionId;
    emu.faults.forbidden.add(`${hubSub}/azurefirewalls`);
    const run = await runCli(["--live", "--profile", profile, "--format", "json"]);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([{ subscription: hubSub, operation: "azureFirewalls.listAll", code: "AuthorizationFailed", message: expect.stringContaining("Microsoft.Network/azureFirewalls/read") }]);
    expect(report.summary.subnets).toBe(SUBNETS);
  });

  it("reads with Resource Graph when asked, sending only its query POST besides GETs and the deployment status list", async () => {
    const run = await runCli(["--live", "--resource-graph", "--profile", profile, "--format", "json"]);
    expect([0, 1]).toContain(run.code);
    expect((JSON.parse(run.stdout) as Report).summary.subnets).toBe(SUBNETS);
    const arm = emu.requests.filter((r) => r.server === "arm");
    expect(arm.filter((r) => r.method !== "GET").every((r) => r.method === "POST" && (r.path.startsWith("/providers/Microsoft.ResourceGraph/resources?") || isDeploymentStatusList(r)))).toBe(true);
    expect(arm.some((r) => r.method === "POST")).toBe(true);
    expect(arm.some((r) => /\/providers\/Microsoft\.Network\/(virtualNetworks|networkSecurityGroups)\?/.test(r.path))).toBe(false);
  });

  describe("a read that reaches nothing exits 3 with its failed calls, never the export hint", () => {
    /** The CLI's stderr for a read with no VNets: a heading naming the source, then one line per failed call. */
    const expectNothingRead = (run: { code: number | null; stdout: string; stderr: string }, lines: RegExp[]) => {
      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr).not.toContain("az network vnet list");
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const [heading, ...calls] = run.stderr.trim().split("\n");
      expect(heading).toBe("error: azure: nothing to audit: the read found no virtual network or subnet; its failed calls:");
      expect(calls).toHaveLength(lines.length);
      lines.forEach((line, i) => expect(calls[i]).toMatch(line));
    };

    it("a wrong client secret: the sign-in's Entra code and sentence, once", async () => {
      const run = await runCli(["--live", "--profile", profile, "--format", "json"], { AZURE_CLIENT_SECRET: "wrong" });
      expectNothingRead(run, [/^ {2}credential\.getToken: AADSTS7000215: Invalid client secret provided\.$/]);
    });

    it("a Resource Graph query answering 500: the query and its code", async () => {
      emu.faults.failing.add("*/resourcegraph");
      const run = await runCli(["--live", "--resource-graph", "--profile", profile, "--format", "json"]);
      expectNothingRead(run, [/^ {2}resourceGraph\.resources in 2 subscriptions: InternalServerError: HTTP 500/]);
    });

    it("virtualNetworks list refused in every subscription: each subscription's 403, and the saved read is judged the same later", async () => {
      const subs = emu.estate.subscriptions.map((s) => s.subscriptionId);
      for (const sub of subs) emu.faults.forbidden.add(`${sub}/virtualnetworks`);
      const saved = path.join(dir, "nothing-read.json");
      const run = await runCli(["--live", "--profile", profile, "--format", "json", "--save", saved]);
      const lines = subs.map((sub) => new RegExp(`^ {2}virtualNetworks\\.listAll in subscription ${sub}: AuthorizationFailed: HTTP 403: .*Microsoft\\.Network/virtualNetworks/read`));
      expectNothingRead(run, lines);
      const offline = await runCli(["--snapshot", saved, "--profile", profile, "--format", "json"]);
      expect(offline.code).toBe(3);
      expect(offline.stderr).toContain(`error: ${saved}: nothing to audit`);
      expect(offline.stderr).toContain(`virtualNetworks.listAll in subscription ${subs[0]}: AuthorizationFailed`);
    });
  });

  it("rejects a malformed AZURE_SUBSCRIPTION_IDS with exit 2 and one line naming it, before any call", async () => {
    const run = await runCli(["--live", "--format", "json"], { AZURE_SUBSCRIPTION_IDS: "prod-subscription" });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("AZURE_SUBSCRIPTION_IDS[0]");
    expect(emu.requests).toEqual([]);
  });
});
