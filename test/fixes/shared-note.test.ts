// A fix names the other subnets whose traffic its changes reach (a shared route table or NSG), but not the subnets at
// the other end of the finding's own flow: a route in the peer's table back toward this subnet is that flow's way back.
import { describe, expect, it } from "vitest";
import { estate, finding } from "../helpers/estate-builder";

/** CycleCloud and return proxy in spokes whose default routes go straight to the Internet; a hub firewall with no rules. */
function spokes(opts: { alsoOnRtCc?: boolean } = {}) {
  const b = estate()
    .vnet("vnet-hub", ["10.100.0.0/24"])
    .subnet("vnet-hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("vnet-cc", ["10.1.0.0/16"])
    .subnet("vnet-cc/snet-cc", "10.1.0.0/24", { routeTable: "rt-cc" })
    .vnet("vnet-rp", ["10.3.0.0/16"])
    .subnet("vnet-rp/snet-rp", "10.3.0.0/24", { routeTable: "rt-rp" })
    .peer("vnet-hub", "vnet-cc")
    .peer("vnet-hub", "vnet-rp")
    .routeTable("rt-cc", [{ name: "inet", prefix: "0.0.0.0/0", hop: "Internet" }])
    .routeTable("rt-rp", [{ name: "inet", prefix: "0.0.0.0/0", hop: "Internet" }])
    .firewall("fw-hub", "vnet-hub", "10.100.0.4");
  // A jumpbox subnet with no role that shares the CycleCloud subnet's route table.
  if (opts.alsoOnRtCc) b.subnet("vnet-cc/snet-jump", "10.1.9.0/24", { routeTable: "rt-cc" });
  return b.audit({ cyclecloud: ["vnet-cc/snet-cc"], returnProxy: ["vnet-rp/snet-rp"] });
}

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
