import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectResources, loadSnapshot, parseJsonFile } from "@/lib/snapshot";
import { flattenResource } from "./flatten";
import { generateEstate } from "./generate-estate";
import { HUB, NET, SPOKE, SUB, anchorVnet, asg, ccNic, ccNsg, hubVnet, privateEndpoint, smallEstate, withoutArmProperties } from "./small-estate";

const SPECS = "/work/shared/arm-examples/specs";
const readSpec = (file: string) => parseJsonFile(file, readFileSync(path.join(SPECS, file), "utf8"));
const load = (...values: unknown[]) => loadSnapshot(values.map((value, i) => ({ name: `s${i}.json`, value })));
/** One resource type on its own, with a VNet beside it (a load without any subnet is an input error). */
const loadWithAnchor = (...values: unknown[]) => load(...values, [anchorVnet]);
/** Equal snapshots apart from `armProperties`, which keeps each subnet's properties in the form they were read. */
const sameEstate = (a: ReturnType<typeof load>, b: ReturnType<typeof load>) => expect(withoutArmProperties(a)).toEqual(withoutArmProperties(b));
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe("Azure's own example payloads", () => {
  // A NIC's effective route table as az prints it names no NIC: read as nothing, it would leave the BGP routes the user
  // believes given unseen, so it is refused naming the fix (README "Routes learned over BGP"). Every other payload loads.
  const ROUTES_WITHOUT_NIC = "NetworkInterfaceEffectiveRouteTableList.json";
  const specs = () => readdirSync(SPECS).filter((f) => f !== ROUTES_WITHOUT_NIC);

  it("load without error, and payloads that are not resources are ignored", () => {
    for (const file of specs()) expect(() => loadWithAnchor(readSpec(file)), file).not.toThrow();
    // These are first pages of their list (Azure's examples keep the `nextLink` or `skipToken` of a page that has more
    // after it): each is a partial read naming itself, the rest load as complete.
    const paged = specs().filter((file) => loadWithAnchor(readSpec(file)).readErrors);
    expect(paged).toEqual([
      "NetworkManagerActiveSecurityAdminRulesList.json",
      "NetworkManagerDeploymentStatusList.json",
      "NetworkManagerEffectiveConnectivityConfigurationsList.json",
      "NetworkManagerEffectiveSecurityAdminRulesList.json",
      "NetworkManagerStaticMemberList.json",
      "VirtualNetworkLinkList.json",
    ]);
    for (const file of paged) expect(loadWithAnchor(readSpec(file)).readErrors, file).toEqual([expect.objectContaining({ operation: "ARM list export (s0.json)", code: "MissingPages" })]);
    expect(() => loadWithAnchor(readSpec(ROUTES_WITHOUT_NIC))).toThrow(/networkInterfaceId: missing: a NIC's effective route table without the NIC's id/);
    expect(loadWithAnchor(readSpec("AzureFirewallGet.json")).nsgs.size).toBe(0);
    expect(loadWithAnchor(readSpec("ServiceTagsList.json")).subnets.size).toBe(1);
    expect(loadWithAnchor(readSpec("NetworkInterfaceEffectiveNSGList.json")).nsgs.size).toBe(0);
  });

  it("read NSGs, NICs, VNets, route tables and private endpoints as listed", () => {
    const nsgs = loadWithAnchor(readSpec("NetworkSecurityGroupList.json")).nsgs;
    expect([...nsgs.keys()]).toEqual([
      "/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/networksecuritygroups/nsg1",
      "/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/networksecuritygroups/nsg3",
    ]);
    const nsg1 = [...nsgs.values()][0];
    expect(nsg1).toMatchObject({ name: "nsg1", subscriptionId: "subid", resourceGroup: "rg1", location: "westus", securityRules: [] });
    expect(nsg1.defaultSecurityRules.map((r) => r.name)).toEqual([
      "AllowVnetInBound",
      "AllowAzureLoadBalancerInBound",
      "DenyAllInBound",
      "AllowVnetOutBound",
      "AllowInternetOutBound",
      "DenyAllOutBound",
    ]);

    const nics = loadWithAnchor(readSpec("NetworkInterfaceList.json")).nics;
    const nic2 = nics.get("/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/networkinterfaces/test-nic2")!;
    expect(nic2.ipConfigurations.map((c) => c.subnetKey)).toEqual([
      "/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/virtualnetworks/rg1-vnet2/subnets/default",
      "/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/virtualnetworks/rg1-vnet/subnets/default",
    ]);

    const vnet = load(readSpec("VirtualNetworkCreateServiceEndpoints.json"));
    expect([...vnet.subnets.values()][0].serviceEndpoints).toEqual([
      { service: "Microsoft.Storage", locations: ["eastus2(stage)", "usnorth(stage)"], provisioningState: "Succeeded" },
    ]);

    const routes = loadWithAnchor(readSpec("RouteTableList.json")).routeTables;
    expect([...routes.values()].map((t) => t.routes.length)).toEqual([1, 0]);

    const pe = [...loadWithAnchor(readSpec("PrivateEndpointGet.json")).privateEndpoints.values()][0];
    expect(pe.connections).toEqual([
      {
        name: "",
        targetId: "/subscriptions/subId/resourceGroups/rg1/providers/Microsoft.Network/privateLinkServices/testPls",
        groupIds: ["groupIdFromResource"],
        status: "Approved",
      },
    ]);
  });

  it("give the same snapshot in the ARM REST form and the flattened az form", () => {
    for (const file of specs()) {
      const arm = readSpec(file);
      expect(withoutArmProperties(loadWithAnchor(flattenResource(arm))), file).toEqual(withoutArmProperties(loadWithAnchor(arm)));
    }
  });
});

