// Deployments, the CycleCloud server and the HTTPS proxy of the profile (CONTRACT §1.2, §4.1 Proxy).
import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, SUB, estate, finding, id, vmId } from "../../test/helpers/estate-builder";
import { audit } from "../audit";
import { loadSnapshot, parseProfile } from "../snapshot";

/** Two CycleCloud installations, each in its own VNet with its own cluster; the VNets are not peered. */
function twoDeployments() {
  return estate()
    .vnet("prod", ["10.1.0.0/16"])
    .subnet("prod/cc", "10.1.0.0/24")
    .subnet("prod/hpc", "10.1.8.0/22")
    .vnet("dev", ["10.2.0.0/16"])
    .subnet("dev/cc", "10.2.0.0/24")
    .subnet("dev/hpc", "10.2.8.0/22");
}

describe("deployments", () => {
  it("checks cluster ↔ CycleCloud only within a deployment: unpeered deployments pass", () => {
    const report = twoDeployments().auditProfile({
      deployments: [
        { name: "prod", cyclecloud: ["prod/cc"], cluster: ["prod/hpc"] },
        { name: "dev", cyclecloud: ["dev/cc"], cluster: ["dev/hpc"] },
      ],
    });
    for (const s of ["prod/hpc", "dev/hpc"]) expect(finding(report, s, "NODE-EGRESS-AMQP").status, s).toBe("pass");
    for (const s of ["prod/cc", "dev/cc"]) expect(finding(report, s, "CC-INGRESS-HTTPS").status, s).toBe("pass");
    expect(report.subnets.find((s) => s.vnet === "dev" && s.name === "hpc")!.deployment).toBe("dev");
    expect(report.deployments!.map((d) => d.name)).toEqual(["prod", "dev"]);
  });

  it("as one deployment the same estate fails: the clusters cannot reach the other VNet's CycleCloud", () => {
    const report = twoDeployments().audit({ cyclecloud: ["prod/cc", "dev/cc"], cluster: ["prod/hpc", "dev/hpc"] });
    expect(finding(report, "prod/hpc", "NODE-EGRESS-AMQP").status).toBe("warn");
  });

  it("refuses a subnet in two deployments, naming the path", () => {
    expect(() =>
      twoDeployments().auditProfile({
        deployments: [
          { name: "prod", cyclecloud: ["prod/cc"], cluster: ["prod/hpc"] },
          { name: "dev", cyclecloud: ["dev/cc"], cluster: ["prod/hpc"] },
        ],
      }),
    ).toThrow(/deployments\[1\]\.cluster\[0\]: subnet prod\/hpc is already in deployment prod \(deployments\[0\]\.cluster\[0\]\); a subnet belongs to one deployment/);
  });

  it("refuses a CycleCloud subnet in two deployments, naming both paths, why, and what to do instead", () => {
    let message = "";
    try {
      twoDeployments().auditProfile({
        deployments: [
          { name: "prod", cyclecloud: ["prod/cc"], cluster: ["prod/hpc"] },
          { name: "dev", cyclecloud: ["dev/cc", "prod/cc"], cluster: ["dev/hpc"] },
        ],
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^profile: deployments\[1\]\.cyclecloud\[1\]: subnet prod\/cc is already in deployment prod \(deployments\[0\]\.cyclecloud\[0\]\)/);
    expect(message).toContain("each deployment's own CycleCloud server, proxy and storage account would make the subnet's one finding per rule ambiguous");
    expect(message).toContain("give each deployment its own CycleCloud subnet, or name the CycleCloud VMs as one deployment's `cyclecloudServer`");
  });
});

describe("the CycleCloud server", () => {
  // az-hop: CycleCloud shares a subnet with VMs that stay closed on purpose; a NIC-level NSG opens only CycleCloud.
  const shared = () =>
    estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/admin", "10.0.0.0/24")
      .subnet("hub/compute", "10.0.8.0/22")
      .nsg("nsg-closed", [{ name: "DenyClusterIn", priority: 100, direction: "Inbound", access: "Deny", src: "10.0.8.0/22", ports: "*" }])
      .nic("ccportal-nic", "hub/admin", { ip: "10.0.0.4" })
      .nic("ad-nic", "hub/admin", { ip: "10.0.0.5", nsg: "nsg-closed" });

  it("without it, the whole subnet must accept the cluster (the closed VM makes it a warning)", () => {
    const report = shared().audit({ cyclecloud: ["hub/admin"], cluster: ["hub/compute"] });
    expect(finding(report, "hub/admin", "CC-INGRESS-AMQP").status).toBe("warn");
  });

  it("with it, only the server's addresses are checked, both as destination and as the nodes' target", () => {
    const report = shared().auditProfile({ roles: { cyclecloud: ["hub/admin"], cluster: ["hub/compute"] }, cyclecloudServer: ["10.0.0.4"] });
    expect(finding(report, "hub/admin", "CC-INGRESS-AMQP").status).toBe("pass");
    const node = finding(shared().nsg("nsg-nodes", [{ name: "DenyToAd", priority: 100, direction: "Outbound", access: "Deny", dst: "10.0.0.5", ports: "*" }]).auditProfile({ roles: { cyclecloud: ["hub/admin"], cluster: ["hub/compute"] }, cyclecloudServer: ["10.0.0.4"] }), "hub/compute", "NODE-EGRESS-AMQP");
    expect(node.status).toBe("pass");
  });

  it("a server named by its VM's id stands for that VM's NICs, in each deployment that names one", () => {
    // Two deployments sharing the hub's layout, each naming its server by VM id: both resolve, each to its own VM.
    const two = shared()
      .vnet("dev", ["10.2.0.0/16"])
      .subnet("dev/admin", "10.2.0.0/24")
      .subnet("dev/compute", "10.2.8.0/22")
      .nic("dev-cc-nic", "dev/admin", { ip: "10.2.0.4", vm: "dev-cc" })
      .nic("dev-ad-nic", "dev/admin", { ip: "10.2.0.5", nsg: "nsg-closed-dev" })
      .nsg("nsg-closed-dev", [{ name: "DenyClusterIn", priority: 100, direction: "Inbound", access: "Deny", src: "10.2.8.0/22", ports: "*" }])
      .nic("ccportal-nic-2", "hub/admin", { ip: "10.0.0.6", vm: "ccportal" });
    const named = (servers: [string, string]) =>
      two.auditProfile({
        deployments: [
          { name: "prod", cyclecloud: ["hub/admin"], cluster: ["hub/compute"], cyclecloudServer: [servers[0]] },
          { name: "dev", cyclecloud: ["dev/admin"], cluster: ["dev/compute"], cyclecloudServer: [servers[1]] },
        ],
      });
    const byVm = named([vmId("ccportal"), vmId("dev-cc")]);
    for (const s of ["hub/admin", "dev/admin"]) expect(finding(byVm, s, "CC-INGRESS-AMQP").status, s).toBe("pass");
    // Without a server the closed VMs make both warn: the VM ids, not the whole subnets, were checked above.
    const bySubnet = two.auditProfile({ deployments: [{ name: "prod", cyclecloud: ["hub/admin"], cluster: ["hub/compute"] }, { name: "dev", cyclecloud: ["dev/admin"], cluster: ["dev/compute"] }] });
    for (const s of ["hub/admin", "dev/admin"]) expect(finding(bySubnet, s, "CC-INGRESS-AMQP").status, s).toBe("warn");
    expect(() => named([vmId("ccportal"), vmId("no-such-vm")])).toThrow(/deployments\[1\]\.cyclecloudServer\[0\]: no NIC and no VM's NIC in the input matches/);
  });

  it("a server outside the deployment's CycleCloud subnets is an input error naming the path", () => {
    expect(() => shared().auditProfile({ roles: { cyclecloud: ["hub/admin"], cluster: ["hub/compute"] }, cyclecloudServer: ["10.0.9.9"] })).toThrow(/cyclecloudServer\[0\]: 10\.0\.9\.9 is in no CycleCloud subnet of deployment default/);
  });
});

describe("the HTTPS proxy", () => {
  /** CycleCloud's NSG: out to the proxy, and nothing else to the Internet. */
  const toProxyOnly = (address = "10.0.5.4", port = "3128"): RuleSpec[] => [
    { name: "AllowProxy", priority: 100, direction: "Outbound", access: "Allow", dst: address, ports: port },
    { name: "BlockOutbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
  ];
  const withProxy = (proxyRules: typeof SEED_RULES) =>
    estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
      .subnet("hub/proxy", "10.0.5.0/24", { nsg: "nsg-proxy" })
      .nsg("nsg-cc", toProxyOnly())
      .nsg("nsg-proxy", proxyRules);
  /** CycleCloud in a spoke, the proxy in the hub it peers with (the proxy subnet with `routeTable` when given). */
  const spokeToHubProxy = (routeTable?: string) =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" })
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/proxy", "10.0.5.0/24", { nsg: "nsg-proxy", ...(routeTable ? { routeTable } : {}) })
      .peer("hub", "spoke")
      .nsg("nsg-cc", toProxyOnly())
      .nsg("nsg-proxy", [...SEED_RULES]);

  it("checks CycleCloud → proxy, then the proxy's subnet → the service", () => {
    const report = withProxy([...SEED_RULES]).auditProfile({ roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "10.0.5.4", port: 3128 } });
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).toContain("HTTPS proxy 10.0.5.4:3128");
    expect(finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("fails when the firewall behind the proxy denies the profile's storage account before allowing *.blob.core.windows.net (another account named: pass)", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
      .subnet("hub/proxy", "10.0.5.0/24", { nsg: "nsg-proxy", routeTable: "rt-proxy" })
      .subnet("hub/AzureFirewallSubnet", "10.0.9.0/26")
      .nsg("nsg-cc", toProxyOnly())
      .nsg("nsg-proxy", [...SEED_RULES])
      .routeTable("rt-proxy", [{ name: "to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.9.4" }])
      .firewall("fw", "hub", "10.0.9.4", { policy: "fwp" })
      .policy("fwp", [
        {
          name: "rcg",
          priority: 200,
          collections: [
            { name: "deny-one", priority: 100, action: "Deny", rules: [{ kind: "application", name: "no-locker", src: ["*"], fqdns: ["cclocker.blob.core.windows.net"] }] },
            { name: "blob", priority: 200, rules: [{ kind: "application", name: "blobs", src: ["*"], fqdns: ["*.blob.core.windows.net"] }] },
          ],
        },
      ]);
    const storage = (account: string) => finding(b.auditProfile({ roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "10.0.5.4", port: 3128 }, storageAccount: account }), "hub/cc", "CC-EGRESS-STORAGE");
    const mine = storage("cclocker");
    expect(mine.status).toBe("fail");
    expect(mine.detail).toMatch(/For the profile's storage account cclocker \(cclocker\.blob\.core\.windows\.net\), which decides this check, it is blocked: .*application rule no-locker/);
    // Another account named: the Deny for cclocker is not CycleCloud's concern.
    expect(storage("other").status).toBe("pass");
    // A private endpoint to cclocker the proxy can use serves it: reachable only through it, warn.
    b.subnet("hub/pe", "10.0.6.0/24").storagePrivateEndpoint("pe-locker", "hub/pe", { account: "cclocker" });
    const served = storage("cclocker");
    expect(served.status).toBe("warn");
    expect(served.detail).toContain("From the proxy's subnet: The profile's storage account cclocker is reachable only through private endpoint pe-locker to cclocker.");
  });

  it("fails when the proxy's own subnet cannot reach the service", () => {
    const report = withProxy([{ name: "DenyArm", priority: 100, direction: "Outbound", access: "Deny", dst: "AzureResourceManager", ports: "443" }]).auditProfile({ roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "10.0.5.4", port: 3128 } });
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("DenyArm");
  });

  const proxied = { roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "10.0.5.4", port: 3128 } };

  it("fails when the proxy's side does not accept CycleCloud's connections", () => {
    const report = withProxy([{ name: "DenyFromCC", priority: 100, direction: "Inbound", access: "Deny", src: "10.0.0.0/24", ports: "3128" }, ...SEED_RULES]).auditProfile(proxied);
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("denied by DenyFromCC (100) in nsg-proxy");
    expect(arm.evidence).toContainEqual(expect.objectContaining({ rule: "DenyFromCC", direction: "Inbound" }));
  });

  it("judges the proxy's legs at the NIC holding its address, not the whole subnet", () => {
    // Only the proxy VM's own NSG blocks its way out; another NIC of the subnet could reach Azure.
    const report = withProxy([...SEED_RULES])
      .nsg("nsg-proxy-vm", [{ name: "Deny443Out", priority: 100, direction: "Outbound", access: "Deny", dst: "*", ports: "443" }])
      .nic("proxy-vm", "hub/proxy", { ip: "10.0.5.4", nsg: "nsg-proxy-vm" })
      .nic("other-vm", "hub/proxy", { ip: "10.0.5.5" })
      .auditProfile(proxied);
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("Deny443Out");
  });

  it("warns when no NIC of the proxy's subnet in the input holds its address", () => {
    const report = withProxy([...SEED_RULES]).nic("other-vm", "hub/proxy", { ip: "10.0.5.5" }).auditProfile(proxied);
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("no NIC or scale set of hub/proxy in the input holds 10.0.5.4");
  });

  // A private endpoint sends nothing and holds only its own address: a subnet whose only occupants in the input are
  // private endpoints (their NICs given or not) has no machine at the proxy's address, as a subnet of other NICs has not.
  const peInProxySubnet = (withNic: boolean) => {
    const pe = id("privateEndpoints", "pe-sta");
    const nic = id("networkInterfaces", "pe-sta.nic");
    const subnet = `${id("virtualNetworks", "hub")}/subnets/proxy`;
    const account = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sta`;
    return [
      { id: pe, name: "pe-sta", type: "Microsoft.Network/privateEndpoints", properties: { subnet: { id: subnet }, networkInterfaces: [{ id: nic }], customDnsConfigs: [{ fqdn: "sta.blob.core.windows.net", ipAddresses: ["10.0.5.9"] }], privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: account, groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }] } },
      ...(withNic ? [{ id: nic, name: "pe-sta.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: pe }, ipConfigurations: [{ name: "c", properties: { subnet: { id: subnet }, privateIPAddress: "10.0.5.9" } }] } }] : []),
    ];
  };

  for (const withNic of [false, true]) {
    it(`warns when the proxy's subnet holds only a private endpoint (its NIC ${withNic ? "given" : "not in the input"})`, () => {
      const report = withProxy([...SEED_RULES]).extra(...peInProxySubnet(withNic)).auditProfile(proxied);
      const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
      expect(arm.status).toBe("warn");
      expect(arm.detail).toContain("no NIC or scale set of hub/proxy in the input holds 10.0.5.4");
      // The onward leg is judged from the proxy's address, not the whole subnet.
      expect(arm.detail).not.toContain("holds 10.0.5.0/24");
    });
  }

  it("asks for a way between CycleCloud and the proxy only in the proxy address's family", () => {
    const b = spokeToHubProxy();
    // CycleCloud's subnet is dual-stack; the hub's peering has not synced the spoke's IPv6 space, so IPv6 has no way back.
    const value = b.resources() as { name: string; type: string; properties: { addressSpace: { addressPrefixes: string[] }; subnets: { name: string; properties: Record<string, unknown> }[] } }[];
    const spoke = value.find((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name === "spoke")!;
    // A new array: the hub's peering holds the old one, as a peering not yet synced does.
    spoke.properties.addressSpace.addressPrefixes = [...spoke.properties.addressSpace.addressPrefixes, "fd00:1::/48"];
    const cc = spoke.properties.subnets.find((x) => x.name === "cc")!;
    cc.properties.addressPrefixes = ["10.1.0.0/24", "fd00:1::/64"];
    delete cc.properties.addressPrefix;
    const report = audit(loadSnapshot([{ name: "estate.json", value }]), parseProfile("profile.json", { roles: { cyclecloud: ["spoke/cc"] }, proxy: { address: "10.0.5.4", port: 3128 } }));
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("judges the proxy's way on from every address of its NIC, whichever family the profile names", () => {
    const nicId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/networkInterfaces/proxy-vm";
    const b = withProxy([...SEED_RULES]).addRule("nsg-cc", { name: "AllowProxyV6", priority: 101, direction: "Outbound", access: "Allow", dst: "fd00:5::4", ports: "3128" });
    const value = b.resources() as { id?: string; name: string; type: string; properties: Record<string, unknown> & { addressSpace: { addressPrefixes: string[] }; subnets: { id: string; name: string; properties: Record<string, unknown> }[] } }[];
    const hub = value.find((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name === "hub")!;
    hub.properties.addressSpace.addressPrefixes = ["10.0.0.0/16", "fd00:5::/48"];
    const proxySubnet = hub.properties.subnets.find((x) => x.name === "proxy")!;
    proxySubnet.properties.addressPrefixes = ["10.0.5.0/24", "fd00:5::/64"];
    delete proxySubnet.properties.addressPrefix;
    // CycleCloud must have the family of the address the profile names (an IPv6 proxy for an IPv4-only CycleCloud
    // subnet is bad input: server-placement.test.ts).
    const ccSubnet = hub.properties.subnets.find((x) => x.name === "cc")!;
    ccSubnet.properties.addressPrefixes = [ccSubnet.properties.addressPrefix as string, "fd00:5:0:1::/64"];
    delete ccSubnet.properties.addressPrefix;
    value.push({ id: nicId, name: "proxy-vm", type: "Microsoft.Network/networkInterfaces", properties: { ipConfigurations: [{ name: "v4", properties: { subnet: { id: proxySubnet.id }, privateIPAddress: "10.0.5.4" } }, { name: "v6", properties: { subnet: { id: proxySubnet.id }, privateIPAddress: "fd00:5::4", privateIPAddressVersion: "IPv6" } }] } } as never);
    const report = audit(loadSnapshot([{ name: "estate.json", value }]), parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "fd00:5::4", port: 3128 } }));
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    // Its IPv4 address leaves through default outbound access, so the service is reachable: not a fail.
    expect(arm.status).not.toBe("fail");
    expect(arm.detail).toContain("allowed by AllowAzureRM (103) in nsg-proxy");
  });

  it("an Azure Firewall as the proxy (explicit proxy) is not modelled: warn, never pass", () => {
    const report = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
      .subnet("hub/AzureFirewallSubnet", "10.0.9.0/26")
      .firewall("fw", "hub", "10.0.9.4", { policy: "fwp" })
      .policy("fwp", [])
      .nsg("nsg-cc", toProxyOnly("10.0.9.4", "8080"))
      .auditProfile({ roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "10.0.9.4", port: 8080 } });
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("Azure Firewall fw's explicit proxy, which this audit does not model");
  });

  it("fails when the proxy's VNet has no way back to CycleCloud", () => {
    const report = spokeToHubProxy("rt-proxy")
      .routeTable("rt-proxy", [{ name: "drop-spoke", prefix: "10.1.0.0/16", hop: "None" }])
      .auditProfile({ roles: { cyclecloud: ["spoke/cc"] }, proxy: { address: "10.0.5.4", port: 3128 } });
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("drop-spoke");
    expect(arm.evidence).toContainEqual(expect.objectContaining({ stage: "route", route: "drop-spoke" }));
  });
});

