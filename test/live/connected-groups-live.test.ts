// An Azure Virtual Network Manager mesh, read live through the real SDK (`connectivityConfigurations.list` per
// network manager; Resource Graph's Resources table does not hold connectivity configurations, so that read lists
// them per manager too): a cluster VNet joined to CycleCloud's by the mesh, without any peering, is no longer failed at
// the 10/8 None route; whether the configuration is deployed cannot be read, so the flow cannot be judged (warn).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "@/lib/report/types";
import { startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { generateEstate } from "../emulator/scenario";

let emu: Emulator;
let dir: string;
let profile: string;

beforeAll(async () => {
  const estate = generateEstate({ subscriptions: 1, subnetsPerSubscription: 2 });
  const sub = estate.subscriptions[0];
  const hpc = sub.lists.virtualNetworks.find((v) => v.name === "vnet-hpc-0")!;
  const rg = hpc.id.split("/")[4];
  const prefix = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network`;
  const clusterId = `${prefix}/virtualNetworks/vnet-cluster`;
  // A second VNet with no peering at all: only the mesh joins it to vnet-hpc-0.
  sub.lists.virtualNetworks.push({
    id: clusterId,
    name: "vnet-cluster",
    type: "Microsoft.Network/virtualNetworks",
    location: hpc.location,
    properties: { addressSpace: { addressPrefixes: ["10.50.0.0/16"] }, virtualNetworkPeerings: [], subnets: [{ id: `${clusterId}/subnets/compute`, name: "compute", properties: { addressPrefix: "10.50.1.0/24" } }] },
  });
  const managerId = `${prefix}/networkManagers/nm-hpc`;
  const groupId = `${managerId}/networkGroups/ng-hpc-vnets`;
  sub.children[`${groupId}/staticMembers`].push({ id: `${groupId}/staticMembers/sm-vnet-cluster`, name: "sm-vnet-cluster", type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: clusterId } });
  // As ARM returns it (https://learn.microsoft.com/rest/api/networkmanager/connectivity-configurations/get, 2024-05-01).
  sub.children[`${managerId}/connectivityConfigurations`] = [
    {
      id: `${managerId}/connectivityConfigurations/mesh-hpc`,
      name: "mesh-hpc",
      type: "Microsoft.Network/networkManagers/connectivityConfigurations",
      properties: { connectivityTopology: "Mesh", isGlobal: "False", hubs: [], deleteExistingPeering: "False", appliesToGroups: [{ networkGroupId: groupId, groupConnectivity: "None", isGlobal: "False", useHubGateway: "False" }], provisioningState: "Succeeded" },
    },
  ];
  emu = await startEmulator(estate);
  dir = mkdtempSync(path.join(tmpdir(), "mesh-live-"));
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: ["vnet-hpc-0/cyclecloud"], cluster: ["vnet-cluster/compute"], returnProxy: [] } }));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const amqp = (r: Report) => r.subnets.find((s) => s.name === "compute" && s.vnet === "vnet-cluster")!.findings.find((f) => f.rule === "NODE-EGRESS-AMQP")!;

describe("a Virtual Network Manager mesh, read live", () => {
  it("list-all lists the manager's connectivity configurations once, and the cluster's way to CycleCloud goes through the connected group (warn); Resource Graph agrees", async () => {
    const listAll = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(listAll.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(emu.requests.filter((r) => r.path.toLowerCase().includes("/connectivityconfigurations?"))).toHaveLength(1);
    const f = amqp(report);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("connectivity configuration mesh-hpc");
    expect(JSON.stringify(f.evidence)).toContain('"nextHopType":"ConnectedGroup"');
    const graph = JSON.parse((await runAuditCli(emu, ["--live", "--resource-graph", "--profile", profile, "--format", "json"])).stdout) as Report;
    expect(amqp(graph).status).toBe("warn");
  });
});
