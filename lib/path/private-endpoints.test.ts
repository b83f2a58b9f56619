// A private endpoint's own subnet NSG (CONTRACT §4.2 (b)): Azure applies it only when that subnet's
// privateEndpointNetworkPolicies is Enabled or NetworkSecurityGroupEnabled; the audit and the flow query agree.
// https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
import { describe, expect, it } from "vitest";
import { audit, planAudit } from "../audit";
import { loadSnapshot } from "../snapshot";
import type { Report } from "../report/types";
import { type CollectionSpec, type EstateBuilder, estate, finding, id } from "../../test/helpers/estate-builder";
import { PEV_SUBNET, aRecord, endpointHub, privateOnlyAccount, zoneLinks } from "../../test/helpers/endpoint-hub";
import { flattenResource } from "../../test/snapshot/flatten";
import { queryFlow } from "./query";
import { storageEndpointName } from "./private-endpoints";

const PE = id("privateEndpoints", "pe-sthpc-blob");
const PE_NIC = id("networkInterfaces", "pe-sthpc-blob.nic");
const PE_SUBNET = `${id("virtualNetworks", "spoke")}/subnets/pe`;
const ACCOUNT = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sthpc";

/** A cluster in a private subnet whose only way to Storage is a blob private endpoint at 10.1.6.4; the endpoint's subnet NSG denies inbound 443. */
function resources(policies: string | undefined, opts: { vmInEndpointSubnet?: boolean; hpcRoutes?: { name: string; prefix: string; hop: string; ip?: string }[]; more?: (b: EstateBuilder) => void } = {}): Record<string, unknown>[] {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/hpc", "10.1.8.0/22", { nsg: "nsg-nodes", defaultOutboundAccess: false, ...(opts.hpcRoutes ? { routeTable: "rt-hpc" } : {}) })
    .subnet("spoke/pe", "10.1.6.0/24", { nsg: "nsg-pe" })
    .nsg("nsg-nodes", [])
    .nsg("nsg-pe", [{ name: "DenyAllIn443", priority: 100, direction: "Inbound", access: "Deny", ports: "443" }])
    .extra(
      {
        id: PE,
        name: "pe-sthpc-blob",
        type: "Microsoft.Network/privateEndpoints",
        properties: {
          subnet: { id: PE_SUBNET },
          networkInterfaces: [{ id: PE_NIC }],
          privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: ACCOUNT, groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }],
        },
      },
      {
        id: PE_NIC,
        name: "pe-sthpc-blob.nic",
        type: "Microsoft.Network/networkInterfaces",
        properties: { privateEndpoint: { id: PE }, ipConfigurations: [{ name: "c", properties: { subnet: { id: PE_SUBNET }, privateIPAddress: "10.1.6.4" } }] },
      },
    );
  if (opts.vmInEndpointSubnet) b.nic("vm-nic", "spoke/pe", { ip: "10.1.6.10" });
  if (opts.hpcRoutes) b.routeTable("rt-hpc", opts.hpcRoutes);
  opts.more?.(b);
  const all = b.resources() as Record<string, unknown>[];
  const vnet = all.find((r) => r.name === "spoke") as { properties: { subnets: { name: string; properties: Record<string, unknown> }[] } };
  if (policies !== undefined) vnet.properties.subnets.find((s) => s.name === "pe")!.properties.privateEndpointNetworkPolicies = policies;
  return all;
}

const load = (value: unknown) => loadSnapshot([{ name: "estate.json", value }]);
const run = (snapshot: ReturnType<typeof load>): Report => audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
const toEndpoint = (snapshot: ReturnType<typeof load>) => queryFlow(snapshot, { from: "spoke/hpc", to: "10.1.6.4", protocol: "tcp", port: "443" });

