// Inputs that Azure cannot have produced, or that hold only part of what was read: one clear error naming the file and
// field (exit 2 / HTTP 400), or a partial read (report `errors`, passes held back, exit 3) — never a silent verdict.
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { audit } from "@/lib/audit";
import { RESOURCE_GRAPH_EXPORT_NOTE, RESOURCE_GRAPH_PERMISSION_NOTE, readNotes } from "@/lib/live/read-notes";
import { readErrorLine } from "@/lib/partial-read";
import { isNothingReadError, loadSnapshot, missingRefHint, parseProfile } from "@/lib/snapshot";
import { flattenResource } from "./flatten";
import { NET, SPOKE, ccNsg, smallEstate } from "./small-estate";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const load = (...sources: { name: string; value: unknown }[]) => loadSnapshot(sources);
const loadOne = (name: string, value: unknown) => messageOf(() => loadSnapshot([{ name, value }]));
const profile = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cyclecloud"], cluster: ["spoke/nodes"] } });

describe("NSG rules sharing a priority and direction (ARM refuses them)", () => {
  /** The CycleCloud NSG with a Deny of HTTPS out at `priority` added after its rules. */
  const withDeny = (priority: number, direction = "Outbound") => {
    const nsg = clone(ccNsg) as { properties: { securityRules: unknown[] } };
    nsg.properties.securityRules.push({ name: "DenyHttpsOut", properties: { protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443", sourceAddressPrefix: "*", destinationAddressPrefix: "*", access: "Deny", priority, direction } });
    return nsg;
  };

  it("is an input error naming both rules, whichever is listed first", () => {
    const nsg = withDeny(100);
    expect(loadOne("nsg.json", [nsg])).toBe(
      'nsg.json: [0].properties.securityRules[3].properties.priority: rules "AllowAzureStorage" (securityRules[0]) and "DenyHttpsOut" both have Outbound priority 100; Azure refuses two rules of one direction with one priority in an NSG',
    );
    nsg.properties.securityRules.reverse();
    expect(loadOne("nsg.json", [nsg])).toMatch(/securityRules\[3\]\.properties\.priority: rules "DenyHttpsOut" \(securityRules\[0\]\) and "AllowAzureStorage" both have Outbound priority 100/);
  });

  it("names the flattened form's path, and compares directions however they are spelled", () => {
    const nsg = flattenResource(withDeny(100, "outbound")) as Record<string, unknown>;
    expect(loadOne("az-nsg.json", [nsg])).toMatch(/^az-nsg\.json: \[0\]\.securityRules\[3\]\.priority: rules "AllowAzureStorage"/);
  });

  it("accepts one priority used once per direction, as Azure does", () => {
    expect(() => load({ name: "nsg.json", value: [...smallEstate.filter((r) => r !== ccNsg), withDeny(100, "Inbound")] })).not.toThrow();
  });
});

describe("a scale set IP configuration without a subnet", () => {
  const scaleSet = (ipProps: Record<string, unknown>) => ({
    id: `${NET.replace("Microsoft.Network", "Microsoft.Compute")}/virtualMachineScaleSets/nodes`,
    name: "nodes",
    type: "Microsoft.Compute/virtualMachineScaleSets",
    properties: {
      orchestrationMode: "Uniform",
      virtualMachineProfile: {
        networkProfile: {
          networkInterfaceConfigurations: [
            { name: "nic", properties: { networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc` }, ipConfigurations: [{ name: "ip", properties: ipProps }] } },
          ],
        },
      },
    },
  });

  it("is an input error naming the field (its NIC NSG would otherwise apply to no subnet)", () => {
    const at = "vmss.json: [7].properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].properties.ipConfigurations[0].properties.subnet";
    expect(loadOne("vmss.json", [...smallEstate, scaleSet({ primary: true })])).toBe(`${at}: expected the subnet its instances' NICs join ({"id": "<subnet id>"}), got nothing`);
    expect(loadOne("vmss.json", [...smallEstate, scaleSet({ subnet: null })])).toBe(`${at}: expected the subnet its instances' NICs join ({"id": "<subnet id>"}), got null`);
  });

  it("loads one that names its subnet", () => {
    const snapshot = load({ name: "vmss.json", value: [...smallEstate, scaleSet({ subnet: { id: `${SPOKE}/subnets/nodes` } })] });
    expect([...snapshot.scaleSets!.values()][0].nicConfigurations[0].ipConfigurations[0].subnetKey).toBe(`${SPOKE}/subnets/nodes`.toLowerCase());
  });
});

describe("a security admin rule's addressPrefixType", () => {
  const rule = (addressPrefixType: unknown) => ({
    id: `${NET}/networkManagers/avnm/securityAdminConfigurations/sac/ruleCollections/rc/rules/r`,
    name: "r",
    kind: "Custom",
    type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
    properties: { priority: 10, direction: "Outbound", access: "Deny", protocol: "Tcp", sources: [{ addressPrefix: "*", addressPrefixType }], destinations: [{ addressPrefix: "*", addressPrefixType: "IPPrefix" }], destinationPortRanges: ["443"] },
  });

  it("is one of ARM's IPPrefix, ServiceTag, NetworkGroup: anything else names the field", () => {
    expect(loadOne("avnm.json", [...smallEstate, rule("Foo")])).toBe('avnm.json: [7].properties.sources[0].addressPrefixType: expected IPPrefix, ServiceTag or NetworkGroup, got "Foo"');
    for (const ok of ["IPPrefix", "servicetag", null, undefined]) expect(() => load({ name: "avnm.json", value: [...smallEstate, rule(ok)] })).not.toThrow();
  });
});

describe("a Resource Graph export that holds only some of its pages", () => {
  const rows = smallEstate.map((r) => ({ ...r, type: r.type.toLowerCase() }));
  /** `az graph query` output holding `data`; `total_records` counts every row of the query. */
  const page = (data: unknown[], skipToken: string | null) => ({ count: data.length, data, skip_token: skipToken, total_records: rows.length });
  const firstPage = page(rows.slice(0, 4), "ew0KICAiJGlkIjogIjEiDQp9");
  const secondPage = page(rows.slice(4), null);

  it("is audited as a partial read: an error naming the file and skip_token, and no finding passes", () => {
    const snapshot = load({ name: "graph-1.json", value: firstPage });
    expect(snapshot.readErrors).toEqual([
      {
        subscription: "*",
        operation: "az graph query export (graph-1.json)",
        code: "MissingPages",
        message: expect.stringContaining("graph-1.json holds 4 of the 7 rows the query matched (total_records) and skip_token says more pages follow: export every page (az graph query --first 1000, then again with --skip-token"),
      },
    ]);
    const report = audit(snapshot, profile);
    expect(report.errors).toEqual(snapshot.readErrors);
    const findings = report.subnets.flatMap((s) => s.findings);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.status === "pass")).toEqual([]);
    expect(findings.some((f) => f.detail.includes("the input is missing pages of its Resource Graph export"))).toBe(true);
  });

  it("is complete when every page is given, in any order and with a page repeated", () => {
    const complete = load({ name: "graph-2.json", value: secondPage }, { name: "graph-1.json", value: firstPage }, { name: "again.json", value: firstPage });
    expect(complete.readErrors).toBeUndefined();
    expect(audit(complete, profile).subnets.flatMap((s) => s.findings).some((f) => f.status === "pass")).toBe(true);
    expect(load({ name: "all.json", value: page(rows, null) }).readErrors).toBeUndefined();
  });

  it("reads the REST answer's totalRecords and $skipToken alike, and refuses a total that is no count", () => {
    const rest = { totalRecords: rows.length, count: 4, data: rows.slice(0, 4), $skipToken: "abc", resultTruncated: "false" };
    expect(load({ name: "rest.json", value: rest }).readErrors?.[0]).toMatchObject({ code: "MissingPages", message: expect.stringContaining("$skipToken says more pages follow") });
    expect(loadOne("g.json", { ...firstPage, total_records: "7" })).toBe('g.json: total_records: expected a number, got "7"');
  });

  it("names the missing pages, not the export hint, when the VNets are all on them", () => {
    const error = (() => {
      try {
        load({ name: "graph-3.json", value: page(rows.slice(2), "token") });
      } catch (e) {
        return e;
      }
    })();
    // The VNets are rows 0 and 1: the page given holds none.
    expect(isNothingReadError(error)).toBe(true);
    expect((error as Error).message).toContain("graph-3.json: nothing to audit: the read behind it found no virtual network or subnet, and one call failed: az graph query export (graph-3.json): MissingPages");
  });
});

describe("Resource Graph's permission caveat", () => {
  it("holds for an `az graph query` export as for a live Resource Graph read, and for nothing else", () => {
    const graph = smallEstate.map((r) => ({ ...r, type: r.type.toLowerCase() }));
    expect(readNotes(load({ name: "graph.json", value: { count: graph.length, data: graph, skip_token: null, total_records: graph.length } }))).toEqual([RESOURCE_GRAPH_EXPORT_NOTE]);
    // One export among several files is enough for the caveat to hold for the estate.
    expect(readNotes(load({ name: "az.json", value: smallEstate.slice(1) }, { name: "graph.json", value: { data: graph.slice(0, 1) } }))).toEqual([RESOURCE_GRAPH_EXPORT_NOTE]);
    expect(readNotes(load({ name: "live.json", value: { resources: smallEstate, readMethod: "resourceGraph" } }))).toEqual([RESOURCE_GRAPH_PERMISSION_NOTE]);
    expect(readNotes(load({ name: "az.json", value: smallEstate }))).toBeUndefined();
  });
});

describe("what a gap tells the user to do fits how the snapshot was read", () => {
  const OTHER = "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/RG-Base/providers/Microsoft.Network/firewallPolicies/fwp-Base";
  const policy = {
    id: `${NET}/firewallPolicies/fwp-hub`,
    name: "fwp-hub",
    type: "Microsoft.Network/firewallPolicies",
    properties: { basePolicy: { id: OTHER }, ruleCollectionGroups: [] },
  };
  const estate = [...smallEstate, policy];
  const gapOf = (snapshot: ReturnType<typeof load>, kind: string) => snapshot.gaps!.unresolved.filter((u) => u.kind === kind);

  it("a file: the export to add, the reference spelled as the input wrote it", () => {
    expect(gapOf(load({ name: "az.json", value: estate }), "firewallPolicy")).toEqual([{ from: policy.id, kind: "firewallPolicy", ref: OTHER, hint: "add `az network firewall policy list`" }]);
  });

  it("a live read (or its saved file): the subscription to add to the read, or the Reader role it lacks where it read", () => {
    const live = load({ name: "azure", value: { resources: estate, readMethod: "listAll" } });
    expect(gapOf(live, "firewallPolicy")).toEqual([
      {
        from: policy.id,
        kind: "firewallPolicy",
        ref: OTHER,
        hint: "the live read did not reach subscription 99999999-2222-3333-4444-555555555555: add it to AZURE_SUBSCRIPTION_IDS (or leave that unset to read every subscription the credential lists) and give the credential Reader there",
      },
    ]);
    // The CycleCloud subnet's route table and NSG sit in a subscription the read reached.
    const withoutRouteTable = load({ name: "azure", value: { resources: estate.filter((r) => !r.type.endsWith("routeTables")), readMethod: "resourceGraph" } });
    expect(gapOf(withoutRouteTable, "routeTable")[0].hint).toBe("the live read of subscription 11111111-2222-3333-4444-555555555555 did not return it: give the credential Reader on it (a failed list is in `errors`), or check that it still exists");
    expect(JSON.stringify(live.gaps)).not.toContain("add `az");
  });

  it("texts outside the gaps (a finding's \"cannot be judged\") get the same hint through missingRefHint", () => {
    const file = load({ name: "az.json", value: estate });
    const live = load({ name: "azure", value: { resources: estate, readMethod: "listAll" } });
    expect(missingRefHint(file, OTHER, "add `az network firewall policy list`")).toBe("add `az network firewall policy list`");
    expect(missingRefHint(live, OTHER, "add `az network firewall policy list`")).toMatch(/^the live read did not reach subscription 99999999-2222-3333-4444-555555555555: add it to AZURE_SUBSCRIPTION_IDS/);
  });

  it("a live read that found no VNet and reported no error points at the subscriptions read, not at an export", () => {
    expect(loadOne("azure", { resources: [ccNsg], readMethod: "listAll" })).toBe(
      "azure: the live read found no virtual networks or subnets: check that AZURE_SUBSCRIPTION_IDS names the subscriptions that hold them and that the credential has Reader there",
    );
    expect(loadOne("az.json", [ccNsg])).toBe("az.json: no virtual networks or subnets in this file; add `az network vnet list -o json`");
  });
});

describe("a saved read that reached nothing", () => {
  const errors = [
    { subscription: "*", operation: "credential.getToken", code: "AADSTS7000215", message: "AADSTS7000215: Invalid client secret provided." },
  ];

  it("throws its failed calls (exit 3 in the CLI), still one InputError line for the API", () => {
    const message = loadOne("saved.json", { resources: [], readErrors: errors, readMethod: "listAll" });
    expect(message).toBe("saved.json: nothing to audit: the read behind it found no virtual network or subnet, and one call failed: credential.getToken: AADSTS7000215: Invalid client secret provided.");
    let thrown: unknown;
    try {
      loadSnapshot([{ name: "saved.json", value: { resources: [], readErrors: errors } }]);
    } catch (e) {
      thrown = e;
    }
    expect(isNothingReadError(thrown) && thrown.errors).toEqual(errors);
  });

  it("names the failed calls a caller keeps beside its sources (a dashboard scan's errors) the same way", () => {
    let thrown: unknown;
    try {
      loadSnapshot([{ name: "azure", value: { resources: [ccNsg], readMethod: "listAll" } }], { readErrors: errors });
    } catch (e) {
      thrown = e;
    }
    expect(isNothingReadError(thrown) && thrown.errors).toEqual(errors);
  });

  it("prints each failed call on one line: where, ARM's code, the message once", () => {
    expect(readErrorLine({ subscription: "sub-1", operation: "virtualNetworks.listAll", code: "AuthorizationFailed", message: "HTTP 403: The client\n 'x' may not" })).toBe(
      "virtualNetworks.listAll in subscription sub-1: AuthorizationFailed: HTTP 403: The client 'x' may not",
    );
    expect(readErrorLine({ subscription: "2 subscriptions", operation: "resourceGraph.resources", code: "InternalServerError", message: "HTTP 500: boom" })).toBe("resourceGraph.resources in 2 subscriptions: InternalServerError: HTTP 500: boom");
  });
});

