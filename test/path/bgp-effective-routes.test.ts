// Routes a VPN or ExpressRoute gateway (or Route Server) learns over BGP are in no GET: an on-premises 0.0.0.0/0
// advertised over ExpressRoute sends a subnet's Internet-bound traffic on-premises (forced tunnelling by BGP), where the
// audit cannot follow it. Before Azure's effective route table could be given, the audit followed the system default
// route to the Internet and passed CycleCloud's way to Azure Resource Manager, with only a note that a learned route
// could change it. A NIC's effective route table (`az network nic show-effective-route-table`, with the NIC's id
// added) shows them; a learned route then decides as Azure's table says.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#border-gateway-protocol
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";
import { InputError } from "../../lib/errors";
import { estate, finding, id } from "../helpers/estate-builder";

const NIC = id("networkInterfaces", "nic-cc");

/** A VNet with a gateway, CycleCloud's subnet (one NIC) and, optionally, a second role subnet whose route table disables BGP. */
function withGateway() {
  return estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24")
    .subnet("hub/compute", "10.0.2.0/24", { routeTable: "rt-nobgp" })
    .subnet("hub/GatewaySubnet", "10.0.255.0/27")
    .routeTable("rt-nobgp", [], { disableBgpRoutePropagation: true })
    .nic("nic-cc", "hub/cc", { ip: "10.0.0.4" });
}

/** Azure's effective route table of nic-cc as az prints it, with the NIC's id added; `learned`: its BGP routes. */
const table = (learned: { prefix: string; ip?: string }[], nicId = NIC) => ({
  networkInterfaceId: nicId,
  nextLink: null,
  value: [
    { source: "Default", state: "Active", addressPrefix: ["10.0.0.0/16"], nextHopType: "VnetLocal", nextHopIpAddress: [] },
    ...learned.map((l) => ({ source: "VirtualNetworkGateway", state: "Active", addressPrefix: [l.prefix], nextHopType: "VirtualNetworkGateway", nextHopIpAddress: [l.ip ?? "10.0.255.4"] })),
    { source: "Default", state: learned.some((l) => l.prefix === "0.0.0.0/0") ? "Invalid" : "Active", addressPrefix: ["0.0.0.0/0"], nextHopType: "Internet", nextHopIpAddress: [] },
  ],
});

const run = (resources: unknown[], tables: unknown[] = []) =>
  audit(loadSnapshot([{ name: "estate.json", value: { value: resources } }, ...tables.map((t, i) => ({ name: `routes-${i}.json`, value: t }))]), {
    roles: { cyclecloud: ["hub/cc"], cluster: ["hub/compute"], returnProxy: [] },
  });