describe("reading privateEndpointNetworkPolicies", () => {
  it("reads it from ARM, az (flattened) and Resource Graph output, in any case; absent stays unset (Azure's default, Disabled)", () => {
    const arm = resources("networksecuritygroupenabled");
    const graph = arm.map((r) => ({ ...r, type: String(r.type).toLowerCase(), resourceGroup: "rg-test" }));
    for (const [form, value] of [["arm", { value: arm }], ["az", flattenResource(arm)], ["graph", { count: graph.length, data: graph, skip_token: null }]] as const) {
      expect(load(value).subnets.get(PE_SUBNET.toLowerCase())?.privateEndpointNetworkPolicies, form).toBe("NetworkSecurityGroupEnabled");
    }
    expect(load(resources(undefined)).subnets.get(PE_SUBNET.toLowerCase())?.privateEndpointNetworkPolicies).toBeUndefined();
    expect(load(resources("")).subnets.get(PE_SUBNET.toLowerCase())?.privateEndpointNetworkPolicies).toBeUndefined();
  });

  it("refuses a value Azure does not have, naming the file and field", () => {
    expect(() => load(resources("On"))).toThrow(/estate\.json: \[0\]\.properties\.subnets\[2\]\.properties\.privateEndpointNetworkPolicies: expected one of Enabled, Disabled, NetworkSecurityGroupEnabled, RouteTableEnabled, got "On"/);
  });
});

