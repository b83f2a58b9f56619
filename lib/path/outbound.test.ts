// The outbound path (CONTRACT §4.1 stage 4) where a load balancer decides it: an outbound rule translates only
// its protocol, and a backend pool whose load balancer the input lacks leaves the method unknown (warn).
import { describe, expect, it } from "vitest";
import { SEED_RULES, SUB, estate, finding, id, scaleSetResource } from "../../test/helpers/estate-builder";
import { referencePacket } from "../../test/reference/path";
import { audit } from "../audit";
import { evidenceStage, type OutboundEvidence } from "../report/types";
import { loadSnapshot } from "../snapshot";
import { queryFlow } from "./query";

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

  it("a NAT gateway whose public IPs are IPv4 does not carry IPv6, and default outbound access gives it none: lockdown holds for IPv6, and only IPv4 leaves", () => {
    for (const version of [undefined, "IPv4"] as const) {
      const report = dualStackBehindNat(version);
      const f = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status, String(version)).toBe("warn");
      expect(f.detail).toContain("NAT gateway natgw carries IPv4 only, and default outbound access gives a public IPv4 address only, so IPv6 has none");
      // The subnet page says what each family does.
      expect(report.subnets.find((s) => s.name === "cc")!.outbound).toMatchObject({
        method: "nat-gateway",
        detail: "IPv4: through NAT gateway natgw; IPv6: NAT gateway natgw carries IPv4 only, and default outbound access gives a public IPv4 address only, so IPv6 has none",
      });
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

describe("a dual-stack NIC whose IP configurations differ: the packet's source IP configuration decides", () => {
  const pip = (name: string, version: "IPv4" | "IPv6") => ({ id: id("publicIPAddresses", name), name, type: "Microsoft.Network/publicIPAddresses", properties: { publicIPAddressVersion: version } });
  const poolOf = (lb: string, p: string) => `${id("loadBalancers", lb)}/backendAddressPools/${p}`;

  /**
   * Standard public load balancer lb-ds: frontends fe4 (IPv4 public IP) and fe6 (IPv6), pools pool4 and pool6. Outbound
   * rule out4 SNATs pool4 (through both frontends when `bothFrontends`), out6 SNATs pool6 through fe6.
   */
  function dualStackLb(bothFrontends = false) {
    const lb = id("loadBalancers", "lb-ds");
    const fe = (n: string) => `${lb}/frontendIPConfigurations/${n}`;
    return [
      pip("pip-lb4", "IPv4"),
      pip("pip-lb6", "IPv6"),
      {
        id: lb,
        name: "lb-ds",
        type: "Microsoft.Network/loadBalancers",
        sku: { name: "Standard" },
        properties: {
          frontendIPConfigurations: [
            { id: fe("fe4"), name: "fe4", properties: { publicIPAddress: { id: id("publicIPAddresses", "pip-lb4") } } },
            { id: fe("fe6"), name: "fe6", properties: { publicIPAddress: { id: id("publicIPAddresses", "pip-lb6") } } },
          ],
          backendAddressPools: [{ id: poolOf("lb-ds", "pool4"), name: "pool4" }, { id: poolOf("lb-ds", "pool6"), name: "pool6" }],
          outboundRules: [
            { name: "out4", properties: { protocol: "All", backendAddressPool: { id: poolOf("lb-ds", "pool4") }, frontendIPConfigurations: (bothFrontends ? [fe("fe4"), fe("fe6")] : [fe("fe4")]).map((x) => ({ id: x })) } },
            { name: "out6", properties: { protocol: "All", backendAddressPool: { id: poolOf("lb-ds", "pool6") }, frontendIPConfigurations: [{ id: fe("fe6") }] } },
          ],
        },
      },
    ];
  }

  /** NIC nic-ds in spoke/cc: ipconfig4 at 10.1.0.4 and ipconfig6 at fd00:1::4, each with its own pools and public IP. */
  const dualStackNic = (v4: { pools?: string[]; publicIp?: string }, v6: { pools?: string[]; publicIp?: string }) => ({
    id: id("networkInterfaces", "nic-ds"),
    name: "nic-ds",
    type: "Microsoft.Network/networkInterfaces",
    properties: {
      ipConfigurations: [
        ["ipconfig4", "10.1.0.4", "IPv4", v4],
        ["ipconfig6", "fd00:1::4", "IPv6", v6],
      ].map(([n, ip, version, c]) => {
        const cfg = c as { pools?: string[]; publicIp?: string };
        return {
          name: n,
          properties: {
            subnet: { id: SUBNET_ID },
            privateIPAddress: ip,
            privateIPAddressVersion: version,
            ...(cfg.pools ? { loadBalancerBackendAddressPools: cfg.pools.map((p) => ({ id: p })) } : {}),
            ...(cfg.publicIp ? { publicIPAddress: { id: id("publicIPAddresses", cfg.publicIp) } } : {}),
          },
        };
      }),
    },
  });

  /** A dual-stack private spoke/cc (no NSG: only the outbound path decides) holding `resources`. */
  const privateDualStack = (...resources: unknown[]) =>
    estate()
      .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
      .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { defaultOutboundAccess: false })
      .extra(...resources)
      .audit(cc);

  it("IPv4 IP configuration in a pool whose outbound rule has an IPv6 frontend too, IPv6 IP configuration in none: IPv6 has no way out (lockdown warn, naming it)", () => {
    const report = privateDualStack(...dualStackLb(true), dualStackNic({ pools: [poolOf("lb-ds", "pool4")] }, {}));
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("warn");
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "load-balancer", detail: "through outbound rule out4 of load balancer lb-ds" }));
    expect(lockdown.detail).toContain("no outbound path: spoke/cc is a private subnet (defaultOutboundAccess: false) with no NAT gateway, and IP configuration ipconfig6 of NIC nic-ds has no public IP or load balancer outbound rule");
    // CC-EGRESS-ARM: IPv4 reaches it through the pool, IPv6 does not.
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "none", detail: expect.stringContaining("IP configuration ipconfig6 of NIC nic-ds") }));
  });

  it("IPv6 IP configuration alone in a pool with an IPv6 outbound rule: IPv4 traffic is not translated by it (private subnet: ARM fails)", () => {
    const report = privateDualStack(...dualStackLb(), dualStackNic({}, { pools: [poolOf("lb-ds", "pool6")] }));
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("IP configuration ipconfig4 of NIC nic-ds has no public IP or load balancer outbound rule");
    // Each family leaves by its own pool: IPv4 in pool4, IPv6 in pool6.
    const both = privateDualStack(...dualStackLb(), dualStackNic({ pools: [poolOf("lb-ds", "pool4")] }, { pools: [poolOf("lb-ds", "pool6")] }));
    expect(finding(both, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("fail");
    expect(finding(both, "spoke/cc", "CC-EGRESS-LOCKDOWN").evidence).toContainEqual(expect.objectContaining({ stage: "outbound", detail: "through outbound rule out6 of load balancer lb-ds" }));
  });

  it("an instance public IP serves its own IP configuration only: an IPv6 public IP on ipconfig6 gives IPv4 no way out", () => {
    const report = privateDualStack(pip("pip-nic6", "IPv6"), dualStackNic({}, { publicIp: "pip-nic6" }));
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("IP configuration ipconfig4 of NIC nic-ds has no public IP");
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("warn");
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through public IP pip-nic6" }));
  });

  it("an IPv4 public IP on ipconfig4 and ipconfig6 in a pool with an IPv6 outbound rule: each family leaves its own way", () => {
    const report = privateDualStack(...dualStackLb(), pip("pip-nic4", "IPv4"), dualStackNic({ publicIp: "pip-nic4" }, { pools: [poolOf("lb-ds", "pool6")] }));
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("fail");
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through public IP pip-nic4" }));
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "load-balancer", detail: "through outbound rule out6 of load balancer lb-ds" }));
  });

  it("CONTRACT §4.1: a NIC in any Standard pool has no default outbound access, also for its IP configuration no pool holds", () => {
    const publicDualStack = (...resources: unknown[]) =>
      estate().vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"]).subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"]).extra(...resources).audit(cc);
    const report = publicDualStack(...dualStackLb(), dualStackNic({}, { pools: [poolOf("lb-ds", "pool6")] }));
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.evidence).toContainEqual(
      expect.objectContaining({ stage: "outbound", method: "none", detail: expect.stringContaining("IP configuration ipconfig4 of NIC nic-ds has no public IP or load balancer outbound rule, and another IP configuration of NIC nic-ds is in a Standard load balancer's backend pool") }),
    );
    expect(arm.evidence).not.toContainEqual(expect.objectContaining({ method: "default-outbound-access" }));
    // The other IP configuration's load balancer missing: whether default outbound access is off cannot be told.
    const missing = publicDualStack(dualStackNic({}, { pools: [poolOf("lb-ds", "pool6")] }));
    expect(finding(missing, "spoke/cc", "CC-EGRESS-LOCKDOWN").detail).toContain("whose backend pool holds another IP configuration of NIC nic-ds, is not in the input");
  });

  /** A Uniform scale set with a dual-stack NIC configuration: ipc4 and ipc6 (`privateIPAddressVersion` IPv6). */
  const dualStackScaleSet = (v4: Record<string, unknown>, v6: Record<string, unknown>) =>
    scaleSetResource("nodes", "spoke/cc", { ipConfigurations: [{ name: "ipc4", properties: v4 }, { name: "ipc6", properties: { privateIPAddressVersion: "IPv6", ...v6 } }] });

  it("a scale set's IPv6 IP configuration alone in a pool: its IPv4 instances' traffic has no way out by it (private subnet: ARM fails)", () => {
    const report = privateDualStack(...dualStackLb(), dualStackScaleSet({}, { loadBalancerBackendAddressPools: [{ id: poolOf("lb-ds", "pool6") }] }));
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("IP configuration ipc4 of scale set nodes has no public IP or load balancer outbound rule");
  });

  it("a scale set's public IP configuration serves its own IP configuration's version (publicIPAddressVersion): IPv6 only leaves IPv4 without a way out", () => {
    const v6Ip = { publicIPAddressConfiguration: { name: "pub6", properties: { publicIPAddressVersion: "IPv6" } } };
    const report = privateDualStack(dualStackScaleSet({}, v6Ip));
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("warn");
    expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through the public IP configuration of IP configuration ipc6 of scale set nodes" }));
  });

  describe("a NAT gateway decides IPv4 only: IPv6 goes by the IPv6 means (instance IPv6 public IP, IPv6 outbound rule, or none)", () => {
    // https://learn.microsoft.com/azure/nat-gateway/nat-overview ("can't be associated to an IPv6 public IP address or
    // prefix"; dual-stack outbound pairs it with a load balancer's IPv6 outbound rule); StandardV2 carries IPv6 only
    // with an IPv6 public IP (https://learn.microsoft.com/azure/nat-gateway/nat-sku).
    /** Dual-stack spoke/cc behind NAT gateway natgw (its public IP pip-natgw IPv4 unless `natVersion`), with `resources`. */
    const behindNat = (opts: { natVersion?: "IPv6"; natMissing?: boolean; toFirewall?: boolean }, ...resources: unknown[]) => {
      const b = estate()
        .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
        .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"], { natGateway: "natgw", ...(opts.toFirewall ? { routeTable: "rt" } : {}) })
        .extra(pip("pip-natgw", opts.natVersion ?? "IPv4"), ...resources);
      if (!opts.natMissing) b.natGateway("natgw");
      // The reviewer's estate: 0.0.0.0/0 to a hub firewall whose policy allows nothing, and no ::/0 route.
      if (opts.toFirewall)
        b.vnet("hub", ["10.100.0.0/24"])
          .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
          .peer("hub", "spoke")
          .routeTable("rt", [{ name: "to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
          .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
          .policy("fwp", []);
      return b;
    };
    const v6PublicIp = () => [pip("pip-nic6", "IPv6"), dualStackNic({}, { publicIp: "pip-nic6" })];

    it("the reviewer's estate: 0.0.0.0/0 to the firewall, NAT gateway with an IPv4 public IP, NIC with an IPv6 public IP: IPv6 leaves around the firewall (lockdown warn, not pass)", () => {
      const report = behindNat({ toFirewall: true }, ...v6PublicIp()).audit(cc);
      const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(lockdown.status).toBe("warn");
      expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through public IP pip-nic6 (IPv6: NAT gateway natgw carries IPv4 only)" }));
      expect(lockdown.evidence).not.toContainEqual(expect.objectContaining({ stage: "outbound", method: "nat-gateway" }));
      expect(lockdown.detail).not.toContain("IPv6 has none");
      // The subnet page names both: the NAT gateway for the IPv4 IP configuration, the instance public IP for the IPv6 one.
      const page = report.subnets.find((s) => s.name === "cc")!.outbound!;
      // IPv4's default route goes to the firewall: the page says the NAT gateway carries only what is routed to the Internet.
      expect(page.detail).toBe("IP configuration ipconfig4: through NAT gateway natgw; IP configuration ipconfig6: through public IP pip-nic6 (IPv6: NAT gateway natgw carries IPv4 only). It carries only traffic routed to the Internet: 0.0.0.0/0 goes to Azure Firewall fw.");
    });

    it("the packet reference agrees: an IPv6 packet from the NIC leaves through its public IP, an IPv4 one is stopped at the firewall", () => {
      const snapshot = behindNat({ toFirewall: true }, ...v6PublicIp()).snapshot();
      const subnet = [...snapshot.subnets.values()].find((s) => s.name === "cc")!;
      const packet = (srcIp: string, dstIp: string) => referencePacket(snapshot, subnet.key, { protocol: "Tcp", srcIp, srcPort: 50000, dstIp, dstPort: 443 });
      expect(packet("fd00:1::4", "2001:4860:4860::8888")).toMatchObject({ access: "Allow", stage: "outbound" });
      expect(packet("10.1.0.4", "8.8.8.8")).toMatchObject({ access: "Deny", stage: "firewall" });
    });

    it("without a route to a firewall each family leaves its own way: IPv4 through the NAT gateway, IPv6 through the instance public IP (lockdown fail)", () => {
      const lockdown = finding(behindNat({}, ...v6PublicIp()).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(lockdown.status).toBe("fail");
      expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "nat-gateway", detail: "through NAT gateway natgw" }));
      expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through public IP pip-nic6 (IPv6: NAT gateway natgw carries IPv4 only)" }));
    });

    it("an IPv6 IP configuration in a pool with an IPv6 outbound rule leaves through that rule, not the NAT gateway", () => {
      const report = behindNat({}, ...dualStackLb(), dualStackNic({}, { pools: [poolOf("lb-ds", "pool6")] })).audit(cc);
      const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(lockdown.status).toBe("fail");
      expect(lockdown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "load-balancer", detail: "through outbound rule out6 of load balancer lb-ds (IPv6: NAT gateway natgw carries IPv4 only)" }));
      // Default outbound access gives IPv6 nothing: with no IPv6 means, IPv6 has no way out, naming both reasons.
      const none = finding(behindNat({}, dualStackNic({}, {})).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(none.status).toBe("warn");
      expect(none.detail).toContain("NAT gateway natgw carries IPv4 only, and default outbound access gives a public IPv4 address only, so IPv6 has none");
    });

    it("a NAT gateway with an IPv6 public IP (StandardV2) takes IPv6 before the instance public IP", () => {
      const lockdown = finding(behindNat({ natVersion: "IPv6" }, ...v6PublicIp()).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(lockdown.status).toBe("fail");
      expect(lockdown.evidence).not.toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip" }));
    });

    it("a NAT gateway not in the input: IPv4 cannot be judged (it may have no public IP), IPv6 with its own way out leaves; IPv6 without one cannot be judged (warn), never 'through the NAT gateway'", () => {
      const leaves = finding(behindNat({ natMissing: true }, ...v6PublicIp()).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(leaves.status).toBe("warn");
      expect(leaves.detail).toContain("partly leaves");
      const arm = finding(behindNat({ natMissing: true }, ...v6PublicIp()).audit(cc), "spoke/cc", "CC-EGRESS-ARM");
      expect(arm.status).toBe("warn");
      expect(arm.detail).toContain("NAT gateway natgw, which spoke/cc names, is not in the input, so whether it has a public IP (without one nothing leaves through it) is unknown");
      expect(leaves.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip" }));
      const unknown = finding(behindNat({ natMissing: true, toFirewall: true }, dualStackNic({}, {})).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN");
      expect(unknown.status).toBe("warn");
      expect(unknown.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "unknown" }));
      expect(unknown.detail).toContain("NAT gateway natgw is not in the input, so whether it carries IPv6");
    });
  });
});

