// Terraform applies what does not depend on each other at once: a new NSG's association with the subnet must wait for
// the NSG's rules, or the subnet carries the NSG's default rules alone for that moment (no required allow, no
// lockdown deny). Review of the fix suggestions.
import { describe, expect, it } from "vitest";
import { estate, finding } from "../helpers/estate-builder";

describe("a fix attaching a new NSG, as Terraform", () => {
  it("associates it with the subnet only once every rule of it exists", () => {
    const r = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24").audit({ cyclecloud: ["v/cc"] });
    const tf = finding(r, "v/cc", "NET-NSG-ATTACHED").fixes.find((f) => f.kind === "terraform")!.text;
    const rules = [...tf.matchAll(/resource "azurerm_network_security_rule" "([^"]+)"/g)].map((m) => m[1]);
    expect(rules.length).toBeGreaterThan(3);
    const assoc = /resource "azurerm_subnet_network_security_group_association" "[^"]+" \{([\s\S]*?)\n\}/.exec(tf)?.[1] ?? "";
    const waits = /depends_on\s*=\s*\[([\s\S]*?)\]/.exec(assoc)?.[1] ?? "";
    for (const label of rules) expect(waits, label).toContain(`azurerm_network_security_rule.${label}`);
  });
});
