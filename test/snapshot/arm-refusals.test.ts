// Values ARM itself refuses to store, which a file can still hold (edited, generated, damaged): read as given they
// became a false pass (an application rule matching every name, a route to no appliance judged a drop). Each is one
// InputError naming the file and field (CONTRACT §2, exit 2).
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { loadSnapshot } from "@/lib/snapshot";
import { NET, anchorVnet, ccNic, ccNsg, routeTable } from "./small-estate";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const load = (name: string, value: unknown) => loadSnapshot([{ name, value }, { name: "vnets.json", value: [anchorVnet] }]);
const loadOne = (name: string, value: unknown) => messageOf(() => load(name, value));

const NEEDS_DESTINATION = "an application rule needs targetFqdns, fqdnTags, webCategories or targetUrls (Azure refuses one without a destination)";

/** A rule collection group (flat collections and rules, as ARM writes them) whose one application rule has `fields`. */
function groupWithAppRule(fields: Record<string, unknown>) {
  const rule = { name: "r", ruleType: "ApplicationRule", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: ["10.0.0.0/8"], ...fields };
  return {
    id: `${NET}/firewallPolicies/fp/ruleCollectionGroups/g`,
    name: "g",
    type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
    properties: { priority: 100, ruleCollections: [{ name: "c", ruleCollectionType: "FirewallPolicyFilterRuleCollection", priority: 100, action: { type: "Allow" }, rules: [rule] }] },
  };
}

/** A classic Azure Firewall whose one application rule has `fields`. */
function firewallWithAppRule(fields: Record<string, unknown>) {
  const rule = { name: "r", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: ["10.0.0.0/8"], ...fields };
  return {
    id: `${NET}/azureFirewalls/fw`,
    name: "fw",
    type: "Microsoft.Network/azureFirewalls",
    properties: { applicationRuleCollections: [{ name: "c", properties: { priority: 100, action: { type: "Allow" }, rules: [rule] } }] },
  };
}

describe("an application rule without a destination", () => {
  it("is refused in a policy's rule collection group, absent, null or empty, naming the rule", () => {
    for (const fields of [{}, { targetFqdns: null }, { targetFqdns: [] }, { targetFqdns: [], fqdnTags: [], webCategories: [], targetUrls: [] }, { targetFqdns: [" "] }, { targetFqdns: [], destinationAddresses: ["20.60.0.0/16"] }]) {
      expect(loadOne("fwp.json", [groupWithAppRule(fields)]), JSON.stringify(fields)).toBe(`fwp.json: [0].properties.ruleCollections[0].rules[0]: ${NEEDS_DESTINATION}`);
    }
  });

  it("is refused in a policy's inline groups and in a classic firewall's applicationRuleCollections", () => {
    const policy = { id: `${NET}/firewallPolicies/fp`, name: "fp", type: "Microsoft.Network/firewallPolicies", properties: { ruleCollectionGroups: [{ ...groupWithAppRule({ targetFqdns: [] }), type: undefined }] } };
    expect(loadOne("fwp.json", [policy])).toBe(`fwp.json: [0].properties.ruleCollectionGroups[0].properties.ruleCollections[0].rules[0]: ${NEEDS_DESTINATION}`);
    expect(loadOne("fw.json", [firewallWithAppRule({ targetFqdns: [], fqdnTags: [] })])).toBe(`fw.json: [0].properties.applicationRuleCollections[0].properties.rules[0]: ${NEEDS_DESTINATION}`);
  });

  it("reads a rule with any one destination field", () => {
    for (const fields of [{ targetFqdns: ["*.blob.core.windows.net"] }, { fqdnTags: ["WindowsUpdate"] }, { webCategories: ["Hacking"] }, { targetUrls: ["www.example.com/a"] }]) {
      const group = [...load("fwp.json", [groupWithAppRule(fields)]).ruleCollectionGroups!.values()][0];
      expect(group.ruleCollections[0].rules[0], JSON.stringify(fields)).toMatchObject({ kind: "application", ...fields });
    }
    const firewall = [...load("fw.json", [firewallWithAppRule({ targetFqdns: ["www.example.com"] })]).firewalls!.values()][0];
    expect(firewall.applicationRuleCollections[0].rules[0]).toMatchObject({ kind: "application", targetFqdns: ["www.example.com"] });
  });
});

