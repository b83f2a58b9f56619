// Bad input in the path and placement types gives one line naming the file and the JSON path
// (CLI exit 2, HTTP 400), like every other input; and a load with no subnet is itself bad input.
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { loadSnapshot } from "@/lib/snapshot";
import { flattenResource } from "./flatten";
import { NET, anchorVnet } from "./small-estate";

const loadOne = (name: string, value: unknown) => messageOf(() => loadSnapshot([{ name, value }]));
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

const POLICY = `${NET}/firewallPolicies/fwp`;
const networkRule = { ruleType: "NetworkRule", name: "r", ipProtocols: ["TCP"], sourceAddresses: ["10.0.0.0/24"], destinationAddresses: ["AzureCloud"], destinationPorts: ["443"] };
const appRule = { ruleType: "ApplicationRule", name: "a", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: ["*"], targetFqdns: ["management.azure.com"] };
const group = (collection: Record<string, unknown>, groupProps: Record<string, unknown> = {}) => ({
  id: `${POLICY}/ruleCollectionGroups/g`,
  name: "g",
  type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
  properties: {
    priority: 200,
    ruleCollections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "c", priority: 300, action: { type: "Allow" }, rules: [networkRule], ...collection }],
    ...groupProps,
  },
});
const firewall = (collection: Record<string, unknown>) => ({
  id: `${NET}/azureFirewalls/fw`,
  name: "fw",
  type: "Microsoft.Network/azureFirewalls",
  properties: { networkRuleCollections: [{ name: "c", properties: { priority: 100, action: { type: "Allow" }, rules: [{ name: "r", protocols: ["TCP"], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["443"] }], ...collection } }] },
});
const RULE = `${NET}/networkManagers/m/securityAdminConfigurations/c/ruleCollections/rc/rules/r`;
const adminRule = (props: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  id: RULE,
  name: "r",
  type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
  kind: "Custom",
  properties: { priority: 10, direction: "Outbound", access: "Deny", protocol: "Tcp", sources: [{ addressPrefix: "*", addressPrefixType: "IPPrefix" }], destinations: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }], destinationPortRanges: ["443"], ...props },
  ...top,
});

