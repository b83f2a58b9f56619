// Three kinds of fault from public failure reports (test/cases/reports holds the estates), each held here over its
// variants: a user default route that removes the private ranges' None routes, a firewall whose own subnet
// forced-tunnels its egress, and a VNet whose DNS servers answer nothing.
import { describe, expect, it } from "vitest";
import { Estate } from "../../lib/nsg/estate";
import { effectiveRoutes } from "../../lib/path/routes";
import { estate, finding, SEED_RULES } from "../helpers/estate-builder";

describe("a route-table route for 0.0.0.0/0 removes the private ranges' None routes (udr-overview, routing example)", () => {
  const hubSpoke = (spokeRoutes: { name: string; prefix: string; hop: string; ip?: string }[]) =>
    estate()
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .firewall("fw-hub", "hub", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "hpc", priority: 100, rules: [{ kind: "network", name: "spokes", src: ["10.0.0.0/8"], dst: ["10.0.0.0/8"], ports: ["5672", "9443"] }] }] }])
      .vnet("cc", ["10.1.0.0/16"])
      .subnet("cc/snet-cc", "10.1.1.0/24", { routeTable: "rt-cc" })
      .vnet("compute", ["10.2.0.0/16"])
      .subnet("compute/snet-compute", "10.2.1.0/24", { routeTable: "rt-compute" })
      .peer("cc", "hub")
      .peer("compute", "hub")
      .routeTable("rt-cc", spokeRoutes)
      .routeTable("rt-compute", spokeRoutes);

  const routesOf = (b: ReturnType<typeof hubSpoke>, ref: string) => {
    const snapshot = b.snapshot();
    const subnet = [...snapshot.subnets.values()].find((s) => `${s.vnetName}/${s.name}` === ref)!;
    return effectiveRoutes(new Estate(snapshot, new Map()), subnet);
  };
  const none = (routes: ReturnType<typeof routesOf>) => routes.filter((r) => r.source === "Default" && r.nextHopType === "None").map((r) => r.addressPrefix);

  it("whatever the default route's next hop, none of the four None routes is left", () => {
    for (const hop of [{ hop: "VirtualAppliance", ip: "10.100.0.4" }, { hop: "Internet" }, { hop: "None" }, { hop: "VirtualNetworkGateway" }]) {
      expect(none(routesOf(hubSpoke([{ name: "default", prefix: "0.0.0.0/0", ...hop }]), "compute/snet-compute")), hop.hop).toEqual([]);
    }
  });

  it("a route table without a default route keeps them, and so does a subnet with no route table", () => {
    const four = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16"];
    expect(none(routesOf(hubSpoke([{ name: "to-hub", prefix: "10.100.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }]), "compute/snet-compute")).sort()).toEqual(four);
    const b = estate().vnet("v", ["10.1.0.0/16"]).subnet("v/s", "10.1.1.0/24");
    expect(none(routesOf(b as ReturnType<typeof hubSpoke>, "v/s")).sort()).toEqual(four);
  });

  it("spoke to spoke through the hub firewall with only a default route: the nodes reach CycleCloud; the firewall decides", () => {
    const open = hubSpoke([{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }]).audit({ cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"] });
    expect(finding(open, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    expect(finding(open, "cc/snet-cc", "CC-INGRESS-HTTPS").status).toBe("pass");
    // The same estate with the default route to None: the packets are dropped by the user route, not a system one.
    const dropped = hubSpoke([{ name: "default", prefix: "0.0.0.0/0", hop: "None" }]).audit({ cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"] });
    const f = finding(dropped, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(JSON.stringify(f.evidence)).toContain('"route":"default"');
  });
});

describe("a firewall whose own subnet routes public traffic elsewhere (forced tunnelling without a management IP configuration)", () => {
  const withFwRoute = (fwRoute?: { hop: string; ip?: string }, rule = "CC-EGRESS-ARM", endpoints: { service: string }[] = []) => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", { ...(fwRoute ? { routeTable: "rt-fw" } : {}), serviceEndpoints: endpoints })
      .firewall("fw-hub", "hub", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "azure", priority: 100, rules: [{ kind: "application", name: "arm", src: ["10.1.0.0/16"], fqdns: ["management.azure.com", "*.blob.core.windows.net"] }] }] }])
      .vnet("cc", ["10.1.0.0/16"])
      .subnet("cc/snet-cc", "10.1.1.0/24", { routeTable: "rt-cc" })
      .peer("cc", "hub")
      .routeTable("rt-cc", [{ name: "default-to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }]);
    if (fwRoute) b.routeTable("rt-fw", [{ name: "default-onprem", prefix: "0.0.0.0/0", ...fwRoute }]);
    return finding(b.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", rule);
  };

  it("to a VPN gateway or an appliance: not judged (warn), naming the firewall subnet's route", () => {
    for (const hop of [{ hop: "VirtualNetworkGateway" }, { hop: "VirtualAppliance", ip: "10.100.1.4" }]) {
      const f = withFwRoute(hop);
      expect(f.status, hop.hop).toBe("warn");
      expect(f.detail).toContain("route default-onprem in rt-fw on hub/AzureFirewallSubnet");
      expect(JSON.stringify(f.evidence)).toContain("rt-fw");
      // No change here can be verified: the reason says what decides, not that "none was found".
      expect(f.noFixReason).toMatch(/^What decides this traffic is outside what the audit can judge \(allowed by fw-hub, but route default-onprem/);
    }
  });

  it("to None: dropped (fail); to the Internet, or with no route table: it leaves through the firewall's public IP", () => {
    expect(withFwRoute({ hop: "None" }).status).toBe("fail");
    expect(withFwRoute({ hop: "Internet" }).status).toBe("pass");
    expect(withFwRoute().status).toBe("pass");
  });

  it("a service endpoint on AzureFirewallSubnet delivers what it covers, beside the firewall subnet's own route table", () => {
    const f = withFwRoute({ hop: "Internet" }, "CC-EGRESS-STORAGE", [{ service: "Microsoft.Storage" }]);
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("forced tunnelling");
    expect(JSON.stringify(f.evidence)).toContain('"nextHopType":"VirtualNetworkServiceEndpoint"');
  });
});

describe("a VNet whose DNS servers answer nothing: the services the seed names by FQDN are not reached", () => {
  const withDns = (servers: string[] | undefined, dnsProxy: boolean, policyGiven: boolean | "groups only" = true, nicServers?: string[], rules = SEED_RULES, scaleSetServers?: string[]) => {
    const b = estate()
      .vnet("cc", ["10.1.0.0/16"], servers ? { dnsServers: servers } : {})
      .subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", rules)
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .firewall("fw-hub", "hub", "10.100.0.4", { policy: "fwp" })
      .peer("cc", "hub");
    if (policyGiven === "groups only") b.policy("fwp", [{ name: "rcg", priority: 100, collections: [] }], { dnsProxy: true }).omit("Microsoft.Network/firewallPolicies");
    else if (policyGiven) b.policy("fwp", [], { dnsProxy });
    if (nicServers) b.nic("nic-cc", "cc/snet-cc", { ip: "10.1.1.4", dnsServers: nicServers });
    if (scaleSetServers) b.scaleSet("hpc", "cc/snet-cc", { dnsServers: scaleSetServers });
    return b.audit({ cyclecloud: ["cc/snet-cc"] });
  };

  it("its only DNS server is a firewall with DNS proxy off: every egress check by name fails, saying why and what to change", () => {
    const report = withDns(["10.100.0.4"], false);
    for (const rule of ["CC-EGRESS-ARM", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-STORAGE"]) {
      const f = finding(report, "cc/snet-cc", rule);
      expect(f.status, rule).toBe("fail");
      expect(f.detail, rule).toContain("the DNS server answers nothing: 10.100.0.4 is Azure Firewall fw-hub, whose DNS proxy is off (fw-hub's firewall policy fwp, dnsSettings.enableProxy)");
    }
    expect(finding(report, "cc/snet-cc", "CC-EGRESS-ARM").noFixReason).toContain("--enable-dns-proxy true");
    // The lockdown is about addresses, not names.
    expect(finding(report, "cc/snet-cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("with the proxy on, Azure DNS, or a DNS server that is no firewall: as before", () => {
    for (const [servers, proxy] of [[["10.100.0.4"], true], [undefined, false], [["10.1.1.10"], false]] as const) {
      expect(finding(withDns(servers ? [...servers] : undefined, proxy), "cc/snet-cc", "CC-EGRESS-ARM").status, JSON.stringify(servers)).toBe("pass");
    }
  });

  it("a silent firewall beside a DNS server that answers, or a firewall whose policy is not in the input: warn, naming it", () => {
    const mixed = finding(withDns(["10.100.0.4", "10.1.1.10"], false), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(mixed.status).toBe("warn");
    expect(mixed.detail).toContain("not all of the DNS servers 10.100.0.4, 10.1.1.10 answer");
    const unknown = finding(withDns(["10.100.0.4"], false, false), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(unknown.status).toBe("warn");
    expect(unknown.detail).toContain("whose policy is not in the input");
  });

  it("a firewall whose policy is absent but whose rule collection groups are given is read with DNS proxy off (CONTRACT §4.1): fail, saying so", () => {
    const f = finding(withDns(["10.100.0.4"], false, "groups only"), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("firewall policy fwp is not in the input, only its rule collection groups, so it is read with DNS proxy off");
  });

  it("a NIC's own DNS servers replace the VNet's, either way", () => {
    // The VNet is fine (Azure DNS), the NIC names the silent firewall: fail.
    expect(finding(withDns(undefined, false, true, ["10.100.0.4"]), "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("fail");
    // The VNet names the silent firewall, the NIC uses Azure DNS: pass.
    expect(finding(withDns(["10.100.0.4"], false, true, ["168.63.129.16"]), "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("a scale set's NIC configuration's own DNS servers replace the VNet's, either way (nodes yet to start included)", () => {
    const withScaleSet = (vnetServers: string[] | undefined, scaleSetServers: string[] | undefined) =>
      finding(withDns(vnetServers, false, true, undefined, SEED_RULES, scaleSetServers), "cc/snet-cc", "CC-EGRESS-ARM");
    const cut = withScaleSet(undefined, ["10.100.0.4"]);
    expect(cut.status).toBe("fail");
    expect(cut.detail).toContain("10.100.0.4 is Azure Firewall fw-hub, whose DNS proxy is off");
    expect(withScaleSet(["10.100.0.4"], ["168.63.129.16"]).status).toBe("pass");
    // A NIC on the VNet's (Azure) DNS beside the scale set cut off: only the scale set's nodes are cut off, named.
    const b = estate()
      .vnet("cc", ["10.1.0.0/16"])
      .subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", SEED_RULES)
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .firewall("fw-hub", "hub", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [])
      .peer("cc", "hub")
      .nic("nic-cc", "cc/snet-cc", { ip: "10.1.1.4" })
      .scaleSet("hpc", "cc/snet-cc", { dnsServers: ["10.100.0.4"] });
    const part = finding(b.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(part.status).toBe("warn");
    expect(part.detail).toContain("(scale set hpc)");
  });

  it("a DNS server whose own subnet's NSG refuses port 53 inbound answers nothing: fail, naming the rule there", () => {
    const b = estate()
      .vnet("cc", ["10.1.0.0/16"], { dnsServers: ["10.1.9.4"] })
      .subnet("cc/snet-cc", "10.1.1.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", SEED_RULES)
      .subnet("cc/snet-dns", "10.1.9.0/24", { nsg: "nsg-dns" })
      .nsg("nsg-dns", [{ name: "DenyDnsIn", priority: 100, direction: "Inbound", access: "Deny", protocol: "*", src: "*", ports: "53" }])
      .nic("dns-vm", "cc/snet-dns", { ip: "10.1.9.4" });
    const f = finding(b.audit({ cyclecloud: ["cc/snet-cc"] }), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("inbound at cc/snet-dns");
    expect(f.detail).toContain("DenyDnsIn (100) in nsg-dns");
  });

  it("a custom DNS server the subnet's NSG keeps it from reaching on UDP 53 answers nothing: fail, naming the rule", () => {
    const deny = [...SEED_RULES, { name: "DenyAllOut", priority: 4096, direction: "Outbound" as const, access: "Deny" as const, protocol: "*", dst: "*", ports: "*" }];
    const f = finding(withDns(["10.100.0.4"], true, true, undefined, deny), "cc/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("is not reached on UDP 53: UDP port 53 to 10.100.0.4: denied by DenyAllOut (4096) in nsg-cc");
    // The same with the proxy on and the path open: as before.
    expect(finding(withDns(["10.100.0.4"], true), "cc/snet-cc", "CC-EGRESS-ARM").status).toBe("pass");
  });
});

describe("an allowed flow whose parts go different ways", () => {
  it("says each way with its part: a service endpoint for the account's region, a NAT gateway for the rest (not one way for all)", async () => {
    const { loadSnapshot, parseProfile } = await import("../../lib/snapshot");
    const { audit } = await import("../../lib/audit");
    const fs = await import("node:fs");
    const dir = `${__dirname}/../cases/reports/storage-ip-rule-same-region`;
    const report = audit(loadSnapshot([{ name: "snapshot.json", value: JSON.parse(fs.readFileSync(`${dir}/snapshot.json`, "utf8")) }]), parseProfile("profile.json", JSON.parse(fs.readFileSync(`${dir}/profile.json`, "utf8"))));
    const f = report.subnets.find((s) => s.name === "snet-cyclecloud")!.findings.find((x) => x.rule === "CC-EGRESS-STORAGE")!;
    expect(f.detail).toMatch(/to storage\.westeurope: system route Service endpoint Microsoft\.Storage \(Storage\.westeurope\) → VirtualNetworkServiceEndpoint; to storage except storage\.westeurope: through NAT gateway ng-hpc/);
  });
});

describe("TLS inspection is judged on the rule that decided", () => {
  const load = async (edit: (resources: Record<string, unknown>[]) => void) => {
    const { loadSnapshot, parseProfile } = await import("../../lib/snapshot");
    const { audit } = await import("../../lib/audit");
    const fs = await import("node:fs");
    const dir = `${__dirname}/../cases/reports/fw-tls-inspection-arm-entra`;
    const raw = JSON.parse(fs.readFileSync(`${dir}/snapshot.json`, "utf8")) as Record<string, unknown>[] | { value: Record<string, unknown>[] };
    edit(Array.isArray(raw) ? raw : raw.value);
    const report = audit(loadSnapshot([{ name: "snapshot.json", value: raw }]), parseProfile("profile.json", JSON.parse(fs.readFileSync(`${dir}/profile.json`, "utf8"))));
    return report.subnets.find((s) => s.name === "snet-cyclecloud")!.findings.find((f) => f.rule === "CC-EGRESS-ARM")!;
  };
  const group = (r: Record<string, unknown>[]) => r.find((x) => String(x.type).endsWith("/ruleCollectionGroups"))! as { id: string; name: string; properties: { priority: number; ruleCollections: { rules: Record<string, unknown>[] }[] } };

  it("a same-named rule without inspection that decides first (an earlier group) passes", async () => {
    const f = await load((resources) => {
      const g = group(resources);
      const copy = JSON.parse(JSON.stringify(g)) as typeof g;
      copy.id = g.id.replace(/rcg-hpc$/, "rcg-base");
      copy.name = "rcg-base";
      copy.properties.priority = 100;
      for (const c of copy.properties.ruleCollections) for (const r of c.rules) delete r.terminateTLS;
      resources.push(copy);
      const policy = resources.find((x) => String(x.type).endsWith("/firewallPolicies")) as { properties: { ruleCollectionGroups: { id: string }[] } };
      policy.properties.ruleCollectionGroups.push({ id: copy.id });
    });
    expect(f.status).toBe("pass");
  });

  it("the inspecting rule itself: warn (control)", async () => {
    expect((await load(() => undefined)).status).toBe("warn");
  });
});
