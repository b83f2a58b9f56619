// A scale set's network profile through the real loader and audit: the application security groups of its IP
// configurations (which Azure applies to every instance NIC, running or not) at either end of a flow, and the address
// families its IP configurations give instances in a dual-stack subnet.
// https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-networking
// https://learn.microsoft.com/azure/virtual-network/application-security-groups
import { describe, expect, it } from "vitest";
import { protoSetOf } from "@/lib/net/protocols";
import { concrete } from "@/lib/net/addr-set";
import { cidrsToRanges } from "@/lib/net/ip";
import { Estate } from "@/lib/nsg/estate";
import { evaluateFlow } from "@/lib/nsg/flow";
import { type EstateBuilder, type RuleSpec, SEED_RULES, estate, finding, nsgEvidence } from "../helpers/estate-builder";

const TCP = protoSetOf("Tcp");
const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"] };
const at = (cidr: string) => {
  const r = cidrsToRanges([cidr]);
  return concrete(r.v4, r.v6);
};

/** CycleCloud in spoke/cc (the seed's NSG plus `ccRules`), the nodes in spoke/compute (its NSG when `computeRules`). */
function spoke(ccRules: Parameters<ReturnType<typeof estate>["nsg"]>[1] = [], computeRules?: Parameters<ReturnType<typeof estate>["nsg"]>[1]) {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" })
    .subnet("spoke/compute", "10.1.8.0/22", computeRules ? { nsg: "nsg-compute" } : {})
    .nsg("nsg-cc", [...SEED_RULES, ...ccRules]);
  if (computeRules) b.nsg("nsg-compute", computeRules);
  return b;
}

const denyNodesIn = [
  { name: "DenyNodesAmqp", priority: 200, direction: "Inbound" as const, access: "Deny" as const, srcAsgs: ["asg-nodes"], ports: "5672" },
  { name: "DenyNodesHttps", priority: 201, direction: "Inbound" as const, access: "Deny" as const, srcAsgs: ["asg-nodes"], ports: "9443" },
];
const denyNodesOut = [{ name: "DenyNodesOut", priority: 100, direction: "Outbound" as const, access: "Deny" as const, protocol: "*", srcAsgs: ["asg-nodes"] }];

/** CycleCloud's NSG admitting AMQP and HTTPS from the nodes' ASG, then denying the VNet. */
const allowNodes: RuleSpec[] = [
  { name: "AllowNodes", priority: 200, direction: "Inbound", access: "Allow", srcAsgs: ["asg-nodes"], ports: ["5672", "9443"] },
  { name: "DenyVnetIn", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", src: "VirtualNetwork", dst: "VirtualNetwork" },
];

/** The verdict of inbound AMQP at the CycleCloud subnet from one address block of `b`'s estate. */
function inboundToCc(b: EstateBuilder): (from: string) => string {
  const est = new Estate(b.snapshot(), new Map());
  const cc = [...est.snapshot.subnets.values()].find((s) => s.name === "cc")!;
  return (from) => evaluateFlow(est, cc, { direction: "Inbound", protocols: TCP, ports: [5672, 5672], remote: at(from) }).verdict;
}

describe("a scale set's ASGs at the far end (another subnet's NSG names them)", () => {
  it("an inbound deny from the scale set's ASG blocks the nodes' AMQP and HTTPS to CycleCloud", () => {
    const report = spoke(denyNodesIn).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).audit(roles);
    for (const [rule, deny] of [["CC-INGRESS-AMQP", "DenyNodesAmqp"], ["CC-INGRESS-HTTPS", "DenyNodesHttps"]]) {
      const f = finding(report, "spoke/cc", rule);
      expect(f.status, rule).toBe("fail");
      expect(nsgEvidence(f).map((e) => e.rule)).toContain(deny);
    }
  });

  it("an allow from the scale set's ASG above a deny of the VNet lets the nodes reach CycleCloud", () => {
    const report = spoke(allowNodes).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).audit(roles);
    for (const rule of ["CC-INGRESS-AMQP", "CC-INGRESS-HTTPS"]) {
      const f = finding(report, "spoke/cc", rule);
      expect(f.status, rule).toBe("pass");
      expect(nsgEvidence(f).map((e) => e.rule)).toContain("AllowNodes");
    }
  });

  it("the ASG holds the addresses instances may take, not a NIC's of the same subnet outside it", () => {
    const b = spoke(denyNodesIn).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).nic("login", "spoke/compute", { ip: "10.1.8.4" });
    const inbound = inboundToCc(b);
    expect(inbound("10.1.8.4/32")).toBe("allowed");
    expect(inbound("10.1.8.5/32")).toBe("blocked");
  });
});