describe("the endpoint's own subnet NSG", () => {
  for (const policies of ["Enabled", "NetworkSecurityGroupEnabled"]) {
    it(`${policies}: Azure applies it, so the denied endpoint does not count and the private cluster cannot reach Storage`, () => {
      const snapshot = load(resources(policies));
      const report = run(snapshot);
      const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
      expect(se.status).toBe("warn");
      expect(se.detail).toContain("DenyAllIn443");
      expect(se.detail).toContain(`privateEndpointNetworkPolicies ${policies}`);
      expect(se.evidence).toContainEqual(expect.objectContaining({ rule: "DenyAllIn443", nsg: id("networkSecurityGroups", "nsg-pe"), direction: "Inbound" }));
      expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("fail");
      expect(toEndpoint(snapshot).verdict).toBe("blocked");
    });
  }

  for (const policies of ["Disabled", "RouteTableEnabled", undefined]) {
    it(`${policies ?? "absent"}: Azure does not apply it, so the endpoint counts and the query lets the flow through`, () => {
      const snapshot = load(resources(policies));
      const report = run(snapshot);
      expect(finding(report, "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
      const egress = finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE");
      expect(egress.status).toBe("warn");
      expect(egress.detail).toContain("reachable only through private endpoint pe-sthpc-blob to sthpc");
      const q = toEndpoint(snapshot);
      expect(q.verdict).toBe("allowed");
      expect(q.parts.join(" ")).toContain(`not filtered by the NSG of spoke/pe (privateEndpointNetworkPolicies ${policies ?? "Disabled (Azure's default)"})`);
      expect(q.stages.filter((s) => s.side === "destination")).toEqual([]);
    });
  }

  it("the query judges the endpoint's address even when other NICs share its subnet", () => {
    const snapshot = load(resources("Enabled", { vmInEndpointSubnet: true }));
    const q = toEndpoint(snapshot);
    expect(q.verdict).toBe("blocked");
    expect(q.stages).toContainEqual(expect.objectContaining({ rule: "DenyAllIn443", side: "destination" }));
    expect(finding(run(snapshot), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("warn");
  });

  it("a whole-subnet destination with an exempt endpoint is partly blocked: the NSG still filters the rest of the subnet", () => {
    const q = queryFlow(load(resources("Disabled", { vmInEndpointSubnet: true })), { from: "spoke/hpc", to: "spoke/pe", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("partial");
    expect(q.parts.join(" ")).toContain("DenyAllIn443");
    expect(q.parts.join(" ")).toContain("private endpoint pe-sthpc-blob: not filtered");
  });
});

describe("the endpoint's /32 route and a user route over it", () => {
  // The appliance 10.9.9.9 is in no subnet: traffic a user route sends there is dropped.
  const via = (prefix: string) => [{ name: "via-nva", prefix, hop: "VirtualAppliance", ip: "10.9.9.9" }];

  it("RouteTableEnabled: a user route for the endpoint's VNet space takes its traffic, so the endpoint does not count", () => {
    const report = run(load(resources("RouteTableEnabled", { hpcRoutes: via("10.1.0.0/16") })));
    expect(finding(report, "spoke/hpc", "NODE-SE-STORAGE").status).not.toBe("pass");
    expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("fail");
  });

  it("an endpoint open from one NIC and blocked from another is a warn naming the blocked one, not a fail", () => {
    const report = run(
      load(
        resources("Disabled", {
          more: (b) => b.nsg("nsg-b", [{ name: "DenyPe443", priority: 100, direction: "Outbound", access: "Deny", dst: "10.1.6.4", ports: "443" }]).nic("node-a", "spoke/hpc", { ip: "10.1.8.4" }).nic("node-b", "spoke/hpc", { ip: "10.1.8.5", nsg: "nsg-b" }),
        }),
      ),
    );
    const egress = finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE");
    expect(egress.status).toBe("warn");
    expect(egress.detail).toContain("not from all of the subnet");
    expect(egress.detail).toContain("for NIC node-b: denied by DenyPe443");
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("from only part of the subnet");
  });

  it("a route to an appliance outside the audit makes the endpoint's path unknown: warn, not fail", () => {
    // 10.1.0.10 is in spoke/cc, where no NIC is given: an appliance the audit cannot see into.
    const report = run(load(resources("RouteTableEnabled", { hpcRoutes: [{ name: "via-nva", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: "10.1.0.10" }] })));
    const egress = finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE");
    expect(egress.status).toBe("warn");
    expect(egress.detail).toContain("Storage may be reachable only through a private endpoint whose path cannot be judged");
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("is not known");
  });

  /** The spoke's route for its own space sends the endpoint's traffic to a hub firewall with these rules. */
  const withFirewall = (rules: CollectionSpec["rules"], snatPrivateRanges?: string[]) =>
    resources("RouteTableEnabled", {
      hpcRoutes: [{ name: "via-firewall", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }],
      more: (b) =>
        b
          .vnet("hub", ["10.100.0.0/24"])
          .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
          .peer("hub", "spoke")
          .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
          .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules }] }], { snatPrivateRanges }),
    });

  it("a firewall on the endpoint's way judges it by the account's blob name: an application rule for *.blob.core.windows.net lets it through", () => {
    const app = (fqdns: string[]) => withFirewall([{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns }]);
    expect(finding(run(load(app(["*.blob.core.windows.net"]))), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    expect(finding(run(load(app(["other.blob.core.windows.net"]))), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("warn");
  });

  it("a network rule does not SNAT the endpoint's address, and the endpoint's replies bypass route tables: the firewall drops it", () => {
    const toPe = [{ kind: "network" as const, name: "to-pe", src: ["10.1.0.0/16"], dst: ["10.1.6.4"], ports: ["443"] }];
    const report = run(load(withFirewall(toPe)));
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("reached through Azure Firewall fw by a network rule, which does not SNAT its private address");
    expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("fail");
    // A policy that SNATs every destination (no private range left) keeps the connection on the firewall.
    expect(finding(run(load(withFirewall(toPe, ["255.255.255.255/32"]))), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    // SNAT ranges that still hold the endpoint's address do not.
    expect(finding(run(load(withFirewall(toPe, ["IANAPrivateRanges"]))), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("warn");
  });

  // The flow query to the endpoint's address judges it as the audit does (endpointPath): by the name it serves at
  // application rules, by SNAT at network rules (its replies bypass route tables, so no way back by routes is asked).
  const toPe = [{ kind: "network" as const, name: "to-pe", src: ["10.1.0.0/16"], dst: ["10.1.6.4"], ports: ["443"] }];

  it("the query to the endpoint's address credits an application rule for the account's blob name, as the audit does", () => {
    const snapshot = load(withFirewall([{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["sthpc.blob.core.windows.net"] }]));
    expect(finding(run(snapshot), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    const q = toEndpoint(snapshot);
    expect(q.verdict).toBe("allowed");
    expect(q.parts[0]).toContain("(private endpoint pe-sthpc-blob of storage account sthpc, judged as sthpc.blob.core.windows.net)");
    expect(q.notes.join(" ")).toContain("10.1.6.4 is private endpoint pe-sthpc-blob of storage account sthpc (blob): judged by the name it serves, sthpc.blob.core.windows.net");
    expect(q.stages).toContainEqual(expect.objectContaining({ stage: "firewall", rule: "blob", kind: "application", side: "source" }));
    // Another account's name is no allow for this one, in the query as in the audit.
    const other = load(withFirewall([{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["other.blob.core.windows.net"] }]));
    expect(finding(run(other), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("warn");
    expect(toEndpoint(other).verdict).toBe("blocked");
  });

  it("the query to the endpoint's address through a network rule holds only where the policy SNATs it, as the audit says", () => {
    const unsnatted = load(withFirewall(toPe));
    expect(finding(run(unsnatted), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("warn");
    const q = toEndpoint(unsnatted);
    expect(q.verdict).toBe("blocked");
    expect(q.parts.join(" ")).toContain("Through Azure Firewall fw: a network rule lets it through without SNAT to the endpoint's private address");
    expect(q.stages).toContainEqual(expect.objectContaining({ stage: "firewall", rule: "to-pe", side: "source" }));
    // SNAT of every destination keeps the connection on the firewall: both pass, though the replies' routes bypass it.
    const snatted = load(withFirewall(toPe, ["255.255.255.255/32"]));
    expect(finding(run(snatted), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    expect(toEndpoint(snatted).verdict).toBe("allowed");
  });

  it("a firewall whose own subnet routes the endpoint's address nowhere lets nothing through: the audit and the query say so", () => {
    const snapshot = load(
      resources("RouteTableEnabled", {
        hpcRoutes: [{ name: "via-firewall", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }],
        more: (b) =>
          b
            .vnet("hub", ["10.100.0.0/24"])
            .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", { routeTable: "rt-fw" })
            .routeTable("rt-fw", [{ name: "drop-pe", prefix: "10.1.0.0/16", hop: "None" }])
            .peer("hub", "spoke")
            .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
            .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: [{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }] }] }]),
      }),
    );
    const se = finding(run(snapshot), "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("has no way there: Azure Firewall fw has no way on from hub");
    const q = toEndpoint(snapshot);
    expect(q.verdict).toBe("blocked");
    expect(q.parts.join(" ")).toContain("Between spoke/hpc and private endpoint pe-sthpc-blob: no route — Azure Firewall fw has no way on from hub");
    expect(q.stages).toContainEqual(expect.objectContaining({ stage: "route", route: "drop-pe", side: "source" }));
  });

  it("the query judges a file endpoint by the account's file name, and part of a range by what holds it", () => {
    const fileEndpoint = (fqdns: string[]) => {
      const all = withFirewall([{ kind: "application", name: "files", src: ["10.1.0.0/16"], fqdns }]);
      const pe = all.find((r) => r.id === PE) as { properties: { privateLinkServiceConnections: { properties: { groupIds: string[] } }[] } };
      pe.properties.privateLinkServiceConnections[0].properties.groupIds = ["file"];
      return load(all);
    };
    const allowed = toEndpoint(fileEndpoint(["sthpc.file.core.windows.net"]));
    expect(allowed.verdict).toBe("allowed");
    expect(allowed.notes.join(" ")).toContain("storage account sthpc (file): judged by the name it serves, sthpc.file.core.windows.net");
    expect(toEndpoint(fileEndpoint(["sthpc.blob.core.windows.net"])).verdict).toBe("blocked");
    // 10.1.6.4/31: the endpoint's address as the endpoint, 10.1.6.5 (no NIC holds it) as any address.
    const range = queryFlow(fileEndpoint(["sthpc.file.core.windows.net"]), { from: "spoke/hpc", to: "10.1.6.4/31", protocol: "tcp", port: "443" });
    expect(range.verdict).toBe("partial");
    expect(range.parts.some((p) => p.startsWith("Outbound at spoke/hpc to 10.1.6.5: "))).toBe(true);
    expect(range.parts.some((p) => p.startsWith("Outbound at spoke/hpc to 10.1.6.4 (private endpoint pe-sthpc-blob of storage account sthpc, judged as sthpc.file.core.windows.net): allowed"))).toBe(true);
  });

  it("a user route narrower than the VNet's space, 0.0.0.0/0, or route policies off leave the /32 in place", () => {
    // 10.0.0.0/8 does invalidate the /32, but the VNet's own /16 (VnetLocal) is more specific and delivers.
    for (const [policies, prefix] of [["RouteTableEnabled", "10.1.6.0/24"], ["RouteTableEnabled", "0.0.0.0/0"], ["RouteTableEnabled", "10.0.0.0/8"], ["Disabled", "10.1.0.0/16"], [undefined, "10.1.0.0/16"]] as const) {
      const report = run(load(resources(policies, { hpcRoutes: via(prefix) })));
      expect(finding(report, "spoke/hpc", "NODE-SE-STORAGE").status, `${policies} ${prefix}`).toBe("pass");
    }
  });
});

describe("the name a storage endpoint serves", () => {
  const pe = (fqdns?: string[]) => ({ id: PE, key: PE.toLowerCase(), name: "pe", connections: [], ...(fqdns ? { fqdns } : {}) });
  it("is the account's FQDN for its group id, -secondary for a secondary one; a web name only from the endpoint's DNS configs", () => {
    expect(storageEndpointName(pe(), "StHpc", "blob")).toBe("sthpc.blob.core.windows.net");
    expect(storageEndpointName(pe(), "sthpc", "DFS")).toBe("sthpc.dfs.core.windows.net");
    expect(storageEndpointName(pe(), "sthpc", "queue_secondary")).toBe("sthpc-secondary.queue.core.windows.net");
    expect(storageEndpointName(pe(), "sthpc", "web")).toBeUndefined();
    expect(storageEndpointName(pe(["sthpc.z6.web.core.windows.net"]), "sthpc", "web")).toBe("sthpc.z6.web.core.windows.net");
    expect(storageEndpointName(pe(), "sthpc", "vault")).toBeUndefined();
  });
});

describe("what a finding through an endpoint read", () => {
  it("includes the endpoint subnet's NSG, so a fix to it re-checks the finding", () => {
    const snapshot = load(resources("NetworkSecurityGroupEnabled"));
    const { checked } = planAudit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } });
    const nsgPe = id("networkSecurityGroups", "nsg-pe").toLowerCase();
    for (const rule of ["NODE-SE-STORAGE", "NODE-EGRESS-STORAGE"]) {
      const c = checked.find((x) => x.rule.id === rule && x.subnet.name === "hpc")!;
      expect([...c.outcome.touched], rule).toContain(nsgPe);
    }
  });
});

// Through an Azure Firewall the endpoint sees the firewall, not the client: an application rule always SNATs, a
// network rule does where the policy SNATs the endpoint's address; and an application rule resolves the account's
// name with the firewall's own DNS.
// https://learn.microsoft.com/azure/firewall/snat-private-range
// https://learn.microsoft.com/azure/private-link/tutorial-inspect-traffic-azure-firewall
describe("a storage private endpoint reached through an Azure Firewall", () => {
  const allowFrom = (src: string) => [
    { name: "AllowIn", priority: 100, direction: "Inbound" as const, access: "Allow" as const, src, ports: "443" },
    { name: "DenyRest", priority: 200, direction: "Inbound" as const, access: "Deny" as const, ports: "443" },
  ];
  const blobApp = [{ kind: "application" as const, name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }];

  /**
   * Cluster spoke 10.1.0.0/16 routes the endpoint VNet pev (10.2.0.0/16) to hub firewall fw (10.100.0.4, its
   * AzureFirewallSubnet 10.100.0.0/26); blob endpoint pe-a of account sta at 10.2.6.4, its subnet NSG applied
   * (privateEndpointNetworkPolicies Enabled) when `nsg` is given, else RouteTableEnabled: either way the spoke's route
   * for pev's space replaces the endpoint's /32, so the traffic goes through the firewall.
   */
  function hub(opts: { rules?: CollectionSpec["rules"]; nsg?: ReturnType<typeof allowFrom>; snat?: string[]; zoneLinks?: string[]; dnsServers?: string[]; edit?: (all: { name: string; type: string; properties: Record<string, unknown> }[]) => void }) {
    const b = endpointHub({ ...(opts.nsg ? { pevNsg: "nsg-pev" } : {}), policy: "fwp" }).policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: opts.rules ?? blobApp }] }], { snatPrivateRanges: opts.snat });
    if (opts.nsg) b.nsg("nsg-pev", opts.nsg);
    if (opts.zoneLinks) b.extra(...zoneLinks(opts.zoneLinks), aRecord("sta", ["10.2.6.4"]), privateOnlyAccount);
    const all = b.resources() as { name: string; type: string; properties: Record<string, unknown> & { subnets?: { name: string; properties: Record<string, unknown> }[] } }[];
    all.find((r) => r.name === "pev")!.properties.subnets!.find((s) => s.name === "pe")!.properties.privateEndpointNetworkPolicies = opts.nsg ? "Enabled" : "RouteTableEnabled";
    if (opts.dnsServers) all.find((r) => r.name === "fwp")!.properties.dnsSettings = { enableProxy: true, servers: opts.dnsServers };
    opts.edit?.(all);
    return load(all);
  }
  const toPeA = (snapshot: ReturnType<typeof load>) => queryFlow(snapshot, { from: "spoke/hpc", to: "10.2.6.4", protocol: "tcp", port: "443" });

  it("an application rule SNATs: the endpoint subnet's NSG judges the firewall's subnet, so allowing only the client spoke blocks it", () => {
    const snapshot = hub({ nsg: allowFrom("10.1.0.0/16") });
    const report = run(snapshot);
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("the request arrives by way of Azure Firewall fw, whose application rule blob proxies it (application rules always SNAT), so the endpoint sees as the client the firewall's instances in hub/AzureFirewallSubnet, 10.100.0.0/26");
    expect(se.detail).toContain("TCP port 443 from 10.100.0.0/26: denied by DenyRest");
    expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("fail");
    const q = toPeA(snapshot);
    expect(q.verdict).toBe("blocked");
    expect(q.stages).toContainEqual(expect.objectContaining({ rule: "DenyRest", side: "destination" }));
  });

  it("an application rule SNATs: an endpoint subnet NSG allowing only AzureFirewallSubnet lets it through, and the detail names the firewall", () => {
    const snapshot = hub({ nsg: allowFrom("10.100.0.0/26") });
    const se = finding(run(snapshot), "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("pass");
    expect(se.detail).toContain("reaches Azure Storage privately through private endpoint pe-a in peered VNet pev to sta, by way of Azure Firewall fw, whose application rule blob proxies it");
    const q = toPeA(snapshot);
    expect(q.verdict).toBe("allowed");
    expect(q.parts.join(" ")).toContain("the request arrives by way of Azure Firewall fw");
    expect(q.stages).toContainEqual(expect.objectContaining({ rule: "AllowIn", side: "destination" }));
  });

  it("a network rule whose policy SNATs the endpoint's address: the NSG judges the firewall too, in the audit and the query", () => {
    const toPe = [{ kind: "network" as const, name: "to-pe", src: ["10.1.0.0/16"], dst: ["10.2.6.4"], ports: ["443"] }];
    const snatAll = ["255.255.255.255/32"];
    const fwOnly = hub({ rules: toPe, snat: snatAll, nsg: allowFrom("10.100.0.0/26") });
    expect(finding(run(fwOnly), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    expect(toPeA(fwOnly).verdict).toBe("allowed");
    const clientOnly = hub({ rules: toPe, snat: snatAll, nsg: allowFrom("10.1.0.0/16") });
    const se = finding(run(clientOnly), "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("whose network rule to-pe lets it through and whose policy SNATs the endpoint's address");
    expect(toPeA(clientOnly).verdict).toBe("blocked");
  });

  it("judges each part of the subnet's traffic by its own source: the firewall's for the SNATed part, the client's for the rest", () => {
    // 10.1.8.0/23 goes by the application rule (SNATed); 10.1.10.0/23 by a network rule that does not SNAT the endpoint.
    const rules: CollectionSpec["rules"] = [
      { kind: "network", name: "to-pe", src: ["10.1.10.0/23"], dst: ["10.2.6.4"], ports: ["443"] },
      { kind: "application", name: "blob", src: ["10.1.8.0/23"], fqdns: ["*.blob.core.windows.net"] },
    ];
    const snapshot = hub({ rules, nsg: allowFrom("10.100.0.0/26") });
    const q = toPeA(snapshot);
    const inbound = q.parts.find((p) => p.startsWith("Inbound at private endpoint pe-a"))!;
    expect(inbound).toContain("the rest of the subnet's traffic goes there directly, from its own addresses");
    // The firewall's part is allowed by AllowIn; the direct part (10.1.10.0/23) is denied by DenyRest.
    expect(q.stages).toContainEqual(expect.objectContaining({ rule: "AllowIn", side: "destination" }));
    expect(q.stages).toContainEqual(expect.objectContaining({ rule: "DenyRest", side: "destination" }));
    expect(inbound).toContain("10.1.10.0/23");
    expect(inbound).not.toContain("10.1.8.0/23");
    expect(q.verdict).not.toBe("allowed");
  });

  it("an application rule resolves the name with the firewall's DNS: the privatelink zone linked only to the client spoke is not enough", () => {
    const spokeOnly = hub({ zoneLinks: ["spoke"] });
    const report = run(spokeOnly);
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("Azure Firewall fw resolves sta.blob.core.windows.net itself (its application rule proxies the request) with Azure DNS of hub, and zone privatelink.blob.core.windows.net is not linked to hub");
    expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("fail");
    const q = toPeA(spokeOnly);
    expect(q.verdict).toBe("blocked");
    expect(q.parts.join(" ")).toContain("it gets the account's public address, not the private endpoint (link privatelink.blob.core.windows.net to hub)");
    // Linked to both the spoke and the firewall's VNet, as Microsoft's tutorial links it: it counts.
    const both = hub({ zoneLinks: ["spoke", "hub"] });
    expect(finding(run(both), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    expect(toPeA(both).verdict).toBe("allowed");
  });

  it("a firewall policy with custom DNS servers: what they answer cannot be seen, so warn (never pass) and the query is partial", () => {
    const snapshot = hub({ zoneLinks: ["spoke", "hub"], dnsServers: ["10.50.0.4"] });
    expect(snapshot.firewallPolicies?.get(id("firewallPolicies", "fwp").toLowerCase())?.dnsServers).toEqual(["10.50.0.4"]);
    const report = run(snapshot);
    const se = finding(report, "spoke/hpc", "NODE-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("with its policy's custom DNS servers 10.50.0.4, whose answers the audit cannot see");
    expect(finding(report, "spoke/hpc", "NODE-EGRESS-STORAGE").status).toBe("warn");
    const q = toPeA(snapshot);
    expect(q.verdict).toBe("partial");
    expect(q.parts.join(" ")).toContain("Through Azure Firewall fw: cannot be judged");
  });

  it("an endpoint with two IPs whose A record points at the second: a query to the first agrees with the audit's pass", () => {
    // Every IP configuration of the endpoint's NIC is the endpoint's address; the name may resolve to any of them.
    // https://learn.microsoft.com/azure/private-link/private-endpoint-overview#private-endpoint-properties
    const snapshot = hub({
      zoneLinks: ["spoke", "hub"],
      edit: (all) => {
        (all.find((r) => r.name === "pe-a.nic")!.properties.ipConfigurations as unknown[]).push({ name: "d", properties: { subnet: { id: PEV_SUBNET }, privateIPAddress: "10.2.6.5" } });
        all.find((r) => r.type === "Microsoft.Network/privateDnsZones/A")!.properties.aRecords = [{ ipv4Address: "10.2.6.5" }];
      },
    });
    expect(finding(run(snapshot), "spoke/hpc", "NODE-SE-STORAGE").status).toBe("pass");
    const q = toPeA(snapshot);
    expect(q.parts.join(" ")).not.toContain("not at the private endpoint's address");
    expect(q.verdict).toBe("allowed");
    // A record pointing at neither of the endpoint's IPs: still blocked, and the words name both.
    const stale = hub({
      zoneLinks: ["spoke", "hub"],
      edit: (all) => {
        (all.find((r) => r.name === "pe-a.nic")!.properties.ipConfigurations as unknown[]).push({ name: "d", properties: { subnet: { id: PEV_SUBNET }, privateIPAddress: "10.2.6.5" } });
        all.find((r) => r.type === "Microsoft.Network/privateDnsZones/A")!.properties.aRecords = [{ ipv4Address: "10.2.6.9" }];
      },
    });
    expect(toPeA(stale).verdict).toBe("blocked");
  });
});
