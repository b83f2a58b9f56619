// A fix names the other subnets whose traffic its changes reach (a shared route table or NSG), but not the subnets at
// the other end of the finding's own flow: a route in the peer's table back toward this subnet is that flow's way back.
import { describe, expect, it } from "vitest";
import { finding } from "../helpers/estate-builder";
import { spokesEstate } from "../helpers/spokes";

const spokes = (opts: { alsoOnRtCc?: boolean } = {}) => spokesEstate(opts).audit({ cyclecloud: ["vnet-cc/snet-cc"], returnProxy: ["vnet-rp/snet-rp"] });

const sshFixes = (r: ReturnType<typeof spokes>) => {
  const f = finding(r, "vnet-rp/snet-rp", "RP-SSH");
  expect(f.fixes.length).toBeGreaterThan(0);
  // The fix routes both ways through the hub firewall: a route in rt-cc (the CycleCloud end's table) is part of it.
  expect(f.fixes.find((x) => x.kind === "az-cli")!.text).toMatch(/--route-table-name rt-cc\b/);
  return f.fixes;
};

describe("the note naming other subnets a fix reaches", () => {
  it("leaves out the finding's own flow end (the CycleCloud subnet whose route table carries the way back)", () => {
    for (const fix of sshFixes(spokes())) {
      expect(fix.text).not.toMatch(/other subnet|sharing the resource|shared with/);
    }
  });

  it("still names a subnet outside the flow that shares a changed route table, and only that one", () => {
    const fixes = sshFixes(spokes({ alsoOnRtCc: true }));
    for (const kind of ["az-cli", "portal", "terraform"]) {
      const text = fixes.find((x) => x.kind === kind)!.text;
      expect(text).toMatch(/1 other subnet\b[^.]*vnet-cc\/snet-jump/);
      expect(text).not.toMatch(/other subnets?[^.\n]*snet-cc\b/);
    }
  });
});
