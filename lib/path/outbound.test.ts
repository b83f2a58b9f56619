// The outbound path (CONTRACT §4.1 stage 4) where a load balancer decides it: an outbound rule translates only
// its protocol, and a backend pool whose load balancer the input lacks leaves the method unknown (warn).
import { describe, expect, it } from "vitest";
import { SEED_RULES, SUB, estate, finding, id } from "../../test/helpers/estate-builder";
import { audit } from "../audit";
import { evidenceStage, type OutboundEvidence } from "../report/types";
import { loadSnapshot } from "../snapshot";

const cc = { cyclecloud: ["spoke/cc"] };
const SUBNET_ID = `${id("virtualNetworks", "spoke")}/subnets/cc`;
const pool = (lb: string) => `${id("loadBalancers", lb)}/backendAddressPools/pool`;

/** A NIC in spoke/cc at 10.1.0.4 whose IP configuration sits in the given backend pools. */
const nicInPools = (name: string, pools: string[]) => ({
  id: id("networkInterfaces", name),
  name,
  type: "Microsoft.Network/networkInterfaces",
  properties: { ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: SUBNET_ID }, privateIPAddress: "10.1.0.4", loadBalancerBackendAddressPools: pools.map((p) => ({ id: p })) } }] },
});

/** A public load balancer with one backend pool and, per entry of `rules`, an outbound rule of that protocol. */
const loadBalancer = (name: string, rules: { name: string; protocol?: string }[], sku: string | null = "Standard") => {
  const lb = id("loadBalancers", name);
  return {
    id: lb,
    name,
    type: "Microsoft.Network/loadBalancers",
    ...(sku ? { sku: { name: sku } } : {}),
    properties: {
      frontendIPConfigurations: [{ id: `${lb}/frontendIPConfigurations/fe`, name: "fe", properties: { publicIPAddress: { id: id("publicIPAddresses", `pip-${name}`) } } }],
      backendAddressPools: [{ id: pool(name), name: "pool", properties: {} }],
      outboundRules: rules.map((r) => ({
        id: `${lb}/outboundRules/${r.name}`,
        name: r.name,
        properties: { ...(r.protocol ? { protocol: r.protocol } : {}), frontendIPConfigurations: [{ id: `${lb}/frontendIPConfigurations/fe` }], backendAddressPool: { id: pool(name) } },
      })),
    },
  };
};