describe("storage private endpoints (CONTRACT §4.2)", () => {
  const peOnly = () =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" })
      .subnet("spoke/pe", "10.1.9.0/24")
      .nsg("nsg-cc", [{ name: "AllowVnet443", priority: 100, direction: "Outbound", access: "Allow", dst: "VirtualNetwork", ports: "443" }, { name: "BlockOutbound", priority: 4000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" }]);

  it("Storage reachable only through a private endpoint is a warning naming it", () => {
    const f = finding(peOnly().storagePrivateEndpoint("pe-st", "spoke/pe").audit({ cyclecloud: ["spoke/cc"] }), "spoke/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("reachable only through private endpoint pe-st to sthpc");
  });

  it("a private endpoint in a directly peered hub counts for the spoke", () => {
    const report = peOnly().vnet("hub", ["10.100.0.0/24"]).subnet("hub/pe", "10.100.0.0/26").peer("hub", "spoke").storagePrivateEndpoint("pe-hub", "hub/pe").audit({ cyclecloud: ["spoke/cc"] });
    expect(finding(report, "spoke/cc", "CC-EGRESS-STORAGE").detail).toContain("pe-hub");
  });
});

describe("CC-SE-STORAGE with private endpoints and storage accounts", () => {
  const base = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" }).subnet("spoke/pe", "10.1.9.0/24");

  it("a private endpoint the subnet's NSG blocks is a warning naming the blocking rule", () => {
    const report = base()
      .nsg("nsg-cc", [{ name: "DenyPeSubnet", priority: 100, direction: "Outbound", access: "Deny", dst: "10.1.9.0/24", ports: "443" }])
      .storagePrivateEndpoint("pe-st", "spoke/pe")
      .audit({ cyclecloud: ["spoke/cc"] });
    const f = finding(report, "spoke/cc", "CC-SE-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("DenyPeSubnet");
  });

  it("a service endpoint that no storage account admits helps nothing: warn", () => {
    const account = { id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/locker", name: "locker", type: "Microsoft.Storage/storageAccounts", properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", virtualNetworkRules: [] } } };
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { serviceEndpoints: [{ service: "Microsoft.Storage" }] }).extra(account).audit({ cyclecloud: ["spoke/cc"] });
    const f = finding(report, "spoke/cc", "CC-SE-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("locker (public network access disabled)");
  });
});
