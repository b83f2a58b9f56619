// Virtual WAN: a VNet connected to a virtual hub learns its routes from the hub. Routing intent (or a secured hub's
// route table) sends Internet and private traffic to the hub's Azure Firewall, whose policy then decides; before the
// hub was read, the audit followed the system default route to the Internet and passed what the firewall refuses.
// https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies
import { describe, expect, it } from "vitest";
import { loadSnapshot } from "../../lib/snapshot/load-snapshot";
import { InputError } from "../../lib/errors";
import { estate, finding, id, SEED_RULES, spokePair } from "../helpers/estate-builder";
import { Estate } from "../../lib/nsg/estate";
import { effectiveRoutes } from "../../lib/path/routes";

const HUB = id("virtualHubs", "hub-weu");
const FW = id("azureFirewalls", "fw-hub");
const FW_IP = "10.200.0.132";

type Opts = {
  /** Routing intent policies: which destinations go to the firewall. */
  intent?: ("Internet" | "PrivateTraffic")[];
  /** Routes of the hub's defaultRouteTable (as Firewall Manager writes a secured hub's, without routing intent). */
  tableRoutes?: { name: string; destinations: string[]; nextHop: string }[];
  enableInternetSecurity?: boolean;
  /** The firewall policy's application rules allow the seed's FQDNs. */
  allowSeed?: boolean;
  /** The spoke subnets' route table: a user route, or BGP propagation off. */
  spokeRoutes?: { name: string; prefix: string; hop: string; ip?: string }[];
  disableBgp?: boolean;
  withoutFirewall?: boolean;
  /** Network rules on the firewall between the spokes. */
  spokeToSpoke?: boolean;
};

function vwan(opts: Opts = {}) {
  const b = spokePair(opts.spokeRoutes || opts.disableBgp ? { routeTable: "rt-spoke" } : {})
    .policy("fwp", [
      {
        name: "rcg",
        priority: 100,
        collections: [
          ...(opts.allowSeed ? [{ name: "azure", priority: 100, rules: [{ kind: "application" as const, name: "cyclecloud", src: ["10.0.0.0/8"], fqdns: ["management.azure.com", "login.microsoftonline.com", "*.blob.core.windows.net"] }] }] : [{ name: "other", priority: 100, rules: [{ kind: "application" as const, name: "example", src: ["10.0.0.0/8"], fqdns: ["www.example.com"] }] }]),
          ...(opts.spokeToSpoke ? [{ name: "spokes", priority: 200, rules: [{ kind: "network" as const, name: "hpc", src: ["10.0.0.0/8"], dst: ["10.0.0.0/8"], ports: ["*"], protocols: ["Any"] }] }] : []),
        ],
      },
    ])
    .extra({ id: HUB, name: "hub-weu", type: "Microsoft.Network/virtualHubs", location: "westeurope", properties: { addressPrefix: "10.200.0.0/23", azureFirewall: { id: FW } } });
  if (!opts.withoutFirewall) {
    b.extra({
      id: FW,
      name: "fw-hub",
      type: "Microsoft.Network/azureFirewalls",
      properties: { sku: { name: "AZFW_Hub", tier: "Standard" }, virtualHub: { id: HUB }, firewallPolicy: { id: id("firewallPolicies", "fwp") }, hubIPAddresses: { privateIPAddress: FW_IP, publicIPs: { addresses: [{ address: "20.1.2.3" }], count: 1 } } },
    });
  }
  for (const vnet of ["cc", "compute"]) {
    b.extra({
      id: `${HUB}/hubVirtualNetworkConnections/conn-${vnet}`,
      name: `conn-${vnet}`,
      type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
      properties: { remoteVirtualNetwork: { id: id("virtualNetworks", vnet) }, enableInternetSecurity: opts.enableInternetSecurity ?? true, provisioningState: "Succeeded" },
    });
  }
  if (opts.intent) {
    b.extra({
      id: `${HUB}/routingIntent/ri`,
      name: "ri",
      type: "Microsoft.Network/virtualHubs/routingIntent",
      properties: { routingPolicies: opts.intent.map((d) => ({ name: d === "Internet" ? "PublicTraffic" : "PrivateTraffic", destinations: [d], nextHop: FW })) },
    });
  }
  if (opts.tableRoutes) {
    b.extra({
      id: `${HUB}/hubRouteTables/defaultRouteTable`,
      name: "defaultRouteTable",
      type: "Microsoft.Network/virtualHubs/hubRouteTables",
      properties: { labels: ["default"], routes: opts.tableRoutes.map((r) => ({ name: r.name, destinationType: "CIDR", destinations: r.destinations, nextHopType: "ResourceId", nextHop: r.nextHop })) },
    });
  }
  if (opts.spokeRoutes || opts.disableBgp) b.routeTable("rt-spoke", opts.spokeRoutes ?? [], { disableBgpRoutePropagation: opts.disableBgp });
  return b;
}

