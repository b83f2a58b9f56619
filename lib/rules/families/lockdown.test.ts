import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, estate, finding, nsgEvidence, rulesFromAzCli } from "../../../test/helpers/estate-builder";
import { queryFlow } from "../../path/query";

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
    expect(f.detail).toContain("TCP/UDP any port to Internet addresses outside the CycleCloud page's service tags: denied by BlockOutbound (4000) in nsg-cc.");
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

describe("CC-EGRESS-LOCKDOWN with real service tag prefixes: the Internet it closes is everything but the CycleCloud page's tags", () => {
  // As in Azure's ServiceTags_Public file, AzureCloud holds Storage's, ARM's, Monitor's and AppService's public ranges
  // and more (any tenant's endpoints); AppService is a tag of its own. Only the page's four tags (with their regional
  // variants) are what the lockdown keeps open. https://learn.microsoft.com/azure/virtual-network/service-tags-overview
  const tag = (name: string, prefixes: string[]) => ({ name, id: name, properties: { region: "", addressPrefixes: prefixes } });
  const TAGS = {
    values: [
      tag("AzureCloud", ["20.0.0.0/8", "40.64.0.0/10"]),
      tag("AppService", ["20.50.0.0/16"]),
      tag("AzureResourceManager", ["20.37.0.0/16"]),
      tag("AzureActiveDirectory", ["40.126.0.0/18"]),
      tag("AzureMonitor", ["20.40.0.0/16"]),
      tag("Storage", ["20.60.0.0/16"]),
      tag("Storage.WestEurope", ["20.60.1.0/24"]),
    ],
  };
  // The seed's rules one hundred later, so that a rule at 100 comes before them.
  const later = SEED_RULES.map((r) => (r.priority < 4000 ? { ...r, priority: r.priority + 100 } : r));
  const lockdown = (rules: RuleSpec[], tags: unknown = TAGS) => {
    const b = withNsg(rules);
    b.serviceTags = tags;
    return finding(b.audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
  };

  it("an Allow of AzureCloud on any port before BlockOutbound: warn, naming the rule and why AzureCloud is a way out", () => {
    const f = lockdown([{ name: "AllowAzureCloud", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", dst: "AzureCloud" }, ...later]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("Internet addresses outside the CycleCloud page's service tags partly leaves");
    expect(f.detail).toContain("let through by AllowAzureCloud (100) in nsg-cc");
    expect(f.detail).toContain("AzureCloud is not among the CycleCloud page's service tags");
    // What leaves is AzureCloud beyond the page's tags (AppService's range among it), not the page's own.
    expect(f.detail).toContain("TCP/UDP any port to 20.0.0.0/11, 20.32.0.0/14, 20.36.0.0/16, 20.38.0.0/15,"); // not ARM's 20.37.0.0/16
    expect(nsgEvidence(f)).toEqual(expect.arrayContaining([expect.objectContaining({ rule: "AllowAzureCloud", priority: 100, access: "Allow" })]));
  });

  it("an Allow of AppService on 443 before BlockOutbound: warn, naming the rule", () => {
    const f = lockdown([{ name: "AllowAppService", priority: 100, direction: "Outbound", access: "Allow", dst: "AppService", ports: "443" }, ...later]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("TCP port 443 to 20.50.0.0/16: leaves");
    expect(f.detail).toContain("let through by AllowAppService (100) in nsg-cc");
    expect(f.detail).toContain("AppService is not among the CycleCloud page's service tags");
  });

  it("the seed's rules alone, allowing only the page's tags: pass, with the page's regional entries and without a base entry", () => {
    const f = lockdown([...SEED_RULES]);
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("Without service tag prefixes");
    // A file of Storage's regions only: Storage is their union, and those regions are what the rule allows.
    const regional = { values: TAGS.values.filter((t) => t.name !== "Storage").concat([tag("Storage.EastUS", ["20.60.2.0/24"])]) };
    expect(lockdown([...SEED_RULES], regional).status).toBe("pass");
  });

  it("an Allow of the Internet before BlockOutbound: fail", () => {
    const f = lockdown([{ name: "AllowInternet", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", dst: "Internet" }, ...later]);
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("let through by AllowInternet (100) in nsg-cc");
    expect(f.detail).not.toContain("AzureCloud is not among the CycleCloud page's service tags");
  });

  it("without service tag prefixes an Allow of AzureCloud before the deny cannot be judged (warn), naming the rule; the page's own tags can", () => {
    // As the az-hop and CycleCloud Workspace for Slurm templates' AllowAzureCloudServiceAccess.
    const b = withNsg([{ name: "AllowAzureCloud", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", dst: "AzureCloud" }, ...later]);
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("But it cannot be judged whether part of it leaves: TCP/UDP any port to AzureCloud: let out by AllowAzureCloud (100) in nsg-cc");
    expect(f.detail).toContain("give --service-tags ServiceTags_Public_*.json");
    // After the deny it lets nothing out, and a required tag's allow is kept open on purpose: locked down.
    for (const rules of [[...later, { name: "AllowAzureCloud", priority: 4001, direction: "Outbound" as const, access: "Allow" as const, protocol: "*", dst: "AzureCloud" }], [{ name: "AllowStorage", priority: 100, direction: "Outbound" as const, access: "Allow" as const, protocol: "*", dst: "Storage.WestEurope" }, ...later]])
      expect(finding(withNsg(rules).audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("names another tag only where its addresses let something out, not a tag beside the CIDR that did", () => {
    // Without prefixes AzureCloud meets no public address: 8.8.8.8 leaves, and the rule is named, not the tag.
    const b = withNsg([{ name: "AllowSome", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", dst: ["AzureCloud", "8.8.8.8"] }, ...later]);
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("let through by AllowSome (100) in nsg-cc");
    expect(f.detail).not.toContain("AzureCloud is not among the CycleCloud page's service tags");
  });

  it("a name other than the page's may resolve into AzureCloud: the checks by name and a query to it share the lockdown's Internet", () => {
    // ratecard.azure-api.net (API Management) is in Azure; judged against every tag's complement it would read blocked.
    const b = withNsg([{ name: "AllowAzureCloud", priority: 100, direction: "Outbound", access: "Allow", dst: "AzureCloud", ports: "443" }, ...later]);
    b.serviceTags = TAGS;
    const pricing = finding(b.audit(cc), "hub/cc", "CC-EGRESS-PRICING");
    expect(pricing.status).toBe("info");
    expect(pricing.detail).toMatch(/is partly blocked: .*the rest is allowed by AllowAzureCloud \(100\) in nsg-cc/);
    const q = queryFlow(b.snapshot(), { from: "hub/cc", to: "ratecard.azure-api.net", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("partial");
    expect(q.stages).toEqual(expect.arrayContaining([expect.objectContaining({ rule: "AllowAzureCloud" })]));
  });
});
