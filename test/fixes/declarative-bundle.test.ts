// Review F2: the Bicep and Terraform forms, per finding and in --fix-all, as Azure and the providers would take them.
// - fix-all.tf creates a route the bundle adds (azurerm_route): azapi_update_resource reads its target first and fails.
// - fix-all.bicep never adds a rule at the priority of a rule whose move only the az script makes (SecurityRuleConflict);
//   it leaves that NSG's changes out, says why, and leaves a NAT gateway out with a deny it waits for.
// - subnets of one VNet are written one after another (dependsOn / depends_on): AnotherOperationInProgress otherwise.
// - a subnet that has a NAT gateway gets the new one through azapi_update_resource (the association's create refuses it).
// - a classic firewall's application rule carries its protocol blocks in Terraform.
// - a NAT gateway's subnet change waits for the lockdown's deny rule (dependsOn / depends_on).
import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, estate, id } from "../helpers/estate-builder";
import { audit } from "../../lib/audit";
import { bicepDocuments, renderBicep } from "../../lib/fixes/bicep";
import { fixAll } from "../../lib/fixes/fix-all";
import { renderTerraform } from "../../lib/fixes/render";
import type { Change } from "../../lib/fixes/types";
import type { Profile, SecurityRule, Snapshot } from "../../lib/model/types";
import { checkBicep, checkTerraform } from "./checkers";
import { rule } from "./world";

const text = (r: { text: string } | { refused: string }) => {
  if (!("text" in r)) throw new Error(r.refused);
  return r.text;
};

/** `resource <sym> '<type>@…' = { … }` blocks of a Bicep text, with their symbol, type and body. */
function bicepBlocks(bicep: string): { sym: string; type: string; body: string }[] {
  return [...bicep.matchAll(/^resource (\w+) '([^@']+)@[^']+'( existing)? = \{\n([\s\S]*?)\n\}$/gm)].filter((m) => !m[3]).map((m) => ({ sym: m[1], type: m[2], body: m[4] }));
}
const dependsOnOf = (body: string) => /\n {2}dependsOn: \[\n([\s\S]*?)\n {2}\]/.exec(body)?.[1].trim().split(/\s+/) ?? [];

/** The lockdown-with-allow estate (a private CycleCloud subnet sharing its NSG with the cluster), with `rules` in that NSG. */
const lockdownEstate = (rules: RuleSpec[]) =>
  estate()
    .vnet("ccw-vnet", ["10.0.0.0/16"])
    .subnet("ccw-vnet/cc", "10.0.0.0/24", { nsg: "nsg-common", defaultOutboundAccess: false })
    .subnet("ccw-vnet/compute", "10.0.1.0/24", { nsg: "nsg-common" })
    .nsg("nsg-common", rules)
    .nic("cc-nic", "ccw-vnet/cc", { ip: "10.0.0.4" })
    .snapshot();
const LOCKDOWN_PROFILE: Profile = { roles: { cyclecloud: ["ccw-vnet/cc"], cluster: ["ccw-vnet/compute"], returnProxy: [] } };