describe("the ARM REST form and the flattened form", () => {
  it("give deep-equal snapshots", () => {
    const arm = load(smallEstate);
    sameEstate(load(smallEstate.map(flattenResource)), arm);
    expect(arm.subnets.size).toBe(3);
    const generated = generateEstate({ vnets: 3, subnets: 12, nsgs: 4, rulesPerNsg: 7, nics: 20 });
    sameEstate(load(generated.map(flattenResource)), load(generated));
  });

  it("can be mixed, file by file and resource by resource", () => {
    const mixed = smallEstate.map((resource, i) => (i % 2 ? flattenResource(resource) : resource));
    sameEstate(load(mixed), load(smallEstate));
  });
});

describe("input shapes", () => {
  const expected = load(smallEstate);

  it("reads an array, {value}, {data} with lower-case types, {resources} and single resources alike", () => {
    // A last page: its nextLink is null (one that is set says more pages follow, test/snapshot/input-shapes.test.ts).
    expect(load({ value: smallEstate, nextLink: null })).toEqual(expected);
    const graph = smallEstate.map((r) => ({ ...r, type: r.type.toLowerCase(), resourceGroup: "rg-net", subscriptionId: SUB }));
    // The same estate, marked as a Resource Graph export (its reports carry Resource Graph's permission note).
    expect(load({ count: graph.length, data: graph, skip_token: null })).toEqual({ ...expected, resourceGraphExport: true });
    expect(load({ resources: smallEstate })).toEqual(expected);
    expect(load(...smallEstate)).toEqual(expected);
  });

  it("keeps a saved snapshot's capture time and service tags", () => {
    const snapshot = load({
      resources: smallEstate,
      capturedAt: "2025-10-28T09:00:00Z",
      serviceTags: { values: [{ name: "Storage", properties: { region: "", addressPrefixes: ["20.38.96.0/19"] } }] },
    });
    expect(snapshot.capturedAt).toBe("2025-10-28T09:00:00Z");
    expect(snapshot.serviceTags).toEqual(new Map([["storage", { name: "Storage", addressPrefixes: ["20.38.96.0/19"] }]]));
    expect(expected.serviceTags).toBeUndefined();
    expect(expected.capturedAt).toBeUndefined();
  });

  it("collects the raw resources of any shape for saving", () => {
    expect(collectResources("a.json", { value: smallEstate })).toBe(smallEstate);
    expect(collectResources("a.json", { data: smallEstate })).toBe(smallEstate);
    expect(collectResources("a.json", smallEstate)).toBe(smallEstate);
    expect(collectResources("a.json", ccNsg)).toEqual([ccNsg]);
  });

  it("skips entries that have no type or are of other types; refuses one that is not an object (input-shapes.test.ts)", () => {
    const snapshot = loadWithAnchor([{ id: "/x" }, { type: "Microsoft.Compute/disks", id: "/disk" }, ccNsg]);
    expect([...snapshot.nsgs.keys()]).toEqual([ccNsg.id.toLowerCase()]);
  });
});