describe("a far-end ASG whose members share a subnet's free addresses with non-members", () => {

  it("an allow from the ASG above a deny of the VNet cannot be judged when a second scale set outside the ASG shares the subnet (never a pass)", () => {
    const report = spoke(allowNodes).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).scaleSet("gpu", "spoke/compute").audit(roles);
    for (const rule of ["CC-INGRESS-AMQP", "CC-INGRESS-HTTPS"]) {
      const f = finding(report, "spoke/cc", rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toContain("cannot be judged: NSG rule AllowNodes (200, Allow) in nsg-cc names asg-nodes: scale sets hpc (in asg-nodes) and gpu (not) share the free IPv4 addresses of spoke/compute");
      // Nothing denies it: the finding does not call it blocked.
      expect(f.detail).toContain("is not known to be open (part of it cannot be judged)");
      expect(f.detail).not.toContain("partly blocked");
    }
  });

  it("a deny from the ASG cannot be judged either (never a fail): gpu's traffic is allowed in Azure", () => {
    const report = spoke(denyNodesIn).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).scaleSet("gpu", "spoke/compute").audit(roles);
    const f = finding(report, "spoke/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("DenyNodesAmqp");
    expect(f.detail).toContain("cannot be judged");
  });

  it("two IP configurations of one scale set that differ in the ASG are named as such", () => {
    const asg = { id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/applicationSecurityGroups/asg-nodes" };
    const report = spoke(allowNodes)
      .scaleSet("hpc", "spoke/compute", { ipConfigurations: [{ name: "ipc-a", properties: { primary: true, applicationSecurityGroups: [asg] } }, { name: "ipc-b" }] })
      .audit(roles);
    const f = finding(report, "spoke/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("IP configurations hpc/ipc-a (in asg-nodes) and hpc/ipc-b (not)");
  });

  it("where both ways end alike the verdict stands: an allow from the ASG with nothing denying the rest", () => {
    const allowOnly = [allowNodes[0]];
    const report = spoke(allowOnly).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).scaleSet("gpu", "spoke/compute").audit(roles);
    expect(finding(report, "spoke/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("a later NSG level that denies either way decides: the CycleCloud NIC's own NSG denies AMQP", () => {
    const b = spoke(allowNodes)
      .nsg("nsg-ccnic", [{ name: "DenyAmqpNic", priority: 100, direction: "Inbound", access: "Deny", ports: "5672" }])
      .nic("cc-vm", "spoke/cc", { ip: "10.1.0.4", nsg: "nsg-ccnic" })
      .scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] })
      .scaleSet("gpu", "spoke/compute");
    const est = new Estate(b.snapshot(), new Map());
    const cc = [...est.snapshot.subnets.values()].find((s) => s.name === "cc")!;
    const amqp = evaluateFlow(est, cc, { direction: "Inbound", protocols: TCP, ports: [5672, 5672], remote: at("10.1.8.0/22") });
    expect(amqp.verdict).toBe("blocked");
    const https = evaluateFlow(est, cc, { direction: "Inbound", protocols: TCP, ports: [9443, 9443], remote: at("10.1.8.0/22") });
    expect(https.outcomes.flatMap((o) => o.pieces).map((p) => p.access)).toEqual(["Unaudited"]);
  });

  it("control: when every scale set of the subnet is in the ASG the far end stays exact (allow passes, deny fails)", () => {
    const both = (rules: typeof allowNodes | typeof denyNodesIn) => spoke(rules).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).scaleSet("gpu", "spoke/compute", { asgs: ["asg-nodes"] }).audit(roles);
    expect(finding(both(allowNodes), "spoke/cc", "CC-INGRESS-AMQP").status).toBe("pass");
    const f = finding(both(denyNodesIn), "spoke/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).not.toContain("cannot be judged");
  });

  it("control: a NIC outside the ASG beside a member scale set is told apart by its own address", () => {
    const b = spoke(allowNodes).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).nic("login", "spoke/compute", { ip: "10.1.8.4" });
    const inbound = inboundToCc(b);
    expect(inbound("10.1.8.4/32")).toBe("blocked");
    expect(inbound("10.1.8.5/32")).toBe("allowed");
  });
});

