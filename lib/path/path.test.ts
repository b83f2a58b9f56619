// The path a packet takes (CONTRACT §4.1), one behaviour per test, through the real loader and audit.
import { describe, expect, it } from "vitest";
import { type CollectionSpec, SEED_RULES, estate, finding, id } from "../../test/helpers/estate-builder";
import { evidenceStage } from "../report/types";
import { audit } from "../audit";
import { loadSnapshot } from "../snapshot";

const cc = { cyclecloud: ["spoke/cc"] };
const FW_IP = "10.100.0.4";
const toFirewall = { name: "to-firewall", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW_IP };

/** A hub with an Azure Firewall, a spoke whose CycleCloud subnet routes everything to it, and the given policy. */
function hubAndSpoke(collections: CollectionSpec[], opts: { routes?: { name: string; prefix: string; hop: string; ip?: string }[]; nsg?: boolean; dnsProxy?: boolean; spokeDns?: string[] } = {}) {
  return estate()
    .vnet("hub", ["10.100.0.0/24"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("spoke", ["10.1.0.0/16"], opts.spokeDns ? { dnsServers: opts.spokeDns } : {})
    .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", ...(opts.nsg ? { nsg: "nsg-cc" } : {}) })
    .nsg("nsg-cc", [...SEED_RULES])
    .peer("hub", "spoke")
    .routeTable("rt", opts.routes ?? [toFirewall])
    .firewall("fw", "hub", FW_IP, { policy: "fwp" })
    .policy("fwp", [{ name: "rcg", priority: 200, collections }], { dnsProxy: opts.dnsProxy });
}

const SEED_APP: CollectionSpec = {
  name: "cyclecloud",
  priority: 300,
  rules: [{ kind: "application", name: "seed-names", src: ["10.1.0.0/16"], fqdns: ["management.azure.com", "login.microsoftonline.com", "dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com", "*.blob.core.windows.net"] }],
};

describe("routes", () => {
  it("a more specific route to the Internet under a default route to the firewall is a lockdown hole, named", () => {
    const report = hubAndSpoke([SEED_APP], { routes: [toFirewall, { name: "github-hole", prefix: "140.82.112.0/20", hop: "Internet" }] }).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("140.82.112.0/20");
    expect(f.evidence.some((e) => evidenceStage(e) === "route" && "route" in e && e.route === "github-hole")).toBe(true);
  });

  it("on an equal prefix an AzureCloud regional tag route beats AzureCloud, whichever comes first in the table", () => {
    // https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#service-tags-for-user-defined-routes
    const tags = {
      values: [
        { name: "AzureCloud", id: "AzureCloud", properties: { region: "", addressPrefixes: ["20.0.0.0/8"] } },
        { name: "AzureCloud.westeurope", id: "AzureCloud.westeurope", properties: { region: "westeurope", addressPrefixes: ["20.0.0.0/8"] } },
        { name: "AzureResourceManager", id: "AzureResourceManager", properties: { region: "", addressPrefixes: ["20.37.0.0/16"] } },
      ],
    };
    const drop = { name: "cloud-weu", prefix: "AzureCloud.westeurope", hop: "None" };
    const leave = { name: "cloud", prefix: "AzureCloud", hop: "Internet" };
    for (const routes of [[leave, drop], [drop, leave]]) {
      const b = hubAndSpoke([SEED_APP], { routes, nsg: true });
      b.serviceTags = tags;
      const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
      expect(arm.status).toBe("fail");
      expect(arm.detail).toContain("cloud-weu");
    }
  });

  it("a route naming a regional tag that the supplied service tags lack cannot be judged, where it would decide", () => {
    // The file holds Storage but not Storage.WestEurope: which part of Storage the route takes is unknown, so neither a
    // drop nor a way out may be claimed. The same for a service endpoint's regional route.
    const tags = { values: [{ name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["20.60.0.0/16"] } }] };
    const b = hubAndSpoke([SEED_APP], { routes: [{ name: "leave", prefix: "0.0.0.0/0", hop: "Internet" }, { name: "drop-weu", prefix: "Storage.WestEurope", hop: "None" }], nsg: true });
    b.serviceTags = tags;
    const storage = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("warn");
    expect(storage.detail).toContain("Storage.WestEurope, which the supplied service tags lack");
    const endpoint = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc", routeTable: "rt", serviceEndpoints: [{ service: "Microsoft.Storage" }] })
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt", [{ name: "nowhere", prefix: "0.0.0.0/0", hop: "None" }]);
    endpoint.serviceTags = tags;
    const viaEndpoint = finding(endpoint.audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(viaEndpoint.status).toBe("warn");
    expect(viaEndpoint.detail).toContain("system route Service endpoint Microsoft.Storage covers service tag Storage.westeurope");
    // With the regional entry the route decides.
    endpoint.serviceTags = { values: [...tags.values, { name: "Storage.WestEurope", id: "Storage.WestEurope", properties: { region: "westeurope", addressPrefixes: ["20.60.0.0/16"] } }] };
    expect(finding(endpoint.audit(cc), "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("0.0.0.0/1 and 128.0.0.0/1 to the Internet override the default route to the firewall: everything leaves", () => {
    const report = hubAndSpoke([SEED_APP], { routes: [toFirewall, { name: "low", prefix: "0.0.0.0/1", hop: "Internet" }, { name: "high", prefix: "128.0.0.0/1", hop: "Internet" }] }).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("fail");
  });

  it("0.0.0.0/1 and 128.0.0.0/1 to None carry the service tags too (their addresses are among them), but a route for the tag itself keeps its own", () => {
    const halves = [toFirewall, { name: "low", prefix: "0.0.0.0/1", hop: "None" }, { name: "high", prefix: "128.0.0.0/1", hop: "None" }];
    const dropped = finding(hubAndSpoke([SEED_APP], { routes: halves }).audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(dropped.status).toBe("fail");
    expect(dropped.detail).toContain("route low in rt drops it");
    // A route for Storage is one route per prefix of the tag, longer than a /1: Storage takes it, the rest is dropped.
    const report = hubAndSpoke([SEED_APP], { routes: [...halves, { name: "storage-direct", prefix: "Storage", hop: "Internet" }] }).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-STORAGE")).toMatchObject({ status: "pass", detail: expect.stringContaining("route storage-direct in rt → Internet") });
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });

  it("a default route to a VPN/ExpressRoute gateway is outside the audit: required egress warns, lockdown passes", () => {
    const report = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "nsg-cc" })
      .subnet("spoke/GatewaySubnet", "10.1.255.0/27")
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt", [{ name: "tunnel", prefix: "0.0.0.0/0", hop: "VirtualNetworkGateway" }])
      .audit(cc);
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("VPN/ExpressRoute gateway");
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("a default route to a gateway the VNet does not have drops the traffic", () => {
    const report = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "nsg-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt", [{ name: "tunnel", prefix: "0.0.0.0/0", hop: "VirtualNetworkGateway" }])
      .audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });

  it("a Storage service endpoint routes Storage past a default route to the firewall; a route-table route for Storage overrides it", () => {
    const base = (routes: { name: string; prefix: string; hop: string; ip?: string }[]) =>
      estate()
        .vnet("hub", ["10.100.0.0/24"])
        .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
        .vnet("spoke", ["10.1.0.0/16"])
        .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", serviceEndpoints: [{ service: "Microsoft.Storage" }] })
        .peer("hub", "spoke")
        .routeTable("rt", routes)
        .firewall("fw", "hub", FW_IP, { policy: "fwp" })
        .policy("fwp", [{ name: "rcg", priority: 200, collections: [] }])
        .audit(cc);
    const viaEndpoint = finding(base([toFirewall]), "spoke/cc", "CC-EGRESS-STORAGE");
    // The service endpoint covers westeurope only; the rest of Storage still meets the firewall.
    expect(viaEndpoint.evidence.some((e) => "nextHopType" in e && e.nextHopType === "VirtualNetworkServiceEndpoint")).toBe(true);
    const overridden = finding(base([toFirewall, { name: "storage-to-fw", prefix: "Storage", hop: "VirtualAppliance", ip: FW_IP }]), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(overridden.status).toBe("fail");
    expect(overridden.evidence.some((e) => "nextHopType" in e && e.nextHopType === "VirtualNetworkServiceEndpoint")).toBe(false);
    expect(overridden.detail).toContain("assumed to cover exactly that tag");
  });

  it("subnets in unpeered VNets reach each other by no route (the private ranges go to None)", () => {
    const report = estate()
      .vnet("a", ["10.1.0.0/16"])
      .subnet("a/cc", "10.1.0.0/24")
      .vnet("b", ["10.2.0.0/16"])
      .subnet("b/hpc", "10.2.0.0/24")
      .audit({ cyclecloud: ["a/cc"], cluster: ["b/hpc"] });
    const f = finding(report, "b/hpc", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
  });

  it("lists the subnet's effective routes, longest prefix first, with what the next hop is", () => {
    const report = hubAndSpoke([SEED_APP]).audit(cc);
    const s = report.subnets.find((x) => x.name === "cc")!;
    const user = s.effectiveRoutes!.find((r) => r.source === "User")!;
    expect(user).toMatchObject({ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: FW_IP, route: "to-firewall", state: "Active", nextHop: "Azure Firewall fw" });
    expect(s.effectiveRoutes!.find((r) => r.source === "Default" && r.addressPrefix === "0.0.0.0/0")!.state).toBe("Invalid");
    expect(s.effectiveRoutes!.find((r) => r.nextHopType === "VNetPeering")!.addressPrefix).toBe("10.100.0.0/24");
  });
});

describe("VirtualNetwork with a default route to an appliance", () => {
  it("a deny on VirtualNetwork also blocks public destinations, and the detail says why", () => {
    const b = hubAndSpoke([SEED_APP], { nsg: true }).nsg("nsg-cc", [{ name: "DenyVnetOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "VirtualNetwork" }, ...SEED_RULES.map((r) => (r.priority < 4000 ? { ...r, priority: r.priority + 10 } : r))]);
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("DenyVnetOut");
    expect(arm.detail).toContain("possibly adding 0.0.0.0/0 to the VirtualNetwork tag");
  });
});

describe("Azure Firewall", () => {
  it("a network rule on the service tag allows the service", () => {
    const report = hubAndSpoke([{ name: "net", priority: 100, rules: [{ kind: "network", name: "arm-tag", dst: ["AzureResourceManager"], ports: ["443"] }] }]).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("network rule arm-tag");
  });

  it("allowing one of Azure Monitor's three FQDNs is a warning naming the missing ones", () => {
    const report = hubAndSpoke([{ name: "app", priority: 100, rules: [{ kind: "application", name: "one", fqdns: ["dc.services.visualstudio.com"] }] }]).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-MONITOR");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("dc.applicationinsights.azure.com");
  });

  it("an account-specific storage name covers only part of *.blob.core.windows.net", () => {
    const report = hubAndSpoke([{ name: "app", priority: 100, rules: [{ kind: "application", name: "one-account", fqdns: ["sthpc.blob.core.windows.net"] }] }]).audit(cc);
    // Works only in part (one account of all): `warn`, naming the part (CONTRACT §4.1 "Destinations by FQDN").
    expect(finding(report, "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("warn");
    const wild = hubAndSpoke([{ name: "app", priority: 100, rules: [{ kind: "application", name: "all-blob", fqdns: ["*.core.windows.net"] }] }]).audit(cc);
    expect(finding(wild, "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("network rules decide before application rules: a network deny wins over an application allow", () => {
    const report = hubAndSpoke([
      { name: "app", priority: 100, rules: [{ kind: "application", name: "arm-name", fqdns: ["management.azure.com"] }] },
      { name: "net", priority: 500, action: "Deny", rules: [{ kind: "network", name: "deny-443", dst: ["*"], ports: ["443"] }] },
    ]).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("deny-443");
  });

  it("a network rule naming FQDNs works only with the policy's DNS proxy on", () => {
    const rules: CollectionSpec[] = [{ name: "net", priority: 100, rules: [{ kind: "network", name: "arm-fqdn", fqdns: ["management.azure.com"], ports: ["443"] }] }];
    expect(finding(hubAndSpoke(rules).audit(cc), "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
    expect(finding(hubAndSpoke(rules).audit(cc), "spoke/cc", "CC-EGRESS-ARM").detail).toContain("DNS proxy");
    // With the proxy on, it vouches for machines that ask the firewall for the name (fqdn-filtering-network-rules).
    expect(finding(hubAndSpoke(rules, { dnsProxy: true, spokeDns: [FW_IP] }).audit(cc), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(hubAndSpoke(rules, { dnsProxy: true }).audit(cc), "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  it("the base policy's groups come before the child's", () => {
    const b = hubAndSpoke([{ name: "allow-arm", priority: 100, rules: [{ kind: "network", name: "child-allow", dst: ["AzureResourceManager"], ports: ["443"] }] }]).policy(
      "fwp-base",
      [{ name: "rcg-base", priority: 65000, collections: [{ name: "deny-all", priority: 65000, action: "Deny", rules: [{ kind: "network", name: "base-deny", dst: ["*"], ports: ["*"], protocols: ["Any"] }] }] }],
    );
    // Re-declare the child policy with the base policy (a later duplicate id replaces the earlier one).
    const report = b.policy("fwp", [{ name: "rcg", priority: 200, collections: [{ name: "allow-arm", priority: 100, rules: [{ kind: "network", name: "child-allow", dst: ["AzureResourceManager"], ports: ["443"] }] }] }], { base: "fwp-base" }).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("base-deny");
  });

  it("lockdown: an allow-list of domains passes and lists the names beyond the seed's", () => {
    const report = hubAndSpoke([SEED_APP, { name: "extra", priority: 400, rules: [{ kind: "application", name: "mirror", fqdns: ["packages.example.org"] }] }]).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("packages.example.org");
  });

  it("lockdown: `*`, a top-level-domain wildcard or web categories let part of the Internet out: warn", () => {
    for (const rule of [
      { kind: "application" as const, name: "any", fqdns: ["*"] },
      { kind: "application" as const, name: "dotcom", fqdns: ["*.com"] },
      { kind: "application" as const, name: "cats", webCategories: ["ComputersAndTechnology"] },
    ]) {
      const f = finding(hubAndSpoke([{ name: "broad", priority: 100, rules: [rule] }]).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status, rule.name).toBe("warn");
    }
  });

  it("internal flows through the firewall: a missing network rule blocks cluster → CycleCloud", () => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt-spoke" })
      .vnet("hpc", ["10.2.0.0/16"])
      .subnet("hpc/compute", "10.2.0.0/24", { routeTable: "rt-hpc" })
      .peer("hub", "spoke")
      .peer("hub", "hpc")
      .peer("spoke", "hpc")
      // Both ways through the firewall: it keeps state, so a reply that bypassed it would be dropped.
      .routeTable("rt-hpc", [{ name: "spoke-via-fw", prefix: "10.1.0.0/16", hop: "VirtualAppliance", ip: FW_IP }])
      .routeTable("rt-spoke", [{ name: "hpc-via-fw", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: FW_IP }])
      .firewall("fw", "hub", FW_IP, { policy: "fwp" });
    const roles = { cyclecloud: ["spoke/cc"], cluster: ["hpc/compute"] };
    const blocked = b.policy("fwp", [{ name: "rcg", priority: 200, collections: [{ name: "net", priority: 100, rules: [{ kind: "network", name: "amqp", src: ["10.2.0.0/16"], dst: ["10.1.0.0/24"], ports: ["5672"] }] }] }]).audit(roles);
    expect(finding(blocked, "hpc/compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    const https = finding(blocked, "hpc/compute", "NODE-EGRESS-HTTPS");
    expect(https.status).toBe("fail");
    expect(https.detail).toContain("no rule matched");
  });

  it("a firewall whose policy is not in the input cannot be judged: warn, never pass", () => {
    const report = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt" })
      .peer("hub", "spoke")
      .routeTable("rt", [toFirewall])
      .firewall("fw", "hub", FW_IP, { policy: "absent" })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("not in the input");
  });
});

describe("outbound path", () => {
  it("default outbound access gives IPv4 only: a dual-stack subnet's IPv6 has no way out by it", () => {
    const report = estate().vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"]).subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { nsg: "nsg-cc" }).nsg("nsg-cc", []).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    // IPv4 leaves through default outbound access (Azure's AllowInternetOutBound); IPv6 does not.
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("default outbound access gives a public IPv4 address only, so IPv6 has none");
  });

  const privateSubnet = (opts: { nat?: boolean; publicIp?: boolean } = {}) => {
    const b = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false, ...(opts.nat ? { natGateway: "natgw" } : {}) })
      .nsg("nsg-cc", [...SEED_RULES]);
    if (opts.nat) b.natGateway("natgw");
    if (opts.publicIp) b.scaleSet("cc-vmss", "spoke/cc", { publicIp: true });
    return b.audit(cc);
  };

  it("a private subnet without NAT gateway or public IP reaches no public address, and the fix adds a NAT gateway", () => {
    const f = finding(privateSubnet(), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("defaultOutboundAccess: false");
    expect(f.fixes.find((x) => x.kind === "az-cli")?.text).toContain("nat gateway");
  });

  it("a NAT gateway gives the private subnet its egress, named in the evidence", () => {
    const f = finding(privateSubnet({ nat: true }), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.evidence.find((e) => evidenceStage(e) === "outbound")).toMatchObject({ method: "nat-gateway" });
  });

  it("a scale set's public IP configuration gives its instances egress", () => {
    const f = finding(privateSubnet({ publicIp: true }), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.evidence.find((e) => evidenceStage(e) === "outbound")).toMatchObject({ method: "public-ip" });
  });

  it("instances of a Flexible scale set get no default outbound access", () => {
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24").scaleSet("flex", "spoke/cc", { mode: "Flexible" }).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });
});

describe("admin rules", () => {
  const spoke = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...SEED_RULES]);

  it("AlwaysAllow delivers without consulting the NSGs", () => {
    const report = spoke()
      .nsg("nsg-cc", [{ name: "DenyAll443", priority: 100, direction: "Outbound", access: "Deny", dst: "*", ports: "443" }])
      .adminRule("always-arm", ["spoke"], { priority: 5, direction: "Outbound", access: "AlwaysAllow", dst: ["AzureResourceManager"], ports: ["443"] })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("allowed by security admin rule always-arm (priority 5, AlwaysAllow) in rule collection rc-always-arm of network manager avnm / sac, which skips the NSGs");
    expect(f.detail).not.toContain("no NSG on its way");
  });

  it("a Deny whose destinations add up to all of IPv4 (0.0.0.0/1, 128.0.0.0/1) holds every service tag, as 0.0.0.0/0 does", () => {
    const report = spoke()
      .adminRule("deny-halves", ["spoke"], { priority: 5, direction: "Outbound", access: "Deny", dst: ["0.0.0.0/1", "128.0.0.0/1"], ports: ["443"] })
      .audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM")).toMatchObject({ status: "fail", detail: expect.stringContaining("deny-halves") });
  });

  it("Allow hands the packet to the NSGs, which still decide", () => {
    const report = spoke()
      .nsg("nsg-cc", [{ name: "DenyAll443", priority: 100, direction: "Outbound", access: "Deny", dst: "*", ports: "443" }])
      .adminRule("allow-arm", ["spoke"], { priority: 5, direction: "Outbound", access: "Allow", dst: ["AzureResourceManager"], ports: ["443"] })
      .audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });

  it("an inbound admin deny blocks cluster → CycleCloud at the CycleCloud end; it does not apply to VNets outside its group", () => {
    const b = spoke()
      .subnet("spoke/hpc", "10.1.8.0/22")
      .vnet("other", ["10.9.0.0/16"])
      .adminRule("deny-amqp", ["spoke"], { priority: 10, direction: "Inbound", access: "Deny", ports: ["5672"] });
    const report = b.audit({ cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] });
    const f = finding(report, "spoke/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("deny-amqp");
    expect(finding(report, "spoke/cc", "CC-INGRESS-HTTPS").status).toBe("pass");
  });

  // Admin rules may name a network group as an address (addressPrefixType NetworkGroup): its member VNets' spaces.
  const group = (name: string) => `${id("networkManagers", "avnm")}/networkGroups/ng-${name}`;

  it("a network group as an address stands for its member VNets' address spaces", () => {
    const b = spoke()
      .subnet("spoke/hpc", "10.1.8.0/22")
      .vnet("other", ["10.9.0.0/16"])
      .adminRule("deny-from-group", ["spoke"], { priority: 10, direction: "Inbound", access: "Deny", src: [group("deny-from-group")], ports: ["5672"] });
    const f = finding(b.audit({ cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] }), "spoke/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("deny-from-group");
  });

  it("says so when a rule collection applies to a network group the input does not show", () => {
    const mgr = id("networkManagers", "avnm");
    const coll = `${mgr}/securityAdminConfigurations/sac/ruleCollections/rc-elsewhere`;
    const report = spoke()
      .extra(
        { id: coll, name: "rc-elsewhere", type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections", properties: { appliesToGroups: [{ networkGroupId: `${mgr}/networkGroups/ng-dynamic` }] } },
        { id: `${coll}/rules/deny-443`, name: "deny-443", kind: "Custom", type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules", properties: { priority: 10, direction: "Outbound", access: "Deny", protocol: "Tcp", destinations: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }], destinationPortRanges: ["443"] } },
      )
      .audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").detail).toContain("Network group ng-dynamic, which security admin rule collections apply to, is not in the input");
    // Its members are unknown, so the Deny may apply to the spoke: ARM cannot be judged, never a pass.
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").detail).toContain("cannot be judged: security admin rule deny-443 (Deny) may apply to this VNet: network group ng-dynamic");
  });

  // A rule given without its rule collection: which network groups it applies to is unknown, so it may apply to
  // any VNet of the network manager's scope (CONTRACT §4.1 stage 1), never dropped.
  const ruleWithoutCollection = (access: string, ports: string[]) => {
    const coll = `${id("networkManagers", "avnm")}/securityAdminConfigurations/sac/ruleCollections/rc-absent`;
    return spoke().extra({
      id: `${coll}/rules/r-${access.toLowerCase()}`,
      name: `r-${access.toLowerCase()}`,
      kind: "Custom",
      type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
      properties: { priority: 10, direction: "Outbound", access, protocol: "Tcp", destinations: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }], destinationPortRanges: ports },
    });
  };

  it("a Deny whose rule collection is not in the input cannot be judged: warn with a gap naming the listing to add", () => {
    const report = ruleWithoutCollection("Deny", ["443"]).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("cannot be judged: security admin rule r-deny (Deny) may apply to this VNet: its rule collection rc-absent is not in the input");
    expect(report.gaps?.unresolved).toContainEqual(
      expect.objectContaining({ kind: "adminRuleCollection", hint: expect.stringContaining("az network manager security-admin-config rule-collection list --network-manager-name avnm") }),
    );
    // Traffic it cannot match (other ports) is judged as usual.
    expect(finding(ruleWithoutCollection("Deny", ["80"]).audit(cc), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("an Allow whose rule collection is not in the input changes nothing: the NSGs decide either way", () => {
    const report = ruleWithoutCollection("Allow", ["443"]).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("a Deny naming a network group the input does not show cannot be judged: warn, never pass", () => {
    const report = spoke()
      .adminRule("deny-to-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Deny", dst: [`${id("networkManagers", "avnm")}/networkGroups/ng-elsewhere`], ports: ["443"] })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("network group ng-elsewhere is not in the input");
    // An Allow naming it changes nothing whether it matches: the NSGs decide, as without it.
    const allow = spoke().adminRule("allow-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Allow", dst: [`${id("networkManagers", "avnm")}/networkGroups/ng-elsewhere`], ports: ["443"] }).audit(cc);
    expect(finding(allow, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    // Unless a later AlwaysAllow would skip the NSGs for what the Allow does not match: then it cannot be judged.
    const before = spoke()
      .nsg("nsg-cc", [{ name: "DenyAll443", priority: 100, direction: "Outbound", access: "Deny", dst: "*", ports: "443" }])
      .adminRule("allow-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Allow", dst: [`${id("networkManagers", "avnm")}/networkGroups/ng-elsewhere`], ports: ["443"] })
      .adminRule("always-443", ["spoke"], { priority: 20, direction: "Outbound", access: "AlwaysAllow", ports: ["443"] })
      .audit(cc);
    expect(finding(before, "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
    // Only what that later rule could take: traffic it cannot match is judged as usual.
    const later = spoke()
      .subnet("spoke/hpc", "10.1.8.0/22")
      .adminRule("allow-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Allow", dst: [`${id("networkManagers", "avnm")}/networkGroups/ng-elsewhere`] })
      .adminRule("deny-internet", ["spoke"], { priority: 20, direction: "Outbound", access: "Deny", dst: ["Internet"] })
      .audit({ cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] });
    expect(finding(later, "spoke/hpc", "NODE-EGRESS-HTTPS").status).toBe("pass");
    expect(finding(later, "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  // An admin rule naming a group the input cannot show either matches a packet or not; where both branches end
  // alike after the NSGs, that is the verdict (CONTRACT §4.1: the detail says what the input cannot show).
  const elsewhere = `${id("networkManagers", "avnm")}/networkGroups/ng-elsewhere`;

  it("an unknown Deny followed by a known Deny of the same traffic denies either way: fail, naming the known Deny", () => {
    const report = spoke()
      .adminRule("deny-to-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Deny", dst: [elsewhere], ports: ["443"] })
      .adminRule("deny-443", ["spoke"], { priority: 20, direction: "Outbound", access: "Deny", ports: ["443"] })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.evidence.some((e) => evidenceStage(e) === "admin-rule" && "rule" in e && e.rule === "deny-443")).toBe(true);
    expect(f.detail).toContain("Security admin rule deny-to-unknown (Deny) names addresses the input does not show (network group ng-elsewhere is not in the input");
    expect(f.detail).toContain("it does not change the verdict");
  });

  it("an unknown Allow followed by an admin Deny the NSGs would make anyway: denied either way, so the lockdown holds", () => {
    const report = spoke()
      .adminRule("allow-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Allow", dst: [elsewhere] })
      .adminRule("deny-internet", ["spoke"], { priority: 20, direction: "Outbound", access: "Deny", dst: ["Internet"] })
      .audit(cc);
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("pass");
    expect(lockdown.detail).toContain("allow-unknown");
    // Where the branches disagree it stays unjudged: matching, the NSGs let ARM through; not matching, the admin Deny drops it.
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("cannot be judged: security admin rule allow-unknown (Allow) names addresses the input does not show");
  });

  it("an unknown AlwaysAllow where the NSGs allow anyway: allowed either way, pass", () => {
    const report = spoke()
      .adminRule("always-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "AlwaysAllow", dst: [elsewhere], ports: ["443"] })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    // The evidence is the branch where it does not match: the NSG rule that allows ARM.
    expect(f.evidence.some((e) => evidenceStage(e) === "nsg" && "rule" in e && e.rule === "AllowAzureRM")).toBe(true);
    expect(f.detail).toContain("it does not change the verdict");
  });

  it("the known addresses of a rule that also names an unknown group are decided as usual", () => {
    const report = spoke()
      .adminRule("deny-arm-and-unknown", ["spoke"], { priority: 10, direction: "Outbound", access: "Deny", dst: ["AzureResourceManager", elsewhere], ports: ["443"] })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("deny-arm-and-unknown");
  });

  it("beyond a few unknown rules overlapping one piece, what the next could match is left unjudged, even where all deny", () => {
    let b = spoke();
    for (let i = 0; i < 5; i++) b = b.adminRule(`deny-unknown-${i}`, ["spoke"], { priority: 10 + i, direction: "Outbound", access: "Deny", dst: [elsewhere], ports: ["443"] });
    const report = b.adminRule("deny-443", ["spoke"], { priority: 20, direction: "Outbound", access: "Deny", ports: ["443"] }).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("deny-unknown-4");
    // Four are followed both ways: with one fewer, the verdict is known.
    let four = spoke();
    for (let i = 0; i < 4; i++) four = four.adminRule(`deny-unknown-${i}`, ["spoke"], { priority: 10 + i, direction: "Outbound", access: "Deny", dst: [elsewhere], ports: ["443"] });
    expect(finding(four.adminRule("deny-443", ["spoke"], { priority: 20, direction: "Outbound", access: "Deny", ports: ["443"] }).audit(cc), "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });
});

describe("missing inputs", () => {
  it("an appliance in a peered VNet the input lacks cannot be judged: warn, not a drop and not locked down", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/24"])
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt" })
      .peer("hub", "spoke")
      .routeTable("rt", [{ name: "to-nva", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.0.4" }]);
    // The hub's VNet (and so its subnets) is not exported; the spoke's peering still names its space.
    const value = (b.resources() as { name: string; type: string }[]).filter((r) => !(r.type === "Microsoft.Network/virtualNetworks" && r.name === "hub"));
    const report = audit(loadSnapshot([{ name: "estate.json", value }]), { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } });
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("in the address space of peered VNet hub, whose subnets are not in the input");
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
    // The same when the hub's VNet is there but lists no subnet.
    expect(finding(b.audit({ cyclecloud: ["spoke/cc"] }), "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  it("a subnet NSG that the input does not hold makes its flows `warn: cannot be judged`, never pass", () => {
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-absent" }).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("cannot be judged");
    expect(f.detail).toContain("az network nsg list");
  });
});

describe("scale sets", () => {
  it("a scale set scaled to zero still brings its profile's NIC-level NSG to the subnet's traffic class", () => {
    const report = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/compute", "10.1.8.0/22")
      .nsg("nsg-nodes", [{ name: "DenyToCycleCloud", priority: 200, direction: "Outbound", access: "Deny", dst: "10.1.0.0/24", ports: ["5672", "9443"] }])
      .scaleSet("hpc-nodes", "spoke/compute", { nsg: "nsg-nodes" })
      .audit({ cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"] });
    const f = finding(report, "spoke/compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("hpc-nodes");
    expect(report.subnets.find((s) => s.name === "compute")!.scaleSets).toEqual([expect.objectContaining({ name: "hpc-nodes", orchestrationMode: "Uniform" })]);
  });
});

describe("route fixes", () => {
  it("a route hole to the Internet gets a fix that deletes the route, verified by re-audit", () => {
    const report = hubAndSpoke([SEED_APP], { routes: [toFirewall, { name: "github-hole", prefix: "140.82.112.0/20", hop: "Internet" }] }).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    const az = f.fixes.filter((x) => x.kind === "az-cli").map((x) => x.text).join("\n");
    expect(az).toContain("az network route-table route delete");
    expect(az).toContain("github-hole");
  });

  it("a route that drops the traffic gets a service-tag route to the Internet", () => {
    const report = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "nsg-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt", [{ name: "drop-default", prefix: "0.0.0.0/0", hop: "None" }])
      .audit(cc);
    const az = finding(report, "spoke/cc", "CC-EGRESS-ARM").fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toContain("az network route-table route create");
    expect(az).toContain("AzureResourceManager");
  });
});

describe("verdicts that rest on service tag prefixes not supplied (CONTRACT §4 address semantics)", () => {
  // AzureCloud holds the public ranges of Azure's services, Storage's and Azure Resource Manager's among them;
  // without prefixes distinct tags are treated as disjoint, and a verdict that depends on it says so.
  // https://learn.microsoft.com/azure/virtual-network/service-tags-overview
  const overlapping = {
    values: [
      { name: "AzureCloud", id: "AzureCloud", properties: { region: "", addressPrefixes: ["20.0.0.0/8", "40.64.0.0/10"] } },
      { name: "AzureResourceManager", id: "AzureResourceManager", properties: { region: "", addressPrefixes: ["20.37.0.0/16"] } },
      { name: "AzureActiveDirectory", id: "AzureActiveDirectory", properties: { region: "", addressPrefixes: ["40.126.0.0/18"] } },
      { name: "AzureMonitor", id: "AzureMonitor", properties: { region: "", addressPrefixes: ["20.40.0.0/16"] } },
      { name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["20.60.0.0/16"] } },
    ],
  };
  // The seed's rules one hundred later, so that a rule at 100 comes before them.
  const later = SEED_RULES.map((r) => (r.priority < 4000 ? { ...r, priority: r.priority + 100 } : r));
  const spoke = (nsgRules = SEED_RULES, routes?: { name: string; prefix: string; hop: string }[]) =>
    (routes ? estate().routeTable("rt", routes) : estate())
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc", ...(routes ? { routeTable: "rt" } : {}) })
      .nsg("nsg-cc", nsgRules);

  it("an NSG Deny on AzureCloud before the seed's allows: pass, saying the verdict depends on AzureCloud's prefixes; with them, fail", () => {
    const b = spoke([{ name: "DenyAzureCloud", priority: 100, direction: "Outbound", access: "Deny", dst: "AzureCloud", ports: "443" }, ...later]);
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).toMatch(/NSG rule DenyAzureCloud \(100, Deny\) in nsg-cc \(AzureCloud\) — without service tag prefixes \(--service-tags\), assumed not to overlap AzureResourceManager/);
    b.serviceTags = overlapping;
    const real = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(real.status).toBe("fail");
    // Real prefixes decide: nothing is assumed.
    expect(real.detail).not.toContain("assumed not to overlap");
  });

  it("a security admin Deny on AzureCloud: pass, saying the verdict depends on AzureCloud's prefixes; with them, fail", () => {
    const b = spoke().adminRule("deny-cloud", ["spoke"], { priority: 10, direction: "Outbound", access: "Deny", dst: ["AzureCloud"], ports: ["443"] });
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).toMatch(/[Ss]ecurity admin rule deny-cloud \(10, Deny\) in rc-deny-cloud \(AzureCloud\) — without service tag prefixes \(--service-tags\), assumed not to overlap AzureResourceManager/);
    b.serviceTags = overlapping;
    const real = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(real.status).toBe("fail");
    expect(real.detail).not.toContain("assumed not to overlap");
  });

  it("a security admin AlwaysAllow on AzureCloud passed over for traffic the NSG denies: fail, saying it rests on prefixes not supplied; an admin rule on the seed's own tag says nothing", () => {
    const denyArm = { name: "DenyArm", priority: 100, direction: "Outbound" as const, access: "Deny" as const, dst: "AzureResourceManager", ports: "443" };
    const always = spoke([denyArm, ...later]).adminRule("always-cloud", ["spoke"], { priority: 10, direction: "Outbound", access: "AlwaysAllow", dst: ["AzureCloud"], ports: ["443"] });
    const arm = finding(always.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toMatch(/[Ss]ecurity admin rule always-cloud \(10, AlwaysAllow\) in rc-always-cloud \(AzureCloud\) — without service tag prefixes/);
    const own = spoke().adminRule("deny-monitor", ["spoke"], { priority: 10, direction: "Outbound", access: "Deny", dst: ["AzureMonitor"], ports: ["443"] });
    expect(finding(own.audit(cc), "spoke/cc", "CC-EGRESS-ARM").detail).not.toContain("assumed not to overlap");
  });

  it("says nothing for a rule on another of the seed's four tags, which really are disjoint, nor for a rule the traffic never reaches", () => {
    const b = spoke([
      { name: "DenyMonitor", priority: 100, direction: "Outbound", access: "Deny", dst: "AzureMonitor", ports: "443" },
      ...later,
      { name: "DenyCloudLate", priority: 3000, direction: "Outbound", access: "Deny", dst: "AzureCloud", ports: "443" },
    ]);
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).not.toContain("assumed not to overlap");
  });

  it("says nothing for a rule passed over whose action is the one that then decides (an Allow on AzureCloud before the seed's allows)", () => {
    const b = spoke([{ name: "AllowCloud", priority: 100, direction: "Outbound", access: "Allow", dst: "AzureCloud", ports: "443" }, ...later]);
    expect(finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM").detail).not.toContain("assumed not to overlap");
  });

  it("a route sending public CIDRs to None: pass, naming the routes passed over; with real prefixes, fail", () => {
    const b = spoke(SEED_RULES, [
      { name: "drop-20", prefix: "20.0.0.0/8", hop: "None" },
      { name: "drop-40", prefix: "40.64.0.0/10", hop: "None" },
    ]);
    const storage = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("pass");
    expect(storage.detail).toMatch(/[Rr]oute drop-20 in rt \(20\.0\.0\.0\/8 → None\)/);
    expect(storage.detail).toMatch(/[Rr]oute drop-40 in rt \(40\.64\.0\.0\/10 → None\)/);
    expect(storage.detail).toMatch(/assumed not to overlap Storage/);
    // Once per flow, however many pieces met the routes.
    expect(storage.detail.split("assumed not to overlap").length).toBe(2);
    b.serviceTags = overlapping;
    const real = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(real.status).toBe("fail");
    expect(real.detail).not.toContain("assumed not to overlap");
  });

  it("a tag route on AzureCloud to None is named for the other tags it may hold", () => {
    const b = spoke(SEED_RULES, [{ name: "cloud-none", prefix: "AzureCloud", hop: "None" }]);
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).toMatch(/[Rr]oute cloud-none in rt \(AzureCloud → None\) — without service tag prefixes \(--service-tags\), assumed not to overlap AzureResourceManager/);
  });

  it("a firewall Deny network rule on a public CIDR before the application allow: pass, saying so; with real prefixes, fail", () => {
    const deny: CollectionSpec = { name: "net-deny", priority: 100, action: "Deny", rules: [{ kind: "network", name: "deny-20", protocols: ["Any"], src: ["*"], dst: ["20.0.0.0/8", "40.64.0.0/10"], ports: ["*"] }] };
    const b = hubAndSpoke([deny, SEED_APP]);
    const arm = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).toMatch(/Deny network rule deny-20 \(collection net-deny, rule collection group rcg\) of fw \(20\.0\.0\.0\/8, 40\.64\.0\.0\/10\) — without service tag prefixes \(--service-tags\), assumed not to overlap AzureResourceManager/);
    b.serviceTags = overlapping;
    const real = finding(b.audit(cc), "spoke/cc", "CC-EGRESS-ARM");
    expect(real.status).toBe("fail");
    expect(real.detail).not.toContain("assumed not to overlap");
  });

  it("a firewall Allow network rule on AzureCloud alone: fail for Storage, saying the verdict depends on AzureCloud's prefixes", () => {
    const allow: CollectionSpec = { name: "n", priority: 100, action: "Allow", rules: [{ kind: "network", name: "ac", protocols: ["TCP"], src: ["10.1.0.0/16"], dst: ["AzureCloud"], ports: ["443"] }] };
    const storage = finding(hubAndSpoke([allow]).audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("fail");
    expect(storage.detail).toMatch(/Allow network rule ac .* of fw \(AzureCloud\) — without service tag prefixes \(--service-tags\), assumed not to overlap Storage/);
  });
});

describe("a wildcard destination allowed only in part", () => {
  it("an application rule for one storage account where Storage asks for *.blob.core.windows.net: warn, naming the account", () => {
    const one: CollectionSpec = { name: "app-allow", priority: 200, rules: [{ kind: "application", name: "st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    const storage = finding(hubAndSpoke([one]).audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("warn");
    expect(storage.detail).toContain("partly blocked");
    expect(storage.detail).toContain("application rule st");
    expect(storage.detail).toContain("for ccstore.blob.core.windows.net");
  });

  it("the account's name denied first (a Deny rule before the Allow) leaves the wildcard wholly blocked", () => {
    const deny: CollectionSpec = { name: "app-deny", priority: 100, action: "Deny", rules: [{ kind: "application", name: "no-st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    const one: CollectionSpec = { name: "app-allow", priority: 200, rules: [{ kind: "application", name: "st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    expect(finding(hubAndSpoke([deny, one]).audit(cc), "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("fail");
  });

  it("one account denied before the Allow for *.blob.core.windows.net: warn, naming the account (it stops at the Deny)", () => {
    const deny: CollectionSpec = { name: "app-deny", priority: 100, action: "Deny", rules: [{ kind: "application", name: "no-st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    const storage = finding(hubAndSpoke([deny, SEED_APP]).audit(cc), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("warn");
    expect(storage.detail).toContain("partly blocked");
    expect(storage.detail).toMatch(/to ccstore\.blob\.core\.windows\.net \(Storage\): denied at Azure Firewall fw \(policy fwp\): application rule no-st/);
    // The Allow coming first wins: nothing is denied.
    expect(finding(hubAndSpoke([{ ...deny, priority: 400 }, SEED_APP]).audit(cc), "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("the profile's storage account decides once named: denied before the Allow for *.blob.core.windows.net, fail; another account denied (an exfiltration block), pass", () => {
    const deny: CollectionSpec = { name: "app-deny", priority: 100, action: "Deny", rules: [{ kind: "application", name: "no-st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    const b = hubAndSpoke([deny, SEED_APP]);
    const mine = finding(b.auditProfile({ roles: cc, storageAccount: "ccstore" }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(mine.status).toBe("fail");
    expect(mine.detail).toContain("the profile's storage account ccstore");
    // The Deny is the policy owners' decision: no fix, and the reason names the rule.
    expect(mine.fixes).toEqual([]);
    expect(mine.noFixReason).toMatch(/^The Deny application rule "no-st" \(collection "app-deny", rule collection group "rcg"\) of Azure Firewall "fw" \(policy "fwp"\) stops this traffic/);
    const byId = finding(b.auditProfile({ roles: cc, storageAccount: `${id("storageAccounts", "CCStore").replace("Microsoft.Network", "Microsoft.Storage")}` }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(byId.status).toBe("fail");
    const other = finding(b.auditProfile({ roles: cc, storageAccount: "otherstore" }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(other.status).toBe("pass");
    // The wildcard's own verdict still names the Deny for the other account.
    expect(other.detail).toMatch(/partly blocked: TCP port 443 to ccstore\.blob\.core\.windows\.net/);
  });

  it("only the profile's account allowed under a denied *.blob.core.windows.net: pass for that account, fail for another; a private endpoint to another account does not serve it", () => {
    const one: CollectionSpec = { name: "app-allow", priority: 200, rules: [{ kind: "application", name: "st", src: ["10.1.0.0/16"], fqdns: ["ccstore.blob.core.windows.net"] }] };
    const b = hubAndSpoke([one]);
    expect(finding(b.auditProfile({ roles: cc, storageAccount: "ccstore" }), "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
    const other = finding(b.auditProfile({ roles: cc, storageAccount: "sthpc" }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(other.status).toBe("fail");
    expect(other.detail).toContain("For the profile's storage account sthpc (sthpc.blob.core.windows.net), which decides this check, it is blocked");
    // A private endpoint serves only its own account.
    const pe = (account: string) => hubAndSpoke([one]).subnet("spoke/pe", "10.1.1.0/24").storagePrivateEndpoint(`pe-${account}`, "spoke/pe", { account });
    expect(finding(pe("other").auditProfile({ roles: cc, storageAccount: "sthpc" }), "spoke/cc", "CC-EGRESS-STORAGE").status).toBe("fail");
    const served = finding(pe("sthpc").auditProfile({ roles: cc, storageAccount: "sthpc" }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(served.status).toBe("warn");
    expect(served.detail).toContain("The profile's storage account sthpc is reachable only through private endpoint pe-sthpc to sthpc");
  });
});