const audit = (opts: Opts) => vwan(opts).audit({ cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"] });

describe("a VNet connected to a virtual hub whose routing intent sends Internet traffic to the hub's firewall", () => {
  it("the firewall refuses ARM: fail, naming the hub's route and the firewall (was a pass through the system default route)", () => {
    const f = finding(audit({ intent: ["Internet"] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    const ev = JSON.stringify(f.evidence);
    expect(ev).toContain('"source":"VirtualNetworkGateway"');
    expect(ev).toContain("virtual hub hub-weu: routing intent ri, policy PublicTraffic");
    expect(ev).toContain('"firewall":"fw-hub"');
  });

  it("the firewall's application rules allow the seed's FQDNs: pass, and the lockdown holds (an allow-list of domains)", () => {
    const report = audit({ intent: ["Internet"], allowSeed: true });
    for (const rule of ["CC-EGRESS-ARM", "CC-EGRESS-AAD", "CC-EGRESS-STORAGE"]) expect(finding(report, "cc/snet-cc", rule).status, rule).toBe("pass");
    expect(finding(report, "cc/snet-cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("the connection does not propagate the default route (enableInternetSecurity false): the system default route to the Internet holds", () => {
    const report = audit({ intent: ["Internet"], enableInternetSecurity: false });
    expect(finding(report, "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(JSON.stringify(finding(report, "cc/snet-cc", "CC-EGRESS-ARM").evidence)).not.toContain("fw-hub");
  });

  it("a route table that disables BGP route propagation keeps the hub's routes out; a user default route beats the learned one", () => {
    expect(finding(audit({ intent: ["Internet"], disableBgp: true }), "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("pass");
    const user = finding(audit({ intent: ["Internet"], spokeRoutes: [{ name: "direct", prefix: "0.0.0.0/0", hop: "Internet" }] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(user.status).toBe("pass");
    expect(JSON.stringify(user.evidence)).toContain('"route":"direct"');
  });

  it("a secured hub without routing intent: the default route table's 0.0.0.0/0 to the firewall decides the same way", () => {
    const f = finding(audit({ tableRoutes: [{ name: "all_traffic", destinations: ["0.0.0.0/0"], nextHop: FW }] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(JSON.stringify(f.evidence)).toContain("route all_traffic in hub route table defaultRouteTable");
  });

  it("a hub with a firewall whose routing is not in the input, or a firewall the input lacks: warn, saying what to add", () => {
    const unread = finding(audit({}), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(unread.status).toBe("warn");
    expect(unread.detail).toContain("az network vhub route-table list");
    const noFw = finding(audit({ intent: ["Internet"], withoutFirewall: true }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(noFw.status).toBe("warn");
    expect(noFw.detail).toContain("Azure Firewall fw-hub in virtual hub hub-weu, which is not in the input");
  });

  it("forced tunnel mode (private policy, 0.0.0.0/0 as an additional prefix): the firewall's egress is outside the audit (warn)", () => {
    const report = audit({ intent: ["PrivateTraffic"], allowSeed: true, tableRoutes: [{ name: "_policy_PrivateTraffic", destinations: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], nextHop: FW }, { name: "private_traffic", destinations: ["0.0.0.0/0"], nextHop: FW }] });
    const f = finding(report, "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("forced tunnel mode");
  });
});

describe("spoke to spoke through a virtual hub", () => {
  it("without a private traffic policy the hub's router delivers between connected VNets (was dropped at the 10/8 None route)", () => {
    const report = audit({ intent: ["Internet"], allowSeed: true });
    expect(finding(report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    expect(finding(report, "cc/snet-cc", "CC-INGRESS-HTTPS").status).toBe("pass");
  });

  it("a private traffic policy sends it through the firewall: its network rules decide", () => {
    const refused = finding(audit({ intent: ["Internet", "PrivateTraffic"], allowSeed: true }), "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(refused.status).toBe("fail");
    expect(JSON.stringify(refused.evidence)).toContain("policy PrivateTraffic");
    expect(finding(audit({ intent: ["Internet", "PrivateTraffic"], allowSeed: true, spokeToSpoke: true }), "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
  });
});

describe("reading Virtual WAN resources", () => {
  it("az's flattened form (properties at the top level, as `az network vhub … list` prints them) reads the same", () => {
    const b = vwan({ intent: ["Internet"] });
    const flat = b.resources().map((r) => {
      const x = r as { type?: string; properties?: Record<string, unknown> };
      return x.type?.startsWith("Microsoft.Network/virtualHubs") ? { ...x, ...x.properties, properties: undefined } : r;
    });
    const snapshot = loadSnapshot([{ name: "estate.json", value: flat }]);
    const conn = [...snapshot.hubConnections!.values()][0];
    expect(conn.remoteVnetKey).toMatch(/virtualnetworks\/(cc|compute)$/);
    expect([...snapshot.routingIntents!.values()][0].policies[0]).toMatchObject({ name: "PublicTraffic", destinations: ["Internet"] });
    expect(snapshot.virtualHubs!.get(HUB.toLowerCase())?.addressPrefix).toBe("10.200.0.0/23");
  });

  it("a hub route table's CIDR destination that is no CIDR is refused, naming the file and field", () => {
    const b = vwan({ tableRoutes: [{ name: "bad", destinations: ["10.0.0.0/33"], nextHop: FW }] });
    let error: unknown;
    try {
      loadSnapshot([{ name: "estate.json", value: { value: b.resources() } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toMatch(/estate\.json.*routes.*destinations/);
  });

  it("a peering to a hub's managed VNet (HV_…) with no hub connection read: the hub's routes cannot be judged (warn, was a pass)", () => {
    const b = estate().vnet("cc", ["10.1.0.0/16"]).subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", SEED_RULES).vnet("HV_hub-weu_0f1e", ["10.200.0.0/23"]).peer("cc", "HV_hub-weu_0f1e");
    const f = finding(b.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("peers with a Virtual WAN hub's VNet (peering cc-to-HV_hub-weu_0f1e)");
    expect(f.detail).toContain("az network vhub connection list");
  });
});

/** Hubs, connections and tables as ARM lists them, for estates the vwan() builder does not cover. */
const hubAt = (name: string, prefix: string, fw?: { name: string; ip: string; policy: string }) => {
  const hubId = id("virtualHubs", name);
  const out: unknown[] = [{ id: hubId, name, type: "Microsoft.Network/virtualHubs", properties: { addressPrefix: prefix, virtualWan: { id: id("virtualWans", "wan") }, ...(fw ? { azureFirewall: { id: id("azureFirewalls", fw.name) } } : {}) } }];
  if (fw) out.push({ id: id("azureFirewalls", fw.name), name: fw.name, type: "Microsoft.Network/azureFirewalls", properties: { sku: { name: "AZFW_Hub" }, virtualHub: { id: hubId }, firewallPolicy: { id: id("firewallPolicies", fw.policy) }, hubIPAddresses: { privateIPAddress: fw.ip } } });
  return { hubId, resources: out };
};
const connectionOf = (hubId: string, vnet: string, props: Record<string, unknown> = {}) => ({
  id: `${hubId}/hubVirtualNetworkConnections/conn-${vnet}`,
  name: `conn-${vnet}`,
  type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
  properties: { remoteVirtualNetwork: { id: id("virtualNetworks", vnet) }, enableInternetSecurity: true, provisioningState: "Succeeded", ...props },
});
const intentOf = (hubId: string, policies: [string, string][]) => ({
  id: `${hubId}/routingIntent/ri`,
  name: "ri",
  type: "Microsoft.Network/virtualHubs/routingIntent",
  properties: { routingPolicies: policies.map(([d, nextHop]) => ({ name: d === "Internet" ? "PublicTraffic" : "PrivateTraffic", destinations: [d], nextHop })) },
});
const defaultTableOf = (hubId: string, routes: { name: string; destinations: string[]; nextHop: string }[] = []) => ({
  id: `${hubId}/hubRouteTables/defaultRouteTable`,
  name: "defaultRouteTable",
  type: "Microsoft.Network/virtualHubs/hubRouteTables",
  properties: { labels: ["default"], routes: routes.map((r) => ({ ...r, destinationType: "CIDR", nextHopType: "ResourceId" })) },
});
const spokes = (extra: string[] = []) => {
  const b = spokePair();
  for (const v of extra) b.vnet(v, [v === "nva" ? "10.9.0.0/16" : "10.3.0.0/16"]).subnet(`${v}/snet`, v === "nva" ? "10.9.0.0/24" : "10.3.0.0/24");
  return b;
};
const roles = { cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"] };
const ALLOW_ALL = [{ name: "all", priority: 100, collections: [{ name: "all", priority: 100, rules: [{ kind: "network" as const, name: "any", src: ["*"], dst: ["*"], ports: ["*"], protocols: ["Any"] }] }] }];

describe("what a hub's routing gives that the first reading missed (review of the Virtual WAN change)", () => {
  it("a VNet connection's static route 0.0.0.0/0 to an NVA reaches the other spokes: handed to the NVA (warn), not the Internet", () => {
    const { hubId, resources } = hubAt("hub", "10.200.0.0/23");
    const b = spokes(["nva"]).extra(...resources, defaultTableOf(hubId), connectionOf(hubId, "cc"), connectionOf(hubId, "compute"), connectionOf(hubId, "nva", { routingConfiguration: { vnetRoutes: { staticRoutes: [{ name: "internet-via-nva", addressPrefixes: ["0.0.0.0/0"], nextHopIpAddress: "10.9.0.4" }], staticRoutesConfig: { propagateStaticRoutes: true } } } }));
    const f = finding(b.audit(roles), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("10.9.0.4 in nva");
    // Not propagated: the Internet again.
    const quiet = spokes(["nva"]).extra(...resources, defaultTableOf(hubId), connectionOf(hubId, "cc"), connectionOf(hubId, "nva", { routingConfiguration: { vnetRoutes: { staticRoutes: [{ name: "internet-via-nva", addressPrefixes: ["0.0.0.0/0"], nextHopIpAddress: "10.9.0.4" }], staticRoutesConfig: { propagateStaticRoutes: false } } } }));
    expect(finding(quiet.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("only the connections are in the input (hub, route tables, routing intent are not), or a connection is not provisioned: warn, never pass", () => {
    const hubId = id("virtualHubs", "hub");
    const unread = finding(spokes().extra(connectionOf(hubId, "cc"), connectionOf(hubId, "compute")).audit(roles), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(unread.status).toBe("warn");
    expect(unread.detail).toContain("is not in the input (nor the hub)");
    const { resources } = hubAt("hub", "10.200.0.0/23", { name: "fw", ip: "10.200.0.132", policy: "deny-all" });
    const failed = spokes()
      .policy("deny-all", [])
      .extra(...resources, intentOf(hubId, [["Internet", id("azureFirewalls", "fw")]]), connectionOf(hubId, "cc", { provisioningState: "Failed" }), connectionOf(hubId, "compute"));
    const f = finding(failed.audit(roles), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("connection conn-cc of virtual hub hub to this VNet is Failed");
  });

  it("a route to a hub firewall's address from a VNet no connection of that hub names is dropped (the hub's connections are read)", () => {
    const { hubId, resources } = hubAt("hub", "10.200.0.0/23", { name: "fw", ip: "10.200.0.132", policy: "open" });
    const b = spokes()
      .policy("open", ALLOW_ALL)
      .extra(...resources, defaultTableOf(hubId), connectionOf(hubId, "compute"))
      .routeTable("rt-cc", [{ name: "to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.200.0.132" }]);
    (b as unknown as { vnets: Map<string, { subnets: { opts: { routeTable?: string } }[] }> }).vnets.get("cc")!.subnets[0].opts.routeTable = "rt-cc";
    const f = finding(b.audit(roles), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("to which cc is not connected");
  });

  it("spokes of two hubs of one virtual WAN reach each other through both routers (label default); through two secured hubs' private policies, the second firewall is named, not judged (warn)", () => {
    const one = hubAt("hub1", "10.200.0.0/23");
    const two = hubAt("hub2", "10.210.0.0/23");
    const plain = spokes().extra(...one.resources, ...two.resources, defaultTableOf(one.hubId), defaultTableOf(two.hubId), connectionOf(one.hubId, "cc"), connectionOf(two.hubId, "compute"));
    expect(finding(plain.audit(roles), "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    const s1 = hubAt("hub1", "10.200.0.0/23", { name: "fw1", ip: "10.200.0.132", policy: "open" });
    const s2 = hubAt("hub2", "10.210.0.0/23", { name: "fw2", ip: "10.210.0.132", policy: "open" });
    const secured = spokes()
      .policy("open", ALLOW_ALL)
      .extra(...s1.resources, ...s2.resources, connectionOf(s1.hubId, "cc"), connectionOf(s2.hubId, "compute"))
      .extra(intentOf(s1.hubId, [["Internet", id("azureFirewalls", "fw1")], ["PrivateTraffic", id("azureFirewalls", "fw1")]]), intentOf(s2.hubId, [["Internet", id("azureFirewalls", "fw2")], ["PrivateTraffic", id("azureFirewalls", "fw2")]]));
    const f = finding(secured.audit(roles), "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("a second firewall on the way");
    expect(f.detail).not.toContain("asymmetric");
  });

  it("a hub whose route tables are not in the input: spoke-to-spoke cannot be judged (warn), not dropped at the 10/8 None route", () => {
    const { hubId, resources } = hubAt("hub", "10.200.0.0/23");
    const f = finding(spokes().extra(...resources, connectionOf(hubId, "cc"), connectionOf(hubId, "compute")).audit(roles), "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("route table defaultRouteTable of virtual hub hub");
  });

  it("the hub's own space comes through the peering with the hub, whatever BGP propagation says", () => {
    const { hubId, resources } = hubAt("hub", "10.200.0.0/23");
    const b = spokes().extra(...resources, defaultTableOf(hubId), connectionOf(hubId, "cc")).routeTable("rt-cc", [], { disableBgpRoutePropagation: true });
    (b as unknown as { vnets: Map<string, { subnets: { opts: { routeTable?: string } }[] }> }).vnets.get("cc")!.subnets[0].opts.routeTable = "rt-cc";
    const snapshot = b.snapshot();
    const subnet = [...snapshot.subnets.values()].find((x) => x.name === "snet-cc")!;
    const routes = effectiveRoutes(new Estate(snapshot, new Map()), subnet);
    expect(routes.filter((r) => r.addressPrefix === "10.200.0.0/23").map((r) => r.nextHopType)).toEqual(["VNetPeering"]);
    expect(routes.some((r) => r.source === "VirtualNetworkGateway")).toBe(false);
  });

  it("an Internet policy alone keeps the default route table's other static routes: a route to the firewall for the cluster's prefix makes the ways asymmetric (fail)", () => {
    const { hubId, resources } = hubAt("hub", "10.200.0.0/23", { name: "fw", ip: "10.200.0.132", policy: "open" });
    const fw = id("azureFirewalls", "fw");
    const b = spokes()
      .policy("open", ALLOW_ALL)
      .extra(...resources, intentOf(hubId, [["Internet", fw]]), defaultTableOf(hubId, [{ name: "_policy_PublicTraffic", destinations: ["0.0.0.0/0"], nextHop: fw }, { name: "compute-via-fw", destinations: ["10.2.1.0/24"], nextHop: fw }]), connectionOf(hubId, "cc"), connectionOf(hubId, "compute"));
    const f = finding(b.audit(roles), "cc/snet-cc", "CC-INGRESS-HTTPS");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("asymmetric");
  });
});

describe("the hub firewall's reach (second review)", () => {
  it("after the hub firewall, a VNet no connection of the WAN names cannot be reached: fail, not a pass", () => {
    const b = vwan({ intent: ["Internet", "PrivateTraffic"], allowSeed: true, spokeToSpoke: true }).omit("Microsoft.Network/virtualHubs/hubVirtualNetworkConnections");
    b.extra({ id: `${HUB}/hubVirtualNetworkConnections/conn-compute`, name: "conn-compute", type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", properties: { remoteVirtualNetwork: { id: id("virtualNetworks", "compute") }, enableInternetSecurity: true, provisioningState: "Succeeded" } });
    const f = finding(b.audit({ cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"] }), "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("has no way on: no connection of the virtual WAN names cc");
  });

  it("a route table's route to the hub firewall from a VNet with neither a hub connection nor a peering with a hub's VNet in the input: cannot be judged (warn)", () => {
    const b = vwan({ intent: ["Internet"], allowSeed: true, spokeRoutes: [{ name: "to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW_IP }] }).omit("Microsoft.Network/virtualHubs/hubVirtualNetworkConnections");
    const f = finding(b.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("nor a peering of cc with a hub's VNet is in the input");
  });
});

describe("a new user's first run (third review)", () => {
  it("a routing policy destination Azure does not know is refused, naming the field (was read as no policy: a pass around the firewall)", () => {
    const resources = (vwan({ intent: ["Internet"] }).resources() as { type: string; properties: { routingPolicies?: { destinations: string[] }[] } }[]).map((r) =>
      r.type === "Microsoft.Network/virtualHubs/routingIntent" ? { ...r, properties: { routingPolicies: [{ ...r.properties.routingPolicies![0], destinations: ["Internets"] }] } } : r,
    );
    expect(() => loadSnapshot([{ name: "estate.json", value: { value: resources } }])).toThrow(/estate\.json.*routingPolicies\[0\]\.destinations\[0\]: expected Internet or PrivateTraffic, got "Internets"/);
  });

  it("the subnet's outbound method says it carries only what is routed to the Internet when 0.0.0.0/0 goes to the hub firewall", () => {
    const report = audit({ intent: ["Internet"], allowSeed: true });
    const subnet = report.subnets.find((x) => x.name === "snet-cc")!;
    expect(subnet.outbound?.detail).toContain("It carries only traffic routed to the Internet: 0.0.0.0/0 goes to Azure Firewall fw-hub");
    const row = subnet.effectiveRoutes!.find((r) => r.addressPrefix === "0.0.0.0/0" && r.source === "VirtualNetworkGateway")!;
    expect(row.route).toBe("virtual hub hub-weu: routing intent ri, policy PublicTraffic");
  });
});

describe("what the input lacks for a hub's routes is listed in the report's gaps, with the listing to add", () => {
  it("a hub whose route tables and routing intent are missing; a connection whose hub is missing; a VNet peered with an HV_ VNet", () => {
    const unread = audit({}).gaps?.unresolved ?? [];
    expect(unread).toContainEqual(expect.objectContaining({ kind: "hubRouteTable", hint: "add `az network vhub route-table list --vhub-name hub-weu -g rg-test` and add `az network vhub routing-intent list --vhub hub-weu -g rg-test`" }));
    const noHub = vwan({ intent: ["Internet"] }).omit("Microsoft.Network/virtualHubs").audit({ cyclecloud: ["cc/snet-cc"] }).gaps?.unresolved ?? [];
    expect(noHub).toContainEqual(expect.objectContaining({ kind: "virtualHub", hint: "add `az network vhub list`" }));
    const hv = estate().vnet("cc", ["10.1.0.0/16"]).subnet("cc/snet-cc", "10.1.1.0/24").vnet("HV_hub-weu_0f1e", ["10.200.0.0/23"]).peer("cc", "HV_hub-weu_0f1e");
    expect(hv.audit({ cyclecloud: ["cc/snet-cc"] }).gaps?.unresolved ?? []).toContainEqual(expect.objectContaining({ kind: "hubVirtualNetworkConnection" }));
    // A complete input lists none of these.
    const complete = audit({ intent: ["Internet"], allowSeed: true }).gaps?.unresolved ?? [];
    expect(complete.filter((u) => ["virtualHub", "hubRouteTable", "hubVirtualNetworkConnection", "azureFirewall"].includes(u.kind))).toEqual([]);
  });
});
