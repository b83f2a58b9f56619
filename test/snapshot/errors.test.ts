// Every bad input gives one line naming the file, the JSON path in that file, and what was wrong.
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { loadSnapshot, parseJsonFile, parseProfile, parseSnapshotJson, resolveRoles } from "@/lib/snapshot";
import { flattenResource } from "./flatten";
import { HUB, NET, anchorVnet, ccNic, ccNsg, hubVnet, privateEndpoint, smallEstate, spokeVnet } from "./small-estate";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));


const loadOne = (name: string, value: unknown) => messageOf(() => loadSnapshot([{ name, value }]));

/** The NSG fixture with one field of its first rule set to `value`. */
function nsgWithRule(field: string, value: unknown) {
  const nsg = clone(ccNsg);
  (nsg.properties.securityRules[0].properties as Record<string, unknown>)[field] = value;
  return nsg;
}

describe("parseJsonFile", () => {
  it("rejects an empty or blank file", () => {
    expect(messageOf(() => parseJsonFile("nsg.json", ""))).toBe("nsg.json: file is empty");
    expect(messageOf(() => parseJsonFile("nsg.json", " \n\t\r\n"))).toBe("nsg.json: file is empty");
  });

  it("names line and column of malformed JSON", () => {
    expect(messageOf(() => parseJsonFile("nsg.json", '{\n  "value": [\n    { "a": 1, }\n  ]\n}'))).toBe(
      "nsg.json: line 3, column 15: invalid JSON: expected a property name in double quotes, found '}'",
    );
    expect(messageOf(() => parseJsonFile("a.json", '[\n  {"a": tru}\n]'))).toBe("a.json: line 2, column 9: invalid JSON: expected a value, found 't'");
    expect(messageOf(() => parseJsonFile("a.json", '{"a": [1, 2}'))).toBe("a.json: line 1, column 12: invalid JSON: expected ',' or ']', found '}'");
    expect(messageOf(() => parseJsonFile("a.json", '{"a": 1'))).toBe("a.json: line 1, column 8: invalid JSON: file ends too early");
    expect(messageOf(() => parseJsonFile("a.json", "[1]\n[2]"))).toBe("a.json: line 2, column 1: invalid JSON: unexpected '[' after the JSON value");
    expect(messageOf(() => parseJsonFile("a.json", '{"a": "x\ny"}'))).toBe(
      "a.json: line 1, column 9: invalid JSON: line break or control character inside a string",
    );
  });

  it("reads az list outputs concatenated in one snapshot file (CONTRACT §1.1), and says to split other documents", () => {
    // `az network vnet list > all.json; az network nsg list >> all.json`.
    expect(parseSnapshotJson("all.json", '[{"id": "/a"}]\n[]\n[{"id": "/b"}, {"id": "/c"}]\n')).toEqual([{ id: "/a" }, { id: "/b" }, { id: "/c" }]);
    expect(parseSnapshotJson("all.json", '\uFEFF [{"id": "/a"}][{"id": "/b"}]')).toEqual([{ id: "/a" }, { id: "/b" }]);
    const split = "two JSON documents in one file: give each output as its own snapshot file (-s FILE)";
    expect(messageOf(() => parseSnapshotJson("all.json", '{"value": []}\n{"value": []}'))).toBe(`all.json: line 2, column 1: invalid JSON: unexpected '{' after the JSON value; ${split}`);
    expect(messageOf(() => parseSnapshotJson("all.json", '[]\n{"value": []}'))).toBe(`all.json: line 2, column 1: invalid JSON: unexpected '{' after the JSON value; ${split}`);
    expect(messageOf(() => parseSnapshotJson("all.json", '[]\n[]\n{"value": []}'))).toBe(`all.json: line 3, column 1: invalid JSON: expected another array after the arrays before it (concatenated az ... list outputs); ${split}`);
    expect(messageOf(() => parseSnapshotJson("all.json", '[]\n[{"a": tru}]'))).toBe("all.json: line 2, column 8: invalid JSON: expected a value, found 't'");
    expect(messageOf(() => parseSnapshotJson("all.json", "[]\n[] x"))).toBe("all.json: line 2, column 4: invalid JSON: unexpected 'x' after the JSON value");
    // Other JSON inputs (a profile, a baseline) are one document.
    expect(messageOf(() => parseJsonFile("a.json", "[1]\n[2]"))).toBe("a.json: line 2, column 1: invalid JSON: unexpected '[' after the JSON value");
  });

  it("reads a file that starts with a byte-order mark", () => {
    expect(parseJsonFile("a.json", '\uFEFF{"value": []}')).toEqual({ value: [] });
  });
});

