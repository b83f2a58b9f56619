// Routes learned over BGP, read live through the real SDK: an ExpressRoute gateway in the CycleCloud VNet learns
// 0.0.0.0/0 from on-premises (forced tunnelling by BGP), which no GET shows. The live read asks one NIC's effective route
// table (a POST that only reads, answered as a long-running operation the SDK polls); with it, CycleCloud's way to Azure
// Resource Manager is handed to the gateway (warn), where without it the audit followed the system route and passed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { isEffectiveRouteTable, startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { addGateway, generateEstate } from "../emulator/scenario";

let emu: Emulator;
let dir: string;
let profile: string;
let sub: string;
let ccNic: string;

beforeAll(async () => {
  const estate = generateEstate({ subscriptions: 1, subnetsPerSubscription: 2 });
  const s = estate.subscriptions[0];
  sub = s.subscriptionId.toLowerCase();
  // An ExpressRoute gateway has no default site: nothing but BGP says where Internet-bound traffic goes.
  const vnet = addGateway(s, "vnet-hpc-0", "ergw-hpc", { gatewayType: "ExpressRoute" });
  ccNic = s.lists.networkInterfaces.find((n) => n.name === "nic-cyclecloud-0")!.id;
  const space = (vnet.properties.addressSpace as { addressPrefixes: string[] }).addressPrefixes[0];
  // As Azure answers it (fields of https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table):
  // the BGP 0.0.0.0/0 makes the system one Invalid. The compute NIC's VM is stopped (the emulator answers 400).
  s.effectiveRoutes = {
    [ccNic]: [
      { disableBgpRoutePropagation: false, source: "Default", state: "Active", addressPrefix: [space], nextHopType: "VnetLocal", nextHopIpAddress: [] },
      { disableBgpRoutePropagation: false, source: "Default", state: "Invalid", addressPrefix: ["0.0.0.0/0"], nextHopType: "Internet", nextHopIpAddress: [] },
      { disableBgpRoutePropagation: false, source: "VirtualNetworkGateway", state: "Active", addressPrefix: ["0.0.0.0/0"], nextHopType: "VirtualNetworkGateway", nextHopIpAddress: ["10.0.250.12"] },
    ],
  };
  emu = await startEmulator(estate);
  dir = mkdtempSync(path.join(tmpdir(), "bgp-live-"));
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: [], returnProxy: [] } }));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  emu.faults.forbidden.clear();
  emu.resetLog();
});

const arm = (r: Report) => r.subnets.find((s) => s.name === "cyclecloud" && s.vnet === "vnet-hpc-0")!.findings.find((f) => f.rule === "CC-EGRESS-ARM")!;
const asked = () => emu.requests.filter(isEffectiveRouteTable);
const gapKinds = (r: Report) => (r.gaps?.unresolved ?? []).filter((u) => u.kind === "effectiveRouteTable");

describe("routes learned over BGP, read live", () => {
  it("asks the gateway VNet's NICs in turn (a stopped VM's answers 400), polls the answer, and hands CycleCloud's way to ARM to the gateway (warn); Resource Graph agrees", async () => {
    const run = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(emu.unexpected).toEqual([]);
    expect(asked().map((r) => [r.path.split("/networkInterfaces/")[1].split("/")[0], r.status])).toEqual([
      ["nic-compute-1-0", 400],
      ["nic-cyclecloud-0", 202],
    ]);
    // The SDK polled the operation's status until it succeeded, then read its result from the Location: GETs only.
    expect(emu.requests.filter((r) => /\/locations\/[^/]+\/operation/i.test(r.path)).map((r) => `${r.method} ${r.path.split("/")[7]} ${r.status}`)).toEqual([
      "GET operations 200",
      "GET operations 200",
      "GET operationResults 200",
    ]);
    const f = arm(report);
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/BGP/);
    expect(f.detail).toContain("handed to the virtual network gateway or Route Server in vnet-hpc-0, toward on-premises or an NVA");
    expect(f.detail).toContain("outside the audit");
    expect(gapKinds(report)).toEqual([]);
    const graph = JSON.parse((await runAuditCli(emu, ["--live", "--resource-graph", "--profile", profile, "--format", "json"])).stdout) as Report;
    expect(arm(graph).status).toBe("warn");
    expect(arm(graph).detail).toBe(f.detail);
  });

  it("a table the path would not use (its rows say propagation is off) is passed over for the next NIC's", async () => {
    const routes = emu.estate.subscriptions[0].effectiveRoutes!;
    const compute = emu.estate.subscriptions[0].lists.networkInterfaces.find((n) => n.name === "nic-compute-1-0")!.id;
    routes[compute] = (routes[ccNic] as Record<string, unknown>[]).map((r) => ({ ...r, disableBgpRoutePropagation: true }));
    try {
      const report = JSON.parse((await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"])).stdout) as Report;
      expect(asked().map((r) => [r.path.split("/networkInterfaces/")[1].split("/")[0], r.status])).toEqual([
        ["nic-compute-1-0", 202],
        ["nic-cyclecloud-0", 202],
      ]);
      expect(arm(report).status).toBe("warn");
      expect(arm(report).detail).toContain("effective route table of NIC nic-cyclecloud-0");
    } finally {
      delete routes[compute];
    }
  });

  it("refused (Reader lacks the action): no read error, asked once per resource group, the verdict as without the table, and the gaps name the permission", async () => {
    emu.faults.forbidden.add(`${sub}/networkinterfaces/effectiveroutetable`);
    const run = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    expect(run.code).not.toBe(3);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(asked().map((r) => r.status)).toEqual([403]);
    expect(arm(report).status).toBe("pass");
    expect(arm(report).detail).toContain("a learned route, which no snapshot shows, could change where traffic outside the VNet");
    expect(arm(report).detail).toContain("the gaps say how to add one");
    const [gap] = gapKinds(report);
    expect(gap.from).toMatch(/\/virtualNetworks\/vnet-hpc-0$/);
    expect(gap.hint).toContain("Microsoft.Network/networkInterfaces/effectiveRouteTable/action");
    expect(gap.hint).not.toContain("az network nic show-effective-route-table");
  });

  it("a saved live read keeps the table: auditing the file gives the same verdict, with no call to Azure", async () => {
    const saved = path.join(dir, "live.json");
    const read = await runAuditCli(emu, ["--live", "--save", saved, "--profile", profile, "--format", "json"]);
    expect(read.code).not.toBe(2);
    emu.resetLog();
    const offline = await runAuditCli(emu, ["--snapshot", saved, "--profile", profile, "--format", "json"]);
    expect(emu.requests).toEqual([]);
    // The note names where the table came from: the live read ("azure"), then the saved file.
    const live = arm(JSON.parse(read.stdout) as Report);
    expect(live.status).toBe("warn");
    expect(arm(JSON.parse(offline.stdout) as Report)).toEqual({ ...live, detail: live.detail.replace("(azure)", `(${saved})`) });
  });
});
