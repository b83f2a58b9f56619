// The resource types that decide a packet's path (§4.1) and where rules and nodes live (§4.2):
// Microsoft's own example payloads and the handed cases load, in the ARM and the flattened form,
// into the model the engine reads; derived fields and input gaps are what the input implies.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "@/lib/model/types";
import { loadSnapshot, parseJsonFile } from "@/lib/snapshot";
import { UNSET_COLLECTION_PRIORITY } from "@/lib/snapshot/read-firewall";
import { MAX_UNRESOLVED } from "@/lib/snapshot/gaps";
import { flattenResource } from "./flatten";
import { NET, anchorVnet, withoutArmProperties } from "./small-estate";

const SPECS = "/work/shared/arm-examples/specs";
const CASES = "/work/shared/cases";
const readSpec = (file: string) => parseJsonFile(file, readFileSync(path.join(SPECS, file), "utf8"));
/** The named example files, each with the anchor VNet, in the ARM form or flattened as az prints it. */
const loadSpecs = (files: string[], flat = false): Snapshot =>
  loadSnapshot([...files.map((f) => ({ name: f, value: flat ? flattenResource(readSpec(f)) : readSpec(f) })), { name: "vnets.json", value: [anchorVnet] }]);
const first = <T>(map: Map<string, T> | undefined): T => [...map!.values()][0];
const lower = (s: string) => s.toLowerCase();
/** The gaps with each ref lower-cased, to compare with model keys (refs keep the input's spelling). */
const gapsByKey = (snapshot: Snapshot) => snapshot.gaps!.unresolved.map((u) => ({ ...u, ref: lower(u.ref) }));
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe.each([false, true])("example payloads (flattened: %s)", (flat) => {
  it("classic Azure Firewall: next-hop address, subnets, public IPs, management config and both rule kinds", () => {
    const firewall = first(loadSpecs(["AzureFirewallListBySubscription.json"], flat).firewalls);
    expect(firewall).toMatchObject({
      name: "azurefirewall",
      privateIpAddresses: ["10.0.0.0"],
      subnetKeys: [lower("/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet2/subnets/AzureFirewallSubnet")],
      publicIpKeys: [lower("/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/pipName")],
      hasManagementIpConfiguration: true,
      threatIntelMode: "Alert",
    });
    expect(firewall.policyKey).toBeUndefined();
    expect(firewall.networkRuleCollections).toEqual([
      {
        name: "netrulecoll",
        priority: 112,
        action: "Deny",
        kind: "network",
        rules: [
          { kind: "network", name: "L4-traffic", protocols: ["TCP"], sourceAddresses: ["192.168.1.1-192.168.1.12", "10.1.4.12-10.1.4.255"], sourceIpGroupKeys: [], destinationAddresses: ["*"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["443-444", "8443"] },
          { kind: "network", name: "L4-traffic-with-FQDN", protocols: ["TCP"], sourceAddresses: ["10.2.4.12-10.2.4.255"], sourceIpGroupKeys: [], destinationAddresses: [], destinationIpGroupKeys: [], destinationFqdns: ["www.amazon.com"], destinationPorts: ["443-444", "8443"] },
        ],
      },
    ]);
    expect(firewall.applicationRuleCollections[0]).toMatchObject({ name: "apprulecoll", priority: 110, action: "Deny", kind: "application" });
    expect(firewall.applicationRuleCollections[0].rules[0]).toMatchObject({ protocols: [{ type: "Https", port: 443 }], targetFqdns: ["www.test.com"] });
  });

  it("secured-hub firewall: the hub's private IP, its policy and hub, and the policy reported missing", () => {
    const snapshot = loadSpecs(["AzureFirewallPutInHub.json"], flat);
    const firewall = first(snapshot.firewalls);
    expect(firewall).toMatchObject({ skuName: "AZFW_Hub", privateIpAddresses: ["10.0.0.0"], hasManagementIpConfiguration: false });
    expect(firewall.policyKey).toMatch(/firewallpolicies\/policy1$/);
    expect(firewall.virtualHubKey).toMatch(/virtualhubs\/hub1$/);
    expect(gapsByKey(snapshot)).toContainEqual({ from: firewall.id, kind: "firewallPolicy", ref: firewall.policyKey, hint: "add `az network firewall policy list`" });
  });

  it("firewall policy: DNS proxy, tier, threat intelligence, groups; a group not given names the listing that supplies it", () => {
    const snapshot = loadSpecs(["FirewallPolicyGet.json"], flat);
    const policy = first(snapshot.firewallPolicies);
    expect(policy).toMatchObject({ name: "firewallPolicy", dnsProxyEnabled: true, tier: "Premium", threatIntelMode: "Alert" });
    expect(policy.ruleCollectionGroupKeys).toEqual([`${policy.key}/rulecollectiongroups/rulecollectiongroup1`]);
    expect(gapsByKey(snapshot)).toContainEqual({
      from: policy.id,
      kind: "ruleCollectionGroup",
      ref: policy.ruleCollectionGroupKeys[0],
      hint: "add `az network firewall policy rule-collection-group list --policy-name firewallPolicy -g rg1`",
    });
    // Given the group, nothing is missing any more.
    const withGroup = loadSpecs(["FirewallPolicyGet.json", "FirewallPolicyNatRuleCollectionGroupGet.json"], flat);
    expect(withGroup.gaps!.unresolved.filter((u) => u.kind === "ruleCollectionGroup")).toEqual([]);
  });

  it("rule collection groups: the policy from the id, filter and NAT collections, every rule kind", () => {
    const group = first(loadSpecs(["FirewallPolicyRuleCollectionGroupGet.json"], flat).ruleCollectionGroups);
    expect(group).toMatchObject({ name: "ruleCollectionGroup1", priority: 110, policyKey: lower("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/firewallPolicy") });
    expect(group.ruleCollections).toEqual([
      {
        name: "Example-Filter-Rule-Collection",
        priority: 200,
        action: "Deny",
        kind: "network",
        rules: [{ kind: "network", name: "network-rule1", protocols: ["TCP"], sourceAddresses: ["10.1.25.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["*"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["*"] }],
        // The collection as read, for fixes that redeploy the whole group (lib/fixes/firewall-groups.ts).
        raw: expect.objectContaining({ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "Example-Filter-Rule-Collection", priority: 200 }),
      },
    ]);
    const nat = first(loadSpecs(["FirewallPolicyNatRuleCollectionGroupGet.json"], flat).ruleCollectionGroups);
    expect(nat.ruleCollections).toEqual([
      { name: "NatRC", priority: 100, action: "Dnat", kind: "nat", rules: [{ kind: "nat", name: "NatRule1" }], raw: expect.objectContaining({ rules: [expect.objectContaining({ translatedFqdn: "internalhttpserver", translatedPort: "8080" })] }) },
    ]);
    const web = first(loadSpecs(["FirewallPolicyRuleCollectionGroupWithWebCategoriesGet.json"], flat).ruleCollectionGroups);
    expect(web.ruleCollections[0]).toMatchObject({ kind: "application", rules: [{ webCategories: ["Hacking"], protocols: [{ type: "Https", port: 443 }] }] });
    // Microsoft's example has a filter collection with rules and no priority: accepted, sorted last.
    const headers = first(loadSpecs(["FirewallPolicyRuleCollectionGroupWithHttpHeadersToInsert.json"], flat).ruleCollectionGroups);
    expect(headers.ruleCollections[0]).toMatchObject({ priority: UNSET_COLLECTION_PRIORITY, action: "Allow", kind: "application", rules: [{ fqdnTags: ["WindowsVirtualDesktop"], protocols: [{ type: "Http", port: 80 }] }] });
    // Fields the audit does not read are kept as read, and the missing priority stays missing there.
    const raw = headers.ruleCollections[0].raw as { priority?: number; rules: Record<string, unknown>[] };
    expect(raw.priority).toBeUndefined();
    expect(raw.rules[0]).toMatchObject({ description: "Insert trusted tenants header", httpHeadersToInsert: [{ headerName: "Restrict-Access-To-Tenants", headerValue: "contoso.com,fabrikam.onmicrosoft.com" }] });
  });

  it("IP groups: a rule's reference matches by id, else by name in the same subscription; the rest is a gap", () => {
    // The group example has no `type` and the old `ruleGroups` name in its id; its IP group ids
    // name another resource group than the IP group example does.
    const snapshot = loadSpecs(["FirewallPolicyRuleCollectionGroupWithIpGroupsGet.json", "IpGroupsGet.json"], flat);
    const ipGroup = first(snapshot.ipGroups);
    expect(ipGroup.ipAddresses).toEqual(["13.64.39.16/32", "40.74.146.80/31", "40.74.147.32/28"]);
    const rule = first(snapshot.ruleCollectionGroups).ruleCollections[0].rules[0];
    expect(rule.kind === "network" && rule.sourceIpGroupKeys).toEqual([ipGroup.key]);
    const written = "/subscriptions/subid/providers/Microsoft.Network/resourceGroup/rg1/ipGroups/ipGroups2";
    expect(rule.kind === "network" && rule.destinationIpGroupKeys).toEqual([lower(written)]);
    // The gap names it as the input wrote it, not by its lower-cased key.
    expect(snapshot.gaps!.unresolved.filter((u) => u.kind === "ipGroup").map((u) => u.ref)).toEqual([written]);
  });

  it("outbound path: NAT gateway, public IP, load balancer frontends, pools and outbound rules", () => {
    const snapshot = loadSpecs(["NatGatewayGet.json", "PublicIpAddressGet.json", "LoadBalancerCreateWithOutboundRules.json"], flat);
    expect(first(snapshot.natGateways)).toMatchObject({
      publicIpKeys: [lower("/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/PublicIpAddress1")],
      publicIpPrefixKeys: [lower("/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/publicIPPrefixes/PublicIpPrefix1")],
    });
    expect(first(snapshot.publicIps).ipConfigurationKey).toMatch(/networkinterfaces\/testdns649\/ipconfigurations\/ipconfig1$/);
    const lb = first(snapshot.loadBalancers);
    expect(lb.sku).toBe("Standard");
    expect(lb.frontendIpConfigurations).toEqual([{ key: `${lb.key}/frontendipconfigurations/fe-lb`, name: "fe-lb", publicIpKey: expect.stringMatching(/publicipaddresses\/pip$/) }]);
    expect(lb.backendPoolKeys).toEqual([`${lb.key}/backendaddresspools/be-lb`]);
    expect(lb.outboundRules).toEqual([{ name: "rule1", frontendKeys: [`${lb.key}/frontendipconfigurations/fe-lb`], backendPoolKey: `${lb.key}/backendaddresspools/be-lb`, protocol: "All" }]);
  });

  it("scale set instance NICs (az vmss nic list): read as NICs of their scale set, with public IP, pools and forwarding", () => {
    const nics = [...loadSpecs(["VmssNetworkInterfaceList.json"], flat).nics.values()];
    expect(nics).toHaveLength(2);
    const scaleSetKey = lower("/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1");
    for (const nic of nics) {
      expect(nic).toMatchObject({ scaleSetKey, enableIpForwarding: false, nsgKey: expect.stringMatching(/nsg1$/), virtualMachineKey: expect.stringContaining(`${scaleSetKey}/virtualmachines/`) });
      expect(nic.ipConfigurations[0].lbBackendPoolKeys).toEqual([expect.stringMatching(/loadbalancers\/lb1\/backendaddresspools\/addresspool1$/)]);
      expect(nic.ipConfigurations[0].publicIpKey).toMatch(/publicipaddresses\/pub1$/);
    }
    expect(nics.map((n) => n.ipConfigurations[0].privateIpAddress)).toEqual(["10.0.0.4", "10.0.0.5"]);
  });

  it("Virtual Network Manager: groups with static members, rule collections, Custom and Default rules", () => {
    const snapshot = loadSpecs(
      ["NetworkManagerGet.json", "NetworkManagerGroupGet.json", "NetworkManagerStaticMemberList.json", "NetworkManagerSecurityAdminConfigurationGet.json", "NetworkManagerAdminRuleCollectionGet.json", "NetworkManagerAdminRuleGet.json", "NetworkManagerDefaultAdminRuleGet.json"],
      flat,
    );
    const manager = first(snapshot.networkManagers);
    const group = first(snapshot.networkGroups);
    expect(group).toMatchObject({ name: "testNetworkGroup", networkManagerKey: manager.key, memberVnetKeys: [lower("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/virtualnetworks/vnet1")] });
    const collection = first(snapshot.adminRuleCollections);
    expect(collection).toMatchObject({ name: "testRuleCollection", networkManagerKey: manager.key, configurationName: "myTestSecurityConfig", appliesToGroupKeys: [`${manager.key}/networkgroups/testgroup`] });
    expect(collection.configurationKey).toBe(`${manager.key}/securityadminconfigurations/mytestsecurityconfig`);
    const rules = [...snapshot.adminRules!.values()];
    expect(rules.map((r) => [r.name, r.kind, r.collectionKey])).toEqual([
      ["SampleAdminRule", "Custom", collection.key],
      ["SampleDefaultAdminRule", "Default", collection.key],
    ]);
    expect(rules[0]).toMatchObject({ priority: 1, direction: "Inbound", access: "Deny", protocol: "Tcp", sources: ["*"], destinations: ["*"], sourcePortRanges: ["0-65535"], destinationPortRanges: ["22"] });
    // The collection names a group the input does not hold.
    expect(gapsByKey(snapshot)).toContainEqual(expect.objectContaining({ kind: "networkGroup", ref: `${manager.key}/networkgroups/testgroup` }));
  });

  it("effective admin rules list: each entry a rule, its collection's groups from the entry", () => {
    const snapshot = loadSpecs(["NetworkManagerEffectiveSecurityAdminRulesList.json"], flat);
    const rule = first(snapshot.adminRules);
    expect(rule).toMatchObject({ name: "SampleAdminRule", kind: "Default", access: "Deny" });
    expect(snapshot.adminRuleCollections!.get(rule.collectionKey)!.appliesToGroupKeys).toEqual([expect.stringMatching(/networkgroups\/group1$/)]);
  });

  it("storage account network rules, private DNS zones and links, private endpoint NICs and addresses", () => {
    const snapshot = loadSpecs(["StorageAccountGetProperties.json", "PrivateZoneGet.json", "VirtualNetworkLinkList.json", "PrivateEndpointGetWithASG.json"], flat);
    expect(first(snapshot.storageAccounts)).toMatchObject({ name: "sto8596", defaultAction: "Allow", virtualNetworkRules: [] });
    const zones = [...snapshot.privateDnsZones!.values()];
    expect(zones.map((z) => z.name)).toEqual(["privatezone1.com", "privatelink.contoso.com"]);
    expect(zones[1].links).toEqual([
      // resolutionPolicy as the spec's list gives it (NxDomainRedirect: a name the zone lacks falls back to public DNS).
      { name: "virtualNetworkLink1", vnetKey: expect.stringMatching(/virtualnetworks\/virtualnetworkname$/), state: "Completed", resolutionPolicy: "NxDomainRedirect" },
      { name: "virtualNetworkLink2", vnetKey: expect.stringMatching(/virtualnetworks\/virtualnetworkname$/), state: "InProgress", resolutionPolicy: "Default" },
    ]);
    const endpoint = first(snapshot.privateEndpoints);
    expect(endpoint).toMatchObject({ ipAddresses: ["192.168.0.4", "192.168.0.5"], fqdns: ["abc.cosmos.com", "abc2.cosmos.com"], nicKeys: [expect.stringMatching(/testpe\.nic\.abcd1234$/)] });
    expect(snapshot.gaps!.unresolved).toContainEqual(expect.objectContaining({ from: endpoint.id, kind: "networkInterface", hint: "add `az network nic list`" }));
  });

  it("subnet service endpoint policies", () => {
    const subnet = [...loadSpecs(["VirtualNetworkCreateServiceEndpointPolicy.json"], flat).subnets.values()][0];
    expect(subnet.serviceEndpointPolicyKeys).toEqual([expect.stringMatching(/serviceendpointpolicies\/serviceendpointpolicy1$/)]);
  });
});

describe("every example payload", () => {
  it("loads with the model's maps all set, the same in both forms", () => {
    // az's effective route table without the NIC's id is refused (test/snapshot/load-snapshot.test.ts).
    for (const file of readdirSync(SPECS).filter((f) => f !== "NetworkInterfaceEffectiveRouteTableList.json")) {
      const arm = loadSpecs([file]);
      for (const field of ["natGateways", "publicIps", "loadBalancers", "firewalls", "firewallPolicies", "ruleCollectionGroups", "ipGroups", "scaleSets", "networkManagers", "networkGroups", "adminRuleCollections", "adminRules", "storageAccounts", "privateDnsZones"] as const) {
        expect(arm[field], `${file} ${field}`).toBeInstanceOf(Map);
      }
      expect(arm.gaps, file).toBeDefined();
      expect(withoutArmProperties(loadSpecs([file], true)), file).toEqual(withoutArmProperties(arm));
    }
  });
});

describe("the handed cases", () => {
  const loadCase = (name: string, flat = false) => {
    const value = parseJsonFile("snapshot.json", readFileSync(path.join(CASES, name, "snapshot.json"), "utf8"));
    return loadSnapshot([{ name: "snapshot.json", value: flat ? flattenResource(value) : value }]);
  };

  it("every case folder loads, in both forms, and reads every type it holds", () => {
    const names = readdirSync(CASES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      const snapshot = loadCase(name);
      expect(snapshot.subnets.size, name).toBeGreaterThan(0);
      expect(snapshot.gaps!.ignoredTypes, name).toEqual(new Map());
      expect(withoutArmProperties(loadCase(name, true)), name).toEqual(withoutArmProperties(snapshot));
    }
  });

  it("admin-rule-denies-443: the spoke is a static member of the group the deny rule's collection applies to", () => {
    const snapshot = loadCase("admin-rule-denies-443");
    const vnetKey = first(snapshot.vnets).key;
    const group = first(snapshot.networkGroups);
    expect(group.memberVnetKeys).toEqual([vnetKey]);
    const collection = first(snapshot.adminRuleCollections);
    expect(collection).toMatchObject({ name: "rc-egress", configurationName: "sac-corp", appliesToGroupKeys: [group.key] });
    expect(first(snapshot.adminRules)).toMatchObject({ collectionKey: collection.key, kind: "Custom", priority: 10, direction: "Outbound", access: "Deny", protocol: "Tcp", destinations: ["Internet"], destinationPortRanges: ["443"] });
    // The network manager itself is not in the input; its group and collection still are.
    expect(snapshot.networkManagers!.size).toBe(0);
    expect(group.networkManagerKey).toMatch(/networkmanagers\/avnm-corp$/);
  });

  it("firewall-policy-misses-arm: route to the firewall, its policy and group with the application rule", () => {
    const snapshot = loadCase("firewall-policy-misses-arm");
    const firewall = first(snapshot.firewalls);
    expect(firewall).toMatchObject({ privateIpAddresses: ["10.100.0.4"], skuName: "AZFW_VNet", policyKey: first(snapshot.firewallPolicies).key });
    const group = first(snapshot.ruleCollectionGroups);
    expect(group.policyKey).toBe(firewall.policyKey);
    expect(group.ruleCollections[0].rules[0]).toMatchObject({ kind: "application", targetFqdns: expect.arrayContaining(["login.microsoftonline.com"]) });
    expect(first(snapshot.routeTables).routes[0]).toMatchObject({ nextHopType: "VirtualAppliance", nextHopIpAddress: "10.100.0.4" });
    expect(first(snapshot.vnets).peerings[0]).toMatchObject({ allowForwardedTraffic: true });
    expect(snapshot.gaps!.unresolved).toEqual([]);
  });

  it("private-subnet-no-outbound and route-to-none: defaultOutboundAccess false, next hop None", () => {
    expect(first(loadCase("private-subnet-no-outbound").subnets).defaultOutboundAccess).toBe(false);
    expect(first(loadCase("route-to-none").routeTables).routes).toEqual([{ name: "drop-default", addressPrefix: "0.0.0.0/0", nextHopType: "None" }]);
  });

  it("scale-set-nic-nsg: a scale set scaled to zero places its NIC-level NSG in the compute subnet", () => {
    const snapshot = loadCase("scale-set-nic-nsg");
    const scaleSet = first(snapshot.scaleSets);
    expect(scaleSet).toMatchObject({ name: "hpc-nodes", orchestrationMode: "Uniform", capacity: 0 });
    expect(scaleSet.nicConfigurations).toEqual([
      { name: "node-nic", primary: true, nsgKey: first(snapshot.nsgs).key, ipConfigurations: [{ name: "ipconfig1", subnetKey: expect.stringMatching(/subnets\/snet-compute$/), asgKeys: [], lbBackendPoolKeys: [], hasPublicIp: false }] },
    ]);
    const compute = [...snapshot.subnets.values()].find((s) => s.name === "snet-compute")!;
    expect(compute.scaleSetKeys).toEqual([scaleSet.key]);
    expect([...snapshot.subnets.values()].find((s) => s.name === "snet-cyclecloud")!.scaleSetKeys).toBeUndefined();
  });
});

// Hand-built resources for fields no saved example shows.
const VNET = `${NET}/virtualNetworks/v`;
const SUBNET = `${VNET}/subnets/s`;
const vnetWith = (subnetProps: Record<string, unknown>, vnetProps: Record<string, unknown> = {}) => ({
  id: VNET,
  name: "v",
  type: "Microsoft.Network/virtualNetworks",
  properties: { addressSpace: { addressPrefixes: ["10.9.0.0/16"] }, subnets: [{ id: SUBNET, name: "s", properties: { addressPrefix: "10.9.0.0/24", ...subnetProps } }], ...vnetProps },
});
const loadAll = (...resources: unknown[]) => loadSnapshot([{ name: "in.json", value: resources }]);

describe("fields the engine needs that the examples do not show", () => {
  const nsgRef = { id: `${NET}/networkSecurityGroups/missing` };
  const vmssNic = `/subscriptions/s1/resourceGroups/rg-hpc/providers/Microsoft.Compute/virtualMachineScaleSets/nodes/virtualMachines/3/networkInterfaces/nic`;
  const subnetProps = {
    natGateway: { id: `${NET}/natGateways/ng` },
    defaultOutboundAccess: false,
    privateEndpointNetworkPolicies: "Disabled",
    networkSecurityGroup: nsgRef,
    ipConfigurations: [
      { id: `${NET}/networkInterfaces/vm1-nic/ipConfigurations/ipconfig1` },
      { id: `${vmssNic}/ipConfigurations/ip1` },
      { id: `${NET}/loadBalancers/lb/frontendIPConfigurations/fe` },
      { id: `${NET}/azureFirewalls/fw/azureFirewallIpConfigurations/c` },
    ],
  };

  it("subnet: NAT gateway, private subnet, NICs named by its ip configurations, and its properties as read", () => {
    const arm = vnetWith(subnetProps, { dhcpOptions: { dnsServers: ["10.0.0.4"] } });
    for (const [form, value] of [["arm", arm], ["flat", flattenResource(arm)]] as const) {
      const snapshot = loadAll(value);
      const subnet = first(snapshot.subnets);
      expect(subnet, form).toMatchObject({ natGatewayKey: lower(`${NET}/natGateways/ng`), defaultOutboundAccess: false, ipConfigurationNicKeys: [lower(`${NET}/networkInterfaces/vm1-nic`), lower(vmssNic)] });
      expect(subnet.armProperties, form).toMatchObject({ privateEndpointNetworkPolicies: "Disabled", addressPrefix: "10.9.0.0/24" });
      expect(subnet.armProperties, form).not.toHaveProperty("id");
      expect(first(snapshot.vnets).dnsServers).toEqual(["10.0.0.4"]);
    }
    expect(first(loadAll(arm).subnets).armProperties).toBe(arm.properties.subnets[0].properties);
  });

  it("gaps: each missing reference once, with the listing to add, and the types ignored counted by first spelling", () => {
    const vm = { id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/availabilitySets/as1", type: "Microsoft.Compute/availabilitySets" };
    const snapshot = loadAll(vnetWith(subnetProps), vm, { ...vm, id: `${vm.id}2`, type: "microsoft.compute/availabilitysets" }, { id: "/x/disk", type: "Microsoft.Compute/disks" });
    expect(snapshot.gaps!.ignoredTypes).toEqual(new Map([["Microsoft.Compute/availabilitySets", 2], ["Microsoft.Compute/disks", 1]]));
    expect(snapshot.gaps!.unresolved).toEqual([
      // A reference the input writes whole is spelled as written, not as its lower-cased key; the NICs, known only
      // from their IP configurations' longer ids, keep the key.
      { from: SUBNET, kind: "networkSecurityGroup", ref: nsgRef.id, hint: "add `az network nsg list`" },
      { from: SUBNET, kind: "natGateway", ref: `${NET}/natGateways/ng`, hint: "add `az network nat gateway list`" },
      { from: SUBNET, kind: "networkInterface", ref: lower(`${NET}/networkInterfaces/vm1-nic`), hint: "add `az network nic list` (and `az vmss nic list` for scale sets)" },
      { from: SUBNET, kind: "networkInterface", ref: lower(vmssNic), hint: "add `az vmss nic list --vmss-name nodes -g rg-hpc`" },
    ]);
  });

  it("gaps: the list is capped, the rest counted", () => {
    const nics = Array.from({ length: MAX_UNRESOLVED + 5 }, (_, i) => ({
      id: `${NET}/networkInterfaces/n${i}`,
      type: "Microsoft.Network/networkInterfaces",
      properties: { networkSecurityGroup: nsgRef, ipConfigurations: [{ name: "c", properties: { subnet: { id: SUBNET } } }] },
    }));
    const gaps = loadAll(vnetWith({}), ...nics).gaps!;
    expect(gaps.unresolved).toHaveLength(MAX_UNRESOLVED);
    expect(gaps.unresolvedOmitted).toBe(5);
  });

  it("NICs and route tables in az's spelling: enableIpForwarding, privateIpAddress, publicIpAddress; BGP propagation; peering flags", () => {
    const nic = {
      id: `${NET}/networkInterfaces/nva`,
      name: "nva",
      type: "Microsoft.Network/networkInterfaces",
      enableIpForwarding: true,
      virtualMachine: { id: `${NET}/../Microsoft.Compute/virtualMachines/nva` },
      ipConfigurations: [{ name: "c", subnet: { id: SUBNET }, privateIpAddress: "10.9.0.4", publicIpAddress: { id: `${NET}/publicIPAddresses/pip` }, loadBalancerBackendAddressPools: [{ id: `${NET}/loadBalancers/lb/backendAddressPools/p` }] }],
    };
    const table = { id: `${NET}/routeTables/rt`, type: "Microsoft.Network/routeTables", disableBgpRoutePropagation: true, routes: [] };
    const peered = vnetWith({}, { virtualNetworkPeerings: [{ name: "p", properties: { remoteVirtualNetwork: { id: `${NET}/virtualNetworks/hub` }, useRemoteGateways: true, allowGatewayTransit: false, allowForwardedTraffic: true } }] });
    const snapshot = loadAll(peered, nic, table);
    expect(first(snapshot.nics)).toMatchObject({ enableIpForwarding: true, ipConfigurations: [{ privateIpAddress: "10.9.0.4", publicIpKey: lower(`${NET}/publicIPAddresses/pip`), lbBackendPoolKeys: [lower(`${NET}/loadBalancers/lb/backendAddressPools/p`)] }] });
    expect(first(snapshot.nics).scaleSetKey).toBeUndefined();
    expect(first(snapshot.routeTables).disableBgpRoutePropagation).toBe(true);
    expect(first(snapshot.vnets).peerings[0]).toMatchObject({ useRemoteGateways: true, allowGatewayTransit: false, allowForwardedTraffic: true });
    expect(first(snapshot.subnets).nicKeys).toEqual([lower(nic.id)]);
  });

  it("private endpoints known only from a subnet's list or a NIC keep a minimal entry with the NIC's address", () => {
    const pe = `${NET}/privateEndpoints/pe-Blob`;
    const nic = {
      id: `${NET}/networkInterfaces/pe-blob.nic.1`,
      type: "Microsoft.Network/networkInterfaces",
      properties: { privateEndpoint: { id: pe }, ipConfigurations: [{ name: "c", properties: { subnet: { id: SUBNET }, privateIPAddress: "10.9.0.5" } }] },
    };
    const fromNic = loadAll(vnetWith({}), nic).privateEndpoints.get(lower(pe));
    expect(fromNic).toEqual({ id: pe, key: lower(pe), name: "pe-Blob", subnetKey: lower(SUBNET), connections: [], nicKeys: [lower(nic.id)], ipAddresses: ["10.9.0.5"] });
    const fromSubnet = loadAll(vnetWith({ privateEndpoints: [{ id: pe }] }));
    expect(fromSubnet.privateEndpoints.get(lower(pe))).toEqual({ id: pe, key: lower(pe), name: "pe-Blob", subnetKey: lower(SUBNET), connections: [] });
    expect(first(fromSubnet.subnets).privateEndpointKeys).toEqual([lower(pe)]);
  });

  it("storage account rules as az prints them (networkRuleSet, virtualNetworkResourceId)", () => {
    const account = {
      id: `${NET}/../Microsoft.Storage/storageAccounts/st1`,
      type: "Microsoft.Storage/storageAccounts",
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", virtualNetworkRules: [{ virtualNetworkResourceId: SUBNET, state: "Succeeded" }] },
    };
    expect(first(loadAll(vnetWith({}), account).storageAccounts)).toMatchObject({ publicNetworkAccess: "Disabled", defaultAction: "Deny", virtualNetworkRules: [{ subnetKey: lower(SUBNET), state: "Succeeded" }] });
  });

  it("private DNS: links and A records given without their zone create the zone from the id", () => {
    const zone = `${NET}/privateDnsZones/privatelink.blob.core.windows.net`;
    const snapshot = loadAll(
      vnetWith({}),
      { id: `${zone}/virtualNetworkLinks/l1`, name: "l1", type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", properties: { virtualNetwork: { id: VNET }, virtualNetworkLinkState: "Completed" } },
      { id: `${zone}/A/stData`, name: "stData", type: "Microsoft.Network/privateDnsZones/A", properties: { aRecords: [{ ipv4Address: "10.9.0.5" }] } },
    );
    expect(first(snapshot.privateDnsZones)).toEqual({ id: zone, key: lower(zone), name: "privatelink.blob.core.windows.net", links: [{ name: "l1", vnetKey: lower(VNET), state: "Completed" }], aRecords: ["stdata"], aRecordAddresses: new Map([["stdata", ["10.9.0.5"]]]) });
  });

  it("a Flexible scale set with a public IP configuration, ASGs and pools", () => {
    const vmss = {
      id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/flex",
      type: "Microsoft.Compute/virtualMachineScaleSets",
      sku: { name: "Standard_D2s_v5", capacity: 2 },
      properties: {
        orchestrationMode: "Flexible",
        virtualMachineProfile: {
          networkProfile: {
            networkApiVersion: "2020-11-01",
            networkInterfaceConfigurations: [
              { name: "n", properties: { enableIPForwarding: false, ipConfigurations: [{ name: "i", properties: { subnet: { id: SUBNET }, applicationSecurityGroups: [{ id: `${NET}/applicationSecurityGroups/asg` }], loadBalancerBackendAddressPools: [{ id: `${NET}/loadBalancers/lb/backendAddressPools/p` }], publicIPAddressConfiguration: { name: "pip" } } }] } },
            ],
          },
        },
      },
    };
    for (const value of [vmss, flattenResource(vmss)]) {
      const scaleSet = first(loadAll(vnetWith({}), value).scaleSets);
      expect(scaleSet).toMatchObject({ orchestrationMode: "Flexible", capacity: 2, nicConfigurations: [{ enableIpForwarding: false, ipConfigurations: [{ hasPublicIp: true, asgKeys: [lower(`${NET}/applicationSecurityGroups/asg`)], lbBackendPoolKeys: [lower(`${NET}/loadBalancers/lb/backendAddressPools/p`)] }] }] });
    }
  });

  it("a policy that embeds its groups is read with them; a group listed on its own wins", () => {
    const policyId = `${NET}/firewallPolicies/fwp`;
    const inline = { id: `${policyId}/ruleCollectionGroups/g`, name: "g", properties: { priority: 300, ruleCollections: [] } };
    const policy = { id: policyId, type: "Microsoft.Network/firewallPolicies", properties: { basePolicy: { id: `${NET}/firewallPolicies/base` }, ruleCollectionGroups: [inline] } };
    const snapshot = loadAll(vnetWith({}), policy);
    expect(first(snapshot.firewallPolicies)).toMatchObject({ basePolicyKey: lower(`${NET}/firewallPolicies/base`), dnsProxyEnabled: false, ruleCollectionGroupKeys: [lower(inline.id)] });
    expect(first(snapshot.ruleCollectionGroups)).toMatchObject({ priority: 300, policyKey: lower(policyId) });
    const listed = { ...clone(inline), type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", properties: { priority: 400, ruleCollections: [] } };
    expect(first(loadAll(vnetWith({}), listed, policy).ruleCollectionGroups).priority).toBe(400);
  });
});
