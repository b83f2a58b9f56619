// A VPN gateway with a forced-tunnelling default site, read live through the real SDK (`virtualNetworkGateways.list`
// per resource group of a VNet with a GatewaySubnet; Resource Graph's Resources table holds gateways): the VNet's
// subnets without their own default route send Internet-bound traffic to on-premises, outside the audit.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { addGateway, generateEstate } from "../emulator/scenario";

let emu: Emulator;
let dir: string;
let profile: string;

beforeAll(async () => {
  const estate = generateEstate({ subscriptions: 1, subnetsPerSubscription: 2 });
  const sub = estate.subscriptions[0];
  const network = sub.lists.virtualNetworks.find((v) => v.name === "vnet-hpc-0")!.id.split("/virtualNetworks/")[0];
  addGateway(sub, "vnet-hpc-0", "vgw-hpc", { gatewayType: "Vpn", vpnType: "RouteBased", gatewayDefaultSite: { id: `${network}/localNetworkGateways/lng-onprem` } });
  emu = await startEmulator(estate);
  dir = mkdtempSync(path.join(tmpdir(), "gateway-live-"));
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: [], returnProxy: [] } }));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const arm = (r: Report) => r.subnets.find((s) => s.name === "cyclecloud" && s.vnet === "vnet-hpc-0")!.findings.find((f) => f.rule === "CC-EGRESS-ARM")!;

describe("a gateway's forced-tunnelling default site, read live", () => {
  it("list-all reads it once per resource group and the CycleCloud subnet's ARM egress is handed to it (warn); Resource Graph agrees", async () => {
    const listAll = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(listAll.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(emu.requests.filter((r) => r.path.toLowerCase().includes("/virtualnetworkgateways?"))).toHaveLength(1);
    const f = arm(report);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("forced tunnelling to site lng-onprem of vgw-hpc");
    const graph = JSON.parse((await runAuditCli(emu, ["--live", "--resource-graph", "--profile", profile, "--format", "json"])).stdout) as Report;
    expect(arm(graph).status).toBe("warn");
    expect(arm(graph).detail).toBe(f.detail);
  });
});
