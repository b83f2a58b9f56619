// Review F item 2: a fix adding a collection to an existing rule collection group declares the whole group in Bicep
// and Terraform (a PUT replaces its ruleCollections). Today's collections must come back exactly as the input has them,
// fields the audit does not read included (terminateTLS, httpHeadersToInsert, targetUrls, description, IP groups,
// destinationFqdns), per finding and in --fix-all; where a collection was not kept as read, that form is not offered.
// https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { fixAll } from "../../lib/fixes/fix-all";
import { renderBicep, ruleCollection } from "../../lib/fixes/bicep";
import type { Change } from "../../lib/fixes/types";
import type { Profile, Snapshot } from "../../lib/model/types";
import type { Fix } from "../../lib/report/types";
import { loadSnapshot } from "../../lib/snapshot";
import { bicepResourceProperties, checkBicep, checkTerraform } from "./checkers";

const GROUP = "CycleCloud-Required";
const SUB = "00000000-0000-4000-8000-000000000042";
const RG = `/subscriptions/${SUB}/resourceGroups/rg-hpc/providers/Microsoft.Network`;
const POLICY = `${RG}/firewallPolicies/fwp-hub`;

const TLS_WEB = {
  ruleCollectionType: "FirewallPolicyFilterRuleCollection",
  name: "existing-web",
  priority: 200,
  action: { type: "Allow" },
  rules: [
    {
      ruleType: "ApplicationRule",
      name: "pkgs",
      description: "package mirrors, ticket CHG-1",
      sourceAddresses: ["10.9.0.0/24"],
      protocols: [{ protocolType: "Https", port: 443 }],
      targetFqdns: ["packages.example.com"],
      terminateTLS: true,
      httpHeadersToInsert: [{ headerName: "X-Tenant", headerValue: "hpc" }],
    },
    { ruleType: "ApplicationRule", name: "urls", sourceAddresses: ["10.9.0.0/24"], protocols: [{ protocolType: "Https", port: 443 }], targetUrls: ["www.example.com/path"], terminateTLS: true, destinationAddresses: ["*"] },
  ],
};
const FQDN_NET = {
  ruleCollectionType: "FirewallPolicyFilterRuleCollection",
  name: "existing-net",
  priority: 210,
  action: { type: "Allow" },
  rules: [
    {
      ruleType: "NetworkRule",
      name: "onprem-dns",
      description: "DNS to on-prem",
      ipProtocols: ["UDP", "TCP"],
      sourceIpGroups: [`${RG}/ipGroups/ipg-onprem`],
      destinationFqdns: ["dns.corp.example.com"],
      destinationPorts: ["53"],
    },
  ],
};
// One collection mixing rule types (the loader splits it in two model collections): it must come back once, whole.
const MIXED = {
  ruleCollectionType: "FirewallPolicyFilterRuleCollection",
  name: "existing-mixed",
  priority: 220,
  action: { type: "Allow" },
  rules: [
    { ruleType: "NetworkRule", name: "ntp", ipProtocols: ["UDP"], sourceAddresses: ["10.9.0.0/24"], destinationIpGroups: [`${RG}/ipGroups/ipg-ntp`], destinationPorts: ["123"] },
    { ruleType: "ApplicationRule", name: "web-cats", sourceAddresses: ["10.9.0.0/24"], protocols: [{ protocolType: "Https", port: 443 }], webCategories: ["Business"] },
  ],
};

