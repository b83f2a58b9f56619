// Subscription display names (issue 13): the live read saves the subscriptions it listed; the report names them.
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { loadSnapshot } from "@/lib/snapshot";

const SUB = "11111111-2222-3333-4444-555555555555";
const vnet = {
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub`,
  name: "hub",
  type: "Microsoft.Network/virtualNetworks",
  properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/cc`, name: "cc", properties: { addressPrefix: "10.0.0.0/24" } }] },
};

describe("subscription display names", () => {
  it("are read from saved subscription resources and shown in the report, not counted as ignored", () => {
    const snapshot = loadSnapshot([{ name: "live.json", value: { resources: [vnet, { id: `/subscriptions/${SUB}`, type: "Microsoft.Resources/subscriptions", subscriptionId: SUB, displayName: "HPC Production" }] } }]);
    expect(snapshot.subscriptionNames?.get(SUB)).toBe("HPC Production");
    expect(snapshot.gaps?.ignoredTypes.size ?? 0).toBe(0);
    const report = audit(snapshot, { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } });
    expect(report.subscriptions).toEqual([{ id: SUB, name: "HPC Production" }]);
  });

  it("are absent when the input names no subscription", () => {
    const report = audit(loadSnapshot([{ name: "vnets.json", value: [vnet] }]), { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } });
    expect(report.subscriptions).toBeUndefined();
  });
});