describe("a scale set's IP configurations of one version that differ: the instances' addresses carry both outcomes", () => {
  /** Uniform scale set ss whose NIC configuration has IPv4 IP configurations p (primary) and s, in spoke/cc. */
  const twoIpConfigs = (p: Record<string, unknown>, s: Record<string, unknown>, mode: "Uniform" | "Flexible" = "Uniform") =>
    scaleSetResource("ss", "spoke/cc", { mode, ipConfigurations: [{ name: "p", properties: { primary: true, ...p } }, { name: "s", properties: s }] });
  const inPool = (lb: string) => ({ loadBalancerBackendAddressPools: [{ id: pool(lb) }] });
  const publicIpConfig = { publicIPAddressConfiguration: { name: "pub", properties: {} } };
  const open = (subnet: { defaultOutboundAccess?: boolean } = {}) => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", subnet);

  it("primary in no pool, secondary in a Standard pool with an outbound rule: warn (not pass), naming the IP configuration with no way out", () => {
    const report = open().extra(twoIpConfigs({}, inPool("lbs")), loadBalancer("lbs", [{ name: "o", protocol: "All" }])).audit(cc);
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("IP configuration p of scale set ss has no public IP or load balancer outbound rule, and another IP configuration of scale set ss is in a Standard load balancer's backend pool");
    expect(arm.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "load-balancer", detail: "through outbound rule o of load balancer lbs" }));
    // Lockdown: part leaves (not fail, as if every instance address left; not pass).
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
  });

  it("private subnet, public IP configuration on the secondary only: the primary has no way out (warn, not pass)", () => {
    const report = open({ defaultOutboundAccess: false }).extra(twoIpConfigs({}, publicIpConfig)).audit(cc);
    const arm = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("spoke/cc is a private subnet (defaultOutboundAccess: false) with no NAT gateway, and IP configuration p of scale set ss has no public IP");
    expect(arm.evidence).toContainEqual(expect.objectContaining({ stage: "outbound", method: "public-ip", detail: "through the public IP configuration of IP configuration s of scale set ss" }));
  });

  it("IP configurations whose facts agree are not split, and a NAT gateway takes both: pass, no IP configuration named", () => {
    const same = open().extra(twoIpConfigs(inPool("lbs"), inPool("lbs")), loadBalancer("lbs", [{ name: "o", protocol: "All" }])).audit(cc);
    const arm = finding(same, "spoke/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("pass");
    expect(arm.detail).not.toContain("IP configuration");
    const nat = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { natGateway: "nat" })
      .natGateway("nat")
      .extra(twoIpConfigs({}, inPool("lbs")), loadBalancer("lbs", [{ name: "o", protocol: "All" }]))
      .audit(cc);
    expect(finding(nat, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });
});