/** A Uniform scale set whose network profile puts its instances in spoke/cc and in the given backend pools. */
const scaleSetInPools = (name: string, pools: string[]) => ({
  id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`,
  name,
  type: "Microsoft.Compute/virtualMachineScaleSets",
  properties: {
    orchestrationMode: "Uniform",
    virtualMachineProfile: {
      networkProfile: {
        networkInterfaceConfigurations: [
          { name: "nic", properties: { primary: true, ipConfigurations: [{ name: "ipc", properties: { subnet: { id: SUBNET_ID }, loadBalancerBackendAddressPools: pools.map((p) => ({ id: p })) } }] } },
        ],
      },
    },
  },
});

const spoke = (subnet: { defaultOutboundAccess?: boolean; natGateway?: string } = {}, rules = SEED_RULES) =>
  estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc", ...subnet }).nsg("nsg-cc", [...rules]);

const outbound = (f: { evidence: unknown[] }) => f.evidence.find((e) => evidenceStage(e as OutboundEvidence) === "outbound") as OutboundEvidence | undefined;

describe("a backend pool whose load balancer is not in the input", () => {
  for (const defaultOutboundAccess of [undefined, false]) {
    it(`leaves the outbound method unknown: warn naming the load balancer and the NIC, never pass or fail (defaultOutboundAccess ${defaultOutboundAccess})`, () => {
      const report = spoke({ ...(defaultOutboundAccess === false ? { defaultOutboundAccess } : {}) })
        .extra(nicInPools("nic-cc", [pool("lb-internal")]))
        .audit(cc);
      const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
      expect(f.status).toBe("warn");
      expect(f.detail).toContain("cannot be judged: load balancer lb-internal, whose backend pool holds NIC nic-cc, is not in the input (add `az network lb list`)");
      expect(outbound(f)).toMatchObject({ method: "unknown" });
      expect(f.fixes).toEqual([]);
      expect(report.subnets.find((s) => s.name === "cc")!.outbound).toMatchObject({ method: "unknown" });
    });
  }

  it("is listed among the references the input could not resolve", () => {
    const snapshot = spoke().extra(nicInPools("nic-cc", [pool("lb-internal")]), scaleSetInPools("nodes", [pool("lb-nodes")])).snapshot();
    expect(snapshot.gaps!.unresolved).toEqual(
      expect.arrayContaining([
        { from: id("networkInterfaces", "nic-cc"), kind: "loadBalancer", ref: id("loadBalancers", "lb-internal").toLowerCase(), hint: "add `az network lb list`" },
        expect.objectContaining({ kind: "loadBalancer", ref: id("loadBalancers", "lb-nodes").toLowerCase() }),
      ]),
    );
  });

  it("a scale set's NIC configuration in such a pool: warn naming the scale set", () => {
    const report = spoke({ defaultOutboundAccess: false }).extra(scaleSetInPools("nodes", [pool("lb-nodes")])).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("load balancer lb-nodes, whose backend pool holds the NICs of scale set nodes, is not in the input");
  });

  it("does not matter when a NAT gateway takes the traffic first", () => {
    const report = spoke({ natGateway: "natgw" }).natGateway("natgw").extra(nicInPools("nic-cc", [pool("lb-internal")])).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(outbound(f)).toMatchObject({ method: "nat-gateway" });
  });
});

describe("an outbound rule translates only its protocol", () => {
  it("TCP through a UDP-only outbound rule has no outbound path in a private subnet: fail, saying the rule carries only UDP", () => {
    const report = spoke({ defaultOutboundAccess: false }).extra(nicInPools("nic-cc", [pool("lb-out")]), loadBalancer("lb-out", [{ name: "out-udp", protocol: "Udp" }])).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("outbound rule out-udp of load balancer lb-out carries only UDP");
    expect(outbound(f)).toMatchObject({ method: "none" });
    // The fix attaches a NAT gateway, which takes precedence over the load balancer.
    expect(f.fixes.find((x) => x.kind === "az-cli")?.text).toContain("nat gateway");
  });

  it("the Standard pool also takes default outbound access away from TCP when the subnet is not private", () => {
    const report = spoke().extra(nicInPools("nic-cc", [pool("lb-out")]), loadBalancer("lb-out", [{ name: "out-udp", protocol: "Udp" }])).audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("carries only UDP");
    expect(f.detail).toContain("backend pool without an outbound rule for TCP");
  });

  it("Internet egress splits by protocol: UDP leaves through the rule, TCP does not (lockdown warn, naming the rule)", () => {
    // No NSG: only the outbound path decides.
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(nicInPools("nic-cc", [pool("lb-out")]), loadBalancer("lb-out", [{ name: "out-udp", protocol: "Udp" }])).audit(cc);
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("warn");
    expect(lockdown.detail).toMatch(/UDP/);
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "load-balancer", detail: "through outbound rule out-udp of load balancer lb-out" }));
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
    const page = report.subnets.find((s) => s.name === "cc")!.outbound!;
    expect(page.method).toBe("none");
    expect(page.detail).toContain("UDP: through outbound rule out-udp");
  });

  for (const [protocol, status] of [["Tcp", "pass"], ["All", "pass"], ["tcp", "pass"], [undefined, "pass"]] as const) {
    it(`an outbound rule with protocol ${protocol ?? "(absent: taken as All)"} carries TCP 443: ${status}`, () => {
      const report = spoke({ defaultOutboundAccess: false }).extra(nicInPools("nic-cc", [pool("lb-out")]), loadBalancer("lb-out", [{ name: "out", protocol }])).audit(cc);
      const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
      expect(f.status).toBe(status);
      expect(outbound(f)).toMatchObject({ method: "load-balancer" });
      if (!protocol) expect(outbound(f)?.detail).toContain("taken as All");
    });
  }

  it("a TCP rule and a UDP rule on the same pool together carry both", () => {
    const lb = loadBalancer("lb-out", [{ name: "out-udp", protocol: "Udp" }, { name: "out-tcp", protocol: "Tcp" }]);
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(nicInPools("nic-cc", [pool("lb-out")]), lb).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("fail");
  });

  it("a load balancer whose SKU the input does not show is taken as Standard (Basic is retired): its pool has no default outbound access", () => {
    const report = spoke().extra(nicInPools("nic-cc", [pool("lb-nosku")]), loadBalancer("lb-nosku", [], null)).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });
});

describe("a NIC the subnet names but the input lacks", () => {
  it("in a private subnet without NAT gateway its outbound method is unknown (it may hold a public IP): warn, not fail", () => {
    const b = spoke({ defaultOutboundAccess: false });
    const resources = b.resources() as { type: string; properties: { subnets?: { properties: Record<string, unknown> }[] } }[];
    const vnet = resources.find((r) => r.type === "Microsoft.Network/virtualNetworks")!;
    vnet.properties.subnets![0].properties.ipConfigurations = [{ id: `${id("networkInterfaces", "nic-gone")}/ipConfigurations/ipconfig1` }];
    const report = audit(loadSnapshot([{ name: "estate.json", value: { value: resources } }]), { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("NIC nic-gone");
  });
});

describe("the address family of an outbound method", () => {
  /** A dual-stack spoke/cc behind NAT gateway natgw, whose public IP has `version` (none: Azure's default, IPv4). */
  function dualStackBehindNat(version?: "IPv4" | "IPv6") {
    return estate()
      .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
      .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { nsg: "nsg-cc", natGateway: "natgw" })
      .nsg("nsg-cc", [])
      .natGateway("natgw")
      .extra({ id: id("publicIPAddresses", "pip-natgw"), name: "pip-natgw", type: "Microsoft.Network/publicIPAddresses", properties: version ? { publicIPAddressVersion: version } : {} })
      .audit(cc);
  }

  it("a NAT gateway whose public IPs are IPv4 gives IPv6 no way out: lockdown holds for IPv6, and only IPv4 leaves", () => {
    for (const version of [undefined, "IPv4"] as const) {
      const f = finding(dualStackBehindNat(version), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status, String(version)).toBe("warn");
      expect(f.detail).toContain("NAT gateway natgw gives a public IPv4 address only, so IPv6 has none");
    }
  });

  it("an IPv6 public IP on the NAT gateway lets IPv6 out too", () => {
    const f = finding(dualStackBehindNat("IPv6"), "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    expect(f.detail).not.toContain("IPv6 has none");
  });
});

describe("a load-balancing rule's outbound SNAT", () => {
  /** lb-pub with no outbound rule and a Tcp load-balancing rule on its public frontend, SNAT on or off. */
  const withLbRule = (disableOutboundSnat: boolean) => {
    const lb = loadBalancer("lb-pub", []) as { properties: Record<string, unknown> };
    lb.properties.loadBalancingRules = [
      { name: "https", properties: { protocol: "Tcp", frontendPort: 443, backendPort: 443, disableOutboundSnat, frontendIPConfiguration: { id: `${id("loadBalancers", "lb-pub")}/frontendIPConfigurations/fe` }, backendAddressPool: { id: pool("lb-pub") } } },
    ];
    return spoke({ defaultOutboundAccess: false }).extra(lb, nicInPools("nic-cc", [pool("lb-pub")])).audit(cc);
  };

  it("SNATs through its public frontend unless disableOutboundSnat: TCP leaves, and only TCP", () => {
    const f = finding(withLbRule(false), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("through load-balancing rule https of load balancer lb-pub");
    expect(finding(withLbRule(true), "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });
});
