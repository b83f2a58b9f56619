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
let managerKey: string;
let region: string;

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
  managerKey = managerId;
  region = hpc.location!;
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

describe("the network manager's deployment status list, read live (a POST that only reads)", () => {
  const entries = (mesh: "Deployed" | "Deploying", admin: string[]) => [
    { commitTime: "2026-11-01T00:00:00Z", configurationIds: [`${managerKey}/connectivityConfigurations/mesh-hpc`], deploymentStatus: mesh, deploymentType: "Connectivity", errorMessage: "", region },
    { commitTime: "2026-11-01T00:00:00Z", configurationIds: admin.map((c) => `${managerKey}/securityAdminConfigurations/${c}`), deploymentStatus: "Deployed", deploymentType: "SecurityAdmin", errorMessage: "", region },
  ];
  const set = (list: unknown[] | undefined) => {
    emu.estate.subscriptions[0].deploymentStatus = list ? { [managerKey]: list } : undefined;
  };
  afterAll(() => {
    set(undefined);
    emu.faults.forbidden.clear();
  });

  it("Deployed settles the mesh: the cluster's way to CycleCloud is judged (no 'cannot be judged'), in both reads; one POST per manager, through the read-only guard", async () => {
    set(entries("Deployed", ["sac-hpc"]));
    emu.resetLog();
    const listAll = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(listAll.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    const posts = emu.requests.filter((r) => r.method === "POST" && r.path.toLowerCase().includes("/listdeploymentstatus?"));
    expect(posts).toHaveLength(1);
    expect(posts[0].status).toBe(200);
    expect(emu.unexpected).toEqual([]);
    const f = amqp(report);
    expect(f.detail).not.toContain("once deployed");
    expect(f.status).not.toBe("warn");
    expect(JSON.stringify(f.evidence)).toContain('"nextHopType":"ConnectedGroup"');
    // The admin configuration is listed Deployed too: no "takes effect once deployed" anywhere.
    expect(listAll.stdout).not.toContain("takes effect once deployed");
    const graph = JSON.parse((await runAuditCli(emu, ["--live", "--resource-graph", "--profile", profile, "--format", "json"])).stdout) as Report;
    expect(amqp(graph).status).toBe(f.status);
  });

  it("a region whose security admin deployment leaves sac-hpc out: its rules are left out, saying so; entries the service may send half-empty do not stop the read", async () => {
    // Every field of an entry is optional in the service's model: ids null, or no region at all.
    set([...entries("Deploying", ["sac-other"]), { configurationIds: null, deploymentStatus: "Deployed", deploymentType: "Connectivity", region }, { configurationIds: [], deploymentStatus: "Deployed", deploymentType: "SecurityAdmin" }]);
    const run = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    expect(run.stderr).not.toContain("error");
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    expect(JSON.stringify(report)).toContain(`Security admin configuration sac-hpc is not deployed to ${region}`);
    // The list was read: the gaps do not ask for it.
    expect(JSON.stringify(report.gaps ?? {})).not.toContain("listDeploymentStatus");
    expect(amqp(report).status).toBe("warn");
    expect(amqp(report).detail).toContain("has its deployment there as Deploying");
  });

  it("refused (403: Reader lacks listDeploymentStatus/action): no read error, the audit does as without the list, and the gaps name it", async () => {
    set(entries("Deployed", ["sac-hpc"]));
    emu.faults.forbidden.add(`${emu.estate.subscriptions[0].subscriptionId.toLowerCase()}/networkmanagers/listdeploymentstatus`);
    const run = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(emu.requests.some((r) => r.method === "POST" && r.status === 403)).toBe(true);
    expect(report.errors ?? []).toEqual([]);
    expect(amqp(report).status).toBe("warn");
    expect(amqp(report).detail).toContain("once deployed");
    expect(JSON.stringify(report.gaps ?? {})).toContain("listDeploymentStatus");
  });
});