describe("snapshot validation", () => {
  it("reports the contract's example exactly, for a file shaped like that path", () => {
    // An ARM-form NSG whose rules are written flat, as hand-written files often are.
    const handWritten = clone(ccNsg) as { properties: { securityRules: unknown[] } };
    handWritten.properties.securityRules = [{ name: "r", ...ccNsg.properties.securityRules[0].properties, priority: "x" }];
    const nsgs = [clone(ccNsg), clone(ccNsg), clone(ccNsg), handWritten];
    expect(loadOne("nsg.json", nsgs)).toBe('nsg.json: [3].properties.securityRules[0].priority: expected 100-4096, got "x"');
    // The same mistake in a REST listing, where each rule has its own `properties`.
    expect(loadOne("nsg.json", [clone(ccNsg), clone(ccNsg), clone(ccNsg), nsgWithRule("priority", "x")])).toBe(
      'nsg.json: [3].properties.securityRules[0].properties.priority: expected 100-4096, got "x"',
    );
  });

  it("names the path in the file as written: list prefix, and .properties only when present", () => {
    expect(loadOne("nsg.json", { value: [clone(ccNsg), nsgWithRule("priority", 99)] })).toBe(
      "nsg.json: value[1].properties.securityRules[0].properties.priority: expected 100-4096, got 99",
    );
    expect(loadOne("graph.json", { data: [nsgWithRule("priority", 4097)] })).toBe(
      "graph.json: data[0].properties.securityRules[0].properties.priority: expected 100-4096, got 4097",
    );
    expect(loadOne("saved.json", { resources: [nsgWithRule("priority", 100.5)] })).toBe(
      "saved.json: resources[0].properties.securityRules[0].properties.priority: expected 100-4096, got 100.5",
    );
    expect(loadOne("az.json", [flattenResource(nsgWithRule("priority", "x"))])).toBe(
      'az.json: [0].securityRules[0].priority: expected 100-4096, got "x"',
    );
    expect(loadOne("show.json", nsgWithRule("priority", null))).toBe(
      "show.json: properties.securityRules[0].properties.priority: expected 100-4096, got null",
    );
  });

  it("holds default rules to Azure's default priorities", () => {
    const nsg = clone(ccNsg) as typeof ccNsg & { properties: { defaultSecurityRules: unknown[] } };
    nsg.properties.defaultSecurityRules = [{ name: "DenyAllInBound", properties: { ...ccNsg.properties.securityRules[0].properties, priority: 100 } }];
    expect(loadOne("nsg.json", [nsg])).toBe("nsg.json: [0].properties.defaultSecurityRules[0].properties.priority: expected 65000-65500, got 100");
  });

  it("rejects bad directions, access, protocols, ports and prefixes", () => {
    const at = "nsg.json: [0].properties.securityRules[0].properties";
    expect(loadOne("nsg.json", [nsgWithRule("direction", "In")])).toBe(`${at}.direction: expected Inbound or Outbound, got "In"`);
    expect(loadOne("nsg.json", [nsgWithRule("access", undefined)])).toBe(`${at}.access: expected Allow or Deny, got nothing`);
    expect(loadOne("nsg.json", [nsgWithRule("protocol", "Http")])).toBe(`${at}.protocol: expected one of Tcp, Udp, Icmp, Esp, Ah, *, got "Http"`);
    expect(loadOne("nsg.json", [nsgWithRule("destinationPortRange", "70000")])).toBe(
      `${at}.destinationPortRange: expected a port 0-65535, a range N-M or *, got "70000"`,
    );
    expect(loadOne("nsg.json", [nsgWithRule("destinationPortRanges", ["443", "9443-9000"])])).toBe(
      `${at}.destinationPortRanges[1]: expected a port 0-65535, a range N-M or *, got "9443-9000"`,
    );
    expect(loadOne("nsg.json", [nsgWithRule("sourcePortRange", 22)])).toBe(`${at}.sourcePortRange: expected a port 0-65535, a range N-M or *, got 22`);
    expect(loadOne("nsg.json", [nsgWithRule("destinationAddressPrefix", "10.0.0.0/33")])).toBe(
      `${at}.destinationAddressPrefix: expected a CIDR, an IP address, * or a service tag, got "10.0.0.0/33"`,
    );
    expect(loadOne("nsg.json", [nsgWithRule("sourceAddressPrefixes", ["10.0.0.256"])])).toBe(
      `${at}.sourceAddressPrefixes[0]: expected a CIDR, an IP address, * or a service tag, got "10.0.0.256"`,
    );
  });

  it("accepts every address form Azure prints", () => {
    for (const prefix of ["*", "10.0.0.4", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::1", "Storage", "Storage.WestEurope", "VirtualNetwork", "Internet", "AzureLoadBalancer", "AzureFrontDoor.Frontend"]) {
      expect(() => loadSnapshot([{ name: "nsg.json", value: [anchorVnet, nsgWithRule("destinationAddressPrefix", prefix)] }]), prefix).not.toThrow();
    }
  });

  it("rejects a subnet prefix that is not a CIDR", () => {
    const vnet = clone(hubVnet) as { properties: { subnets: { properties: Record<string, unknown> }[] } };
    vnet.properties.subnets[1].properties.addressPrefixes = ["10.0.2.0/24", "10.0.3.0"];
    expect(loadOne("vnets.json", [vnet])).toBe("vnets.json: [0].properties.subnets[1].properties.addressPrefixes[1]: expected a CIDR such as 10.0.0.0/24, got \"10.0.3.0\"");
    expect(loadOne("vnets.json", [flattenResource(vnet)])).toBe("vnets.json: [0].subnets[1].addressPrefixes[1]: expected a CIDR such as 10.0.0.0/24, got \"10.0.3.0\"");
  });

  it("rejects fields of the wrong type", () => {
    const nsg = clone(ccNsg) as { properties: Record<string, unknown> };
    nsg.properties.securityRules = "none";
    expect(loadOne("nsg.json", { value: [nsg] })).toBe('nsg.json: value[0].properties.securityRules: expected an array, got "none"');
    const badId = { ...clone(ccNsg), id: 42 };
    expect(loadOne("nsg.json", [badId])).toBe("nsg.json: [0].id: expected a resource id such as /subscriptions/…/providers/Microsoft.Network/…, got 42");
    const badProps = { ...clone(ccNsg), properties: "x" };
    expect(loadOne("nsg.json", [badProps])).toBe('nsg.json: [0].properties: expected an object, got "x"');
    const badRule = clone(ccNsg) as { properties: { securityRules: unknown[] } };
    badRule.properties.securityRules[1] = "AllowAll";
    expect(loadOne("nsg.json", [badRule])).toBe('nsg.json: [0].properties.securityRules[1]: expected an object, got "AllowAll"');
    const badRef = clone(hubVnet) as { properties: { subnets: { properties: Record<string, unknown> }[] } };
    badRef.properties.subnets[0].properties.networkSecurityGroup = { id: ["x"] };
    expect(loadOne("vnets.json", [badRef])).toBe("vnets.json: [0].properties.subnets[0].properties.networkSecurityGroup.id: expected a resource id such as /subscriptions/…/providers/Microsoft.Network/…, got an array");
    expect(loadOne("nsg.json", { value: { nsg: 1 } })).toBe("nsg.json: value: expected an array, got an object");
    // Resource Graph's table form says how to export objects instead.
    expect(loadOne("graph.json", { data: { columns: [{ name: "id", type: "string" }], rows: [["/subscriptions/x"]] } })).toMatch(/^graph\.json: data: a Resource Graph result in table form \(columns and rows\): export it as objects/);
    expect(loadOne("nsg.json", "nsg")).toBe(
      'nsg.json: expected Azure resources (an array, {"value": [...]}, {"data": [...]} or {"resources": [...]}), got "nsg"',
    );
  });

  it("names the service tags file in its own errors", () => {
    const message = messageOf(() =>
      loadSnapshot([{ name: "a.json", value: smallEstate }], {
        serviceTags: { name: "tags.json", value: { values: [{ name: "Storage", properties: { addressPrefixes: ["20.0.0.0/33"] } }] } },
      }),
    );
    expect(message).toBe('tags.json: values[0].properties.addressPrefixes[0]: expected a CIDR such as 10.0.0.0/24, got "20.0.0.0/33"');
    expect(loadOne("saved.json", { resources: [], serviceTags: { values: [{ properties: {} }] } })).toBe(
      "saved.json: serviceTags.values[0].name: expected a string, got nothing",
    );
  });
});

describe("profile errors", () => {
  const snapshot = loadSnapshot([{ name: "a.json", value: smallEstate }]);

  it("rejects a profile of the wrong shape", () => {
    expect(messageOf(() => parseProfile("profile.json", []))).toBe("profile.json: expected an object, got an array");
    expect(messageOf(() => parseProfile("profile.json", { roles: { cluster: ["hub/compute", 5] } }))).toBe(
      "profile.json: roles.cluster[1]: expected a string, got 5",
    );
    expect(messageOf(() => parseProfile("profile.json", { roles: { cyclecloud: "hub/cyclecloud" } }))).toBe(
      'profile.json: roles.cyclecloud: expected an array, got "hub/cyclecloud"',
    );
  });

  it("names a ref that matches no subnet", () => {
    const profile = parseProfile("profile.json", { roles: { cluster: ["hub/compute", "vnet/x"] } });
    expect(messageOf(() => resolveRoles(snapshot, profile, "profile.json"))).toBe('profile.json: roles.cluster[1]: no subnet matches "vnet/x"');
    const byId = parseProfile("profile.json", { roles: { returnProxy: [`${hubVnet.id}/subnets/nope`] } });
    expect(messageOf(() => resolveRoles(snapshot, byId, "profile.json"))).toBe(
      `profile.json: roles.returnProxy[0]: no subnet matches "${hubVnet.id}/subnets/nope"`,
    );
  });

  it("refuses one subnet in two roles", () => {
    const profile = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cyclecloud"], cluster: [`${hubVnet.id}/SUBNETS/CYCLECLOUD`] } });
    expect(messageOf(() => resolveRoles(snapshot, profile, "profile.json"))).toBe(
      "profile.json: roles.cluster[0]: subnet hub/cyclecloud is already in role cyclecloud; a subnet plays one role",
    );
  });

  it("asks for the full id when vnet/subnet is ambiguous", () => {
    const twin = JSON.parse(JSON.stringify(hubVnet).replaceAll("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555"));
    const both = loadSnapshot([{ name: "a.json", value: [hubVnet, twin] }]);
    const profile = parseProfile("profile.json", { roles: { cyclecloud: ["HUB/CycleCloud"] } });
    expect(messageOf(() => resolveRoles(both, profile, "profile.json"))).toBe(
      'profile.json: roles.cyclecloud[0]: "HUB/CycleCloud" matches 2 subnets (subscriptions 11111111-2222-3333-4444-555555555555, 99999999-2222-3333-4444-555555555555); use the full subnet id',
    );
  });
});

describe("fields Azure always prints, missing (each would otherwise pass or match nothing silently)", () => {
  /** The hub with its CycleCloud subnet's prefix replaced by `props`. */
  function hubWithCcPrefix(props: Record<string, unknown>) {
    const vnet = clone(hubVnet) as { properties: { subnets: { properties: Record<string, unknown> }[] } };
    delete vnet.properties.subnets[0].properties.addressPrefix;
    Object.assign(vnet.properties.subnets[0].properties, props);
    return vnet;
  }
  const ccRole = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cyclecloud"] } });

  it("refuses a security rule without a source, a destination or a port range on either side, naming the path", () => {
    const at = "nsg.json: [1].properties.securityRules[0].properties";
    const without = (...fields: string[]) => {
      const nsg = clone(ccNsg);
      const p = nsg.properties.securityRules[0].properties as Record<string, unknown>;
      for (const f of fields) delete p[f];
      return nsg;
    };
    expect(loadOne("nsg.json", [anchorVnet, without("destinationAddressPrefix", "destinationAddressPrefixes")])).toBe(
      `${at}.destinationAddressPrefix: missing: a rule needs destinationAddressPrefix, destinationAddressPrefixes or destinationApplicationSecurityGroups (* for any)`,
    );
    expect(loadOne("nsg.json", [anchorVnet, without("sourceAddressPrefix", "sourceAddressPrefixes")])).toBe(
      `${at}.sourceAddressPrefix: missing: a rule needs sourceAddressPrefix, sourceAddressPrefixes or sourceApplicationSecurityGroups (* for any)`,
    );
    expect(loadOne("nsg.json", [anchorVnet, without("destinationPortRange", "destinationPortRanges")])).toBe(
      `${at}.destinationPortRange: missing: a rule needs destinationPortRange or destinationPortRanges (* for any)`,
    );
    expect(loadOne("nsg.json", [anchorVnet, without("sourcePortRange", "sourcePortRanges")])).toBe(
      `${at}.sourcePortRange: missing: a rule needs sourcePortRange or sourcePortRanges (* for any)`,
    );
    // The flattened form (`az network nsg list`) too, with the blank values az prints for unset fields.
    const flat = flattenResource(clone(ccNsg)) as { securityRules: Record<string, unknown>[] };
    Object.assign(flat.securityRules[0], { destinationPortRange: null, destinationPortRanges: [] });
    expect(loadOne("nsg.json", [anchorVnet, flat])).toBe(
      "nsg.json: [1].securityRules[0].destinationPortRange: missing: a rule needs destinationPortRange or destinationPortRanges (* for any)",
    );
  });

  it("refuses an NSG whose securityRules or properties are null or absent, and a VNet without subnets", () => {
    // Read as empty, such an NSG holds only the default rules, and a flow its own rules deny passed.
    const why = (listing: string, field: string) => `${listing} always prints ${field} (an array, [] when there are none); a file without it was truncated or edited`;
    const nsg = (props: Record<string, unknown> | null) => ({ ...clone(ccNsg), properties: props });
    expect(loadOne("nsg.json", [anchorVnet, nsg({ securityRules: null })])).toBe(`nsg.json: [1].properties.securityRules: expected an array, got null: ${why("az network nsg list", "securityRules")}`);
    expect(loadOne("nsg.json", [anchorVnet, nsg({ defaultSecurityRules: [] })])).toBe(`nsg.json: [1].properties.securityRules: missing: ${why("az network nsg list", "securityRules")}`);
    expect(loadOne("nsg.json", [anchorVnet, nsg(null)])).toBe(`nsg.json: [1].properties: expected an object holding securityRules, got null: ${why("az network nsg list", "securityRules")}`);
    const flat = flattenResource(clone(ccNsg)) as Record<string, unknown>;
    delete flat.securityRules;
    expect(loadOne("nsg.json", [anchorVnet, flat])).toBe(`nsg.json: [1].securityRules: missing: ${why("az network nsg list", "securityRules")}`);
    // `[]` is an NSG without rules of its own; `defaultSecurityRules` may be absent (CONTRACT §1.1).
    expect(() => loadSnapshot([{ name: "nsg.json", value: [anchorVnet, nsg({ securityRules: [] })] }])).not.toThrow();
    const vnet = clone(hubVnet) as { properties: Record<string, unknown> };
    vnet.properties.subnets = null;
    expect(loadOne("vnets.json", [anchorVnet, vnet])).toBe(`vnets.json: [1].properties.subnets: expected an array, got null: ${why("az network vnet list", "subnets")}`);
  });

  it("refuses a NIC's, a private endpoint's or a DNS server's address that is not an IP address, naming the field", () => {
    const IP = "expected an IP address such as 10.0.0.4, got";
    const nic = clone(ccNic) as { properties: { ipConfigurations: { properties: Record<string, unknown> }[]; dnsSettings?: unknown } };
    nic.properties.ipConfigurations[1].properties.privateIPAddress = "10.30.1.999";
    // Dropped before, the NIC's address was missing from every flow to or from it.
    expect(loadOne("nics.json", [hubVnet, nic])).toBe(
      'nics.json: [1].properties.ipConfigurations[1].properties.privateIPAddress: expected an IP address such as 10.0.0.4 (or a prefix such as 10.0.0.16/28 with privateIPAddressPrefixLength), got "10.30.1.999"',
    );
    // An IP configuration given a prefix prints it there (Microsoft's NetworkInterfaceGet example): still read.
    nic.properties.ipConfigurations[1].properties.privateIPAddress = "10.0.1.16/28";
    expect(() => loadSnapshot([{ name: "nics.json", value: [hubVnet, nic] }])).not.toThrow();
    nic.properties.dnsSettings = { dnsServers: ["168.63.129.16", "10.0.0.4/32"] };
    expect(loadOne("nics.json", [hubVnet, nic])).toBe(`nics.json: [1].properties.dnsSettings.dnsServers[1]: ${IP} "10.0.0.4/32"`);
    const pe = clone(privateEndpoint) as { properties: Record<string, unknown> };
    pe.properties.customDnsConfigs = [{ fqdn: "stdata.blob.core.windows.net", ipAddresses: ["10.1.2.400"] }];
    expect(loadOne("pe.json", [hubVnet, spokeVnet, pe])).toBe(`pe.json: [2].properties.customDnsConfigs[0].ipAddresses[0]: ${IP} "10.1.2.400"`);
    pe.properties.customDnsConfigs = [];
    pe.properties.ipConfigurations = [{ name: "c", properties: { privateIPAddress: "blob" } }];
    expect(loadOne("pe.json", [hubVnet, spokeVnet, pe])).toBe(`pe.json: [2].properties.ipConfigurations[0].properties.privateIPAddress: ${IP} "blob"`);
    const vnet = clone(hubVnet) as { properties: Record<string, unknown> };
    vnet.properties.dhcpOptions = { dnsServers: ["10.0.0.4", "10.0.0"] };
    expect(loadOne("vnets.json", [vnet])).toBe(`vnets.json: [0].properties.dhcpOptions.dnsServers[1]: ${IP} "10.0.0"`);
  });

  it("refuses a reference whose id is empty", () => {
    const vnet = clone(hubVnet) as { properties: { subnets: { properties: Record<string, unknown> }[] } };
    vnet.properties.subnets[0].properties.networkSecurityGroup = { id: "" };
    expect(loadOne("vnets.json", [vnet])).toBe(
      'vnets.json: [0].properties.subnets[0].properties.networkSecurityGroup.id: expected a resource id such as /subscriptions/…/providers/Microsoft.Network/…, got ""',
    );
    const nic = clone(ccNic) as { properties: Record<string, unknown> };
    nic.properties.networkSecurityGroup = { id: " " };
    expect(loadOne("nics.json", [hubVnet, nic])).toMatch(/^nics\.json: \[1\]\.properties\.networkSecurityGroup\.id: expected a resource id/);
  });

  it("reads an IPAM pool's allocated prefixes as the subnet's when it prints no addressPrefix", () => {
    const vnet = hubWithCcPrefix({ ipamPoolPrefixAllocations: [{ numberOfIpAddresses: "256", pool: { id: `${NET}/networkManagers/m/ipamPools/p` }, allocatedAddressPrefixes: ["10.0.1.0/24"] }] });
    const snapshot = loadSnapshot([{ name: "vnets.json", value: [vnet] }]);
    const cc = snapshot.subnets.get(`${HUB}/subnets/cyclecloud`.toLowerCase())!;
    expect(cc.addressPrefixes).toEqual(["10.0.1.0/24"]);
    expect(cc.missingPrefixAt).toBeUndefined();
    expect(resolveRoles(snapshot, ccRole, "profile.json").size).toBe(1);
    const bad = hubWithCcPrefix({ ipamPoolPrefixAllocations: [{ allocatedAddressPrefixes: ["10.0.1.0"] }] });
    expect(loadOne("vnets.json", [bad])).toBe(
      'vnets.json: [0].properties.subnets[0].properties.ipamPoolPrefixAllocations[0].allocatedAddressPrefixes[0]: expected a CIDR such as 10.0.0.0/24, got "10.0.1.0"',
    );
  });

  it("refuses a role for a subnet with no prefix at all, naming the snapshot file and path; one in no role is a gap", () => {
    for (const props of [{}, { ipamPoolPrefixAllocations: [{ numberOfIpAddresses: "256", pool: { id: "/x" } }] }, { addressPrefixes: [] }]) {
      const snapshot = loadSnapshot([{ name: "vnets.json", value: [hubWithCcPrefix(props)] }]);
      expect(messageOf(() => resolveRoles(snapshot, ccRole, "profile.json"))).toBe(
        "vnets.json: [0].properties.subnets[0].properties.addressPrefix: missing: subnet hub/cyclecloud has no addressPrefix, addressPrefixes or ipamPoolPrefixAllocations[].allocatedAddressPrefixes, and profile.json (roles.cyclecloud[0]) gives it role cyclecloud",
      );
      // In no role, the load goes on and says what it could not see.
      expect(snapshot.gaps?.unresolved).toContainEqual(
        expect.objectContaining({ from: `${HUB}/subnets/cyclecloud`, kind: "addressPrefix", ref: "vnets.json: [0].properties.subnets[0].properties.addressPrefix" }),
      );
      const other = parseProfile("profile.json", { roles: { cluster: ["hub/compute"] } });
      expect(resolveRoles(snapshot, other, "profile.json").size).toBe(1);
    }
  });
});

describe("parseJsonFile and text encodings", () => {
  const json = '[\n  {"id": "/x"}\n]\n';
  const decoded = (bytes: Buffer) => bytes.toString("utf8");
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it("names UTF-16 (PowerShell 5.1's `>`), with or without a byte-order mark, and says how to save it", () => {
    const hint = "x.json: file is UTF-16; save it as UTF-8 (PowerShell: Out-File -Encoding utf8)";
    expect(messageOf(() => parseJsonFile("x.json", decoded(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]))))).toBe(hint);
    expect(messageOf(() => parseJsonFile("x.json", decoded(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(json)]))))).toBe(hint);
    expect(messageOf(() => parseJsonFile("x.json", decoded(Buffer.from(json, "utf16le"))))).toBe(hint);
  });

  it("accepts UTF-8 with a byte-order mark", () => {
    expect(parseJsonFile("x.json", decoded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])))).toEqual([{ id: "/x" }]);
  });
});