describe("the subnet page's outbound summary when a NIC's IP configurations differ", () => {
  /** NIC n in spoke/cc: p at 10.1.0.4 (primary), s at 10.1.0.5, plus `more` IP configurations. */
  const nic = (p: Record<string, unknown>, s: Record<string, unknown>, more: { name: string; properties: Record<string, unknown> }[] = []) => ({
    id: id("networkInterfaces", "n"),
    name: "n",
    type: "Microsoft.Network/networkInterfaces",
    properties: {
      ipConfigurations: [
        { name: "p", properties: { primary: true, subnet: { id: SUBNET_ID }, privateIPAddress: "10.1.0.4", ...p } },
        { name: "s", properties: { subnet: { id: SUBNET_ID }, privateIPAddress: "10.1.0.5", ...s } },
        ...more,
      ],
    },
  });
  const inPool = { loadBalancerBackendAddressPools: [{ id: pool("lbs") }] };

  it("says what each IP configuration does, and its method is the one that leaves (not 'none' while part leaves)", () => {
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24").extra(nic({}, inPool), loadBalancer("lbs", [{ name: "o", protocol: "All" }])).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
    const outbound = report.subnets.find((s) => s.name === "cc")!.outbound!;
    expect(outbound.method).toBe("load-balancer");
    expect(outbound.detail).toContain("IP configuration p of NIC n has no public IP or load balancer outbound rule");
    expect(outbound.detail).toContain("IP configuration s: through outbound rule o of load balancer lbs");
  });

  it("the verb agrees with several IP configurations: 'IP configurations p, v6 of NIC n have no public IP'", () => {
    const v6 = { name: "v6", properties: { subnet: { id: SUBNET_ID }, privateIPAddress: "fd00:1::4", privateIPAddressVersion: "IPv6" } };
    const report = estate()
      .vnet("spoke", ["10.1.0.0/16", "fd00:1::/48"])
      .subnet("spoke/cc", ["10.1.0.0/24", "fd00:1::/64"])
      .extra(nic({}, inPool, [v6]), loadBalancer("lbs", [{ name: "o", protocol: "All" }]))
      .audit(cc);
    const lockdown = finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.detail).toContain("IP configurations p, v6 of NIC n have no public IP or load balancer outbound rule");
    expect(lockdown.detail).not.toContain("of NIC n has no");
  });
});