describe("fix-all.tf: a route the bundle creates is created, not updated", () => {
  it("a table whose 0.0.0.0/0 goes to None: each new service-tag route is an azurerm_route, as in each finding's own form", async () => {
    const b = estate()
      .vnet("vnet-spoke", ["10.1.0.0/16"])
      .subnet("vnet-spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
      .nsg("nsg-cc", [])
      .routeTable("rt-cc", [{ name: "drop-default", prefix: "0.0.0.0/0", hop: "None" }]);
    const snapshot = b.snapshot();
    const profile: Profile = { roles: { cyclecloud: ["vnet-spoke/snet-cc"], cluster: [], returnProxy: [] } };
    const bundle = fixAll(snapshot, profile, audit(snapshot, profile));
    const routes = bundle.changes.filter((c): c is Extract<Change, { kind: "add-route" }> => c.kind === "add-route");
    expect(routes.length).toBeGreaterThan(0);
    const tf = await checkTerraform(bundle.tf);
    expect(tf.problems).toEqual([]);
    for (const r of routes) {
      const made = [...tf.resources].find(([k, a]) => k.startsWith("azurerm_route.") && a.name === r.route.name);
      expect(made, r.route.name).toBeDefined();
      expect(bundle.tf).not.toContain(`/routes/${r.route.name}"`);
    }
  });

  it("a route the table holds by that name before the bundle is still edited in place", async () => {
    const b = estate().vnet("v", ["10.1.0.0/16"]).subnet("v/s", "10.1.0.0/24", { routeTable: "rt" }).routeTable("rt", [{ name: "to-storage", prefix: "Storage", hop: "None" }]);
    const snapshot = b.snapshot();
    const table = [...snapshot.routeTables.values()][0];
    const change: Change = { kind: "add-route", routeTableKey: table.key, route: { name: "to-storage", addressPrefix: "Storage", nextHopType: "Internet" } };
    const tf = text(renderTerraform(snapshot, [change]));
    expect(tf).toMatch(/resource "azapi_update_resource" "to_storage" \{[^}]*\/routes\/to-storage"/);
  });
});

describe("fix-all.bicep: no rule at a priority only the az script frees", () => {
  const denyAt100: RuleSpec[] = [{ name: "DenyInternetOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" }];
  const profile: Profile = { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } };

  it("a deny at 100 that the bundle moves: Bicep declares no rule of that NSG, says why at the top; Terraform and az keep them", async () => {
    const snapshot = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", denyAt100).snapshot();
    const bundle = fixAll(snapshot, profile, audit(snapshot, profile));
    const move = bundle.changes.find((c) => c.kind === "update-rule");
    expect(move).toBeDefined();
    const held = new Set([...snapshot.nsgs.values()].flatMap((n) => n.securityRules.map((r) => `${n.name}|${r.direction}|${r.priority}|${r.name}`)));
    const blocks = bicepBlocks(bundle.bicep).filter((b) => b.type.endsWith("/securityRules"));
    // No new rule sits where a rule of the estate as read still sits (its move is not in this form).
    for (const b of blocks) {
      const priority = /priority: (\d+)/.exec(b.body)![1];
      const direction = /direction: '(\w+)'/.exec(b.body)![1];
      for (const h of held) {
        const [, dir, prio] = h.split("|");
        expect(`${dir}|${prio}`, b.sym).not.toBe(`${direction}|${priority}`);
      }
    }
    expect(blocks).toEqual([]);
    const added = bundle.changes.filter((c) => c.kind === "add-rule").length;
    expect(bundle.notIn.bicep.length).toBe(added + 1);
    expect(bundle.notIn.bicep.filter((w) => w.startsWith('a change to NSG "nsg-cc", whose changes are applied together'))).toHaveLength(added);
    expect(bundle.bicep).toMatch(/^\/\/ \d+ change\(s\) have no safe form here and are only in the az CLI script, for these reasons:\n\/\/ - a Bicep deployment of a security rule replaces all of its properties/);
    expect(bundle.bicep).toContain('// - a change to NSG "nsg-cc", whose changes are applied together or not at all');
    // Terraform moves the deny and makes the new rule at 100 wait for it.
    expect(bundle.notIn.tf).toEqual([]);
    expect(bundle.tf).toMatch(/resource "azurerm_network_security_rule" "\w+" \{[^}]*priority\s+= 100\n[^}]*depends_on\s+= \[azapi_update_resource\.denyinternetout\]/);
  });

  it("a NAT gateway is left out of Bicep with the lockdown deny it waits for", async () => {
    // The private CycleCloud subnet of lockdown-with-allow.test.ts (NAT gateway + deny), with a deny of Storage at 100 in
    // the NSG that the bundle edits (no Bicep form): the NSG's deny goes, and so does the gateway.
    const rules: RuleSpec[] = [
      ...SEED_RULES.map((r) => ({ ...r, priority: r.priority + 10 })),
      { name: "AllowHttp_bastion_Out", priority: 506, direction: "Outbound", access: "Allow", dst: "Internet", ports: "80" },
      { name: "DenyStorageOut", priority: 100, direction: "Outbound", access: "Deny", dst: "Storage", ports: "443" },
    ];
    const snapshot = lockdownEstate(rules);
    const p = LOCKDOWN_PROFILE;
    const bundle = fixAll(snapshot, p, audit(snapshot, p));
    const kinds = bundle.changes.map((c) => (c.kind === "add-rule" ? `add-rule ${c.rule.access}` : c.kind));
    expect(kinds).toContain("attach-nat-gateway");
    expect(kinds).toContain("add-rule Deny");
    expect(kinds.some((k) => k === "update-rule" || k === "delete-rule")).toBe(true);
    expect(bundle.bicep).not.toMatch(/natGateways@|securityRules@/);
    expect(bundle.notIn.bicep).toContain(
      "a NAT gateway, which waits for the lockdown's deny: that deny is left out here, and without it the gateway would give the subnet a way to every public address its NSGs allow",
    );
    expect((await checkBicep(bundle.bicep)).problems).toEqual([]);
  });
});

