import { describe, expect, it } from "vitest";
import { type CollectionSpec, estate, finding, rulesFromAzCli } from "../../../test/helpers/estate-builder";

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
    const r = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24")
      .subnet("spoke/c1", "10.1.1.0/24")
      .audit({ cyclecloud: ["hub/cc"], cluster: ["spoke/c1"] });
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
