// Changes applied to a copy of the snapshot: the original is untouched, and each kind lands where the
// path engine reads it (NSG rules, subnet, route table, firewall policy groups, classic collections, NAT).
import { describe, expect, it } from "vitest";
import { applyChanges } from "../../lib/fixes/apply";
import { azCommands } from "../../lib/fixes/az";
import { renderTerraform } from "../../lib/fixes/render";
import { bundleChanges } from "../../lib/fixes/fix-all";
import type { Change } from "../../lib/fixes/types";
import { plainNames, rule, world } from "./world";

describe("applyChanges", () => {
  const { snapshot, subnet, changes } = world(plainNames());
  const byKind = (kind: Change["kind"], i = 0) => changes.filter((c) => c.kind === kind)[i];

  it("leaves the original snapshot as it was", () => {
    const before = JSON.stringify([...snapshot.nsgs.values(), ...snapshot.subnets.values(), ...snapshot.routeTables.values()]);
    applyChanges(snapshot, changes);
    expect(JSON.stringify([...snapshot.nsgs.values(), ...snapshot.subnets.values(), ...snapshot.routeTables.values()])).toBe(before);
  });

  it("update-rule replaces the rule by name; add-rule appends", () => {
    const { snapshot: after, changedKeys } = applyChanges(snapshot, [byKind("update-rule"), byKind("add-rule")]);
    const rules = after.nsgs.get(subnet.nsgKey!)!.securityRules;
    expect(rules.map((r) => [r.name, r.destinationPortRanges])).toEqual([
      ["DenyStorage", ["8443"]],
      ["DenyStorage-allow", ["443"]],
    ]);
    expect(changedKeys).toContain(subnet.nsgKey);
  });

  it("add-route replaces a route of the same name, delete-route removes it", () => {
    const add = byKind("add-route") as Extract<Change, { kind: "add-route" }>;
    const del = byKind("delete-route") as Extract<Change, { kind: "delete-route" }>;
    const { snapshot: after, changedKeys } = applyChanges(snapshot, [add, del]);
    expect(after.routeTables.get(add.routeTableKey)!.routes.map((r) => r.name)).toEqual(["to-fw-storage"]);
    expect(changedKeys).toContain(add.routeTableKey);
  });

  it("add-firewall-rule-collection appends to the policy's group, or to a classic firewall's collections", () => {
    const onPolicy = byKind("add-firewall-rule-collection", 0) as Extract<Change, { kind: "add-firewall-rule-collection" }>;
    const classic = byKind("add-firewall-rule-collection", 1) as Extract<Change, { kind: "add-firewall-rule-collection" }>;
    const { snapshot: after, changedKeys } = applyChanges(snapshot, [onPolicy, classic]);
    const group = [...after.ruleCollectionGroups!.values()][0];
    expect(group.ruleCollections.map((c) => c.name)).toEqual(["allow-azure-old", "allow-azure"]);
    expect(after.firewalls!.get(classic.firewallKey!)!.networkRuleCollections.map((c) => c.name)).toEqual(["allow-azure-net"]);
    expect(changedKeys).toContain(onPolicy.policyKey);
    expect(changedKeys).toContain(classic.firewallKey);
  });

  it("attach-nat-gateway creates a Standard public IP and gateway, and the subnet keeps every other property", () => {
    const { snapshot: after } = applyChanges(snapshot, [byKind("attach-nat-gateway")]);
    const s = after.subnets.get(subnet.key)!;
    const nat = after.natGateways!.get(s.natGatewayKey!)!;
    expect(nat.name).toBe("natgw-snet-cc");
    expect(after.publicIps!.get(nat.publicIpKeys[0])!.sku).toBe("Standard");
    expect(s.armProperties).toMatchObject({ ...subnet.armProperties, natGateway: { id: nat.id } });
  });

  it("a bundle merges two narrowings of one rule and drops a duplicate endpoint", () => {
    const base = rule("DenyMany", { destinationPortRanges: ["443", "5672", "9443"] });
    const nsgKey = subnet.nsgKey!;
    const a: Change = { kind: "update-rule", nsgKey, before: base, after: { ...base, destinationPortRanges: ["5672", "9443"] }, why: "a" };
    const b: Change = { kind: "update-rule", nsgKey, before: base, after: { ...base, destinationPortRanges: ["443", "9443"] }, why: "b" };
    const se = byKind("add-service-endpoint");
    const out = bundleChanges([[a, se], [b, se]]);
    expect(out).toHaveLength(2);
    expect((out[0] as typeof a).after.destinationPortRanges).toEqual(["9443"]);
  });

  it("two narrowings that together leave a deny no port delete it (Azure refuses a rule without ports), and the bundle renders the delete", () => {
    const base = rule("DenyToCycleCloud", { destinationPortRanges: ["5672", "9443"] });
    const nsgKey = subnet.nsgKey!;
    const a: Change = { kind: "update-rule", nsgKey, before: base, after: { ...base, destinationPortRanges: ["9443"] }, why: "AMQP needs 5672." };
    const b: Change = { kind: "update-rule", nsgKey, before: base, after: { ...base, destinationPortRanges: ["5672"] }, why: "HTTPS needs 9443." };
    const out = bundleChanges([[a], [b]]);
    expect(out).toEqual([{ kind: "delete-rule", nsgKey, rule: base, why: "AMQP needs 5672. HTTPS needs 9443. Together they leave it no port, so it is deleted." }]);
    const after = applyChanges(snapshot, out).snapshot;
    expect(after.nsgs.get(nsgKey)!.securityRules.some((r) => r.name === "DenyToCycleCloud")).toBe(false);
    const az = azCommands(snapshot, out[0]);
    expect(az.map((c) => c.command.join(" "))).toEqual(["network nsg rule delete"]);
    expect(az[0].args).toContainEqual(["--name", "DenyToCycleCloud"]);
    // A rule of every protocol: the reason says what else opens. A new rule at the freed priority waits for the delete.
    const any = { ...base, protocol: "*" as const };
    const [gone] = bundleChanges([[{ ...a, before: any, after: { ...any, destinationPortRanges: ["9443"] } }], [{ ...b, before: any, after: { ...any, destinationPortRanges: ["5672"] } }]]);
    expect(gone.kind === "delete-rule" && gone.why).toContain("it named every protocol, so UDP and ICMP on those ports open too");
    const allow: Change = { kind: "add-rule", nsgKey, rule: rule("AllowAmqp", { access: "Allow", priority: base.priority, destinationPortRanges: ["5672"] }) };
    const tf = renderTerraform(snapshot, [gone, allow]);
    expect("text" in tf && tf.text).toMatch(/resource "azurerm_network_security_rule" "allowamqp" \{[^}]*depends_on\s+= \[azapi_resource_action\.delete_denytocyclecloud\]/);
  });
});
