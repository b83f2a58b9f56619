import { describe, expect, it } from "vitest";
import { type CollectionSpec, type RuleSpec, estate, finding, rulesFromAzCli } from "../../../test/helpers/estate-builder";

const layout = () =>
  estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
    .subnet("hub/c1", "10.0.1.0/24", { nsg: "nsg-c" })
    .subnet("hub/c2", "10.0.2.0/24", { nsg: "nsg-c" })
    .subnet("hub/rp", "10.0.3.0/24", { nsg: "nsg-rp" })
    .nsg("nsg-cc")
    .nsg("nsg-c")
    .nsg("nsg-rp");
const roles = { cyclecloud: ["hub/cc"], cluster: ["hub/c1", "hub/c2"] };


/** CycleCloud and one cluster subnet in two VNets with no peering and no hub between them, audited. */
const unpeeredPair = () =>
  estate()
    .vnet("hub", ["10.0.0.0/16"])
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24")
    .subnet("spoke/c1", "10.1.1.0/24")
    .audit({ cyclecloud: ["hub/cc"], cluster: ["spoke/c1"] });

describe("cluster ↔ CycleCloud flows (CC-INGRESS-*, NODE-EGRESS-AMQP/HTTPS)", () => {
  it("pass through Azure's AllowVnetInBound/OutBound defaults", () => {
    const r = layout().audit(roles);
    expect(finding(r, "hub/cc", "CC-INGRESS-AMQP")).toMatchObject({ status: "pass", evidence: [expect.objectContaining({ rule: "AllowVnetInBound" })] });
    expect(finding(r, "hub/c1", "NODE-EGRESS-HTTPS").status).toBe("pass");
  });

  it("warn when one cluster subnet of two is denied, fail when both are, with a verified fix", () => {
    const one = layout().addRule("nsg-cc", { name: "DenyC2", priority: 200, direction: "Inbound", access: "Deny", src: "10.0.2.0/24", ports: "5672" }).audit(roles);
    const f1 = finding(one, "hub/cc", "CC-INGRESS-AMQP");
    expect(f1.status).toBe("warn");
    expect(f1.detail).toContain("10.0.2.0/24");

    const b = layout().addRule("nsg-cc", { name: "DenyVnet", priority: 300, direction: "Inbound", access: "Deny", src: "VirtualNetwork", ports: "5672" });
    const f2 = finding(b.audit(roles), "hub/cc", "CC-INGRESS-AMQP");
    expect(f2.status).toBe("fail");
    const created = rulesFromAzCli(f2.fixes[0].text);
    expect(created.every((c) => c.nsg === "nsg-cc" && c.rule.direction === "Inbound" && c.rule.priority < 300)).toBe(true);
    for (const c of created) b.addRule("nsg-cc", c.rule);
    expect(finding(b.audit(roles), "hub/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("an ASG-based allow covers a cluster subnet only in part: warn naming the ASG", () => {
    const r = layout()
      .addRule("nsg-cc", { name: "AllowCycleClient", priority: 100, direction: "Inbound", access: "Allow", srcAsgs: ["asg-cycle-client"], ports: "9443" })
      .addRule("nsg-cc", { name: "DenyOthers", priority: 200, direction: "Inbound", access: "Deny", src: "VirtualNetwork", ports: "9443" })
      .nic("node1", "hub/c1", { ip: "10.0.1.4", asgs: ["asg-cycle-client"] })
      .nic("node2", "hub/c2", { ip: "10.0.2.4", asgs: ["asg-cycle-client"] })
      .audit(roles);
    const f = finding(r, "hub/cc", "CC-INGRESS-HTTPS");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("asg-cycle-client");
  });

  it("subnets in VNets that are not peered cannot reach each other", () => {
    const r = unpeeredPair();
    const f = finding(r, "spoke/c1", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("not peered");
  });

  it("a connected peering puts the remote VNet in VirtualNetwork, so the defaults allow the flow", () => {
    const r = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .peer("hub", "spoke")
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "n" })
      .subnet("spoke/c1", "10.1.1.0/24", { nsg: "n" })
      .nsg("n")
      .audit({ cyclecloud: ["hub/cc"], cluster: ["spoke/c1"] });
    expect(finding(r, "hub/cc", "CC-INGRESS-AMQP").status).toBe("pass");
    expect(finding(r, "spoke/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("a disconnected peering does not count", () => {
    const r = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .peer("hub", "spoke", { state: "Disconnected" })
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "n" })
      .subnet("spoke/c1", "10.1.1.0/24", { nsg: "n" })
      .nsg("n")
      .audit({ cyclecloud: ["hub/cc"], cluster: ["spoke/c1"] });
    expect(finding(r, "hub/cc", "CC-INGRESS-AMQP").status).toBe("fail");
  });

  it("with a return proxy in the profile the direct flows are info, saying whether they are open", () => {
    const r = layout().addRule("nsg-cc", { name: "DenyAmqp", priority: 200, direction: "Inbound", access: "Deny", ports: "5672" }).audit({ ...roles, returnProxy: ["hub/rp"] });
    const f = finding(r, "hub/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("info");
    expect(f.detail).toMatch(/Not required.*currently blocked/);
    expect(f.fixes).toEqual([]);
    expect(finding(r, "hub/c1", "NODE-EGRESS-HTTPS")).toMatchObject({ status: "info", detail: expect.stringContaining("currently open") });
  });
});

describe("return proxy flows (RP-SSH, RP-NODE-HTTPS) look at both ends", () => {
  const rp = { ...roles, returnProxy: ["hub/rp"] };
  it("pass by default inside one VNet", () => {
    const r = layout().audit(rp);
    expect(finding(r, "hub/rp", "RP-SSH").status).toBe("pass");
    expect(finding(r, "hub/rp", "RP-NODE-HTTPS").status).toBe("pass");
  });

  it("fail when the CycleCloud side blocks SSH outbound, and the fix lands in the CycleCloud NSG", () => {
    const b = layout().addRule("nsg-cc", { name: "DenySshOut", priority: 500, direction: "Outbound", access: "Deny", ports: "22" });
    const f = finding(b.audit(rp), "hub/rp", "RP-SSH");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("outbound at hub/cc");
    const created = rulesFromAzCli(f.fixes[0].text);
    expect(created.map((c) => [c.nsg, c.rule.direction])).toEqual([["nsg-cc", "Outbound"]]);
    for (const c of created) b.addRule(c.nsg, c.rule);
    expect(finding(b.audit(rp), "hub/rp", "RP-SSH").status).toBe("pass");
  });

  it("fail when the proxy side blocks inbound 37140 from every cluster subnet", () => {
    const r = layout().addRule("nsg-rp", { name: "DenyAllIn", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*" }).audit(rp);
    const f = finding(r, "hub/rp", "RP-NODE-HTTPS");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("DenyAllIn");
  });

  it("report info when the profile has no cluster subnet to check", () => {
    const r = layout().audit({ cyclecloud: ["hub/cc"], returnProxy: ["hub/rp"] });
    expect(finding(r, "hub/rp", "RP-NODE-HTTPS").status).toBe("info");
  });
});

describe("spokes that reach each other through the hub's firewall (no direct peering)", () => {
  const FW_IP = "10.100.0.4";
  /** Two spokes peered only with the hub, each routing 10.0.0.0/8 to the hub's firewall, whose policy holds `collection`. */
  const withPolicy = (collection: CollectionSpec) =>
    estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("ccvnet", ["10.1.0.0/16"])
      .vnet("hpc", ["10.2.0.0/16"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt", nsg: "n" })
      .nsg("n")
      .peer("hub", "ccvnet")
      .peer("hub", "hpc")
      .routeTable("rt", [{ name: "spokes-via-firewall", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP }])
      .firewall("fw", "hub", FW_IP, { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 200, collections: [collection] }]);
  const transit = (action: "Allow" | "Deny") => withPolicy({ name: "spokes", priority: 100, action, rules: [{ kind: "network", name: "cluster-to-cc", src: ["10.2.0.0/16"], dst: ["10.1.0.0/16"], ports: ["5672", "9443"] }] });
  const roles = { cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1"] };

  it("are reachable by route: the firewall's policy decides, not the missing peering", () => {
    const r = transit("Allow").audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("pass");
    expect(egress.evidence.some((e) => "stage" in e && e.stage === "firewall")).toBe(true);
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP").detail).not.toContain("not peered");
  });

  it("a firewall with no rule for the spokes gets a verified rule collection from the cluster to CycleCloud", () => {
    const b = withPolicy({ name: "other", priority: 100, rules: [{ kind: "network", name: "dns", src: ["10.0.0.0/8"], dst: ["10.100.0.10"], ports: ["53"] }] });
    const egress = finding(b.audit(roles), "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    const az = egress.fixes.find((f) => f.kind === "az-cli")?.text ?? "";
    expect(az).toContain("add-filter-collection");
    expect(az).toMatch(/--source-addresses 10\.2\.1\.0\/24/);
    expect(az).toMatch(/--destination-addresses 10\.1\.0\.0\/24/);
    expect(az).toMatch(/--destination-ports 5672/);
  });

  it("a firewall Deny stops the cluster's egress, named at the firewall stage", () => {
    const r = transit("Deny").audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    expect(egress.detail).not.toContain("not peered");
    expect(egress.evidence.some((e) => "stage" in e && e.stage === "firewall" && e.action === "Deny")).toBe(true);
  });
});

describe("route faults count at the end whose routes decided, and get a route through the hub's firewall there", () => {
  const FW_IP = "10.100.0.4";
  type RouteSpec = { name: string; prefix: string; hop: string; ip?: string };
  const VIA_FW: RouteSpec = { name: "spokes-via-firewall", prefix: "10.0.0.0/8", hop: "VirtualAppliance", ip: FW_IP };
  const ONPREM: RouteSpec = { name: "onprem-blackhole", prefix: "192.168.0.0/16", hop: "None" };
  const spokesAllowed: CollectionSpec = { name: "spokes", priority: 100, rules: [{ kind: "network", name: "spokes", src: ["10.0.0.0/8"], dst: ["10.0.0.0/8"], ports: ["*"] }] };
  /** NSGs open to 10/8 both ways, so only routes (and the firewall) decide. */
  const open10 = [
    { name: "in-10", priority: 100, direction: "Inbound" as const, access: "Allow" as const, src: "10.0.0.0/8", ports: "*" },
    { name: "out-10", priority: 100, direction: "Outbound" as const, access: "Allow" as const, dst: "10.0.0.0/8", ports: "*" },
  ];
  /**
   * CycleCloud in spoke ccvnet, cluster subnets in spoke hpc, both spokes peered only with the hub, whose Azure
   * Firewall holds `collection`. `cc`/`hpc`: each spoke's route table (null: no route table).
   */
  const hubSpoke = (cc: RouteSpec[] | null, hpc: RouteSpec[] | null, opts: { collection?: CollectionSpec; c2?: boolean; fwRoutes?: RouteSpec[]; hpcName?: string; c1Name?: string; nsgRules?: RuleSpec[]; rp?: RouteSpec[] } = {}) => {
    const hv = opts.hpcName ?? "hpc";
    const c1 = opts.c1Name ?? "c1";
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", opts.fwRoutes ? { routeTable: "rt-fw" } : {})
      .vnet("ccvnet", ["10.1.0.0/16"])
      .vnet(hv, ["10.2.0.0/16"])
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n", ...(cc ? { routeTable: "rt-cc" } : {}) })
      .subnet(`${hv}/${c1}`, "10.2.1.0/24", { nsg: "n", ...(hpc ? { routeTable: "rt-hpc" } : {}) })
      .nsg("n", opts.nsgRules ?? open10)
      .peer("hub", "ccvnet")
      .peer("hub", hv)
      .firewall("fw", "hub", FW_IP, { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 200, collections: [opts.collection ?? spokesAllowed] }]);
    if (opts.c2) b.subnet(`${hv}/c2`, "10.2.2.0/24", { nsg: "n", ...(hpc ? { routeTable: "rt-hpc" } : {}) });
    if (cc) b.routeTable("rt-cc", cc);
    if (hpc) b.routeTable("rt-hpc", hpc);
    if (opts.fwRoutes) b.routeTable("rt-fw", opts.fwRoutes);
    if (opts.rp) b.subnet("ccvnet/rp", "10.1.3.0/24", { nsg: "n", routeTable: "rt-rp" }).routeTable("rt-rp", opts.rp);
    return b;
  };
  const roles = { cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1"] };
  /** The routes an az-cli fix creates and deletes, per route table, so a test can apply it and audit again. */
  const routesFromAzCli = (text: string) => {
    const created: (RouteSpec & { table: string })[] = [];
    const deleted: { table: string; name: string }[] = [];
    for (const cmd of text.split(/\n(?=az )/)) {
      const flat = cmd.replace(/\\\n/g, " ");
      const arg = (flag: string) => new RegExp(`--${flag} '?([^'\\s]+)'?`).exec(flat)?.[1];
      if (cmd.startsWith("az network route-table route create"))
        created.push({ table: arg("route-table-name")!, name: arg("name")!, prefix: arg("address-prefix")!, hop: arg("next-hop-type")!, ...(arg("next-hop-ip-address") ? { ip: arg("next-hop-ip-address") } : {}) });
      if (cmd.startsWith("az network route-table route delete")) deleted.push({ table: arg("route-table-name")!, name: arg("name")! });
    }
    return { created, deleted };
  };
  const withoutTable = (c: RouteSpec & { table: string }): RouteSpec => ({ name: c.name, prefix: c.prefix, hop: c.hop, ...(c.ip ? { ip: c.ip } : {}) });
  const applyTo = (table: string, routes: RouteSpec[], fix: ReturnType<typeof routesFromAzCli>) => [
    ...routes.filter((r) => !fix.deleted.some((d) => d.table === table && d.name === r.name)),
    ...fix.created.filter((c) => c.table === table).map(withoutTable),
  ];
  const az = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";

  it("the cluster's route table has no way to CycleCloud: NODE-EGRESS fails with a verified route; CC-INGRESS passes, naming the check that reports it", () => {
    const r = hubSpoke([VIA_FW], [ONPREM]).audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    expect(egress.detail).toMatch(/no route — at hpc\/c1, the system route for 10\.0\.0\.0\/8 drops it/);
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("pass");
    expect(ingress.detail).toMatch(/The cluster end's own routes have no way for this flow \(hpc\/c1 → ccvnet\/cc: at hpc\/c1, .*\), which NODE-EGRESS-AMQP on hpc\/c1 reports rather than this check\./);

    const fix = routesFromAzCli(az(egress));
    expect(fix.created).toEqual([{ table: "rt-hpc", name: "to-ccvnet-cc-via-firewall", prefix: "10.1.0.0/24", hop: "VirtualAppliance", ip: FW_IP }]);
    expect(fix.deleted).toEqual([]);
    const after = hubSpoke([VIA_FW], applyTo("rt-hpc", [ONPREM], fix)).audit(roles);
    expect(finding(after, "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
    expect(finding(after, "ccvnet/cc", "CC-INGRESS-AMQP").detail).not.toContain("own routes have no way");
  });

  it("the CycleCloud subnet's route table has no way back: CC-INGRESS fails with a verified route; NODE-EGRESS passes, naming the check that reports it", () => {
    const r = hubSpoke([ONPREM], [VIA_FW]).audit(roles);
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-HTTPS");
    expect(ingress.status).toBe("fail");
    expect(ingress.detail).toMatch(/no route — replies have no way back: .*at ccvnet\/cc, the system route for 10\.0\.0\.0\/8 drops it/);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-HTTPS");
    expect(egress.status).toBe("pass");
    expect(egress.detail).toMatch(/The CycleCloud end's own routes have no way for this flow \(.*replies have no way back.*\), which CC-INGRESS-HTTPS on ccvnet\/cc reports/);

    const fix = routesFromAzCli(az(ingress));
    expect(fix.created).toEqual([{ table: "rt-cc", name: "to-hpc-c1-via-firewall", prefix: "10.2.1.0/24", hop: "VirtualAppliance", ip: FW_IP }]);
    const after = hubSpoke(applyTo("rt-cc", [ONPREM], fix), [VIA_FW]).audit(roles);
    expect(finding(after, "ccvnet/cc", "CC-INGRESS-HTTPS").status).toBe("pass");
    expect(finding(after, "hpc/c1", "NODE-EGRESS-HTTPS").detail).not.toContain("own routes have no way");
  });

  it("with Azure's default NSG rules the new route also widens VirtualNetwork at CycleCloud, which AllowVnetInBound then admits", () => {
    // Unpeered spokes: the cluster is outside VirtualNetwork at CycleCloud until a route for it is in CycleCloud's table.
    const r = hubSpoke([ONPREM], [VIA_FW], { nsgRules: [] }).audit(roles);
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("fail");
    expect(ingress.detail).toContain("DenyAllInBound");
    const fix = routesFromAzCli(az(ingress));
    expect(fix.created).toEqual([expect.objectContaining({ table: "rt-cc", prefix: "10.2.1.0/24", ip: FW_IP })]);
    expect(az(ingress)).not.toContain("nsg rule create");
    const after = hubSpoke(applyTo("rt-cc", [ONPREM], fix), [VIA_FW], { nsgRules: [] }).audit(roles);
    expect(finding(after, "ccvnet/cc", "CC-INGRESS-AMQP")).toMatchObject({ status: "pass", evidence: [expect.objectContaining({ rule: "AllowVnetInBound" })] });
  });

  it("a fault shared by both ends fails both: the hub firewall's own subnet has no way on", () => {
    const r = hubSpoke([VIA_FW], [VIA_FW], { fwRoutes: [{ name: "no-cc", prefix: "10.1.0.0/16", hop: "None" }] }).audit(roles);
    for (const [s, id] of [["hpc/c1", "NODE-EGRESS-AMQP"], ["ccvnet/cc", "CC-INGRESS-AMQP"]]) {
      const f = finding(r, s, id);
      expect(f.status).toBe("fail");
      expect(f.detail).toMatch(/no route — Azure Firewall fw has no way on from hub/);
      expect(az(f)).toBe("");
    }
  });

  it("a fault shared by both ends fails both: VNets not peered and no hub between them, with peering guidance", () => {
    const r = unpeeredPair();
    const f = finding(r, "hub/cc", "CC-INGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("not peered");
    expect(f.fixes).toEqual([expect.objectContaining({ kind: "portal", text: expect.stringContaining("Peer the VNets (hub ↔ spoke)") })]);
  });

  it("the faulty end has no route table: guidance to create and associate one, no command", () => {
    const r = hubSpoke([VIA_FW], null).audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    expect(az(egress)).toBe("");
    expect(egress.fixes.map((x) => x.text).join(" ")).toMatch(/hpc\/c1 has no route table: create one with a route for ccvnet\/cc \(10\.1\.0\.0\/24\) to next hop VirtualAppliance 10\.100\.0\.4 .* bigger change/);
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP").status).toBe("pass");
  });

  it("many cluster subnets with no way back and no plan possible: guidance for a few, then one line for the rest, not one per subnet", () => {
    const b = hubSpoke(null, [VIA_FW]);
    // Five more cluster subnets in the cluster VNet, routed through the firewall like c1.
    for (let i = 2; i <= 6; i++) b.subnet(`hpc/c${i}`, `10.2.${i}.0/24`, { nsg: "n", routeTable: "rt-hpc" });
    const r = b.audit({ cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1", "hpc/c2", "hpc/c3", "hpc/c4", "hpc/c5", "hpc/c6"] });
    const ingress = finding(r, "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("fail");
    const texts = ingress.fixes.map((x) => x.text);
    expect(texts.filter((t) => /ccvnet\/cc has no route table: create one/.test(t))).toHaveLength(3);
    expect(texts).toContainEqual(expect.stringMatching(/^…and the same for 3 more cluster subnets with no route/));
  });

  it("Azure's limit of 400 routes per table: a table at the limit gets guidance to summarise first, never a 401st route", () => {
    // 400 routes to on-premises /24s, none of them a way to the cluster.
    const full: RouteSpec[] = Array.from({ length: 400 }, (_, i) => ({ name: `onprem-${i}`, prefix: `192.168.${i % 256}.${i < 256 ? 0 : 128}/25`, hop: "None" }));
    const ingress = finding(hubSpoke(full, [VIA_FW]).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("fail");
    expect(az(ingress)).toBe("");
    expect(ingress.fixes.map((x) => x.text).join(" ")).toMatch(/rt-cc already holds Azure's limit of 400 routes, so ccvnet\/cc cannot be given a route to hpc\/c1 .*replace routes that cover single subnets with summaries/);
    // One below the limit: the route fits and is offered.
    const room = finding(hubSpoke(full.slice(1), [VIA_FW]).audit(roles), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(routesFromAzCli(az(room)).created).toEqual([expect.objectContaining({ table: "rt-cc", prefix: "10.2.1.0/24", hop: "VirtualAppliance" })]);
  });

  it("a user route sending the peer's exact prefix to None is pointed at the firewall in place (one route per prefix)", () => {
    const drop: RouteSpec = { name: "drop-cc", prefix: "10.1.0.0/24", hop: "None" };
    const egress = finding(hubSpoke([VIA_FW], [VIA_FW, drop]).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    expect(egress.detail).toContain("route drop-cc in rt-hpc drops it");
    const fix = routesFromAzCli(az(egress));
    expect(fix).toEqual({ created: [{ table: "rt-hpc", name: "drop-cc", prefix: "10.1.0.0/24", hop: "VirtualAppliance", ip: FW_IP }], deleted: [] });
    // Every form edits the route rather than adding a second one with its prefix (Azure: RouteConflict).
    expect(egress.fixes.find((x) => x.kind === "portal")?.text).toContain('Routes → "drop-cc": change it to Destination "10.1.0.0/24"; Next hop type "VirtualAppliance"');
    expect(egress.fixes.find((x) => x.kind === "terraform")?.text).toMatch(/azapi_update_resource[\s\S]*routeTables\/routes@[\s\S]*\/routes\/drop-cc/);
    const edited = [VIA_FW, ...fix.created.map(withoutTable)];
    expect(finding(hubSpoke([VIA_FW], edited).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP").status).toBe("pass");
  });

  it("once routed through the firewall its policy must allow the flow too: the plan adds the rule collection", () => {
    const dnsOnly: CollectionSpec = { name: "other", priority: 100, rules: [{ kind: "network", name: "dns", src: ["10.0.0.0/8"], dst: ["10.100.0.10"], ports: ["53"] }] };
    const egress = finding(hubSpoke([VIA_FW], [ONPREM], { collection: dnsOnly }).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("fail");
    const text = az(egress);
    expect(routesFromAzCli(text).created).toEqual([expect.objectContaining({ table: "rt-hpc", prefix: "10.1.0.0/24" })]);
    expect(text).toContain("add-filter-collection");
    expect(text).toMatch(/--destination-addresses 10\.1\.0\.0\/24/);
  });

  it("a route that drops half of the peer while the rest goes through the firewall: partly blocked (warn), naming the half and the route", () => {
    // CONTRACT §4: part of a prefix blocked is `warn`, naming the part; the route is what to change, not an NSG.
    const egress = finding(hubSpoke([VIA_FW], [VIA_FW, { name: "drop-half", prefix: "10.1.0.0/25", hop: "None" }]).audit(roles), "hpc/c1", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("warn");
    expect(egress.detail).toMatch(/hpc\/c1 → ccvnet\/cc: no route for part of it — at hpc\/c1, route drop-half in rt-hpc drops it \(next hop None\), for 10\.1\.0\.0\/25; the rest has a way\./);
    expect(az(egress)).toBe("");
    expect(egress.fixes.map((x) => x.text).join(" ")).toMatch(/route drop-half in rt-hpc drops it .*: change or delete that route/);
  });

  it("a return-proxy check judges both ends: the proxy's own missing way back fails it, with the route at the proxy", () => {
    const rp = { ...roles, returnProxy: ["ccvnet/rp"] };
    const f = finding(hubSpoke([VIA_FW], [VIA_FW], { rp: [ONPREM] }).audit(rp), "ccvnet/rp", "RP-NODE-HTTPS");
    expect(f.status).toBe("fail");
    expect(f.detail).toMatch(/no route — replies have no way back: .*at ccvnet\/rp/);
    const fix = routesFromAzCli(az(f));
    expect(fix.created).toEqual([{ table: "rt-rp", name: "to-hpc-c1-via-firewall", prefix: "10.2.1.0/24", hop: "VirtualAppliance", ip: FW_IP }]);
    expect(finding(hubSpoke([VIA_FW], [VIA_FW], { rp: applyTo("rt-rp", [ONPREM], fix) }).audit(rp), "ccvnet/rp", "RP-NODE-HTTPS").status).toBe("pass");
  });

  it("directly peered VNets with no hub: a user route overriding the peering gets guidance at its own end only", () => {
    const r = estate()
      .vnet("ccvnet", ["10.1.0.0/16"])
      .vnet("hpc", ["10.2.0.0/16"])
      .peer("ccvnet", "hpc")
      .subnet("ccvnet/cc", "10.1.0.0/24", { nsg: "n" })
      .subnet("hpc/c1", "10.2.1.0/24", { nsg: "n", routeTable: "rt-hpc" })
      .nsg("n")
      .routeTable("rt-hpc", [{ name: "drop-cc", prefix: "10.1.0.0/24", hop: "None" }])
      .audit(roles);
    const egress = finding(r, "hpc/c1", "NODE-EGRESS-HTTPS");
    expect(egress.status).toBe("fail");
    expect(az(egress)).toBe("");
    expect(egress.fixes.map((x) => x.text).join(" ")).toContain("Route drop-cc in rt-hpc overrides the peering between hpc and ccvnet");
    expect(finding(r, "ccvnet/cc", "CC-INGRESS-HTTPS").status).toBe("pass");
  });

  it("several peers get one route each, with distinct names that Azure accepts", () => {
    const taken: RouteSpec = { name: "to-hpc-c1-via-firewall", prefix: "10.9.0.0/16", hop: "None" };
    const ingress = finding(hubSpoke([ONPREM, taken], [VIA_FW], { c2: true }).audit({ cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1", "hpc/c2"] }), "ccvnet/cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("fail");
    const fix = routesFromAzCli(az(ingress));
    expect(fix.created.map((c) => [c.name, c.prefix])).toEqual([
      ["to-hpc-c1-via-firewall-2", "10.2.1.0/24"],
      ["to-hpc-c2-via-firewall", "10.2.2.0/24"],
    ]);

    const long = { hpcName: `hpc-${"x".repeat(60)}`, c1Name: `nodes-${"y".repeat(70)}` };
    const r = hubSpoke([ONPREM], [VIA_FW], long).audit({ cyclecloud: ["ccvnet/cc"], cluster: [`${long.hpcName}/${long.c1Name}`] });
    const [route] = routesFromAzCli(az(finding(r, "ccvnet/cc", "CC-INGRESS-AMQP"))).created;
    expect(route.name.length).toBeLessThanOrEqual(80);
    expect(route.name).toMatch(/^to-hpc-x+-nodes-y+-via-firewall$/);
  });
});
