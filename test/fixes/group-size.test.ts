// A bundle that would take the fixes' rule collection group past the 2 MB Azure accepts says so in every form.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets
import { describe, expect, it } from "vitest";
import { estate, id } from "../helpers/estate-builder";
import { GROUP_SIZE_LIMIT, oversizedGroupNotes } from "../../lib/fixes/group-size";
import type { Change } from "../../lib/fixes/types";

const snapshot = estate()
  .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
  .firewall("fw", "hub", "10.100.0.4", { policy: "p" })
  .policy("p", [{ name: "g", priority: 100, collections: [{ name: "noop", priority: 100, rules: [{ kind: "network", name: "noop", src: ["192.0.2.1"], dst: ["192.0.2.2"], ports: ["1"] }] }] }])
  .snapshot();
const policyKey = id("firewallPolicies", "p").toLowerCase();

/** `n` collections, one per /24 of 10.x.y.0, each with one network rule, into the fixes' group. */
const collections = (n: number): Change[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: "add-firewall-rule-collection" as const, policyKey, groupName: "CycleCloud-Required",
    collection: { name: `net-return-proxy-vnet-${i}-subnet-0`, priority: 200 + i, action: "Allow" as const, kind: "network" as const, rules: [{ kind: "network" as const, name: "Allow-return-proxy", protocols: ["TCP"], sourceAddresses: [`10.${i >> 8}.${i & 255}.0/24`], sourceIpGroupKeys: [], destinationAddresses: ["10.3.0.0/24"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["37140"] }] },
  }));

describe("oversizedGroupNotes", () => {
  it("says nothing while the group's collections stay within 2 MB", () => {
    expect(oversizedGroupNotes(snapshot, collections(100))).toEqual([]);
  });

  it("names the group, its policy and how many collections it would hold past 2 MB", () => {
    const many = collections(9000);
    expect(JSON.stringify(many.map((c) => c.kind === "add-firewall-rule-collection" && c.collection)).length).toBeGreaterThan(GROUP_SIZE_LIMIT);
    const notes = oversizedGroupNotes(snapshot, many);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Rule collection group "CycleCloud-Required" of firewall policy "p" would hold 9000 rule collections, about \d+\.\d\d MB of rules, more than the 2 MB Azure accepts in one group/);
  });
});