describe("the subnet page's outbound summary covers every NIC of the subnet", () => {
  /** NIC `name` in spoke/cc at `ip`, with public IP pip-<name> when `pip`. */
  const nic = (name: string, ip: string, pip = false) => ({
    id: id("networkInterfaces", name),
    name,
    type: "Microsoft.Network/networkInterfaces",
    properties: { ipConfigurations: [{ name: "c", properties: { primary: true, subnet: { id: SUBNET_ID }, privateIPAddress: ip, ...(pip ? { publicIPAddress: { id: id("publicIPAddresses", `pip-${name}`) } } : {}) } }] },
  });
  const summary = (report: ReturnType<typeof audit>) => report.subnets.find((s) => s.name === "cc")!.outbound!;

  it("a private subnet with NIC n1 that has no way out and NIC n2 with a public IP: the method is n2's, and both are named", () => {
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(nic("n1", "10.1.0.4"), nic("n2", "10.1.0.5", true)).audit(cc);
    expect(finding(report, "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("warn");
    const out = summary(report);
    expect(out.method).toBe("public-ip");
    expect(out.resource?.toLowerCase()).toBe(id("publicIPAddresses", "pip-n2").toLowerCase());
    expect(out.detail).toContain("NIC n1 has no public IP or load balancer outbound rule");
    expect(out.detail).toContain("NIC n2: through public IP pip-n2");
  });

  it("groups alike NICs and counts them when many, so the words stay short", () => {
    const none = Array.from({ length: 6 }, (_, i) => nic(`a${i}`, `10.1.0.${10 + i}`));
    const pips = Array.from({ length: 5 }, (_, i) => nic(`b${i}`, `10.1.0.${20 + i}`, true));
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(...none, ...pips).audit(cc);
    const out = summary(report);
    expect(out.method).toBe("public-ip");
    expect(out.detail).toContain("6 NICs (a0, a1, a2, …) have no public IP or load balancer outbound rule");
    expect(out.detail).toContain("5 NICs (b0, b1, b2, …): through their own public IPs");
    expect(out.detail).not.toMatch(/\ba5\b|\bb4\b|pip-b/);
  });

  it("a few alike NICs are named; NICs all in the same words keep those words", () => {
    const few = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(nic("n1", "10.1.0.4"), nic("n2", "10.1.0.5"), nic("n3", "10.1.0.6", true)).audit(cc);
    expect(summary(few).detail).toContain("NICs n1, n2 have no public IP");
    const alike = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24").extra(nic("n1", "10.1.0.4"), nic("n2", "10.1.0.5")).audit(cc);
    expect(summary(alike).method).toBe("default-outbound-access");
    expect(summary(alike).detail).toMatch(/^through Azure's default outbound access/);
  });

  // Azure gives each address of a subnet to one IP configuration: a scale set's instances (addresses not in ARM) hold
  // none a NIC of the input holds, so the scale set stands for the rest of the subnet, and the NICs' paths stay theirs.
  // https://learn.microsoft.com/azure/virtual-network/ip-services/private-ip-addresses
  describe("NICs and a scale set in one private subnet", () => {
    const SS = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Compute/virtualMachineScaleSets/ss`;
    const withScaleSet = (...nics: unknown[]) =>
      estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(...nics, scaleSetInPools("ss", [pool("lbs")]), loadBalancer("lbs", [{ name: "o", protocol: "All" }]));
    const query = (b: ReturnType<typeof withScaleSet>, from: string) => queryFlow(b.snapshot(), { from, to: "8.8.8.8", protocol: "tcp", port: "443" }).verdict;

    it("a NIC without a way out is blocked and the scale set in the outbound rule's pool is allowed (neither partial)", () => {
      const b = withScaleSet(nic("n1", "10.1.0.4"), nic("n2", "10.1.0.5"));
      expect(query(b, id("networkInterfaces", "n1"))).toBe("blocked");
      expect(query(b, SS)).toBe("allowed");
      // The scale set without a way out, beside a NIC with a public IP: the scale set is blocked, the NIC allowed.
      const other = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(nic("n1", "10.1.0.4", true), scaleSetInPools("ss", []));
      expect(query(other, SS)).toBe("blocked");
      expect(query(other, id("networkInterfaces", "n1"))).toBe("allowed");
    });

    it("CC-EGRESS-LOCKDOWN names the scale set as leaving and the NICs as stopped, each once, and never calls the scale set a NIC", () => {
      const d = finding(withScaleSet(nic("n1", "10.1.0.4"), nic("n2", "10.1.0.5")).audit(cc), "spoke/cc", "CC-EGRESS-LOCKDOWN").detail;
      const [leaves, rest] = d.split("The rest is stopped");
      expect(leaves).toContain("for scale set ss: leaves");
      expect(leaves).not.toMatch(/\bn1\b|\bn2\b/);
      // Alike but for their names, the NICs are said once together (lib/path/evaluate.ts outboundStage).
      expect(rest).toContain("for NICs n1, n2: no outbound path");
      expect(rest).toContain("NICs n1, n2 have no public IP or load balancer outbound rule");
      expect(rest).not.toMatch(/\bss\b/);
      expect(d).not.toContain("scale set model");
    });

    it("the subnet page's summary says a scale set is among many NICs: '200 NICs (…) and scale set ss'", () => {
      const many = Array.from({ length: 200 }, (_, i) => nic(`a${i}`, `10.1.0.${10 + i}`));
      const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24", { defaultOutboundAccess: false }).extra(...many, scaleSetInPools("ss", [])).audit(cc);
      expect(summary(report).detail).toContain("200 NICs (a0, a1, a2, …) and scale set ss have no public IP or load balancer outbound rule");
      expect(summary(report).detail).not.toMatch(/endpoints/);
    });
  });
});
