// Review (fix planner, shared resources): an NSG on a scale set's NIC profile is shared by every subnet the scale set's
// IP configurations place instances in, exactly as a NIC's NSG is. A fix to it for one subnet must name only that
// subnet's addresses, name the scale set and its subnet in its note, and leave the other scale set's traffic as it was
// (CONTRACT §4, fix rules: shared resources).
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import { queryFlow } from "../../lib/path/query";
import { type RuleSpec, estate, finding } from "../helpers/estate-builder";

const CC_RULES: RuleSpec[] = [
  { name: "AllowHttpsIn", priority: 200, direction: "Inbound", access: "Allow", protocol: "Tcp", src: "VirtualNetwork", ports: "443" },
  { name: "AllowAmqpIn", priority: 210, direction: "Inbound", access: "Allow", protocol: "Tcp", src: "VirtualNetwork", ports: ["5672", "9443"] },
];
const toCycleCloud: RuleSpec = { name: "DenyToCycleCloud", priority: 200, direction: "Outbound", access: "Deny", protocol: "Tcp", dst: "10.1.0.0/24", ports: ["5672", "9443"] };
const toInternet: RuleSpec = { name: "DenyInternetOut", priority: 200, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" };

/**
 * CycleCloud, a cluster whose scale set carries `nsg-nodes` on its NIC profile, and `vmss-other` in `snet-other` with
 * the same NSG on its own NIC profile; neither compute subnet has a subnet NSG. With `sharer: "nic"`, a NIC holds
 * the NSG in `snet-other` instead (the variant that was already right).
 */
function world(rules: RuleSpec[], sharer: "scale set" | "nic" = "scale set") {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc" })
    .nsg("nsg-cc", CC_RULES)
    .subnet("spoke/snet-compute", "10.1.8.0/22")
    .subnet("spoke/snet-other", "10.1.20.0/24")
    .nsg("nsg-nodes", rules)
    .scaleSet("vmss-nodes", "spoke/snet-compute", { nsg: "nsg-nodes" });
  if (sharer === "nic") b.nic("nic-other", "spoke/snet-other", { ip: "10.1.20.4", nsg: "nsg-nodes" });
  else b.scaleSet("vmss-other", "spoke/snet-other", { nsg: "nsg-nodes" });
  return b.snapshot();
}
const roles = { cyclecloud: ["spoke/snet-cc"], cluster: ["spoke/snet-compute"], returnProxy: [] };
const azOf = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")!.text;

describe("an NSG on a scale set's NIC profile, shared with another scale set's subnet", () => {
  it("a custom deny toward CycleCloud: an allow scoped to the cluster subnet, not the deny narrowed or deleted; the other scale set stays denied", () => {
    const snapshot = world([toCycleCloud]);
    const f = finding(audit(snapshot, { roles }), "spoke/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    const az = azOf(f);
    expect(az).not.toMatch(/nsg rule (update|delete)/);
    expect(az).toMatch(/az network nsg rule create [\s\S]*--source-address-prefixes 10\.1\.8\.0\/22/);
    expect(az).toMatch(/shared with 1 other subnet \(scale set "vmss-other" in "spoke\/snet-other"\)[^.]*their traffic is unchanged/);
    const bundle = fixAll(snapshot, { roles });
    expect(bundle.changes.some((c) => c.kind === "delete-rule" || c.kind === "update-rule")).toBe(false);
    const after = applyChanges(snapshot, bundle.changes).snapshot;
    expect(finding(audit(after, { roles }), "spoke/snet-compute", "NODE-EGRESS-AMQP").status).toBe("pass");
    for (const snap of [snapshot, after]) expect(queryFlow(snap, { from: "spoke/snet-other", to: "10.1.0.4", protocol: "tcp", port: "5672" }).verdict).toBe("blocked");
  });

  for (const sharer of ["scale set", "nic"] as const) {
    it(`a deny of the Internet, shared through a ${sharer}: AllowAzureStorage names the cluster subnet's prefixes, not '*'`, () => {
      const snapshot = world([toInternet], sharer);
      const f = finding(audit(snapshot, { roles }), "spoke/snet-compute", "NODE-EGRESS-STORAGE");
      const az = azOf(f);
      expect(az).toMatch(/--name AllowAzureStorage[\s\S]*--source-address-prefixes 10\.1\.8\.0\/22/);
      expect(az).not.toMatch(/--source-address-prefixes '\*'/);
      expect(az).toContain(sharer === "nic" ? `NIC "nic-other" in "spoke/snet-other"` : `scale set "vmss-other" in "spoke/snet-other"`);
      const after = applyChanges(snapshot, fixAll(snapshot, { roles }).changes).snapshot;
      expect(queryFlow(after, { from: "spoke/snet-other", to: "Storage", protocol: "tcp", port: "443" }).verdict).toBe("blocked");
    });
  }

  it("the lockdown's BlockOutbound on an NSG also on a scale set's NIC profile: scoped to CycleCloud's prefixes; the scale set keeps the Internet", () => {
    const snapshot = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-shared" })
      .subnet("spoke/snet-other", "10.1.20.0/24")
      .nsg("nsg-shared", CC_RULES)
      .scaleSet("vmss-other", "spoke/snet-other", { nsg: "nsg-shared" })
      .snapshot();
    const cc = { cyclecloud: ["spoke/snet-cc"], cluster: [], returnProxy: [] };
    const f = finding(audit(snapshot, { roles: cc }), "spoke/snet-cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    const az = azOf(f);
    expect(az).toMatch(/--name BlockOutbound[\s\S]*--source-address-prefixes 10\.1\.0\.0\/24/);
    expect(az).not.toMatch(/--source-address-prefixes '\*'/);
    expect(az).toContain(`scale set "vmss-other" in "spoke/snet-other"`);
    const after = applyChanges(snapshot, fixAll(snapshot, { roles: cc }).changes).snapshot;
    expect(finding(audit(after, { roles: cc }), "spoke/snet-cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    expect(queryFlow(after, { from: "spoke/snet-other", to: "Internet", protocol: "tcp", port: "443" }).verdict).not.toBe("blocked");
  });
});
