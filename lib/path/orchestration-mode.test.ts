// A scale set whose input leaves out `orchestrationMode`: ARM always returns it today (`Uniform` or `Flexible`), and
// only Uniform instances get default outbound access ("Any instances created via Flexible scale sets won't have the
// default outbound access IP associated to it", https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
// Where the mode decides, the audit judges both and says it cannot judge; where both end alike, the verdict stands.
import { describe, expect, it } from "vitest";
import { SEED_RULES, estate, finding, id } from "../../test/helpers/estate-builder";
import { referencePackets } from "../../test/reference/path";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"] };
const COMPUTE = `${id("virtualNetworks", "spoke")}/subnets/compute`.toLowerCase();
const UNSTATED = "cannot be judged: scale set hpc does not say its orchestrationMode (Uniform or Flexible)";

/** The seed CycleCloud subnet, and a cluster subnet with no NSG holding node array `hpc`, whose mode is not stated. */
const base = (compute: { natGateway?: string; defaultOutboundAccess?: boolean } = {}) =>
  estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...SEED_RULES]).subnet("spoke/compute", "10.1.8.0/22", compute);

const storage = (b: ReturnType<typeof base>) => finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-STORAGE");

describe("a scale set whose orchestrationMode the input does not state", () => {
  it("no NAT gateway: Uniform would leave by default outbound access, Flexible not at all: warn, cannot be judged (never pass)", () => {
    const f = storage(base().scaleSet("hpc", "spoke/compute", { mode: "unstated" }));
    expect(f.status).toBe("warn");
    expect(f.detail).toContain(UNSTATED);
    expect(f.detail).toContain("az vmss list");
    // Both ways are named, so the reader sees what the mode decides.
    expect(f.detail).toContain("default outbound access");
  });

  it("stated either way, the verdict is the mode's own (pass for Uniform, fail for Flexible), and the mode goes unmentioned", () => {
    expect(storage(base().scaleSet("hpc", "spoke/compute", { mode: "Uniform" })).status).toBe("pass");
    expect(storage(base().scaleSet("hpc", "spoke/compute", { mode: "Flexible" })).status).toBe("fail");
    for (const mode of ["Uniform", "Flexible"] as const) expect(storage(base().scaleSet("hpc", "spoke/compute", { mode })).detail).not.toContain("orchestrationMode");
  });

  it("both modes end alike: a NAT gateway (pass) or a private subnet (fail) decides, and the missing mode is not mentioned", () => {
    const nat = storage(base({ natGateway: "nat" }).natGateway("nat").scaleSet("hpc", "spoke/compute", { mode: "unstated" }));
    expect(nat.status).toBe("pass");
    expect(nat.detail).not.toContain("orchestrationMode");
    const closed = storage(base({ defaultOutboundAccess: false }).scaleSet("hpc", "spoke/compute", { mode: "unstated" }));
    expect(closed.status).toBe("fail");
    expect(closed.detail).not.toContain("orchestrationMode");
  });

  it("the subnet page says the mode is not stated, not Uniform", () => {
    const report = base().scaleSet("hpc", "spoke/compute", { mode: "unstated" }).audit(roles);
    const subnet = report.subnets.find((s) => s.name === "compute")!;
    expect(subnet.scaleSets?.[0].orchestrationMode).not.toBe("Uniform");
    expect(subnet.outbound?.method).toBe("unknown");
  });

  it("a NIC whose VM is not in the input, beside the scale set: it may be a Flexible instance, so warn, never default outbound access", () => {
    const f = storage(base().scaleSet("hpc", "spoke/compute", { mode: "unstated" }).nic("n1", "spoke/compute", { ip: "10.1.8.4", vm: "v1" }));
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("VM v1 of NIC n1 is not in the input");
    expect(f.detail).toContain("scale set hpc");
  });

  it("the packet reference agrees: unaudited at the outbound stage for IPv4 to the Internet, the platform's address reachable either way", () => {
    const snapshot = base().scaleSet("hpc", "spoke/compute", { mode: "unstated" }).snapshot();
    const to = (dstIp: string) => referencePackets(snapshot, COMPUTE, { protocol: "Tcp", srcIp: "10.1.8.9", srcPort: 50000, dstIp, dstPort: 443 });
    expect(to("20.60.0.1").map((v) => [v.access, v.stage])).toEqual([["Unaudited", "outbound"]]);
    expect(to("168.63.129.16").map((v) => v.access)).toEqual(["Allow"]);
    // Stated, the reference is as before.
    const flexible = base().scaleSet("hpc", "spoke/compute", { mode: "Flexible" }).snapshot();
    expect(referencePackets(flexible, COMPUTE, { protocol: "Tcp", srcIp: "10.1.8.9", srcPort: 50000, dstIp: "20.60.0.1", dstPort: 443 }).map((v) => v.access)).toEqual(["Deny"]);
  });
});
