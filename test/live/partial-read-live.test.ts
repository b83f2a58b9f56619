// A live read that reached only part of the estate (CONTRACT §2 exit 3): the CLI in a child process reads the emulator
// with injected faults. What a failed list would have returned may decide a verdict, so nothing passes on what was
// read alone, and a profile entry naming what was not read is listed instead of failing the whole run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { defaultFaults, startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { generateEstate, type Estate } from "../emulator/scenario";

const EGRESS = ["CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"];

let emu: Emulator;
let dir: string;
let profile: string;

const runCli = (args: string[], extraEnv: Record<string, string> = {}) => runAuditCli(emu, args, extraEnv);

/**
 * The emulated estate plus one security admin rule in the hub's network manager that denies outbound TCP 443
 * everywhere (as shared case admin-rule-denies-443): CycleCloud's Azure egress fails only because of it, and only a
 * network manager points at it, so nothing else refers to what a failed network manager list would have held.
 */
function estateWithAdminDeny443(): Estate {
  const estate = generateEstate({ subscriptions: 2, subnetsPerSubscription: 3 });
  const hub = estate.subscriptions[0];
  const rulesKey = Object.keys(hub.children).find((k) => /\/ruleCollections\/[^/]+\/rules$/i.test(k))!;
  const rule = structuredClone(hub.children[rulesKey][0]);
  rule.id = rule.id.replace(/[^/]+$/, "deny-https-out");
  rule.name = "deny-https-out";
  Object.assign(rule.properties, {
    description: "No HTTPS out of any HPC VNet",
    direction: "Outbound",
    access: "Deny",
    priority: 110,
    protocol: "Tcp",
    destinationPortRanges: ["443"],
    sources: [{ addressPrefix: "*", addressPrefixType: "IPPrefix" }],
    destinations: [{ addressPrefix: "*", addressPrefixType: "IPPrefix" }],
  });
  hub.children[rulesKey].push(rule);
  return estate;
}

const finding = (report: Report, subnet: string, rule: string) => report.subnets.find((s) => `${s.vnet}/${s.name}` === subnet)!.findings.find((f) => f.rule === rule)!;

beforeAll(async () => {
  emu = await startEmulator(estateWithAdminDeny443());
  dir = mkdtempSync(path.join(tmpdir(), "partial-live-"));
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: ["vnet-hpc-0/compute-1", "vnet-hpc-1/compute-1"], returnProxy: [] } }));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(emu.faults, defaultFaults());
  emu.resetLog();
});

describe("audit --live, part of the estate unread", () => {
  it("a complete read fails CycleCloud's Azure egress on the admin rule", async () => {
    const run = await runCli(["--live", "--profile", profile, "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    for (const rule of EGRESS) expect(finding(report, "vnet-hpc-0/cyclecloud", rule).status, rule).toBe("fail");
  });

  it("with the network managers list forbidden, never passes that egress: warn naming the failed call, exit 3", async () => {
    const hubSub = emu.estate.subscriptions[0].subscriptionId;
    emu.faults.forbidden.add(`${hubSub}/networkmanagers`);
    const run = await runCli(["--live", "--profile", profile, "--format", "json"]);
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([{ subscription: hubSub, operation: "networkManagers.listBySubscription", code: "AuthorizationFailed", message: expect.stringContaining("Microsoft.Network/networkManagers/read") }]);
    for (const rule of EGRESS) {
      const f = finding(report, "vnet-hpc-0/cyclecloud", rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toContain(`networkManagers.listBySubscription in subscription ${hubSub}: AuthorizationFailed`);
      expect(f.detail).toContain("may decide this verdict");
    }
    expect(report.subnets.flatMap((s) => s.findings).some((f) => f.status === "pass")).toBe(false);
    expect(report.summary.pass).toBe(0);
  });

  it("a partial read's --save keeps its errors: audited offline later, it is judged as the live read was (warn, exit 3)", async () => {
    const hubSub = emu.estate.subscriptions[0].subscriptionId;
    emu.faults.forbidden.add(`${hubSub}/networkmanagers`);
    const saved = path.join(dir, "partial-estate.json");
    const live = await runCli(["--live", "--profile", profile, "--format", "json", "--save", saved]);
    expect(live.code).toBe(3);
    const offline = await runCli(["--snapshot", saved, "--profile", profile, "--format", "json"]);
    expect(offline.code).toBe(3);
    const [a, b] = [live, offline].map((r) => JSON.parse(r.stdout) as Report);
    expect(b.errors).toEqual(a.errors);
    for (const rule of EGRESS) expect(finding(b, "vnet-hpc-0/cyclecloud", rule).status, rule).toBe("warn");
    expect(b.summary).toEqual(a.summary);
  });

  it("with a VNet list failing, audits what was read and lists the profile entry naming an unread subnet, exit 3", async () => {
    const spoke = emu.estate.subscriptions[1].subscriptionId;
    emu.faults.failing.add(`${spoke}/virtualnetworks`);
    const run = await runCli(["--live", "--profile", profile, "--format", "json"]);
    expect(run.stderr).not.toContain("no subnet matches");
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors).toEqual([expect.objectContaining({ subscription: spoke, operation: "virtualNetworks.listAll", code: "InternalServerError" })]);
    expect(report.subnets.filter((s) => s.role).map((s) => `${s.vnet}/${s.name}`).sort()).toEqual(["vnet-hpc-0/compute-1", "vnet-hpc-0/cyclecloud"]);
    expect(report.gaps?.unresolved).toContainEqual({ from: `${profile}: roles.cluster[1]`, kind: "subnet", ref: "vnet-hpc-1/compute-1", hint: expect.stringContaining("the live read was partial") });
    expect(finding(report, "vnet-hpc-0/cyclecloud", "CC-EGRESS-STORAGE").status).toBe("fail");
  });

  it("read with Resource Graph, says the report cannot tell a missing read permission from absent resources", async () => {
    const saved = path.join(dir, "resource-graph-estate.json");
    const run = await runCli(["--live", "--resource-graph", "--profile", profile, "--format", "json", "--save", saved]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.notes).toEqual([expect.stringContaining("reports no error for a type it may not read")]);
    // The saved snapshot says how it was read, so auditing it later carries the same caveat (it once came back clean).
    expect(JSON.parse(readFileSync(saved, "utf8"))).toMatchObject({ readMethod: "resourceGraph" });
    const offline = await runCli(["--snapshot", saved, "--profile", profile, "--format", "json"]);
    expect((JSON.parse(offline.stdout) as Report).notes).toEqual(report.notes);
    const listAll = await runCli(["--live", "--profile", profile, "--format", "json"]);
    expect((JSON.parse(listAll.stdout) as Report).notes).toBeUndefined();
  });
});
