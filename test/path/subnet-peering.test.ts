// Subnet peering (`peerCompleteVnets: false`): only the subnets both peering resources list are joined. Each case is
// one an earlier version passed, because it peered the whole VNets. The property test "a subnet peering joins only…"
// (path.property.test.ts) holds the engine to the packet reference over generated worlds; the cases
// test/cases/reports/subnet-peering-leaves-out-compute and its control hold the whole audit.
// https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { Estate } from "../../lib/nsg/estate";
import { queryFlow } from "../../lib/path/query";
import { effectiveRoutes } from "../../lib/path/routes";
import { nextHop } from "../../lib/path/next-hop";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { estate, finding } from "../helpers/estate-builder";

type PeerOpts = Parameters<ReturnType<typeof estate>["peer"]>[2];

/** CycleCloud in hub/cc; nodes in spoke/compute and spoke/other; the peering as given. */
function hubAndSpoke(peering: PeerOpts) {
  return estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.1.0/24")
    .subnet("hub/tools", "10.0.2.0/24")
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/compute", "10.1.1.0/24")
    .subnet("spoke/other", "10.1.2.0/24")
    .peer("hub", "spoke", peering);
}

const query = (b: ReturnType<typeof hubAndSpoke>, from: string, to: string) => queryFlow(b.snapshot(), { from, to, protocol: "tcp", port: "9443" });

describe("reading a subnet peering", () => {
  it("keeps the subnet lists only where peerCompleteVnets is false, and enableOnlyIPv6Peering", () => {
    const s = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] }, onlyIpv6: true }).snapshot();
    const p = [...s.vnets.values()].find((v) => v.name === "hub")!.peerings[0];
    expect(p.subnets).toEqual({ local: ["cc"], remote: ["compute"] });
    expect(p.onlyIpv6).toBe(true);
    expect([...hubAndSpoke({}).snapshot().vnets.values()][0].peerings[0].subnets).toBeUndefined();
  });

  it("refuses a subnet list that is not a list, naming the file and field", () => {
    const b = hubAndSpoke({});
    const resources = b.resources() as { properties?: { virtualNetworkPeerings?: { properties: Record<string, unknown> }[] } }[];
    const peering = resources.find((r) => r.properties?.virtualNetworkPeerings?.length)!.properties!.virtualNetworkPeerings![0];
    peering.properties.peerCompleteVnets = false;
    peering.properties.localSubnetNames = "cc";
    expect(() => loadSnapshot([{ name: "vnets.json", value: { value: resources } }])).toThrow(/vnets\.json: value\[\d\]\.properties\.virtualNetworkPeerings\[0\]\.properties\.localSubnetNames/);
  });
});

describe("where a subnet peering carries traffic", () => {
  it("a subnet it leaves out keeps the route but its packets are dropped, naming the peering and the subnets it joins", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } });
    expect(query(b, "spoke/compute", "10.0.1.4").verdict).toBe("allowed");
    const out = query(b, "spoke/other", "10.0.1.4");
    expect(out.verdict).toBe("blocked");
    expect(JSON.stringify(out)).toContain("subnet peering spoke-to-hub of spoke joins only subnet compute of it, not other");
    // Azure's effective routes list the route for the left-out subnet too.
    const e = new Estate(b.snapshot(), new Map());
    const other = [...e.snapshot.subnets.values()].find((s) => s.name === "other")!;
    const route = effectiveRoutes(e, other).find((r) => r.nextHopType === "VNetPeering")!;
    expect(route.addressPrefix).toBe("10.0.1.0/24");
    expect(nextHop(e, other, route).kind).toBe("drop");
    const compute = [...e.snapshot.subnets.values()].find((s) => s.name === "compute")!;
    expect(nextHop(e, compute, effectiveRoutes(e, compute).find((r) => r.nextHopType === "VNetPeering")!).kind).toBe("deliver");
  });

  it("routes only the remote subnets it joins (the rest of the remote VNet falls to the None route), whatever remoteAddressSpace says", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } });
    const out = query(b, "spoke/compute", "10.0.2.4");
    expect(out.verdict).toBe("blocked");
    expect(JSON.stringify(out)).toContain("10.0.0.0/8");
  });

  it("joins a subnet only where both peering resources list it, compared case-insensitively", () => {
    const mismatch = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] }, lists: { hub: { local: ["CC"], remote: ["compute", "other"] } } });
    expect(query(mismatch, "spoke/compute", "10.0.1.4").verdict).toBe("allowed");
    expect(query(mismatch, "hub/cc", "10.1.2.4").verdict).toBe("blocked");
  });

  it("an IPv6-only peering carries no IPv4 traffic", () => {
    expect(query(hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] }, onlyIpv6: true }), "spoke/compute", "10.0.1.4").verdict).toBe("blocked");
  });

  it("a next hop in a subnet it does not join is not reached: the route to the hub's appliance drops", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } })
      .subnet("hub/nva", "10.0.3.0/24")
      .nic("nva", "hub/nva", { ip: "10.0.3.4" })
      .subnet("spoke/compute2", "10.1.3.0/24", { routeTable: "rt" })
      .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.3.4" }]);
    const out = query(b, "spoke/compute2", "20.1.2.3");
    expect(out.verdict).toBe("blocked");
    expect(JSON.stringify(out)).toContain("subnet peering spoke-to-hub of spoke joins only subnet compute of it, not compute2");
  });

  it("takes precedence over a connected group of the two VNets: subnets it does not join are not joined by the group", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } });
    const group = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/networkManagers/avnm/networkGroups/ng";
    const vnet = (n: string) => `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/${n}`;
    b.extra(
      { id: group.split("/networkGroups")[0], name: "avnm", type: "Microsoft.Network/networkManagers", properties: {} },
      { id: group, name: "ng", type: "Microsoft.Network/networkManagers/networkGroups", properties: { memberType: "VirtualNetwork" } },
      ...["hub", "spoke"].map((v) => ({ id: `${group}/staticMembers/${v}`, name: v, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: vnet(v) } })),
      {
        id: `${group.split("/networkGroups")[0]}/connectivityConfigurations/mesh`,
        name: "mesh",
        type: "Microsoft.Network/networkManagers/connectivityConfigurations",
        properties: { connectivityTopology: "Mesh", isGlobal: "False", hubs: [], appliesToGroups: [{ networkGroupId: group, groupConnectivity: "None", isGlobal: "False", useHubGateway: "False" }] },
      },
    );
    const out = query(b, "spoke/compute", "10.0.2.4");
    expect(out.verdict).toBe("blocked");
    expect(JSON.stringify(out)).not.toContain("connected group");
  });
});