/** Two subnets of one VNet and a third of another, each with an NSG of its own, from the loader. */
function twoSubnets(opts: { natGateway?: string } = {}): Snapshot {
  return estate()
    .vnet("v1", ["10.0.0.0/16"])
    .vnet("v2", ["10.1.0.0/16"])
    .subnet("v1/a", "10.0.0.0/24", { nsg: "nsg-a", ...(opts.natGateway ? { natGateway: opts.natGateway } : {}) })
    .subnet("v1/b", "10.0.1.0/24", { nsg: "nsg-a" })
    .subnet("v2/c", "10.1.0.0/24")
    .nsg("nsg-a", [])
    // A gateway with no public IP: it gives no way out, so a fix attaches a new one.
    .extra(...(opts.natGateway ? [{ id: id("natGateways", opts.natGateway), name: opts.natGateway, type: "Microsoft.Network/natGateways", sku: { name: "Standard" }, properties: {} }] : []))
    .snapshot();
}
const subnetKey = (s: Snapshot, name: string) => [...s.subnets.values()].find((x) => x.name === name)!.key;
const nsgKey = (s: Snapshot, name: string) => [...s.nsgs.values()].find((x) => x.name === name)!.key;

describe("subnets of one VNet are written one after another", () => {
  const snapshot = twoSubnets();
  const changes: Change[] = [
    { kind: "add-service-endpoint", subnetKey: subnetKey(snapshot, "a"), service: "Microsoft.Storage.Global" },
    { kind: "add-service-endpoint", subnetKey: subnetKey(snapshot, "b"), service: "Microsoft.Storage.Global" },
    { kind: "add-service-endpoint", subnetKey: subnetKey(snapshot, "c"), service: "Microsoft.Storage.Global" },
    { kind: "attach-nat-gateway", subnetKey: subnetKey(snapshot, "b"), natGatewayName: "natgw-b", publicIpName: "pip-b" },
  ];

  it("Bicep: the second subnet of v1 dependsOn the first; v2's subnet waits for nothing; b is declared once with both changes", async () => {
    const bicep = text(renderBicep(snapshot, changes));
    expect((await checkBicep(bicep)).problems).toEqual([]);
    const subnets = bicepBlocks(bicep).filter((b) => b.type.endsWith("/subnets"));
    expect(subnets.map((s) => s.sym)).toEqual(["sub_a", "sub_b", "sub_c"]);
    expect(subnets.map((s) => dependsOnOf(s.body))).toEqual([[], ["sub_a"], []]);
    expect(subnets[1].body).toMatch(/Microsoft\.Storage\.Global[\s\S]*natGateway: \{\n\s+id: nat_natgw_b\.id/);
  });

  it("Terraform: each write to a subnet of v1 depends_on the previous one", async () => {
    const tf = await checkTerraform(text(renderTerraform(snapshot, changes)));
    expect(tf.problems).toEqual([]);
    const deps = (k: string) => tf.resources.get(k)?.depends_on;
    expect(deps("azapi_update_resource.se_a")).toBeUndefined();
    expect(deps("azapi_update_resource.se_b")).toEqual(["${azapi_update_resource.se_a}"]);
    expect(deps("azapi_update_resource.se_c")).toBeUndefined();
    expect(deps("azurerm_subnet_nat_gateway_association.nat_b")).toEqual(["${azapi_update_resource.se_b}"]);
  });
});

describe("a subnet that has a NAT gateway already", () => {
  it("Terraform sets the subnet's natGateway with azapi_update_resource (the association's create would refuse), per finding and in a bundle", async () => {
    const snapshot = twoSubnets({ natGateway: "natgw-old" });
    expect(snapshot.subnets.get(subnetKey(snapshot, "a"))!.natGatewayKey).toBeDefined();
    const change: Change = { kind: "attach-nat-gateway", subnetKey: subnetKey(snapshot, "a"), natGatewayName: "natgw-a", publicIpName: "pip-a" };
    for (const tfText of [text(renderTerraform(snapshot, [change])), text(renderTerraform(snapshot, [change], new Set(), snapshot))]) {
      const tf = await checkTerraform(tfText);
      expect(tf.problems).toEqual([]);
      expect([...tf.resources.keys()].filter((k) => k.startsWith("azurerm_subnet_nat_gateway_association."))).toEqual([]);
      const update = tf.resources.get("azapi_update_resource.nat_a")!;
      expect(update.type).toBe("Microsoft.Network/virtualNetworks/subnets@2024-05-01");
      expect(update.resource_id).toBe(snapshot.subnets.get(subnetKey(snapshot, "a"))!.id);
      expect(update.body).toEqual({ properties: { natGateway: { id: "${azurerm_nat_gateway.natgw_a.id}" } } });
    }
    // In the bundle's end state the subnet has the new gateway: what it had before the bundle decides.
    const fresh = twoSubnets();
    const bundleTf = text(renderTerraform(fresh, [{ ...change, subnetKey: subnetKey(fresh, "a") }], new Set(), fresh));
    expect(bundleTf).toContain('resource "azurerm_subnet_nat_gateway_association" "nat_a"');
  });
});

describe("a classic firewall's application rule in Terraform", () => {
  it("carries one protocol block per protocol, as the az form's --protocols", async () => {
    const snapshot = twoSubnets();
    const fwId = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/azureFirewalls/fw-classic";
    const withFw: Snapshot = {
      ...snapshot,
      firewalls: new Map([[fwId.toLowerCase(), { id: fwId, key: fwId.toLowerCase(), name: "fw-classic", privateIpAddresses: ["10.9.0.4"], subnetKeys: [], publicIpKeys: [], hasManagementIpConfiguration: false, networkRuleCollections: [], applicationRuleCollections: [] }]]),
    };
    const change: Change = {
      kind: "add-firewall-rule-collection",
      firewallKey: fwId.toLowerCase(),
      groupName: "classic",
      collection: {
        name: "app-arm",
        priority: 201,
        action: "Allow",
        kind: "application",
        rules: [{ kind: "application", name: "Allow-ARM", protocols: [{ type: "Https", port: 443 }, { type: "Http", port: 80 }], sourceAddresses: ["10.0.0.0/24"], sourceIpGroupKeys: [], targetFqdns: ["management.azure.com"], fqdnTags: [], webCategories: [], targetUrls: [] }],
      },
    };
    const tf = await checkTerraform(text(renderTerraform(withFw, [change])));
    expect(tf.problems).toEqual([]);
    const col = tf.resources.get("azurerm_firewall_application_rule_collection.app_arm")!;
    expect((col.rule as Record<string, unknown>[])[0].protocol).toEqual([
      { port: 443, type: "Https" },
      { port: 80, type: "Http" },
    ]);
  });
});

describe("a NAT gateway's subnet change waits for the lockdown's deny", () => {
  const snapshot = twoSubnets();
  const deny: SecurityRule = rule("DenyInternetOut", { priority: 400, sourceAddressPrefixes: ["10.0.0.0/24"], destinationAddressPrefixes: ["Internet"], destinationPortRanges: ["*"], protocol: "*" });
  const changes: Change[] = [
    { kind: "add-rule", nsgKey: nsgKey(snapshot, "nsg-a"), rule: { ...rule("AllowStorage", { access: "Allow", priority: 300, destinationPortRanges: ["443"] }) } },
    { kind: "add-rule", nsgKey: nsgKey(snapshot, "nsg-a"), rule: deny },
    { kind: "attach-nat-gateway", subnetKey: subnetKey(snapshot, "a"), natGatewayName: "natgw-a", publicIpName: "pip-a" },
  ];

  it("Bicep: the subnet dependsOn the deny rule (not the allow)", async () => {
    const bicep = text(renderBicep(snapshot, changes));
    expect((await checkBicep(bicep)).problems).toEqual([]);
    const blocks = bicepBlocks(bicep);
    const denySym = blocks.find((b) => b.type.endsWith("/securityRules") && b.body.includes("'DenyInternetOut'"))!.sym;
    expect(dependsOnOf(blocks.find((b) => b.type.endsWith("/subnets"))!.body)).toEqual([denySym]);
  });

  it("Terraform: the NAT association depends_on the deny rule", async () => {
    const tf = await checkTerraform(text(renderTerraform(snapshot, changes)));
    expect(tf.problems).toEqual([]);
    expect(tf.resources.get("azurerm_subnet_nat_gateway_association.nat_a")!.depends_on).toEqual(["${azurerm_network_security_rule.denyinternetout}"]);
  });

  it("Bicep, the NSG in another resource group: the subnet's changes come in a last document, deployed after the deny's", async () => {
    const key = nsgKey(snapshot, "nsg-a");
    const nsg = snapshot.nsgs.get(key)!;
    const elsewhere: Snapshot = { ...snapshot, nsgs: new Map([[key, { ...nsg, resourceGroup: "rg-security" }]]) };
    const withEndpoint: Change[] = [{ kind: "add-service-endpoint", subnetKey: subnetKey(snapshot, "a"), service: "Microsoft.Storage.Global" }, ...changes];
    const bicep = text(renderBicep(elsewhere, withEndpoint));
    expect((await checkBicep(bicep)).problems).toEqual([]);
    const docs = bicepDocuments(bicep);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatch(/^\/\/ Deploy[\s\S]*resourceGroup: 'rg-security'/);
    expect(docs[0]).toContain("'DenyInternetOut'");
    // The subnet (endpoint and gateway in one declaration) is in the document deployed after it.
    expect(docs[1]).toContain("resourceGroup: 'rg-test'");
    expect(bicepBlocks(docs[1]).filter((b) => b.type.endsWith("/subnets"))).toHaveLength(1);
    expect(docs[1]).toMatch(/Microsoft\.Storage\.Global[\s\S]*natGateway: \{\n\s+id: nat_natgw_a\.id/);
  });

  it("in --fix-all (the lockdown-with-allow estate), Bicep and Terraform make the gateway wait for the deny", async () => {
    const rules: RuleSpec[] = [...SEED_RULES, { name: "AllowHttp_bastion_Out", priority: 506, direction: "Outbound", access: "Allow", dst: "Internet", ports: "80" }];
    const s = lockdownEstate(rules);
    const p = LOCKDOWN_PROFILE;
    const bundle = fixAll(s, p, audit(s, p));
    const deny = bundle.changes.find((c): c is Extract<Change, { kind: "add-rule" }> => c.kind === "add-rule" && c.rule.access === "Deny")!;
    expect(deny).toBeDefined();
    const blocks = bicepBlocks(bundle.bicep);
    const denySym = blocks.find((b) => b.type.endsWith("/securityRules") && b.body.includes(`name: '${deny.rule.name}'`))!.sym;
    const natSubnet = blocks.find((b) => b.type.endsWith("/subnets") && b.body.includes("natGateway: {\n      id: nat_"))!;
    expect(dependsOnOf(natSubnet.body)).toContain(denySym);
    const tf = await checkTerraform(bundle.tf);
    expect(tf.problems).toEqual([]);
    const assoc = [...tf.resources].find(([k]) => k.startsWith("azurerm_subnet_nat_gateway_association."))![1];
    const denyAddress = [...tf.resources].find(([k, a]) => k.startsWith("azurerm_network_security_rule.") && a.name === deny.rule.name)![0];
    expect(assoc.depends_on).toContain(`\${${denyAddress}}`);
  });
});
