import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, estate, finding, nsgEvidence, rulesFromAzCli } from "../../../test/helpers/estate-builder";

const cc = { cyclecloud: ["hub/cc"] };
const withNsg = (rules: RuleSpec[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);

describe("CC-EGRESS-LOCKDOWN", () => {
  it("passes with the seed's BlockOutbound rule, citing it", () => {
    const f = finding(withNsg([...SEED_RULES]).audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
    expect(nsgEvidence(f)).toEqual([expect.objectContaining({ rule: "BlockOutbound", priority: 4000, access: "Deny" })]);
  });

  it("fails when Azure's default AllowInternetOutBound decides, and the verified fix keeps the required egress open", () => {
    const b = withNsg([]);
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    expect(nsgEvidence(f)).toEqual([expect.objectContaining({ rule: "AllowInternetOutBound", priority: 65001, isDefault: true })]);
    expect(f.evidence.map((e) => ("stage" in e ? e.stage : "nsg"))).toEqual(["nsg", "route", "outbound"]);
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text);
    const block = created.find((c) => c.rule.access === "Deny")!;
    expect(block.rule.dst).toEqual(["Internet"]);
    // Denying the Internet would cut Storage/AAD/Monitor/ARM off: the plan adds their allows ahead of it.
    expect(created.filter((c) => c.rule.access === "Allow").map((c) => c.rule.dst![0]).sort()).toEqual(["AzureActiveDirectory", "AzureMonitor", "AzureResourceManager", "Storage"]);
    for (const c of created.filter((c) => c.rule.access === "Allow")) expect(c.rule.priority).toBeLessThan(block.rule.priority);
    const fixed = withNsg(created.map((c) => c.rule)).audit(cc);
    for (const rule of ["CC-EGRESS-LOCKDOWN", "CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"]) expect(finding(fixed, "hub/cc", rule).status, rule).toBe("pass");
  });

  it("is not confirmed when what decides cannot be judged (an NSG the input lacks): warn, never pass", () => {
    // The subnet names nsg-missing, which the input does not hold; BlockOutbound sits in nsg-cc, attached to nothing.
    const report = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-missing" }).nsg("nsg-cc", [...SEED_RULES]).audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("Not confirmed locked down");
    expect(f.detail).toContain("NSG nsg-missing of hub/cc is not in the input");
    expect(f.detail).not.toContain("cannot be judged: cannot be judged");
    // The required egress through the same unknown NSG is "not known", not "blocked".
    expect(finding(report, "hub/cc", "CC-EGRESS-ARM").detail).toMatch(/is not known: .*cannot be judged: NSG nsg-missing/);
  });

  it("says a reason once for all the traffic it stops, not once per piece a rule that did not decide split off", () => {
    // The NIC's NSG allows HTTPS by a rule of its own and the rest by its defaults; the subnet's BlockOutbound stops all.
    const report = withNsg([...SEED_RULES])
      .nsg("nsg-nic", [{ name: "AllowHttpsOut", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", dst: "Internet", ports: "443" }])
      .nic("nic-cc", "hub/cc", { ip: "10.0.0.4", nsg: "nsg-nic" })
      .audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
    expect(f.detail.match(/denied by BlockOutbound \(4000\) in nsg-cc/g)).toHaveLength(1);
    expect(f.detail).toContain("TCP/UDP any port to Internet addresses outside the service tags: denied by BlockOutbound (4000) in nsg-cc.");
  });

  it("warns when some Internet traffic is still allowed (DNS to a public resolver), saying which", () => {
    const f = finding(withNsg([{ name: "AllowDns", priority: 200, direction: "Outbound", access: "Allow", protocol: "Udp", dst: "8.8.8.8", ports: "53" }, ...SEED_RULES]).audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("AllowDns");
  });

  it("passes when the route table sends 0.0.0.0/0 to an appliance outside the audit, and says so", () => {
    const report = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { routeTable: "rt" })
      .subnet("hub/nva", "10.0.9.0/24")
      .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.9.4" }])
      .audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
    expect(f.detail).toMatch(/handed to the appliance at 10\.0\.9\.4 in hub\/nva \(route default in rt\), outside the audit/);
    // The same route makes every required egress a warning, never a pass: the appliance decides.
    expect(finding(report, "hub/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  it("passes, and fails the required egress, when the appliance's address is in no subnet (the next hop cannot be reached)", () => {
    const report = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { routeTable: "rt" })
      .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.9.4" }])
      .audit(cc);
    expect(finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    const arm = finding(report, "hub/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("which no subnet of hub or of a connected peering holds");
  });

  it("does not count a default route to the Internet", () => {
    const report = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { routeTable: "rt" }).routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "Internet" }]).audit(cc);
    expect(finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN").status).toBe("fail");
  });

  it("for a subnet with no NSG, proposes creating one with the seed's rules and attaching it", () => {
    const f = finding(estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24").audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toContain("az network nsg create");
    expect(az).toContain("--network-security-group nsg-cc-lockdown");
    expect(az).toMatch(/--name BlockOutbound --priority 4000/);
  });
});
