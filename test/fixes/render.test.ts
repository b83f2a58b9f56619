// The fix forms for the cases issue 10 names: a lockdown fix declares its NSG once in Bicep; the new change
// kinds the path engine plans (routes, firewall collections, NAT gateway) have az CLI, Bicep and Terraform forms.
import { describe, expect, it } from "vitest";
import { renderPlan, renderTerraform } from "../../lib/fixes/render";
import { loadSnapshot } from "../../lib/snapshot";
import { estate, finding } from "../helpers/estate-builder";
import { bashAzCommands, checkBicep, checkTerraform } from "./checkers";
import { plainNames, world } from "./world";

describe("Bicep symbols", () => {
  it("the lockdown fix (a deny and four allows in one NSG) declares the existing NSG once", async () => {
    const r = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", []).audit({ cyclecloud: ["hub/cc"] });
    const bicep = finding(r, "hub/cc", "CC-EGRESS-LOCKDOWN").fixes.find((f) => f.kind === "bicep")!.text;
    const { problems, resources } = await checkBicep(bicep);
    expect(problems).toEqual([]);
    expect(resources.filter((x) => x.existing).map((x) => [x.type, x.name])).toEqual([["Microsoft.Network/networkSecurityGroups", "nsg-cc"]]);
    expect(resources.filter((x) => x.type.endsWith("/securityRules")).map((x) => x.name).sort()).toEqual(["AllowActiveDirectory", "AllowAzureMonitor", "AllowAzureRM", "AllowAzureStorage", "BlockOutbound"]);
  });
});

describe("the change kinds the path engine plans", () => {
  const { snapshot, subnet, changes } = world(plainNames());
  const render = (kind: string, i = 0) => renderPlan(snapshot, { summary: "s", changes: [changes.filter((c) => c.kind === kind)[i]] }, subnet.key);
  const text = (fixes: { kind: string; text: string }[], kind: string) => fixes.find((f) => f.kind === kind)!.text;

  it("attach-nat-gateway: a Standard public IP, the gateway, and the subnet associated (az, Terraform associations; Bicep keeps every subnet property)", async () => {
    const fixes = render("attach-nat-gateway");
    const cmds = bashAzCommands(text(fixes, "az-cli")).commands.map((c) => c.slice(0, 4).join(" "));
    expect(cmds).toEqual(["network public-ip create --subscription", "network nat gateway create", "network vnet subnet update"]);
    expect(text(fixes, "az-cli")).toMatch(/--sku Standard/);
    const tf = await checkTerraform(text(fixes, "terraform"));
    expect(tf.problems).toEqual([]);
    expect([...tf.resources.keys()].map((k) => k.split(".")[0]).sort()).toEqual(["azurerm_nat_gateway", "azurerm_nat_gateway_public_ip_association", "azurerm_public_ip", "azurerm_subnet_nat_gateway_association"]);
    expect((await checkBicep(text(fixes, "bicep"))).problems).toEqual([]);
    expect(text(fixes, "bicep")).toMatch(/defaultOutboundAccess: false[\s\S]*natGateway: \{\n\s+id: nat_natgw_snet_cc\.id/);
  });

  it("add-firewall-rule-collection on a policy: az add-filter-collection; Bicep and Terraform repeat the group's existing collections", async () => {
    const fixes = render("add-firewall-rule-collection", 0);
    expect(bashAzCommands(text(fixes, "az-cli")).commands[0].slice(0, 8)).toEqual(["network", "firewall", "policy", "rule-collection-group", "collection", "add-filter-collection", "--subscription", "11111111-2222-3333-4444-555555555555"]);
    const bicep = text(fixes, "bicep");
    expect((await checkBicep(bicep)).problems).toEqual([]);
    expect(bicep.indexOf("'allow-azure-old'")).toBeLessThan(bicep.indexOf("'allow-azure'"));
    expect((await checkTerraform(text(fixes, "terraform"))).problems).toEqual([]);
    expect(text(fixes, "terraform")).toMatch(/"allow-azure-old"[\s\S]*"allow-azure"/);
  });

  it("add-firewall-rule-collection on a classic firewall: az network-rule create; no Bicep (the whole firewall would be redeployed)", async () => {
    const fixes = render("add-firewall-rule-collection", 1);
    expect(bashAzCommands(text(fixes, "az-cli")).commands[0].slice(0, 4)).toEqual(["network", "firewall", "network-rule", "create"]);
    expect(text(fixes, "bicep")).toMatch(/^\/\/ Not offered as Bicep: a classic firewall's rule collections/);
    const tf = await checkTerraform(text(fixes, "terraform"));
    expect(tf.problems).toEqual([]);
    expect(text(fixes, "terraform")).toMatch(/resource "azurerm_firewall_network_rule_collection"[\s\S]*\n  rule \{/);
  });

  it("routes: add-route as a child resource; delete-route through az or azapi_resource_action, never Bicep", async () => {
    const add = render("add-route");
    expect((await checkBicep(text(add, "bicep"))).resources.map((r) => r.type)).toEqual(["Microsoft.Network/routeTables", "Microsoft.Network/routeTables/routes"]);
    const del = render("delete-route");
    expect(bashAzCommands(text(del, "az-cli")).commands[0].slice(0, 4)).toEqual(["network", "route-table", "route", "delete"]);
    expect(text(del, "bicep")).toMatch(/^\/\/ Not offered as Bicep/);
    expect(text(del, "terraform")).toContain('method      = "DELETE"');
  });
});

describe("the subscription of azurerm resources", () => {
  it("a route added to a route table in another subscription is named in the Terraform note", () => {
    const res = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt" }).routeTable("rt", []).resources() as { id: string; type: string }[];
    const other = "99999999-0000-0000-0000-000000000000";
    for (const r of res) if (r.type === "Microsoft.Network/routeTables") r.id = r.id.replace(/subscriptions\/[^/]+/, `subscriptions/${other}`);
    const snapshot = loadSnapshot([{ name: "estate.json", value: res }]);
    const table = [...snapshot.routeTables.values()][0];
    const out = renderTerraform(snapshot, [{ kind: "add-route", routeTableKey: table.key, route: { name: "Allow-Storage-Internet", addressPrefix: "Storage", nextHopType: "Internet" } }]);
    expect("text" in out && out.text.split("\n")[0]).toBe(`# The azurerm_* resources below belong in subscription "${other}": run with the azurerm provider set to it (subscription_id, or ARM_SUBSCRIPTION_ID).`);
  });
});