describe("a VirtualAppliance route without its next hop", () => {
  const withHop = (hop: unknown, type = "VirtualAppliance") => {
    const table = clone(routeTable) as { properties: { routes: { properties: Record<string, unknown> }[] } };
    const route = table.properties.routes[0].properties;
    route.nextHopType = type;
    if (hop === undefined) delete route.nextHopIpAddress;
    else route.nextHopIpAddress = hop;
    return [table];
  };
  const field = "rt.json: [0].properties.routes[0].properties.nextHopIpAddress";
  const why = "a route with nextHopType VirtualAppliance needs the appliance's address (Azure refuses the route without it)";

  it("is refused, absent, null or blank, naming the route's nextHopIpAddress", () => {
    expect(loadOne("rt.json", withHop(undefined))).toBe(`${field}: missing: ${why}`);
    expect(loadOne("rt.json", withHop(null))).toBe(`${field}: expected an IP address such as 10.0.0.4, got null: ${why}`);
    expect(loadOne("rt.json", withHop(""))).toBe(`${field}: expected an IP address such as 10.0.0.4, got "": ${why}`);
    expect(loadOne("rt.json", withHop("  "))).toBe(`${field}: expected an IP address such as 10.0.0.4, got "  "`);
    // Any case of the type, as the readers take it.
    expect(loadOne("rt.json", withHop(null, "virtualappliance"))).toBe(`${field}: expected an IP address such as 10.0.0.4, got null: ${why}`);
  });

  it("reads it with an address, and other next hop types without one", () => {
    expect(load("rt.json", withHop("10.0.0.4")).routeTables.values().next().value!.routes[0]).toMatchObject({ nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" });
    for (const type of ["Internet", "None", "VnetLocal", "VirtualNetworkGateway"]) {
      expect(load("rt.json", withHop(null, type)).routeTables.values().next().value!.routes[0].nextHopIpAddress, type).toBeUndefined();
    }
  });
});

describe("a resource with a blank id", () => {
  it("is refused naming its id, rather than kept under the key \"\"", () => {
    expect(loadOne("nics.json", { data: [ccNic, { ...clone(ccNic), id: "" }] })).toBe("nics.json: data[1].id: expected a resource id such as /subscriptions/…/providers/Microsoft.Network/…, got \"\"");
    expect(loadOne("nsgs.json", [{ ...clone(ccNsg), id: "  " }])).toBe("nsgs.json: [0].id: expected a resource id such as /subscriptions/…/providers/Microsoft.Network/…, got \"  \"");
  });
});

describe("IPv4 numbers with leading zeros", () => {
  const LEADING = "write IPv4 numbers without leading zeros (Azure refuses them, and some tools read 010 as octal 8)";
  const nsgWith = (field: string, value: unknown) => {
    const nsg = clone(ccNsg) as { properties: { securityRules: { properties: Record<string, unknown> }[] } };
    nsg.properties.securityRules[0].properties[field] = value;
    return [nsg];
  };
  const routeWith = (field: string, value: string) => {
    const table = clone(routeTable) as { properties: { routes: { properties: Record<string, unknown> }[] } };
    Object.assign(table.properties.routes[0].properties, { nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4", [field]: value });
    return [table];
  };

  it("are refused in NSG rules, routes and VNet address spaces, naming the field", () => {
    const rule = "nsg.json: [0].properties.securityRules[0].properties";
    expect(loadOne("nsg.json", nsgWith("destinationAddressPrefix", "010.0.0.0/8"))).toBe(`${rule}.destinationAddressPrefix: expected a CIDR, an IP address, * or a service tag, got "010.0.0.0/8": ${LEADING}`);
    expect(loadOne("nsg.json", nsgWith("destinationAddressPrefix", "10.0.0.0/08"))).toBe(`${rule}.destinationAddressPrefix: expected a CIDR, an IP address, * or a service tag, got "10.0.0.0/08": ${LEADING}`);
    expect(loadOne("nsg.json", nsgWith("sourceAddressPrefixes", ["10.0.0.0/8", "10.10.2.04"]))).toBe(`${rule}.sourceAddressPrefixes[1]: expected a CIDR, an IP address, * or a service tag, got "10.10.2.04": ${LEADING}`);
    const route = "rt.json: [0].properties.routes[0].properties";
    expect(loadOne("rt.json", routeWith("nextHopIpAddress", "10.10.2.04"))).toBe(`${route}.nextHopIpAddress: expected an IP address such as 10.0.0.4, got "10.10.2.04": ${LEADING}`);
    expect(loadOne("rt.json", routeWith("addressPrefix", "0.0.0.0/00"))).toBe(`${route}.addressPrefix: expected a CIDR or a service tag, got "0.0.0.0/00": ${LEADING}`);
    const vnet = clone(anchorVnet) as { properties: { addressSpace: { addressPrefixes: string[] } } };
    vnet.properties.addressSpace.addressPrefixes = ["10.001.0.0/16"];
    expect(messageOf(() => loadSnapshot([{ name: "vnets.json", value: [vnet] }]))).toBe(`vnets.json: [0].properties.addressSpace.addressPrefixes[0]: expected a CIDR such as 10.0.0.0/24, got "10.001.0.0/16": ${LEADING}`);
  });

  it("are refused in an Azure Firewall rule's addresses and ranges", () => {
    const group = groupWithAppRule({ targetFqdns: ["a.example.com"], sourceAddresses: ["10.0.0.1-10.0.0.09"] });
    expect(loadOne("fwp.json", [group])).toBe(`fwp.json: [0].properties.ruleCollections[0].rules[0].sourceAddresses[0]: expected *, an IP address, a CIDR, a range a-b or a service tag, got "10.0.0.1-10.0.0.09": ${LEADING}`);
  });

  it("leave zero itself and numbers without a leading zero alone", () => {
    for (const prefix of ["0.0.0.0/0", "10.0.0.0/8", "100.64.0.0/10", "10.10.2.4", "10.0.0.0/0"]) {
      expect(() => load("nsg.json", nsgWith("destinationAddressPrefix", prefix)), prefix).not.toThrow();
    }
  });
});

describe("a stored scan audited before these refusals", () => {
  it("still opens (LoadOptions stored): the store's copy of its input is read as it was audited, and a new read still refuses it", () => {
    const table = clone(routeTable) as { properties: { routes: { properties: Record<string, unknown> }[] } };
    Object.assign(table.properties.routes[0].properties, { nextHopType: "VirtualAppliance" });
    delete table.properties.routes[0].properties.nextHopIpAddress;
    const nsg = clone(ccNsg) as { properties: { securityRules: { properties: Record<string, unknown> }[] } };
    nsg.properties.securityRules[0].properties.destinationAddressPrefix = "10.0.0.0/08";
    const sources = [
      { name: "rt.json", value: [table] },
      { name: "nsg.json", value: [nsg] },
      { name: "fwp.json", value: [groupWithAppRule({})] },
      { name: "nics.json", value: { data: [ccNic, { ...clone(ccNic), id: "" }] } },
      { name: "vnets.json", value: [anchorVnet] },
    ];
    expect(() => loadSnapshot(sources, { stored: true })).not.toThrow();
    expect(() => loadSnapshot(sources)).toThrow();
    // And the flag does not outlive the stored read.
    expect(loadOne("rt.json", [table])).toContain("nextHopIpAddress");
  });
});
