// One finding's fix that adds a collection to a rule collection group already near the 2 MB Azure accepts says so in
// every form, as a --fix-all bundle does: Azure would refuse it. https://learn.microsoft.com/azure/firewall/policy-rule-sets
import { describe, expect, it } from "vitest";
import { finding, hubAndSpoke } from "../helpers/estate-builder";

const FW_IP = "10.100.0.4";

/** A spoke's CycleCloud subnet routed to the hub's firewall, whose policy's group CycleCloud-Required holds `rules` network rules. */
function world(rules: number) {
  return hubAndSpoke(FW_IP)
    .firewall("fw", "hub", FW_IP, { policy: "fwp" })
    .policy("fwp", [
      {
        name: "CycleCloud-Required",
        priority: 100,
        collections: [
          {
            name: "partners",
            priority: 100,
            rules: Array.from({ length: rules }, (_, i) => ({ kind: "network" as const, name: `partner-${i}`, src: [`192.168.${i >> 8}.${i & 255}/32`], dst: [`198.18.${i >> 8}.${i & 255}/32`, `198.19.${i >> 8}.${i & 255}/32`], ports: ["8443"] })),
          },
        ],
      },
    ])
    .audit({ cyclecloud: ["spoke/cc"] });
}

describe("one finding's fix into a rule collection group near 2 MB", () => {
  it("says in every form that Azure would refuse it; a group well within it says nothing", () => {
    const fixes = finding(world(12000), "spoke/cc", "CC-EGRESS-ARM").fixes;
    expect(fixes.map((f) => f.kind).sort()).toEqual(["az-cli", "bicep", "portal", "powershell", "terraform"]);
    for (const f of fixes) expect(f.text, f.kind).toMatch(/Rule collection group "?CycleCloud-Required"? of firewall policy "?fwp"? would hold 2 rule collections, about 2\.\d\d MB of rules, more than the 2 MB Azure accepts in one group/);
    for (const f of finding(world(10), "spoke/cc", "CC-EGRESS-ARM").fixes) expect(f.text, f.kind).not.toContain("2 MB Azure accepts");
  });
});
