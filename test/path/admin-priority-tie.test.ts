// Security admin rule priorities are unique within a rule collection only: two collections of one configuration may
// hold an AlwaysAllow and a Deny for the same traffic at one priority, and which Azure applies first is not documented.
// The verdict must not follow the order the input files were given in (CONTRACT §1.1: merged in any order).
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";
import { estate, finding } from "../helpers/estate-builder";

function tie(second: "Deny" | "AlwaysAllow" | "Allow") {
  const b = estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24")
    .adminRule("always-allow-443", ["hub"], { priority: 10, direction: "Outbound", access: "AlwaysAllow", dst: ["AzureResourceManager"], ports: ["443"] })
    .adminRule("other-443", ["hub"], { priority: 10, direction: "Outbound", access: second, dst: ["*"], ports: ["443"] });
  return b.resources();
}

const arm = (resources: unknown[]) =>
  finding(audit(loadSnapshot([{ name: "estate.json", value: { value: resources } }]), { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } }), "hub/cc", "CC-EGRESS-ARM");

describe("two admin rules of other actions at one priority", () => {
  it("an AlwaysAllow and a Deny for the same traffic: warn whatever the input's order, naming both, in the same words", () => {
    const resources = tie("Deny");
    const forward = arm(resources);
    const backward = arm([...resources].reverse());
    expect(forward.status).toBe("warn");
    expect(forward.detail).toContain("which of them Azure applies first is not documented");
    expect(forward.detail).toMatch(/always-allow-443[\s\S]*other-443|other-443[\s\S]*always-allow-443/);
    expect(backward.status).toBe(forward.status);
    expect(backward.detail).toBe(forward.detail);
  });

  it("a tie of one outcome decides as either rule would: no doubt is raised", () => {
    // An Allow hands the packet to the NSGs, which (none here) let it out: as the AlwaysAllow does.
    expect(arm(tie("Allow")).status).toBe("pass");
    expect(arm(tie("AlwaysAllow")).status).toBe("pass");
  });

  it("a Deny and an Allow at one priority where the NSG denies as well: denied either way (fail), whatever the input's order", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", [{ name: "DenyAll443", priority: 100, direction: "Outbound", access: "Deny", protocol: "Tcp", dst: "*", ports: "443" }])
      .adminRule("deny-443", ["hub"], { priority: 10, direction: "Outbound", access: "Deny", dst: ["*"], ports: ["443"] })
      .adminRule("allow-443", ["hub"], { priority: 10, direction: "Outbound", access: "Allow", dst: ["*"], ports: ["443"] });
    const resources = b.resources();
    for (const order of [resources, [...resources].reverse()]) {
      const f = arm(order);
      expect(f.status).toBe("fail");
      expect(f.detail).toContain("denied by security admin rule deny-443");
      expect(f.detail).toContain("it does not change the verdict");
    }
  });
});
