// A CycleCloud spoke connected to a secured Virtual WAN hub, read live through the real SDK: `virtualHubs.list` per
// subscription, then per hub `hubVirtualNetworkConnections.list`, `hubRouteTables.list` and
// `routingIntentOperations.list` (Resource Graph's Resources table holds hubs but none of these three). The hub's
// routing intent sends Internet-bound traffic to its firewall, whose policy allows nothing CycleCloud needs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FirewallEvidence, Report } from "@/lib/report/types";
import { defaultFaults, isDeploymentStatusList, startEmulator, type Emulator } from "../emulator/arm-emulator";
import { runAuditCli } from "../emulator/run-audit-cli";
import { runLiveRead } from "../emulator/run-live-read";
import { generateEstate } from "../emulator/scenario";
import { addVirtualWanHub, VWAN, type VirtualWanIds } from "../emulator/scenario-vwan";

const FAST_RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };

let emu: Emulator;
let ids: VirtualWanIds;
let dir: string;
let profile: string;

const armRequests = () => emu.requests.filter((r) => r.server === "arm");
const requestsTo = (pathPart: string) => armRequests().filter((r) => r.path.toLowerCase().includes(pathPart.toLowerCase()));
const byId = (resources: unknown[]) => new Map((resources as { id: string; type: string }[]).map((r) => [r.id.toLowerCase(), r]));
/** What the emulator serves for `id`, in any list of the estate. */
const served = (id: string) => {
  const s = emu.estate.subscriptions[0];
  return [...Object.values(s.lists).flat(), ...Object.values(s.children).flat()].find((r) => r.id === id)!;
};
const hubPath = `/providers/Microsoft.Network/virtualHubs/${VWAN.hub}`;

beforeAll(async () => {
  const estate = generateEstate({ subscriptions: 1, subnetsPerSubscription: 2 });
  ids = addVirtualWanHub(estate);
  emu = await startEmulator(estate);
  dir = mkdtempSync(path.join(tmpdir(), "vwan-live-"));
  profile = path.join(dir, "profile.json");
  writeFileSync(profile, JSON.stringify({ roles: { cyclecloud: [`${VWAN.vnet}/${VWAN.subnet}`], cluster: [], returnProxy: [] } }));
});
afterAll(async () => {
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  Object.assign(emu.faults, defaultFaults());
  emu.resetLog();
});

describe("a secured Virtual WAN hub, read live", () => {
  it("list-all lists the hubs once per subscription and each hub's connections, route tables and routing intent once per hub", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    expect(emu.unexpected).toEqual([]);
    expect(requestsTo("/providers/Microsoft.Network/virtualHubs?")).toHaveLength(1);
    expect(requestsTo(`${hubPath}/hubVirtualNetworkConnections?`)).toHaveLength(1);
    expect(requestsTo(`${hubPath}/hubRouteTables?`)).toHaveLength(1);
    expect(requestsTo(`${hubPath}/routingIntent?`)).toHaveLength(1);
    expect(armRequests().every((r) => r.method === "GET" || isDeploymentStatusList(r))).toBe(true);
    // Kept exactly as ARM sent them (REST form, ARM's own type strings).
    const read = byId(result.snapshot.resources);
    for (const id of [ids.hubId, ids.connectionId, ids.defaultRouteTableId, ids.noneRouteTableId, ids.routingIntentId, ids.firewallId]) {
      expect(read.get(id.toLowerCase()), id).toEqual(served(id));
    }
    expect(read.get(ids.routingIntentId.toLowerCase())?.type).toBe("Microsoft.Network/virtualHubs/routingIntent");
  });

  it("Resource Graph returns the hub; its connections, route tables and routing intent are still listed per hub", async () => {
    const result = await runLiveRead(emu, { retry: FAST_RETRY, resourceGraph: true });
    expect(result.errors).toEqual([]);
    expect(emu.unexpected).toEqual([]);
    expect(requestsTo("/providers/Microsoft.Network/virtualHubs?")).toHaveLength(0);
    expect(requestsTo(`${hubPath}/hubVirtualNetworkConnections?`)).toHaveLength(1);
    expect(requestsTo(`${hubPath}/hubRouteTables?`)).toHaveLength(1);
    expect(requestsTo(`${hubPath}/routingIntent?`)).toHaveLength(1);
    const read = byId(result.snapshot.resources);
    expect(read.get(ids.hubId.toLowerCase())?.type).toBe("microsoft.network/virtualhubs");
    for (const id of [ids.connectionId, ids.defaultRouteTableId, ids.noneRouteTableId, ids.routingIntentId]) {
      expect(read.get(id.toLowerCase()), id).toEqual(served(id));
    }
  });

  it("follows a hub child list's nextLink pages within its one operation", async () => {
    emu.faults.pageSize = 1;
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([]);
    // Two route tables (defaultRouteTable, noneRouteTable) in pages of one.
    const pages = requestsTo(`${hubPath}/hubRouteTables?`);
    expect(pages).toHaveLength(2);
    expect(pages[1].path).toContain("skipToken");
    const read = byId(result.snapshot.resources);
    expect(read.has(ids.defaultRouteTableId.toLowerCase()) && read.has(ids.noneRouteTableId.toLowerCase())).toBe(true);
  });

  it("names the hub's failed call (403 on routing intent) and still reads its siblings", async () => {
    emu.faults.forbidden.add(`${ids.subscriptionId}/virtualhubs/routingintent`);
    const result = await runLiveRead(emu, { retry: FAST_RETRY });
    expect(result.errors).toEqual([
      { subscription: ids.subscriptionId, operation: `routingIntentOperations.list(rg-hub/${VWAN.hub})`, code: "AuthorizationFailed", message: expect.stringMatching(/Microsoft\.Network\/virtualHubs\/routingIntent\/read/) },
    ]);
    const read = byId(result.snapshot.resources);
    expect(read.has(ids.routingIntentId.toLowerCase())).toBe(false);
    expect(read.has(ids.connectionId.toLowerCase())).toBe(true);
    expect(read.has(ids.defaultRouteTableId.toLowerCase())).toBe(true);
  });

  it("the CycleCloud subnet's ARM egress goes through routing intent to the hub firewall, whose policy denies it (fail)", async () => {
    const run = await runAuditCli(emu, ["--live", "--profile", profile, "--format", "json"]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors ?? []).toEqual([]);
    const subnet = report.subnets.find((s) => s.name === VWAN.subnet && s.vnet === VWAN.vnet)!;
    const f = subnet.findings.find((x) => x.rule === "CC-EGRESS-ARM")!;
    expect(f.status, f.detail).toBe("fail");
    // The hub's firewall, not the generated estate's VNet firewall of the same name.
    const fw = f.evidence.filter((e): e is FirewallEvidence => "stage" in e && e.stage === "firewall");
    expect(fw.some((e) => e.firewall === VWAN.firewall && e.firewallId?.toLowerCase() === ids.firewallId.toLowerCase() && e.action === "Deny"), JSON.stringify(f.evidence)).toBe(true);
    expect(run.code).toBe(1);
  });
});