describe("routes learned over BGP, from a NIC's effective route table", () => {
  it("without the table: the system default route decides (pass), with a note that a learned route could change it", () => {
    const f = finding(run(withGateway().resources()), "hub/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("a learned route, which no snapshot shows");
  });

  it("an on-premises 0.0.0.0/0 learned over BGP takes CycleCloud's way to ARM to the gateway: not a pass, naming the route and the NIC's table", () => {
    const report = run(withGateway().resources(), [table([{ prefix: "0.0.0.0/0" }])]);
    const f = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("the route for 0.0.0.0/0 learned over BGP, as NIC nic-cc's effective routes show");
    expect(f.detail).toContain("routes-0.json");
    expect(f.detail).not.toContain("which no snapshot shows");
    // The subnet's effective routes show it, as Azure's do.
    const rows = report.subnets.find((s) => s.name === "cc")!.effectiveRoutes ?? [];
    expect(rows.some((r) => r.source === "VirtualNetworkGateway" && r.addressPrefix === "0.0.0.0/0" && r.nextHopType === "VirtualNetworkGateway")).toBe(true);
    expect(report.subnets.find((s) => s.name === "cc")!.outbound?.detail).toContain("It carries only traffic routed to the Internet: 0.0.0.0/0 goes to the virtual network gateway or Route Server in hub, toward on-premises or an NVA (the route for 0.0.0.0/0 learned over BGP, as NIC nic-cc's effective routes show), outside the audit.");
  });

  it("a subnet whose route table disables BGP route propagation keeps the system default (its own check passes)", () => {
    const report = run(withGateway().resources(), [table([{ prefix: "0.0.0.0/0" }])]);
    expect(finding(report, "hub/compute", "NODE-EGRESS-STORAGE").status).toBe("pass");
  });

  it("an on-premises range learned over BGP leaves Internet-bound traffic alone, and never overrides the VNet's own space", () => {
    const report = run(withGateway().resources(), [table([{ prefix: "192.168.0.0/16" }, { prefix: "10.0.0.0/8" }])]);
    expect(finding(report, "hub/cc", "CC-EGRESS-ARM").status).toBe("pass");
    const rows = report.subnets.find((s) => s.name === "cc")!.effectiveRoutes ?? [];
    expect(rows.some((r) => r.source === "VirtualNetworkGateway" && r.addressPrefix === "192.168.0.0/16")).toBe(true);
    // cc ↔ compute in the same VNet stay VnetLocal: the learned 10/8 does not take them.
    expect(finding(report, "hub/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("a table whose NIC the input lacks, or that was taken in a subnet with propagation off, shows nothing of the VNet's BGP routes", () => {
    const elsewhere = finding(run(withGateway().resources(), [table([{ prefix: "0.0.0.0/0" }], id("networkInterfaces", "nic-elsewhere"))]), "hub/cc", "CC-EGRESS-ARM");
    expect(elsewhere.status).toBe("pass");
    // The note no longer asks for a table just given: it says why that table shows nothing here.
    expect(elsewhere.detail).toContain("the effective route table given for NIC nic-elsewhere shows nothing of them");
    const b = withGateway().nic("nic-compute", "hub/compute", { ip: "10.0.2.4" });
    expect(finding(run(b.resources(), [table([{ prefix: "0.0.0.0/0" }], id("networkInterfaces", "nic-compute"))]), "hub/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("under a learned 0.0.0.0/0 the private ranges' None routes go only where Azure's table shows them gone: a table listing them Active keeps them", () => {
    const none = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((p) => ({ source: "Default", state: "Active", addressPrefix: [p], nextHopType: "None", nextHopIpAddress: [] }));
    const noneRows = (report: ReturnType<typeof run>, subnet: string) => (report.subnets.find((s) => s.name === subnet)!.effectiveRoutes ?? []).filter((r) => r.source === "Default" && r.nextHopType === "None").map((r) => r.addressPrefix);
    const gone = run(withGateway().resources(), [table([{ prefix: "0.0.0.0/0" }])]);
    expect(noneRows(gone, "cc")).toEqual([]);
    // compute's route table disables propagation: it learns no 0.0.0.0/0 and keeps them.
    expect(noneRows(gone, "compute")).toContain("192.168.0.0/16");
    const listed = table([{ prefix: "0.0.0.0/0" }]);
    const kept = run(withGateway().resources(), [{ ...listed, value: [...listed.value, ...none] }]);
    expect(noneRows(kept, "cc")).toContain("192.168.0.0/16");
    // Without a learned 0.0.0.0/0 a table missing them says nothing about them.
    expect(noneRows(run(withGateway().resources(), [table([{ prefix: "192.168.50.0/24" }])]), "cc")).toContain("172.16.0.0/12");
    // Nor does a table without system rows at all (not Azure's whole table).
    const bare = { ...listed, value: listed.value.filter((r) => r.source !== "Default") };
    expect(noneRows(run(withGateway().resources(), [bare]), "cc")).toContain("172.16.0.0/12");
  });

  it("bad input: a prefix that is no CIDR, or no NIC id, is one error naming the file and field", () => {
    const bad = table([{ prefix: "on-prem" }]);
    expect(() => run(withGateway().resources(), [bad])).toThrowError(InputError);
    expect(() => run(withGateway().resources(), [bad])).toThrowError(/routes-0\.json.*value\[1\]\.addressPrefix\[0\].*expected a CIDR/);
    expect(() => run(withGateway().resources(), [{ ...table([]), networkInterfaceId: "nic-cc" }])).toThrowError(/routes-0\.json.*networkInterfaceId.*network interface id/);
  });

  it("a learned route listed Invalid in the table of a subnet with its own user route still goes to every other subnet of the VNet", () => {
    // compute's route table sends 0.0.0.0/0 to an appliance, so Azure lists the BGP 0.0.0.0/0 Invalid in compute's NIC.
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24")
      .subnet("hub/compute", "10.0.2.0/24", { routeTable: "rt-nva" })
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .routeTable("rt-nva", [{ name: "default-nva", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.3.4" }])
      .nic("nic-compute", "hub/compute", { ip: "10.0.2.4" });
    const t = {
      networkInterfaceId: id("networkInterfaces", "nic-compute"),
      value: [
        { source: "Default", state: "Active", addressPrefix: ["10.0.0.0/16"], nextHopType: "VnetLocal", nextHopIpAddress: [] },
        { source: "VirtualNetworkGateway", state: "Invalid", addressPrefix: ["0.0.0.0/0"], nextHopType: "VirtualNetworkGateway", nextHopIpAddress: ["10.0.255.4"] },
        { source: "User", state: "Active", addressPrefix: ["0.0.0.0/0"], nextHopType: "VirtualAppliance", nextHopIpAddress: ["10.0.3.4"] },
        { source: "Default", state: "Invalid", addressPrefix: ["0.0.0.0/0"], nextHopType: "Internet", nextHopIpAddress: [] },
      ],
    };
    const report = run(b.resources(), [t]);
    expect(finding(report, "hub/cc", "CC-EGRESS-ARM").status).toBe("warn");
    expect(finding(report, "hub/cc", "CC-EGRESS-ARM").detail).toContain("learned over BGP");
  });

  it("a table taken in the hub holding the gateway shows what a spoke using that gateway learns, and the reverse", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .subnet("hub/jump", "10.0.1.0/24")
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/compute", "10.1.2.0/24")
      .peer("hub", "spoke", { remoteGatewaysAt: "spoke" })
      .nic("nic-jump", "hub/jump", { ip: "10.0.1.4" })
      .nic("nic-cc", "spoke/cc", { ip: "10.1.0.4" });
    const roles = { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"], returnProxy: [] } };
    const arm = (tables: unknown[]) => finding(audit(loadSnapshot([{ name: "estate.json", value: { value: b.resources() } }, ...tables.map((v, i) => ({ name: `routes-${i}.json`, value: v }))]), roles), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm([]).status).toBe("pass");
    expect(arm([table([{ prefix: "0.0.0.0/0" }], id("networkInterfaces", "nic-jump"))]).status).toBe("warn");
    expect(arm([table([{ prefix: "0.0.0.0/0" }], NIC)]).status).toBe("warn");
  });

  it("the gaps ask for a table for each VNet of a gateway's BGP domain that has none, naming the VNet and az's command; a table of the hub or of a spoke using its gateway covers the domain", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .vnet("apart", ["10.2.0.0/16"])
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .subnet("hub/jump", "10.0.1.0/24")
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("apart/GatewaySubnet", "10.2.255.0/27")
      .subnet("apart/work", "10.2.1.0/24")
      .peer("hub", "spoke", { remoteGatewaysAt: "spoke" })
      .nic("nic-jump", "hub/jump", { ip: "10.0.1.4" })
      .nic("nic-cc", "spoke/cc", { ip: "10.1.0.4" });
    const gaps = (tables: unknown[]) =>
      (loadSnapshot([{ name: "estate.json", value: { value: b.resources() } }, ...tables.map((v, i) => ({ name: `routes-${i}.json`, value: v }))]).gaps?.unresolved ?? []).filter((u) => u.kind === "effectiveRouteTable");
    const none = gaps([]);
    expect(none.map((g) => g.from)).toEqual([id("virtualNetworks", "hub"), id("virtualNetworks", "spoke"), id("virtualNetworks", "apart")]);
    expect(none[0].hint).toContain("a running VM's NIC in hub, in a subnet whose route table does not disable BGP route propagation");
    expect(none[0].hint).toContain("az network nic show-effective-route-table --ids");
    expect(gaps([table([{ prefix: "0.0.0.0/0" }], NIC)]).map((g) => g.from)).toEqual([id("virtualNetworks", "apart")]);
    expect(gaps([table([{ prefix: "0.0.0.0/0" }], id("networkInterfaces", "nic-jump"))]).map((g) => g.from)).toEqual([id("virtualNetworks", "apart")]);
  });

  it("the gaps follow the BGP note exactly: a spoke whose gateway VNet is outside the input still asks; subnets that all disable propagation, or only Azure's own subnets, ask nothing; a table behind a disconnected peering covers only its own VNet", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .subnet("hub/AzureFirewallSubnet", "10.0.254.0/26")
      .subnet("spoke/cc", "10.1.0.0/24")
      .peer("hub", "spoke", { remoteGatewaysAt: "spoke" })
      .nic("nic-cc", "spoke/cc", { ip: "10.1.0.4" });
    const gapsOf = (resources: unknown[], tables: unknown[] = []) =>
      (loadSnapshot([{ name: "estate.json", value: { value: resources } }, ...tables.map((v, i) => ({ name: `routes-${i}.json`, value: v }))]).gaps?.unresolved ?? []).filter((u) => u.kind === "effectiveRouteTable").map((g) => g.from);
    // The hub holds only Azure's own subnets: nothing there installs a learned route, so only the spoke asks.
    expect(gapsOf(b.resources())).toEqual([id("virtualNetworks", "spoke")]);
    // The hub (and its gateway) in a subscription the input does not cover: the spoke still asks, and its table covers it.
    const withoutHub = b.resources().filter((r) => (r as { id: string }).id !== id("virtualNetworks", "hub"));
    expect(gapsOf(withoutHub)).toEqual([id("virtualNetworks", "spoke")]);
    expect(gapsOf(withoutHub, [table([{ prefix: "0.0.0.0/0" }], NIC)])).toEqual([]);
    // Every ordinary subnet disables propagation: no table could show anything, so none is asked for.
    const quiet = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/GatewaySubnet", "10.0.255.0/27").subnet("hub/cc", "10.0.0.0/24", { routeTable: "rt-nobgp" }).routeTable("rt-nobgp", [], { disableBgpRoutePropagation: true });
    expect(gapsOf(quiet.resources())).toEqual([]);
    // A disconnected peering: the spoke does not use the hub's gateway, and its table says nothing of the hub's VNet.
    const apart = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .subnet("hub/jump", "10.0.1.0/24")
      .subnet("spoke/cc", "10.1.0.0/24")
      .peer("hub", "spoke", { remoteGatewaysAt: "spoke", state: "Disconnected" })
      .nic("nic-cc", "spoke/cc", { ip: "10.1.0.4" });
    expect(gapsOf(apart.resources(), [table([{ prefix: "0.0.0.0/0" }], NIC)])).toEqual([id("virtualNetworks", "hub")]);
  });

  it("Azure's table listing a user route the input's route table lacks: the subnet's routes cannot be judged (warn), naming the route and the table", () => {
    const t = table([]);
    t.value.splice(1, 0, { source: "User", state: "Active", addressPrefix: ["0.0.0.0/0"], nextHopType: "VirtualAppliance", nextHopIpAddress: ["10.0.3.9"] });
    t.value[t.value.length - 1] = { ...t.value[t.value.length - 1], state: "Invalid" };
    const f = finding(run(withGateway().resources(), [t]), "hub/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("lists user route 0.0.0.0/0 → VirtualAppliance 10.0.3.9, which the input's route table does not give");
    expect(f.detail).toContain("stale");
  });

  it("specific public prefixes learned over BGP, without service tags: the detail says the verdict assumes they miss the tag", () => {
    const f = finding(run(withGateway().resources(), [table([{ prefix: "20.0.0.0/8" }])]), "hub/cc", "CC-EGRESS-ARM");
    expect(f.detail).toContain("The route 20.0.0.0/8 → VirtualNetworkGateway 10.0.255.4 learned over BGP (NIC nic-cc's effective routes)");
    expect(f.detail).toContain("depends on prefixes that were not supplied");
  });

  it("two tables of one NIC are united, whatever their order; a table whose rows say propagation is off shows nothing, and is a dispute where the input has it on", () => {
    const a = table([{ prefix: "0.0.0.0/0" }]);
    const b = table([{ prefix: "192.168.0.0/16" }]);
    expect(finding(run(withGateway().resources(), [a, b]), "hub/cc", "CC-EGRESS-ARM").status).toBe("warn");
    expect(finding(run(withGateway().resources(), [b, a]), "hub/cc", "CC-EGRESS-ARM").status).toBe("warn");
    const propagationOff = (t: ReturnType<typeof table>) => ({ ...t, value: t.value.map((r) => ({ ...r, disableBgpRoutePropagation: true })) });
    // Taken in compute, whose route table disables propagation: it shows nothing of the VNet's learned routes.
    const b2 = withGateway().nic("nic-compute", "hub/compute", { ip: "10.0.2.4" });
    const quiet = run(b2.resources(), [propagationOff(table([], id("networkInterfaces", "nic-compute")))]);
    expect(finding(quiet, "hub/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(quiet, "hub/compute", "NODE-EGRESS-STORAGE").status).toBe("pass");
    // Taken in cc, which the input gives no route table (so propagation is on): one of the two is stale.
    const stale = finding(run(withGateway().resources(), [propagationOff(a)]), "hub/cc", "CC-EGRESS-ARM");
    expect(stale.status).toBe("warn");
    expect(stale.detail).toContain("says BGP route propagation is disabled, where the input gives the subnet no route table (propagation enabled)");
    // Rows stating it enabled, as Azure prints them where there is no route table: no dispute, the learned route decides.
    const stated = finding(run(withGateway().resources(), [{ ...a, value: a.value.map((r) => ({ ...r, disableBgpRoutePropagation: false })) }]), "hub/cc", "CC-EGRESS-ARM");
    expect(stated.status).toBe("warn");
    expect(stated.detail).not.toContain("stale");
    expect(stated.detail).toContain("learned over BGP");
  });

  it("az's output without the NIC's id, a table without rows, or an id that is no string: one error naming the file, never read as nothing", () => {
    const { networkInterfaceId: _, ...plain } = table([{ prefix: "0.0.0.0/0" }]);
    void _;
    expect(() => run(withGateway().resources(), [plain])).toThrowError(/routes-0\.json: networkInterfaceId: missing: a NIC's effective route table without the NIC's id/);
    expect(() => run(withGateway().resources(), [{ networkInterfaceId: NIC }])).toThrowError(/routes-0\.json.*value/);
    expect(() => run(withGateway().resources(), [{ networkInterfaceId: NIC, value: [] }])).toThrowError(/routes-0\.json.*value.*at least its VNet's own space/);
    expect(() => run(withGateway().resources(), [{ networkInterfaceId: 5, value: table([]).value }])).toThrowError(/routes-0\.json.*networkInterfaceId/);
    expect(() => run(withGateway().resources(), [{ ...table([]), nextLink: "https://management.azure.com/next" }])).toThrowError(/routes-0\.json.*nextLink.*partial/);
  });

  it("user rows are matched to the route table's routes by name: a service-tag route is one row, a route missing either side or re-pointed is a dispute", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { routeTable: "rt-cc" })
      .subnet("hub/compute", "10.0.2.0/24")
      .routeTable("rt-cc", [
        { name: "to-arm", prefix: "AzureResourceManager", hop: "Internet" },
        { name: "default-internet", prefix: "0.0.0.0/0", hop: "Internet" },
      ])
      .nic("nic-cc", "hub/cc", { ip: "10.0.0.4" });
    const row = (name: string, prefixes: string[], hop: string, ip?: string) => ({ name, source: "User", state: "Active", addressPrefix: prefixes, nextHopType: hop, nextHopIpAddress: ip ? [ip] : [] });
    const vnet = { source: "Default", state: "Active", addressPrefix: ["10.0.0.0/16"], nextHopType: "VnetLocal", nextHopIpAddress: [] };
    const storage = (rows: unknown[]) => finding(run(b.resources(), [{ networkInterfaceId: NIC, value: [vnet, ...rows] }]), "hub/cc", "CC-EGRESS-STORAGE");
    // As the input has it: a tag route is one row of its prefixes (one prefix for a small regional tag alike).
    expect(storage([row("to-arm", ["20.38.4.0/23"], "Internet"), row("default-internet", ["0.0.0.0/0"], "Internet")]).status).toBe("pass");
    // A CIDR route the table does not list, beside a tag row.
    const missing = storage([row("to-arm", ["20.38.4.0/23", "40.79.0.0/16"], "Internet")]);
    expect(missing.status).toBe("warn");
    expect(missing.detail).toContain("does not list route default-internet (0.0.0.0/0 → Internet) of the input's route table rt-cc");
    // A tag route the input lacks.
    expect(storage([row("to-arm", ["20.38.4.0/23"], "Internet"), row("default-internet", ["0.0.0.0/0"], "Internet"), row("arm-via-nva", ["20.0.0.0/8", "40.0.0.0/8"], "VirtualAppliance", "10.0.3.4")]).detail).toContain("lists user route arm-via-nva (2 prefixes → VirtualAppliance 10.0.3.4), which the input's route table rt-cc does not give");
    // A route re-pointed since the input was taken.
    expect(storage([row("to-arm", ["20.38.4.0/23"], "Internet"), row("default-internet", ["0.0.0.0/0"], "VirtualAppliance", "10.0.3.4")]).detail).toContain("lists route default-internet as 0.0.0.0/0 → VirtualAppliance 10.0.3.4, unlike the input's route table rt-cc");
  });

  it("a table without the propagation field, taken in a subnet whose route table the input lacks, shows nothing of the VNet's BGP routes", () => {
    const b = withGateway().subnet("hub/jump", "10.0.1.0/24", { routeTable: "rt-absent" }).nic("nic-jump", "hub/jump", { ip: "10.0.1.4" });
    const t = table([{ prefix: "0.0.0.0/0" }], id("networkInterfaces", "nic-jump"));
    const resources = (b.resources() as { type: string; name: string }[]).filter((r) => !(r.type === "Microsoft.Network/routeTables" && r.name === "rt-absent"));
    expect(finding(run(resources, [t]), "hub/cc", "CC-EGRESS-ARM").detail).toContain("a learned route, which no snapshot shows");
    const stated = { ...t, value: t.value.map((r) => ({ ...r, disableBgpRoutePropagation: false })) };
    expect(finding(run(resources, [stated]), "hub/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });
});