describe("merging sources", () => {
  it("treats ids case-insensitively and lets a later duplicate replace an earlier one", () => {
    const older = clone(ccNsg);
    older.id = older.id.toUpperCase();
    older.properties.securityRules = [];
    const snapshot = loadWithAnchor([older], [ccNsg]);
    expect(snapshot.nsgs.size).toBe(1);
    const nsg = snapshot.nsgs.get(ccNsg.id.toLowerCase())!;
    expect(nsg.id).toBe(ccNsg.id);
    expect(nsg.securityRules.map((r) => r.name)).toEqual(["AllowAzureStorage", "AllowNodes", "BlockOutbound"]);
    // and the other way round, the older copy wins when it comes last
    expect(loadWithAnchor([ccNsg], [older]).nsgs.get(ccNsg.id.toLowerCase())!.securityRules).toEqual([]);
  });

  it("places standalone subnets in their VNet, replacing the embedded copy when later", () => {
    const standalone = {
      ...clone(hubVnet.properties.subnets[1]),
      type: "Microsoft.Network/virtualNetworks/subnets",
      id: `${HUB}/subnets/COMPUTE`,
    };
    standalone.properties.addressPrefixes = ["10.0.9.0/24"];
    const extra = { name: "extra", id: `${HUB}/subnets/extra`, type: "Microsoft.Network/virtualNetworks/subnets", properties: { addressPrefix: "10.0.10.0/24" } };
    const snapshot = load(smallEstate, [standalone, extra]);
    expect(snapshot.vnets.get(HUB.toLowerCase())!.subnetKeys).toEqual(
      ["cyclecloud", "compute", "extra"].map((s) => `${HUB}/subnets/${s}`.toLowerCase()),
    );
    expect(snapshot.subnets.get(`${HUB}/subnets/compute`.toLowerCase())!.addressPrefixes).toEqual(["10.0.9.0/24"]);
    // an earlier standalone copy is replaced by the VNet's own listing
    expect(load([standalone], smallEstate).subnets.get(`${HUB}/subnets/compute`.toLowerCase())!.addressPrefixes).toEqual([
      "10.0.2.0/24",
      "fd00:0:0:2::/64",
    ]);
  });

  it("drops the subnets of a VNet that a later copy no longer lists", () => {
    const shrunk = clone(hubVnet);
    shrunk.properties.subnets = shrunk.properties.subnets.slice(0, 1);
    const snapshot = load(smallEstate, [shrunk]);
    expect(snapshot.subnets.has(`${HUB}/subnets/compute`.toLowerCase())).toBe(false);
    expect(snapshot.vnets.get(HUB.toLowerCase())!.subnetKeys).toHaveLength(1);
  });

  it("names the VNet of a standalone subnet from its id when the VNet is absent", () => {
    const orphan = { name: "lonely", id: `${NET}/virtualNetworks/Other-VNet/subnets/lonely`, type: "Microsoft.Network/virtualNetworks/subnets", properties: { addressPrefix: "192.168.0.0/24" } };
    const subnet = load([orphan]).subnets.get(orphan.id.toLowerCase())!;
    expect(subnet).toMatchObject({
      vnetKey: `${NET}/virtualNetworks/Other-VNet`.toLowerCase(),
      vnetName: "Other-VNet",
      subscriptionId: "11111111-2222-3333-4444-555555555555",
      resourceGroup: "rg-net",
    });
  });
});