/** The e15 estate of review F: a spoke routed through a hub firewall whose policy already has the fixes' group. */
function estate(collections: unknown[] = [TLS_WEB, FQDN_NET, MIXED]): unknown[] {
  const vnet = (name: string, prefix: string, peer: string, peerPrefix: string, subnets: unknown[]) => ({
    id: `${RG}/virtualNetworks/${name}`,
    name,
    type: "Microsoft.Network/virtualNetworks",
    location: "westeurope",
    properties: {
      addressSpace: { addressPrefixes: [prefix] },
      virtualNetworkPeerings: [
        { name: `to-${peer}`, properties: { remoteVirtualNetwork: { id: `${RG}/virtualNetworks/${peer}` }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, peeringState: "Connected", remoteAddressSpace: { addressPrefixes: [peerPrefix] } } },
      ],
      subnets,
    },
  });
  return [
    vnet("vnet-hub", "10.100.0.0/24", "vnet-spoke", "10.1.0.0/16", [{ id: `${RG}/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet`, name: "AzureFirewallSubnet", properties: { addressPrefix: "10.100.0.0/26" } }]),
    vnet("vnet-spoke", "10.1.0.0/16", "vnet-hub", "10.100.0.0/24", [
      { id: `${RG}/virtualNetworks/vnet-spoke/subnets/snet-cyclecloud`, name: "snet-cyclecloud", properties: { addressPrefix: "10.1.0.0/24", routeTable: { id: `${RG}/routeTables/rt-spoke` } } },
    ]),
    {
      id: `${RG}/routeTables/rt-spoke`,
      name: "rt-spoke",
      type: "Microsoft.Network/routeTables",
      location: "westeurope",
      properties: { routes: [{ name: "to-firewall", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.100.0.4" } }] },
    },
    {
      id: `${RG}/azureFirewalls/fw-hub`,
      name: "fw-hub",
      type: "Microsoft.Network/azureFirewalls",
      location: "westeurope",
      properties: {
        sku: { name: "AZFW_VNet", tier: "Standard" },
        firewallPolicy: { id: POLICY },
        ipConfigurations: [{ name: "ipconfig", properties: { privateIPAddress: "10.100.0.4", subnet: { id: `${RG}/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet` } } }],
      },
    },
    { id: POLICY, name: "fwp-hub", type: "Microsoft.Network/firewallPolicies", location: "westeurope", properties: { threatIntelMode: "Alert", ruleCollectionGroups: [{ id: `${POLICY}/ruleCollectionGroups/${GROUP}` }] } },
    { id: `${POLICY}/ruleCollectionGroups/${GROUP}`, name: GROUP, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", properties: { priority: 65000, provisioningState: "Succeeded", ruleCollections: collections } },
  ];
}

const PROFILE: Profile = { roles: { cyclecloud: ["vnet-spoke/snet-cyclecloud"], returnProxy: [], cluster: [] } } as unknown as Profile;
// Deep copies: the loader keeps the input objects, and the expectation must not be the same object it compares to.
const load = (collections?: unknown[]) => loadSnapshot([{ name: "estate.json", value: { value: JSON.parse(JSON.stringify(estate(collections))) } }]);
const groupFixes = (snapshot: Snapshot, kind: string): Fix[] =>
  audit(snapshot, PROFILE).subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes ?? []).filter((x) => x.kind === kind && x.text.includes(GROUP));
const listed = (props: unknown) => (props as { ruleCollections: Record<string, unknown>[] }).ruleCollections;

/** The group's collections in a Terraform text: the azapi resource's body. */
async function terraformCollections(text: string): Promise<Record<string, unknown>[]> {
  const tf = await checkTerraform(text);
  expect(tf.problems).toEqual([]);
  const [, attrs] = [...tf.resources].find(([k]) => k.startsWith("azapi_update_resource.rcg_"))!;
  return (attrs.body as { properties: { ruleCollections: Record<string, unknown>[] } }).properties.ruleCollections;
}

describe("a whole-group declaration repeats today's collections exactly as read", () => {
  const snapshot = load();

  it("per finding, the Bicep form holds every existing collection as the input has it, then the fix's own", async () => {
    const bicep = groupFixes(snapshot, "bicep");
    expect(bicep.length).toBeGreaterThan(0);
    for (const fix of bicep) {
      expect((await checkBicep(fix.text)).problems).toEqual([]);
      const cols = listed((await bicepResourceProperties(fix.text)).get(GROUP));
      expect(cols.slice(0, 3)).toEqual([TLS_WEB, FQDN_NET, MIXED]);
      expect(cols.length).toBeGreaterThan(3);
      expect(fix.text).toContain(`// Declares the whole rule collection group (${cols.length} collections: those it holds today and this fix's).`);
    }
  });

  it("per finding, the Terraform form parses with HashiCorp's parser and holds them the same way", async () => {
    const tf = groupFixes(snapshot, "terraform");
    expect(tf.length).toBeGreaterThan(0);
    for (const fix of tf) expect((await terraformCollections(fix.text)).slice(0, 3)).toEqual([TLS_WEB, FQDN_NET, MIXED]);
  });

  it("--fix-all declares the group once with them, then every fix's collection", async () => {
    const bundle = fixAll(snapshot, PROFILE);
    const own = bundle.changes.flatMap((c) => (c.kind === "add-firewall-rule-collection" ? [c.collection.name] : []));
    expect(own.length).toBeGreaterThan(1);
    const bicepCols = listed((await bicepResourceProperties(bundle.bicep)).get(GROUP));
    expect(bicepCols.slice(0, 3)).toEqual([TLS_WEB, FQDN_NET, MIXED]);
    expect(bicepCols.slice(3).map((c) => c.name)).toEqual(own);
    const tfCols = await terraformCollections(bundle.tf);
    expect(tfCols.slice(0, 3)).toEqual([TLS_WEB, FQDN_NET, MIXED]);
    expect(tfCols.slice(3).map((c) => c.name)).toEqual(own);
  });

  it("a collection with no priority in the input is repeated with none (not the audit's sort value 65001)", async () => {
    const noPriority: Record<string, unknown> = { ...TLS_WEB };
    delete noPriority.priority;
    const s = load([noPriority, FQDN_NET]);
    const policyKey = POLICY.toLowerCase();
    const change: Change = {
      kind: "add-firewall-rule-collection",
      policyKey,
      groupName: GROUP,
      collection: { name: "app-new", priority: 300, action: "Allow", kind: "network", rules: [{ kind: "network", name: "n", protocols: ["TCP"], sourceAddresses: ["10.1.0.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["AzureCloud"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["443"] }] },
    };
    const bicep = renderBicep(s, [change]);
    if (!("text" in bicep)) throw new Error(bicep.refused);
    const cols = listed((await bicepResourceProperties(bicep.text)).get(GROUP));
    expect(cols.slice(0, 2)).toEqual([noPriority, FQDN_NET]);
    expect(cols[2]).toMatchObject({ name: "app-new", priority: 300 });
  });

  it("an input that wraps collections and rules in `properties` is repeated in ARM's own form, unwrapped", () => {
    const { rules, ...fields } = FQDN_NET;
    const wrapped = { name: fields.name, properties: { ...fields, name: undefined, rules: rules.map(({ name, ...r }) => ({ name, properties: r })) } };
    delete (wrapped.properties as { name?: string }).name;
    const group = [...load([wrapped]).ruleCollectionGroups!.values()][0];
    expect(group.ruleCollections[0].raw).toEqual(FQDN_NET);
  });

  it("the az CLI form still adds one collection and touches nothing else", () => {
    for (const fix of groupFixes(snapshot, "az-cli")) {
      expect(fix.text).toContain("add-filter-collection");
      expect(fix.text).not.toMatch(/terminate|X-Tenant|existing-web/i);
    }
  });
});

describe("a group whose collections were not kept as read gets no whole-group form", () => {
  // A snapshot from a reader that does not keep the JSON: the same model without `raw`.
  const kept = load();
  const groups = new Map([...kept.ruleCollectionGroups!].map(([k, g]) => [k, { ...g, ruleCollections: g.ruleCollections.map((col) => ({ ...col, raw: undefined })) }]));
  const unkept: Snapshot = { ...kept, ruleCollectionGroups: groups };

  it("per finding, Bicep and Terraform say why, and the az CLI form is still offered", () => {
    for (const fix of groupFixes(unkept, "bicep")) expect(fix.text).toMatch(/^\/\/ Not offered as Bicep: a deployment of the rule collection group replaces all of its collections, and \d+ of them were not kept as read/);
    for (const fix of groupFixes(unkept, "terraform")) expect(fix.text).toMatch(/^# Not offered as Terraform: a deployment of the rule collection group replaces all of its collections/);
    expect(groupFixes(unkept, "az-cli").length).toBeGreaterThan(0);
    const all = audit(unkept, PROFILE).subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes ?? []);
    expect(all.filter((x) => x.kind === "az-cli" && x.text.includes("add-filter-collection")).length).toBeGreaterThan(0);
    expect(all.some((x) => (x.kind === "bicep" || x.kind === "terraform") && x.text.includes("ruleCollectionGroups@"))).toBe(false);
  });

  it("--fix-all declares no lossy group either", async () => {
    const bundle = fixAll(unkept, PROFILE);
    expect((await bicepResourceProperties(bundle.bicep)).has(GROUP)).toBe(false);
    expect(bundle.bicep).toContain("// Not offered as Bicep: a deployment of the rule collection group replaces all of its collections");
    expect(bundle.tf).not.toContain("ruleCollectionGroups@");
    expect(bundle.tf).toContain("# Not offered as Terraform: a deployment of the rule collection group replaces all of its collections");
    expect((await checkTerraform(bundle.tf)).problems).toEqual([]);
    expect(bundle.sh).toContain("add-filter-collection");
  });
});

describe("the report does not grow with the JSON kept", () => {
  it("each declaration repeats a rule once, and nothing else in the report carries it", () => {
    const snapshot = load();
    const report = audit(snapshot, PROFILE);
    const declarations = report.subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes ?? []).filter((x) => (x.kind === "bicep" || x.kind === "terraform") && x.text.includes(GROUP));
    for (const d of declarations) expect(d.text.split("package mirrors, ticket CHG-1").length - 1).toBe(1);
    expect(JSON.stringify(report).split("package mirrors, ticket CHG-1").length - 1).toBe(declarations.length);
  });

  it("for a group holding only fields the audit reads, the report is no larger than with declarations built from the model", () => {
    const plain = [{ ...FQDN_NET, rules: [{ ruleType: "NetworkRule", name: "dns", ipProtocols: ["UDP"], sourceAddresses: ["10.9.0.0/24"], destinationAddresses: ["10.0.0.53"], destinationPorts: ["53"] }] }];
    const asRead = JSON.stringify(audit(load(plain), PROFILE)).length;
    // What the renderer wrote before it kept the JSON: each collection rebuilt from the model.
    const rebuilt = load(plain);
    for (const g of rebuilt.ruleCollectionGroups!.values()) for (const col of g.ruleCollections) col.raw = ruleCollection(col);
    expect(asRead).toBeLessThanOrEqual(JSON.stringify(audit(rebuilt, PROFILE)).length);
  });
});