describe("a scale set's ASGs at the local end (its own subnet's NSG names them)", () => {
  it("an outbound deny from the scale set's ASG blocks the nodes' egress to CycleCloud and Storage", () => {
    const report = spoke([], denyNodesOut).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).audit(roles);
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS", "NODE-EGRESS-STORAGE"]) {
      const f = finding(report, "spoke/compute", rule);
      expect(f.status, rule).toBe("fail");
      expect(nsgEvidence(f).map((e) => e.rule)).toContain("DenyNodesOut");
    }
  });

  it("a second scale set in the subnet outside the ASG is not held by the rule, though its instances take addresses from the same prefix", () => {
    const b = spoke([], denyNodesOut).scaleSet("hpc", "spoke/compute", { asgs: ["asg-nodes"] }).scaleSet("gpu", "spoke/compute");
    const f = finding(b.audit(roles), "spoke/compute", "NODE-EGRESS-AMQP");
    expect(f.status).not.toBe("pass");
    expect(f.status).not.toBe("fail");
    expect(f.detail).toContain("scale set hpc: denied by DenyNodesOut");
    expect(f.detail).not.toMatch(/gpu[^;]*DenyNodesOut/);
    // Each scale set alone: hpc blocked, gpu allowed.
    const est = new Estate(b.snapshot(), new Map());
    const compute = [...est.snapshot.subnets.values()].find((s) => s.name === "compute")!;
    const from = (vmss: string) => evaluateFlow(est, compute, { direction: "Outbound", protocols: TCP, ports: [5672, 5672], remote: at("10.1.0.4/32"), localFilter: { endpointKey: [...est.snapshot.scaleSets!.values()].find((s) => s.name === vmss)!.key } }).verdict;
    expect(from("hpc")).toBe("blocked");
    expect(from("gpu")).toBe("allowed");
  });

  it("IP configurations of one scale set that differ in ASGs: the traffic of the one outside it still leaves", () => {
    const subnet = { id: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Network/applicationSecurityGroups/asg-nodes" };
    const report = spoke([], denyNodesOut)
      .scaleSet("hpc", "spoke/compute", { ipConfigurations: [{ name: "ipc-a", properties: { primary: true, applicationSecurityGroups: [subnet] } }, { name: "ipc-b" }] })
      .audit(roles);
    const f = finding(report, "spoke/compute", "NODE-EGRESS-AMQP");
    expect(f.status).not.toBe("fail");
    expect(f.status).not.toBe("pass");
    expect(f.detail).toContain("DenyNodesOut");
  });
});

describe("the address families of a scale set's instances in a dual-stack subnet", () => {
  const dualStack = (ipConfigurations?: { name: string; properties?: Record<string, unknown> }[]) =>
    estate()
      .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
      .subnet("spoke/cc", "10.1.0.0/24")
      .subnet("spoke/compute", ["10.1.8.0/22", "fd00:1:8::/64"])
      .scaleSet("hpc", "spoke/compute", ipConfigurations ? { ipConfigurations } : {})
      .audit(roles);

  it("an IPv4-only scale set is not charged with the subnet's IPv6 prefix", () => {
    const f = finding(dualStack(), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("IPv6");
  });

  it("an IPv6 IP configuration gives the instances IPv6 addresses, which default outbound access does not carry", () => {
    const f = finding(dualStack([{ name: "ipc4", properties: { primary: true } }, { name: "ipc6", properties: { privateIPAddressVersion: "IPv6" } }]), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("IPv6 has none");
  });
});