describe("normalisation", () => {
  const snapshot = load(smallEstate);
  const nsg = snapshot.nsgs.get(ccNsg.id.toLowerCase())!;

  it("adds Azure's six default rules when the input omits them", () => {
    expect(nsg.defaultSecurityRules).toEqual(loadWithAnchor(readSpec("NetworkSecurityGroupGet.json")).nsgs.values().next().value!.defaultSecurityRules);
    expect(nsg.defaultSecurityRules.find((r) => r.name === "AllowInternetOutBound")).toEqual({
      name: "AllowInternetOutBound",
      priority: 65001,
      direction: "Outbound",
      access: "Allow",
      protocol: "*",
      sourceAddressPrefixes: ["*"],
      destinationAddressPrefixes: ["Internet"],
      sourcePortRanges: ["*"],
      destinationPortRanges: ["*"],
      sourceAsgKeys: [],
      destinationAsgKeys: [],
      isDefault: true,
    });
    const partial = clone(ccNsg) as typeof ccNsg & { properties: { defaultSecurityRules?: unknown[] } };
    partial.properties.defaultSecurityRules = [
      { name: "DenyAllOutBound", properties: { priority: 65500, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*", sourcePortRange: "*", destinationPortRange: "*" } },
    ];
    const completed = loadWithAnchor([partial]).nsgs.get(ccNsg.id.toLowerCase())!.defaultSecurityRules;
    expect(completed.map((r) => r.name)).toEqual(["DenyAllOutBound", "AllowVnetInBound", "AllowAzureLoadBalancerInBound", "DenyAllInBound", "AllowVnetOutBound", "AllowInternetOutBound"]);
  });

  it("merges singular and plural rule fields, drops blanks and canonicalises case", () => {
    const [storage, nodes] = nsg.securityRules;
    expect(storage).toMatchObject({ protocol: "Tcp", access: "Allow", direction: "Outbound", destinationPortRanges: ["443"], isDefault: false });
    expect(nodes).toEqual({
      name: "AllowNodes",
      priority: 110,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefixes: ["10.1.0.0/24", "10.0.2.0/24"],
      destinationAddressPrefixes: [],
      sourcePortRanges: ["*"],
      destinationPortRanges: ["5672", "9443"],
      sourceAsgKeys: [],
      destinationAsgKeys: [`${NET}/applicationSecurityGroups/ASG-CC`.toLowerCase()],
      isDefault: false,
    });
  });

  it("derives NIC and private endpoint membership from the NICs and endpoints present", () => {
    const cc = snapshot.subnets.get(`${HUB}/subnets/cyclecloud`.toLowerCase())!;
    expect(cc.nicKeys).toEqual([ccNic.id.toLowerCase()]);
    // the subnet lists two endpoints: the one in the input (which names another subnet) and one
    // known only from this list, kept as a minimal entry whose target is unknown
    const notInInput = `${NET}/privateEndpoints/not-in-input`;
    expect(cc.privateEndpointKeys).toEqual([privateEndpoint.id.toLowerCase(), notInInput.toLowerCase()]);
    expect(snapshot.privateEndpoints.get(notInInput.toLowerCase())).toEqual({
      id: notInInput,
      key: notInInput.toLowerCase(),
      name: "not-in-input",
      subnetKey: cc.key,
      connections: [],
    });
    expect(snapshot.subnets.get(`${SPOKE}/subnets/nodes`.toLowerCase())!.privateEndpointKeys).toEqual([privateEndpoint.id.toLowerCase()]);
    expect(cc).toMatchObject({
      vnetKey: HUB.toLowerCase(),
      vnetName: "hub",
      addressPrefixes: ["10.0.1.0/24"],
      nsgKey: `${NET}/networkSecurityGroups/nsg-cc`.toLowerCase(),
      routeTableKey: `${NET}/routeTables/rt-egress`.toLowerCase(),
    });
    expect(snapshot.subnets.get(`${HUB}/subnets/compute`.toLowerCase())!).toMatchObject({
      addressPrefixes: ["10.0.2.0/24", "fd00:0:0:2::/64"],
      delegations: ["Microsoft.Batch/batchAccounts"],
      nicKeys: [],
    });
    const nic = snapshot.nics.get(ccNic.id.toLowerCase())!;
    expect(nic.nsgKey).toBe(`${NET}/networkSecurityGroups/nsg-cc-nic`.toLowerCase());
    expect(nic.ipConfigurations[0]).toEqual({
      name: "ipconfig1",
      subnetKey: `${HUB}/subnets/cyclecloud`.toLowerCase(),
      privateIpAddress: "10.0.1.4",
      asgKeys: [asg.id.toLowerCase()],
    });
  });

  it("reads peerings from either address space field", () => {
    expect(snapshot.vnets.get(HUB.toLowerCase())!.peerings).toEqual([
      { name: "hub-to-spoke", remoteVnetKey: SPOKE.toLowerCase(), remoteAddressPrefixes: ["10.1.0.0/16"], allowVirtualNetworkAccess: true, peeringState: "Connected" },
    ]);
    expect(snapshot.vnets.get(SPOKE.toLowerCase())!.peerings).toEqual([
      { name: "spoke-to-hub", remoteVnetKey: HUB.toLowerCase(), remoteAddressPrefixes: ["10.0.0.0/16"], allowVirtualNetworkAccess: true },
    ]);
  });

  it("reads routes, private endpoint connections from both lists, and ASGs", () => {
    expect([...snapshot.routeTables.values()][0].routes).toEqual([
      { name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" },
      { name: "storage", addressPrefix: "Storage", nextHopType: "Internet" },
    ]);
    expect(snapshot.privateEndpoints.get(privateEndpoint.id.toLowerCase())).toEqual({
      id: privateEndpoint.id,
      key: privateEndpoint.id.toLowerCase(),
      name: "pe-storage",
      subnetKey: `${SPOKE}/subnets/nodes`.toLowerCase(),
      provisioningState: "Succeeded",
      connections: [
        { name: "blob", targetId: `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`, groupIds: ["blob"], status: "Approved" },
        { name: "file", targetId: `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`, groupIds: ["file"], status: "Pending" },
      ],
    });
    expect([...snapshot.asgs.values()]).toEqual([{ id: asg.id, key: asg.id.toLowerCase(), name: "ASG-CC" }]);
  });

  it("accepts what az prints for unset fields: null and empty strings", () => {
    const az = flattenResource(ccNsg) as { securityRules: Record<string, unknown>[] };
    Object.assign(az.securityRules[0], { sourceAddressPrefixes: null, destinationPortRanges: null, sourceApplicationSecurityGroups: null, description: null });
    expect(loadWithAnchor([az]).nsgs.get(ccNsg.id.toLowerCase())!.securityRules[0]).toEqual(nsg.securityRules[0]);
  });
});