describe("route tables", () => {
  const table = (route: Record<string, unknown>) => [
    anchorVnet,
    { id: `${NET}/routeTables/rt`, type: "Microsoft.Network/routeTables", properties: { routes: [{ name: "x", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", ...route } }] } },
  ];
  it("rejects an unknown next-hop type and a bad prefix, accepting Azure's five in any case", () => {
    expect(loadOne("rt.json", table({ nextHopType: "Firewall" }))).toBe(
      'rt.json: [1].properties.routes[0].properties.nextHopType: expected one of VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None, got "Firewall"',
    );
    expect(loadOne("rt.json", table({ addressPrefix: "10.0.0.0/40" }))).toBe('rt.json: [1].properties.routes[0].properties.addressPrefix: expected a CIDR or a service tag, got "10.0.0.0/40"');
    for (const hop of ["virtualnetworkgateway", "VnetLocal", "INTERNET", "None"]) {
      expect(() => loadSnapshot([{ name: "rt.json", value: table({ nextHopType: hop }) }]), hop).not.toThrow();
    }
  });
});

describe("IP address fields", () => {
  // Every address the readers take must be one address: read as text, "10.10.0.999" became a next hop or a target
  // no packet reaches, and a verdict built on it (a route to it blackholed, a firewall with it never reached).
  const IP = "expected an IP address such as 10.0.0.4, got";
  const rt = (hop: unknown) => [anchorVnet, { id: `${NET}/routeTables/rt`, type: "Microsoft.Network/routeTables", properties: { routes: [{ name: "x", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: hop } }] } }];
  const fw = (props: Record<string, unknown>) => [anchorVnet, { id: `${NET}/azureFirewalls/fw`, name: "fw", type: "Microsoft.Network/azureFirewalls", properties: props }];
  const ipConfig = (address: unknown) => ({ ipConfigurations: [{ name: "c", properties: { privateIPAddress: address, subnet: { id: `${NET}/virtualNetworks/anchor/subnets/AzureFirewallSubnet` } } }] });

  it("refuses a route's next hop, a firewall's private or hub address that is not an IP address, naming file and field", () => {
    expect(loadOne("rt.json", rt("10.10.0.999"))).toBe(`rt.json: [1].properties.routes[0].properties.nextHopIpAddress: ${IP} "10.10.0.999"`);
    expect(loadOne("rt.json", rt("10.0.0.4/32"))).toBe(`rt.json: [1].properties.routes[0].properties.nextHopIpAddress: ${IP} "10.0.0.4/32"`);
    expect(loadOne("fw.json", fw(ipConfig("nope")))).toBe(`fw.json: [1].properties.ipConfigurations[0].properties.privateIPAddress: ${IP} "nope"`);
    expect(loadOne("fw.json", fw({ hubIPAddresses: { privateIPAddress: "10.0.0.256" } }))).toBe(`fw.json: [1].properties.hubIPAddresses.privateIPAddress: ${IP} "10.0.0.256"`);
    // The flattened form `az` prints, with its own spelling.
    const flat = flattenResource(clone(fw(ipConfig("10.0.0.4"))[1])) as { ipConfigurations: Record<string, unknown>[] };
    flat.ipConfigurations[0].privateIpAddress = "10.0.0.x";
    delete flat.ipConfigurations[0].privateIPAddress;
    expect(loadOne("fw.json", [anchorVnet, flat])).toBe(`fw.json: [1].ipConfigurations[0].privateIpAddress: ${IP} "10.0.0.x"`);
    // IPv6 is an address; unset (null, "", absent) is refused with VirtualAppliance (route-next-hop.test.ts), stays unset with other types.
    for (const hop of [" 10.0.0.4 ", "fd00::4"]) expect(() => loadSnapshot([{ name: "rt.json", value: rt(hop) }]), String(hop)).not.toThrow();
    const internet = (hop: unknown) => rt(hop).map((r, i) => (i === 1 ? JSON.parse(JSON.stringify(r).replace('"VirtualAppliance"', '"Internet"')) : r));
    for (const hop of [null, "", undefined]) expect(() => loadSnapshot([{ name: "rt.json", value: internet(hop) }]), String(hop)).not.toThrow();
  });

  it("checks public IPs, load balancer frontends, policy DNS servers and Virtual WAN static routes the same way", () => {
    const pip = { id: `${NET}/publicIPAddresses/pip`, type: "Microsoft.Network/publicIPAddresses", properties: { ipAddress: "20.1.2.300" } };
    expect(loadOne("pip.json", [anchorVnet, pip])).toBe(`pip.json: [1].properties.ipAddress: ${IP} "20.1.2.300"`);
    const lb = { id: `${NET}/loadBalancers/lb`, type: "Microsoft.Network/loadBalancers", properties: { frontendIPConfigurations: [{ name: "fe", properties: { privateIPAddress: "10.0.0.1000" } }] } };
    expect(loadOne("lb.json", [anchorVnet, lb])).toBe(`lb.json: [1].properties.frontendIPConfigurations[0].properties.privateIPAddress: ${IP} "10.0.0.1000"`);
    const policy = { id: POLICY, type: "Microsoft.Network/firewallPolicies", properties: { dnsSettings: { enableProxy: true, servers: ["10.0.0.4", "dns.contoso"] } } };
    expect(loadOne("fwp.json", [anchorVnet, policy])).toBe(`fwp.json: [1].properties.dnsSettings.servers[1]: ${IP} "dns.contoso"`);
    const connection = { id: `${NET}/virtualHubs/h/hubVirtualNetworkConnections/c`, type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", properties: { remoteVirtualNetwork: { id: `${NET}/virtualNetworks/anchor` }, routingConfiguration: { vnetRoutes: { staticRoutes: [{ name: "s", addressPrefixes: ["10.9.0.0/16"], nextHopIpAddress: "10.1.0.4.5" }] } } } };
    expect(loadOne("hub.json", [anchorVnet, connection])).toBe(`hub.json: [1].properties.routingConfiguration.vnetRoutes.staticRoutes[0].nextHopIpAddress: ${IP} "10.1.0.4.5"`);
  });
});

describe("list fields every listing prints", () => {
  it("refuses a route table without routes and a rule collection group without ruleCollections, null or absent", () => {
    const why = (listing: string, field: string) => `${listing} always prints ${field} (an array, [] when there are none); a file without it was truncated or edited`;
    const rt = (props: Record<string, unknown> | null) => [anchorVnet, { id: `${NET}/routeTables/rt`, type: "Microsoft.Network/routeTables", properties: props }];
    expect(loadOne("rt.json", rt({ routes: null }))).toBe(`rt.json: [1].properties.routes: expected an array, got null: ${why("az network route-table list", "routes")}`);
    expect(loadOne("rt.json", rt({ disableBgpRoutePropagation: false }))).toBe(`rt.json: [1].properties.routes: missing: ${why("az network route-table list", "routes")}`);
    expect(loadOne("rt.json", rt(null))).toBe(`rt.json: [1].properties: expected an object holding routes, got null: ${why("az network route-table list", "routes")}`);
    expect(() => loadSnapshot([{ name: "rt.json", value: rt({ routes: [] }) }])).not.toThrow();
    const g = group({});
    delete (g.properties as Record<string, unknown>).ruleCollections;
    expect(loadOne("fwp.json", [anchorVnet, g])).toBe(`fwp.json: [1].properties.ruleCollections: missing: ${why("az network firewall policy rule-collection-group list", "ruleCollections")}`);
  });
});

describe("firewall rule collections", () => {
  it("rejects a priority outside 100-65000 or not an integer, in groups and collections", () => {
    const at = "fwp.json: [1].properties.ruleCollections[0]";
    expect(loadOne("fwp.json", [anchorVnet, group({ priority: 99 })])).toBe(`${at}.priority: expected 100-65000, got 99`);
    expect(loadOne("fwp.json", [anchorVnet, group({ priority: "300" })])).toBe(`${at}.priority: expected 100-65000, got "300"`);
    expect(loadOne("fwp.json", [anchorVnet, group({ priority: 300.5 })])).toBe(`${at}.priority: expected 100-65000, got 300.5`);
    expect(loadOne("fwp.json", [anchorVnet, group({}, { priority: 70000 })])).toBe("fwp.json: [1].properties.priority: expected 100-65000, got 70000");
    expect(loadOne("fwp.json", [anchorVnet, flattenResource(group({ priority: 65001 }))])).toBe("fwp.json: [1].ruleCollections[0].priority: expected 100-65000, got 65001");
  });

  it("reads a policy's SNAT private ranges (CIDRs or IANAPrivateRanges) and names a bad one", () => {
    const policy = (privateRanges: unknown[]) => ({ id: POLICY, name: "fwp", type: "Microsoft.Network/firewallPolicies", properties: { snat: { privateRanges } } });
    const read = loadSnapshot([{ name: "fwp.json", value: [anchorVnet, policy(["IANAPrivateRanges", "203.0.113.0/24"])] }]);
    expect(read.firewallPolicies?.get(POLICY.toLowerCase())?.snatPrivateRanges).toEqual(["IANAPrivateRanges", "203.0.113.0/24"]);
    expect(loadOne("fwp.json", [anchorVnet, policy(["Internet"])])).toBe('fwp.json: [1].properties.snat.privateRanges[0]: expected a CIDR or IANAPrivateRanges, got "Internet"');
  });

  it("requires a classic collection with rules to have a priority and Allow or Deny", () => {
    const at = "fw.json: [1].properties.networkRuleCollections[0].properties";
    expect(loadOne("fw.json", [anchorVnet, firewall({ priority: undefined })])).toBe(`${at}.priority: expected 100-65000, got nothing`);
    expect(loadOne("fw.json", [anchorVnet, firewall({ action: { type: "Block" } })])).toBe(`${at}.action.type: expected Allow, Deny or DNAT, got "Block"`);
    expect(loadOne("fw.json", [anchorVnet, firewall({ action: undefined })])).toBe(`${at}.action.type: expected Allow or Deny, got nothing`);
  });

  it("names the rule field at fault: ports, protocols, addresses, rule types", () => {
    const at = "fwp.json: [1].properties.ruleCollections[0]";
    const withRule = (rule: Record<string, unknown>) => [anchorVnet, group({ rules: [{ ...networkRule, ...rule }] })];
    expect(loadOne("fwp.json", withRule({ destinationPorts: ["443", "70000"] }))).toBe(`${at}.rules[0].destinationPorts[1]: expected a port 0-65535, a range N-M or *, got "70000"`);
    expect(loadOne("fwp.json", withRule({ destinationPorts: ["1-2-3"] }))).toBe(`${at}.rules[0].destinationPorts[0]: expected a port 0-65535, a range N-M or *, got "1-2-3"`);
    expect(loadOne("fwp.json", withRule({ ipProtocols: ["HTTP"] }))).toBe(`${at}.rules[0].ipProtocols[0]: expected one of TCP, UDP, ICMP, Any, got "HTTP"`);
    expect(loadOne("fwp.json", withRule({ destinationAddresses: ["10.0.0.0/33"] }))).toBe(
      `${at}.rules[0].destinationAddresses[0]: expected *, an IP address, a CIDR, a range a-b or a service tag, got "10.0.0.0/33"`,
    );
    expect(loadOne("fwp.json", withRule({ ruleType: "L7Rule" }))).toBe(`${at}.rules[0].ruleType: expected NetworkRule, ApplicationRule or NatRule, got "L7Rule"`);
    expect(loadOne("fwp.json", withRule({ ruleType: undefined }))).toBe(`${at}.rules[0].ruleType: expected NetworkRule, ApplicationRule or NatRule, got nothing`);
    expect(loadOne("fwp.json", [anchorVnet, group({ rules: [{ ...appRule, protocols: [{ protocolType: "Ftp", port: 21 }] }] })])).toBe(
      `${at}.rules[0].protocols[0].protocolType: expected Http, Https or Mssql, got "Ftp"`,
    );
    expect(loadOne("fwp.json", [anchorVnet, group({ rules: [{ ...appRule, ruleType: "NatRule" }] })])).toBe(`${at}.rules[0].ruleType: a NatRule belongs in a FirewallPolicyNatRuleCollection`);
    expect(loadOne("fwp.json", [anchorVnet, group({ action: undefined })])).toBe(`${at}.action.type: expected Allow or Deny, got nothing`);
    expect(loadOne("fwp.json", [anchorVnet, group({ ruleCollectionType: "FirewallPolicyOtherCollection" })])).toBe(
      `${at}.ruleCollectionType: expected FirewallPolicyFilterRuleCollection or FirewallPolicyNatRuleCollection, got "FirewallPolicyOtherCollection"`,
    );
  });

  it("reads ranges, tags and both rule kinds of one collection in Azure's order (network first)", () => {
    const snapshot = loadSnapshot([{ name: "fwp.json", value: [anchorVnet, group({ rules: [appRule, { ...networkRule, sourceAddresses: ["10.0.0.1-10.0.0.9"] }] })] }]);
    const [network, application] = [...snapshot.ruleCollectionGroups!.values()][0].ruleCollections;
    expect([network.kind, application.kind]).toEqual(["network", "application"]);
    expect(network.rules[0]).toMatchObject({ sourceAddresses: ["10.0.0.1-10.0.0.9"], destinationAddresses: ["AzureCloud"] });
  });
});

describe("admin rules", () => {
  const at = "avnm.json: [1].properties";
  it("rejects a priority outside 1-4096, an unknown access, protocol or kind", () => {
    expect(loadOne("avnm.json", [anchorVnet, adminRule({ priority: 0 })])).toBe(`${at}.priority: expected 1-4096, got 0`);
    expect(loadOne("avnm.json", [anchorVnet, adminRule({ priority: 4097 })])).toBe(`${at}.priority: expected 1-4096, got 4097`);
    expect(loadOne("avnm.json", [anchorVnet, adminRule({ access: "Block" })])).toBe(`${at}.access: expected Allow, Deny or AlwaysAllow, got "Block"`);
    expect(loadOne("avnm.json", [anchorVnet, adminRule({ protocol: "Gre" })])).toBe(`${at}.protocol: expected one of Tcp, Udp, Icmp, Esp, Ah, Any, got "Gre"`);
    expect(loadOne("avnm.json", [anchorVnet, adminRule({ destinationPortRanges: ["443-80"] })])).toBe(`${at}.destinationPortRanges[0]: expected a port 0-65535, a range N-M or *, got "443-80"`);
    expect(loadOne("avnm.json", [anchorVnet, adminRule({}, { kind: "Other" })])).toBe('avnm.json: [1].kind: expected Custom or Default, got "Other"');
    expect(loadOne("avnm.json", [anchorVnet, flattenResource(adminRule({ access: "Permit" }))])).toBe('avnm.json: [1].access: expected Allow, Deny or AlwaysAllow, got "Permit"');
  });

  it("maps Any to * and AlwaysAllow as written, in any case", () => {
    const rule = [...loadSnapshot([{ name: "a.json", value: [anchorVnet, adminRule({ protocol: "any", access: "alwaysallow", sources: [] })] }]).adminRules!.values()][0];
    expect(rule).toMatchObject({ protocol: "*", access: "AlwaysAllow", sources: ["*"], sourcePortRanges: ["*"] });
  });
});

describe("placement types", () => {
  it("rejects a bad orchestration mode, storage default action and a static member without its VNet", () => {
    const vmss = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/x", type: "Microsoft.Compute/virtualMachineScaleSets", properties: { orchestrationMode: "Mixed" } };
    expect(loadOne("vmss.json", [anchorVnet, vmss])).toBe('vmss.json: [1].properties.orchestrationMode: expected Uniform or Flexible, got "Mixed"');
    const account = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st", type: "Microsoft.Storage/storageAccounts", properties: { networkAcls: { defaultAction: "Maybe" } } };
    expect(loadOne("st.json", [anchorVnet, account])).toBe('st.json: [1].properties.networkAcls.defaultAction: expected Allow or Deny, got "Maybe"');
    const member = { id: `${NET}/networkManagers/m/networkGroups/g/staticMembers/x`, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: {} };
    expect(loadOne("members.json", [anchorVnet, member])).toBe("members.json: [1].properties.resourceId: expected a string, got nothing");
    const nic = clone(vmss) as Record<string, unknown>;
    nic.sku = { capacity: "two" };
    delete (nic.properties as Record<string, unknown>).orchestrationMode;
    expect(loadOne("vmss.json", { value: [anchorVnet, nic] })).toBe('vmss.json: value[1].sku.capacity: expected a number, got "two"');
  });
});

describe("a load with nothing to audit", () => {
  const nsg = { id: `${NET}/networkSecurityGroups/n`, type: "Microsoft.Network/networkSecurityGroups", properties: { securityRules: [] } };
  it("names the file, or the first of the files, and what to add", () => {
    expect(loadOne("nsgs.json", [nsg])).toBe("nsgs.json: no virtual networks or subnets in this file; add `az network vnet list -o json`");
    expect(messageOf(() => loadSnapshot([{ name: "nsgs.json", value: [nsg] }, { name: "empty.json", value: [] }]))).toBe(
      "nsgs.json: no virtual networks or subnets in these files (nsgs.json, empty.json); add `az network vnet list -o json`",
    );
    expect(loadOne("saved.json", { resources: [] })).toBe("saved.json: no virtual networks or subnets in this file; add `az network vnet list -o json`");
    const bare = { ...clone(anchorVnet), properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [] } };
    expect(loadOne("vnets.json", [bare])).toBe("vnets.json: no subnets in this file: the virtual networks listed have none");
  });

  it("is satisfied by a standalone subnet alone", () => {
    const subnet = { id: `${NET}/virtualNetworks/v/subnets/s`, type: "Microsoft.Network/virtualNetworks/subnets", properties: { addressPrefix: "10.0.0.0/24" } };
    expect(loadSnapshot([{ name: "subnets.json", value: [subnet] }]).subnets.size).toBe(1);
  });
});
