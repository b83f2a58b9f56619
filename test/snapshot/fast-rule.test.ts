// The allocation-free rule check must accept exactly what the zod schemas accept, and zod must
// hand back the same field values, so both paths build the same SecurityRule.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidRuleProps } from "@/lib/snapshot/fast-rule";
import { customRuleProps, defaultRuleProps } from "@/lib/snapshot/schemas";

const oneOf = (...values: unknown[]) => fc.constantFrom(...values);
/** Mostly good values, sometimes a bad one: about half the generated rules are valid overall. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 24 }, { arbitrary: bad, weight: 1 });
const unset = oneOf(undefined, null, "");
/** A singular field that is mostly set: a rule needs an address and a port range on each side, so unset ones are rarer. */
const mostlySet = <T>(value: fc.Arbitrary<T>) => fc.oneof({ arbitrary: value, weight: 5 }, { arbitrary: unset, weight: 1 });
const prefix = mostly(oneOf("*", "", "10.0.0.0/24", "10.0.0.4", "Storage.WestEurope", "2001:db8::/48"), oneOf("10.0.0.0/33", "300.1.1.1", "a b", 7, "::g"));
const port = mostly(oneOf("*", "", "443", "9443-9444", "0-65535"), oneOf("65536", "20-10", "x", 443, "1-2-3"));
const list = <T>(item: fc.Arbitrary<T>) => mostly(fc.oneof(fc.array(item, { maxLength: 3 }), oneOf(undefined, null)), oneOf("10.0.0.0/8", 1, {}));
const ref = mostly(fc.record({ id: oneOf("/subscriptions/s/asg/a", "/x") }), oneOf({ id: 3 }, "asg", null, {}));
const priority = (min: number, max: number) =>
  mostly(fc.integer({ min, max }), fc.oneof(fc.integer({ min: -1, max: 70000 }), oneOf(100.5, "100", null, undefined)));

const ruleProps = (min: number, max: number) =>
  fc.record({
    priority: priority(min, max),
    direction: mostly(oneOf("Inbound", "outbound", "OUTBOUND"), oneOf("In", "", 1, undefined)),
    access: mostly(oneOf("Allow", "deny"), oneOf("Block", null)),
    protocol: mostly(oneOf("Tcp", "udp", "ICMP", "Esp", "ah", "*"), oneOf("Any", "All", 6)),
    sourceAddressPrefix: mostlySet(prefix),
    sourceAddressPrefixes: list(prefix),
    destinationAddressPrefix: mostlySet(prefix),
    destinationAddressPrefixes: list(prefix),
    sourcePortRange: mostlySet(port),
    sourcePortRanges: list(port),
    destinationPortRange: mostlySet(port),
    destinationPortRanges: list(port),
    sourceApplicationSecurityGroups: list(ref),
    destinationApplicationSecurityGroups: list(ref),
    description: oneOf("x", null),
  });

describe("isValidRuleProps", () => {
  for (const isDefault of [false, true]) {
    it(`agrees with zod on ${isDefault ? "default" : "custom"} rules`, () => {
      const schema = isDefault ? defaultRuleProps : customRuleProps;
      const generated = isDefault ? ruleProps(65000, 65500) : ruleProps(100, 4096);
      let valid = 0;
      fc.assert(
        fc.property(generated, (props) => {
          const zod = schema.safeParse(props);
          expect(isValidRuleProps(props, isDefault)).toBe(zod.success);
          if (zod.success) valid++;
          if (zod.success) {
            for (const [field, value] of Object.entries(zod.data)) {
              expect(value).toEqual((props as Record<string, unknown>)[field]);
            }
          }
        }),
        { numRuns: 3000 },
      );
      // Both sides of the boundary were exercised.
      expect(valid).toBeGreaterThan(300);
      expect(valid).toBeLessThan(2700);
    });
  }

  it("accepts typical rules (the generator does reach the valid side)", () => {
    const rule = { priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "Storage", destinationPortRange: "443" };
    expect(isValidRuleProps(rule, false)).toBe(true);
    expect(isValidRuleProps({ ...rule, priority: 65001 }, true)).toBe(true);
    expect(isValidRuleProps({ ...rule, priority: 65001 }, false)).toBe(false);
  });

  it("refuses, on both paths, a rule without an address or a port range on either side; an ASG or a plural stands in", () => {
    const rule = { priority: 100, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "Internet", destinationPortRange: "*" };
    for (const field of ["sourceAddressPrefix", "destinationAddressPrefix", "sourcePortRange", "destinationPortRange"]) {
      for (const blank of [undefined, null, ""]) {
        const props = { ...rule, [field]: blank, [`${field}es`.replace("Rangees", "Ranges")]: [] };
        expect(isValidRuleProps(props, false), `${field}=${String(blank)}`).toBe(false);
        expect(customRuleProps.safeParse(props).success, `${field}=${String(blank)}`).toBe(false);
      }
    }
    const asg = [{ id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationSecurityGroups/a" }];
    for (const props of [
      { ...rule, sourceAddressPrefix: null, sourceApplicationSecurityGroups: asg },
      { ...rule, destinationAddressPrefix: "", destinationAddressPrefixes: ["10.0.0.0/8"] },
      { ...rule, destinationPortRange: null, destinationPortRanges: ["443", "8443"] },
    ]) {
      expect(isValidRuleProps(props, false)).toBe(true);
      expect(customRuleProps.safeParse(props).success).toBe(true);
    }
    // An ASG reference with an empty id names nothing.
    expect(isValidRuleProps({ ...rule, sourceAddressPrefix: null, sourceApplicationSecurityGroups: [{ id: "" }] }, false)).toBe(false);
  });
});