describe("the audit", () => {
  it("fails nodes a subnet peering leaves out, and its fix names the subnet lists of both peering resources, not a new peering", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["other"] } });
    const report = audit(b.snapshot(), parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["spoke/compute"] } }));
    const f = finding(report, "spoke/compute", "NODE-EGRESS-HTTPS");
    expect(f.status).toBe("fail");
    const text = f.fixes.map((x) => x.text).join("\n");
    expect(text).toContain("add compute to localSubnetNames of peering spoke-to-hub (spoke) and compute to remoteSubnetNames of peering hub-to-spoke (hub)");
    expect(text).not.toContain("Peer spoke and hub");
    const joined = audit(hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } }).snapshot(), parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["spoke/compute"] } }));
    expect(finding(joined, "spoke/compute", "NODE-EGRESS-HTTPS").status).toBe("pass");
  });
});

describe("what a subnet peering leaves out, further on (review findings)", () => {
  it("each left-out subnet's drop names that subnet, though their next hops are remembered together", () => {
    const b = hubAndSpoke({ subnets: { hub: ["cc"], spoke: ["compute"] } }).subnet("spoke/login", "10.1.3.0/24");
    const s = b.snapshot();
    // One estate for both, as the dashboard answers queries of one scan: its memo is shared.
    const shared = new Estate(s, new Map());
    const words = (from: string) => JSON.stringify(queryFlow(s, { from, to: "10.0.1.4", protocol: "tcp", port: "9443" }, shared));
    expect(words("spoke/other")).toContain("joins only subnet compute of it, not other");
    expect(words("spoke/login")).toContain("joins only subnet compute of it, not login");
  });

  it("a left-out subnet's traffic to the hub's gateway through a peering that uses remote gateways is dropped, not handed to the gateway", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/GatewaySubnet", "10.0.255.0/27")
      .subnet("hub/cc", "10.0.1.0/24")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/compute", "10.1.1.0/24", { routeTable: "rt" })
      .subnet("spoke/other", "10.1.2.0/24", { routeTable: "rt" })
      .routeTable("rt", [{ name: "onprem", prefix: "192.168.0.0/16", hop: "VirtualNetworkGateway" }])
      .peer("hub", "spoke", { subnets: { hub: ["cc", "GatewaySubnet"], spoke: ["compute"] }, remoteGatewaysAt: "spoke" });
    const s = b.snapshot();
    const to = (from: string) => queryFlow(s, { from, to: "192.168.1.1", protocol: "tcp", port: "443" });
    expect(to("spoke/other").verdict).toBe("blocked");
    expect(JSON.stringify(to("spoke/other"))).toContain("sends it to the hub's VPN/ExpressRoute gateway through peering spoke-to-hub, but subnet peering spoke-to-hub of spoke joins only subnet compute of it, not other");
    expect(to("spoke/compute").verdict).not.toBe("blocked");
  });

  it("a spoke routed through the hub's firewall, whose subnet the subnet peering does not join: the fix names the peering's lists, not a route", () => {
    const FW = "10.0.0.4";
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.0.0.0/26")
      .subnet("hub/cc", "10.0.1.0/24", { routeTable: "rt-hub" })
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/compute", "10.1.1.0/24", { routeTable: "rt" })
      .routeTable("rt", [{ name: "via-fw", prefix: "10.0.1.0/24", hop: "VirtualAppliance", ip: FW }])
      .routeTable("rt-hub", [{ name: "to-spoke", prefix: "10.1.1.0/24", hop: "VirtualAppliance", ip: FW }])
      .firewall("fw", "hub", FW, { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 200, collections: [{ name: "net", priority: 100, action: "Allow", rules: [{ kind: "network", name: "any", src: ["10.0.0.0/8"], dst: ["10.0.0.0/8"], ports: ["*"] }] }] }])
      .peer("hub", "spoke", { subnets: { hub: ["cc"], spoke: ["compute"] } });
    const report = audit(b.snapshot(), parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["spoke/compute"] } }));
    const f = finding(report, "spoke/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    const text = f.fixes.map((x) => x.text).join("\n");
    expect(text).toContain("does not join spoke/compute with hub/AzureFirewallSubnet: add AzureFirewallSubnet to remoteSubnetNames of peering spoke-to-hub (spoke) and AzureFirewallSubnet to localSubnetNames of peering hub-to-spoke (hub)");
    expect(text).not.toMatch(/point it at Azure Firewall/);
  });
});
