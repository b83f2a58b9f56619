// Several scale sets (CycleCloud node arrays) in one subnet, whose outbound paths are alike but for their names: the
// finding says it once for all of them, not once per scale set with the same list of all of them in front.
import { describe, expect, it } from "vitest";
import { SEED_RULES, estate, finding } from "../../test/helpers/estate-builder";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"] };
const base = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...SEED_RULES]).subnet("spoke/compute", "10.1.8.0/22");
const count = (text: string, part: string) => text.split(part).length - 1;

describe("scale sets of one subnet whose outbound words differ only by their names", () => {
  it("three Flexible scale sets, no NAT gateway: one sentence naming all three (fail)", () => {
    const b = base().scaleSet("hpc", "spoke/compute", { mode: "Flexible" }).scaleSet("htc", "spoke/compute", { mode: "Flexible" }).scaleSet("gpu", "spoke/compute", { mode: "Flexible" });
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(count(f.detail, "get no default outbound access")).toBe(1);
    expect(count(f.detail, "TCP port 443 to Storage")).toBe(1);
    expect(f.detail).toContain("instances of Flexible scale sets hpc, htc, gpu get no default outbound access");
  });

  it("three scale sets that do not state their orchestrationMode: one 'cannot be judged' sentence, in the plural (warn)", () => {
    const b = base().scaleSet("hpc", "spoke/compute", { mode: "unstated" }).scaleSet("htc", "spoke/compute", { mode: "unstated" }).scaleSet("gpu", "spoke/compute", { mode: "unstated" });
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(count(f.detail, "orchestrationMode (Uniform or Flexible)")).toBe(1);
    expect(f.detail).toContain("cannot be judged: scale sets hpc, htc, gpu do not say their orchestrationMode (Uniform or Flexible)");
  });

  it("scale sets whose ways out differ keep a sentence each: Flexible hpc (none) and Uniform htc (default outbound access)", () => {
    const b = base().scaleSet("hpc", "spoke/compute", { mode: "Flexible" }).scaleSet("htc", "spoke/compute", { mode: "Uniform" });
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).not.toBe("pass");
    expect(f.detail).toContain("instances of Flexible scale set hpc get no default outbound access");
    expect(f.detail).not.toContain("scale sets hpc, htc get");
  });
});
