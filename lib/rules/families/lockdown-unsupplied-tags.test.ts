// CC-EGRESS-LOCKDOWN where an element on the path lets out a service tag outside the CycleCloud page's whose prefixes
// the input does not give (`AzureCloud`, as in the az-hop and CycleCloud Workspace for Slurm templates): at any stage —
// an admin rule, an NSG rule, a tag route, a firewall's network rule — part of the Internet may leave, to an extent only
// the tag's prefixes tell, so the lockdown is `warn` ("cannot be judged"), never `pass` (CONTRACT §4: "say so rather
// than guess").
import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, estate, finding, hubAndSpoke, rulesFromAzCli } from "../../../test/helpers/estate-builder";
import type { Finding } from "../../report/types";

const FW_IP = "10.100.0.4";
const SEED_FQDNS = ["management.azure.com", "login.microsoftonline.com", "dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com", "*.blob.core.windows.net"];
const tag = (name: string, prefixes: string[]) => ({ name, id: name, properties: { region: "", addressPrefixes: prefixes } });
const TAGS = {
  values: [
    tag("AzureCloud", ["20.0.0.0/8"]),
    tag("AzureResourceManager", ["20.37.0.0/16"]),
    tag("AzureActiveDirectory", ["40.126.0.0/18"]),
    tag("AzureMonitor", ["20.40.0.0/16"]),
    tag("Storage", ["20.60.0.0/16"]),
  ],
};
const allowAzureCloud: RuleSpec = { name: "AllowAzureCloud", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", dst: "AzureCloud" };
const later = SEED_RULES.map((r) => (r.priority < 4000 ? { ...r, priority: r.priority + 100 } : r));

const stages = (f: Finding) => f.evidence.map((e) => ("stage" in e ? e.stage : "nsg"));
const lockdown = (b: ReturnType<typeof estate>, from = "hub/cc") => finding(b.audit({ cyclecloud: [from] }), from, "CC-EGRESS-LOCKDOWN");

/** A spoke's CycleCloud subnet whose default route goes to the hub's firewall, which allows the seed's names. */
function behindFirewall(opts: { networkDst?: string[]; routes?: { name: string; prefix: string; hop: string; ip?: string }[] } = {}) {
  return hubAndSpoke(FW_IP, { cc: { nsg: "nsg-cc" }, routes: opts.routes })
    .nsg("nsg-cc", [])
    .firewall("fw", "hub", FW_IP, { policy: "fwp" })
    .policy("fwp", [
      {
        name: "rcg-cc",
        priority: 200,
        collections: [
          ...(opts.networkDst ? [{ name: "net", priority: 100, rules: [{ kind: "network" as const, name: "to-azure", protocols: ["Any"], dst: opts.networkDst, ports: ["*"] }] }] : []),
          { name: "seed", priority: 200, rules: [{ kind: "application" as const, name: "seed", src: ["10.1.0.0/16"], fqdns: SEED_FQDNS }] },
        ],
      },
    ]);
}

describe("CC-EGRESS-LOCKDOWN: an element letting out a tag whose prefixes the input lacks", () => {
  it("an NSG Allow of AzureCloud before BlockOutbound: warn, naming the rule and the way out; the verified fix denies above it", () => {
    const rules = [{ ...allowAzureCloud, priority: 150 }, ...later];
    const b = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
    const f = lockdown(b);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("But it cannot be judged whether part of it leaves: TCP/UDP any port to AzureCloud: let out by AllowAzureCloud (150) in nsg-cc, then through Azure's default outbound access");
    expect(f.detail).toContain("give --service-tags ServiceTags_Public_*.json to judge it");
    // The evidence holds both what stops the Internet and what lets the tag out, each once, in the order Azure meets them.
    expect(f.evidence.filter((e) => !("stage" in e) || e.stage === "nsg").map((e) => [(e as { rule: string }).rule, (e as { access: string }).access])).toEqual([
      ["AllowAzureCloud", "Allow"],
      ["BlockOutbound", "Deny"],
    ]);
    expect(new Set(f.evidence.map((e) => JSON.stringify(e))).size).toBe(f.evidence.length);
    // The general note on missing prefixes would read as the opposite of this one: not said.
    expect(f.detail).not.toContain("every public address is taken to be outside the service tags");
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text).map((c) => c.rule);
    const deny = created.find((r) => r.access === "Deny")!;
    expect(deny.priority).toBeLessThan(150);
    const fixed = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...rules, ...created]).audit({ cyclecloud: ["hub/cc"] });
    for (const rule of ["CC-EGRESS-LOCKDOWN", "CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"]) expect(finding(fixed, "hub/cc", rule).status, rule).toBe("pass");
    // At Azure's first priority (100) no deny can win over it: no fix, and why.
    const first = lockdown(estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [allowAzureCloud, ...later]));
    expect(first.fixes).toEqual([]);
    expect(first.noFixReason).toContain("no free priority below 100");
  });

  it("an AlwaysAllow admin rule to AzureCloud skips the NSG's BlockOutbound: warn, naming the admin rule (Allow and Deny hand on or stop: pass)", () => {
    const withAdmin = (access: "Allow" | "Deny" | "AlwaysAllow") =>
      estate()
        .vnet("hub", ["10.0.0.0/16"])
        .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
        .nsg("nsg-cc", [...SEED_RULES])
        .adminRule("azure-out", ["hub"], { priority: 10, direction: "Outbound", access, protocol: "Any", dst: ["AzureCloud"], ports: ["0-65535"] });
    const f = lockdown(withAdmin("AlwaysAllow"));
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/TCP\/UDP any port to AzureCloud: let out by [^.]*azure-out[^.]*, which skips the NSGs/);
    expect(stages(f)).toContain("admin-rule");
    expect(f.evidence).toEqual(expect.arrayContaining([expect.objectContaining({ stage: "admin-rule", access: "AlwaysAllow" })]));
    // No NSG rule can close what skips the NSGs: the guidance names the admin rule and its owner's choices.
    expect(f.fixes.filter((x) => x.kind !== "portal")).toEqual([]);
    expect(f.fixes.find((x) => x.kind === "portal")?.text).toMatch(/^Security admin rule azure-out \(priority 10, AlwaysAllow, Outbound\) in rule collection rc-azure-out .* lets this traffic out without consulting any NSG.*make it Allow/);
    expect(lockdown(withAdmin("Allow")).status).toBe("pass");
    expect(lockdown(withAdmin("Deny")).status).toBe("pass");
    // With the tag's prefixes the rule is judged on them: part of the Internet leaves, no longer "cannot be judged".
    const judged = withAdmin("AlwaysAllow");
    judged.serviceTags = TAGS;
    const g = lockdown(judged);
    expect(g.status).toBe("warn");
    expect(g.detail).toContain("partly leaves");
    expect(g.detail).not.toContain("cannot be judged");
  });

  it("a firewall network rule to AzureCloud behind a default route: warn, naming the firewall rule (to Storage only: pass)", () => {
    const f = lockdown(behindFirewall({ networkDst: ["AzureCloud"] }), "spoke/cc");
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/TCP\/UDP any port to AzureCloud: let out by .*network rule to-azure in rule collection group rcg-cc/);
    expect(stages(f)).toContain("firewall");
    // AllowVnetOutBound let it out of the NSG because the default route widened VirtualNetwork: said, as elsewhere.
    expect(f.detail).toContain("A rule on VirtualNetwork decided here because route to-firewall");
    expect(f.evidence).toEqual(expect.arrayContaining([expect.objectContaining({ stage: "firewall", rule: "to-azure" })]));
    // Controls: the seed's names alone, or a network rule to one of the page's own tags, is the lockdown the page describes.
    expect(lockdown(behindFirewall(), "spoke/cc").status).toBe("pass");
    expect(lockdown(behindFirewall({ networkDst: ["Storage"] }), "spoke/cc").status).toBe("pass");
  });

  it("a tag route to the Internet beside the default route to the firewall: warn, naming the route; the fix removes it", () => {
    const f = lockdown(behindFirewall({ routes: [{ name: "azure-direct", prefix: "AzureCloud", hop: "Internet" }] }), "spoke/cc");
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/TCP\/UDP any port to AzureCloud: let out by .*route azure-direct in rt/);
    expect(f.fixes.find((x) => x.kind === "az-cli")!.text).toMatch(/az network route-table route delete [^\n]*--name azure-direct/);
    // A tag route of the page's own: the way the page's services are meant to go.
    expect(lockdown(behindFirewall({ routes: [{ name: "storage-direct", prefix: "Storage", hop: "Internet" }] }), "spoke/cc").status).toBe("pass");
  });

  it("with a service tag file that lacks the tag a rule names, that rule cannot be judged; with the tag in it, it is judged", () => {
    const b = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [{ ...allowAzureCloud, name: "AllowFrontDoor", dst: "AzureFrontDoor.Frontend" }, ...later]);
    b.serviceTags = TAGS;
    const f = lockdown(b);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("TCP/UDP any port to AzureFrontDoor.Frontend: let out by AllowFrontDoor (100) in nsg-cc");
    expect(f.detail).toContain("but the service tags given do not hold its prefixes");
    b.serviceTags = { values: [...TAGS.values, tag("AzureFrontDoor.Frontend", ["13.107.246.0/24"])] };
    const g = lockdown(b);
    expect(g.detail).not.toContain("cannot be judged");
    expect(g.detail).toContain("13.107.246.0/24: leaves");
  });

  it("two tags are named together; a tag of the platform's own addresses (AzureLoadBalancer) is no Internet: pass", () => {
    const rules = (dst: string[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [{ ...allowAzureCloud, priority: 150, dst }, ...later]);
    const f = lockdown(rules(["AzureCloud", "AppService"]));
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/to (AzureCloud, AppService|AppService, AzureCloud): let out by AllowAzureCloud \(150\) in nsg-cc/);
    expect(f.detail).toMatch(/(AzureCloud and AppService|AppService and AzureCloud) are not among the CycleCloud page's service tags/);
    for (const dst of [["AzureLoadBalancer"], ["AzurePlatformDNS", "AzurePlatformIMDS"]]) expect(lockdown(rules(dst)).status, dst.join()).toBe("pass");
    // What lets it out is said with its ports.
    const dns = lockdown(estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [{ name: "AllowDnsOut", priority: 150, direction: "Outbound", access: "Allow", protocol: "Udp", dst: "AzureCloud", ports: "53" }, ...later]));
    expect(dns.detail).toContain("UDP port 53 to AzureCloud: let out by AllowDnsOut (150) in nsg-cc");
  });

  it("traffic to the tag that reaches a firewall whose policy the input lacks cannot be judged: warn, naming what is missing", () => {
    const noPolicy = (b: ReturnType<typeof estate>) => b.omit("Microsoft.Network/firewallPolicies").omit("Microsoft.Network/firewallPolicies/ruleCollectionGroups");
    const f = lockdown(noPolicy(behindFirewall().nsg("nsg-cc", [{ ...allowAzureCloud, priority: 150 }, ...later])), "spoke/cc");
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/TCP\/UDP any port to AzureCloud: firewall policy fwp of fw is not in the input/);
    // Without the allow, BlockOutbound stops everything before the firewall: locked down, whatever its policy.
    expect(lockdown(noPolicy(behindFirewall().nsg("nsg-cc", [...SEED_RULES])), "spoke/cc").status).toBe("pass");
  });

  it("az-hop's rules (AllowAzureCloudServiceAccess at 400, a deny of the Internet at 3000): the fix keeps the page's services open above its deny", () => {
    // Without prefixes the audit reads the four services as blocked at 3000 (tags taken apart); in Azure AzureCloud at
    // 400 lets them out, and a deny above it that re-allowed nothing would cut CycleCloud off.
    const azhop: RuleSpec[] = [
      { name: "AllowAzureCloudServiceAccess", priority: 400, direction: "Outbound", access: "Allow", protocol: "*", src: "VirtualNetwork", dst: "AzureCloud" },
      { name: "DenyInternetOutBound", priority: 3000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
    ];
    const world = (rules: RuleSpec[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
    const f = lockdown(world(azhop));
    expect(f.status).toBe("warn");
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text).map((c) => c.rule);
    const deny = created.find((r) => r.access === "Deny")!;
    expect(deny.priority).toBeLessThan(400);
    const allows = created.filter((r) => r.access === "Allow");
    expect(allows.map((r) => r.dst![0]).sort()).toEqual(["AzureActiveDirectory", "AzureMonitor", "AzureResourceManager", "Storage"]);
    for (const r of allows) expect(r.priority).toBeLessThan(deny.priority);
    // Applied, with AzureCloud's prefixes holding the four as in Azure: locked down, and every service still reached.
    const fixed = world([...azhop, ...created]);
    fixed.serviceTags = TAGS;
    const report = fixed.audit({ cyclecloud: ["hub/cc"] });
    for (const rule of ["CC-EGRESS-LOCKDOWN", "CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"]) expect(finding(report, "hub/cc", rule).status, rule).toBe("pass");
  });

  it("the fix allows again only what the deny would stop: not a service the user's own deny blocks, nor one blocked with the tags given", () => {
    const world = (rules: RuleSpec[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
    const partner: RuleSpec = { name: "AllowPartner", priority: 200, direction: "Outbound", access: "Allow", protocol: "*", dst: "203.0.113.10/32" };
    const reallowed = (b: ReturnType<typeof world>, denyAt = 199) => {
      const created = rulesFromAzCli(lockdown(b).fixes.find((x) => x.kind === "az-cli")!.text).map((c) => c.rule);
      expect(created.filter((r) => r.access === "Deny").map((r) => r.priority)).toEqual([denyAt]);
      return created.filter((r) => r.access === "Allow").map((r) => r.dst![0]);
    };
    // The user's own deny of Storage at 300 stays in force (the seed's other allows at 101-103 are above the fix's deny),
    // also after an Allow of a tag that does not let TCP 443 to Storage out in Azure: UDP only, from source port 53, from
    // an ASG no NIC is in, of Sql, of one region of AzureCloud.
    const denyStorage: RuleSpec = { name: "DenyStorageDirect", priority: 300, direction: "Outbound", access: "Deny", protocol: "*", dst: "Storage" };
    const tagAllow = (r: Partial<RuleSpec>): RuleSpec => ({ name: "AllowTag", priority: 150, direction: "Outbound", access: "Allow", protocol: "*", dst: "AzureCloud", ...r });
    // The fix's deny goes above whichever Allow lets the Internet or a tag out (an ASG with no member lets nothing out).
    const cases: [RuleSpec[], number][] = [[[], 199], [[tagAllow({ protocol: "Udp" })], 149], [[tagAllow({ srcPorts: "53" })], 149], [[tagAllow({ srcAsgs: ["asg-other"] })], 199], [[tagAllow({ dst: "Sql" })], 149], [[tagAllow({ dst: "AzureCloud.EastUS" })], 149]];
    for (const [extra, denyAt] of cases) {
      const own = world([...SEED_RULES.slice(1, 4), ...extra, partner, denyStorage, SEED_RULES[4]]);
      expect(reallowed(own, denyAt), JSON.stringify(extra)).toEqual([]);
    }
    // The control: an Allow of AzureCloud from any port and source lets Storage out in Azure, and is kept open.
    expect(reallowed(world([...SEED_RULES.slice(1, 4), tagAllow({}), partner, denyStorage, SEED_RULES[4]]), 149)).toEqual(["Storage"]);
    // With the tags given, services a deny of the Internet already blocks are that deny's findings, not this fix's.
    const blocked = world([partner, { name: "DenyInternet", priority: 3000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" }]);
    blocked.serviceTags = TAGS;
    expect(reallowed(blocked)).toEqual([]);
  });

  it("az-hop's rules in the NIC's NSG, none on the subnet: the fix's deny in the subnet's NSG keeps the page's services open", () => {
    const azhop: RuleSpec[] = [
      { name: "AllowAzureCloudServiceAccess", priority: 400, direction: "Outbound", access: "Allow", protocol: "*", src: "VirtualNetwork", dst: "AzureCloud" },
      { name: "DenyInternetOutBound", priority: 3000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
    ];
    const world = (nic: RuleSpec[], sub: RuleSpec[]) =>
      estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-sub" }).nsg("nsg-sub", sub).nsg("nsg-nic", nic).nic("nic-cc", "hub/cc", { ip: "10.0.0.4", nsg: "nsg-nic" });
    const f = lockdown(world(azhop, []));
    expect(f.status).toBe("warn");
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text);
    const fixed = world([...azhop, ...created.filter((c) => c.nsg === "nsg-nic").map((c) => c.rule)], created.filter((c) => c.nsg === "nsg-sub").map((c) => c.rule));
    fixed.serviceTags = TAGS;
    const report = fixed.audit({ cyclecloud: ["hub/cc"] });
    for (const rule of ["CC-EGRESS-LOCKDOWN", "CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"]) expect(finding(report, "hub/cc", rule).status, rule).toBe("pass");
  });

  it("where part of the Internet leaves too, the fix's deny goes above the Allow of the tag as well, so the finding passes once applied", () => {
    const rules: RuleSpec[] = [{ ...allowAzureCloud, priority: 150 }, { name: "AllowPartner", priority: 300, direction: "Outbound", access: "Allow", protocol: "*", dst: "203.0.113.10/32" }, ...later];
    const world = (extra: RuleSpec[] = []) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...rules, ...extra]);
    const f = lockdown(world());
    expect(f.status).toBe("warn");
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text).map((c) => c.rule);
    expect(created.find((r) => r.access === "Deny")!.priority).toBeLessThan(150);
    expect(lockdown(world(created)).status).toBe("pass");
  });

  it("az-hop's rules with the profile's HTTPS proxy at a public address: the fix keeps the way to the proxy open above its deny", () => {
    // An Azure-hosted proxy's public IP is in AzureCloud: in Azure the rule at 400 lets CycleCloud reach it today.
    const azhop: RuleSpec[] = [
      { name: "AllowAzureCloudServiceAccess", priority: 400, direction: "Outbound", access: "Allow", protocol: "*", src: "VirtualNetwork", dst: "AzureCloud" },
      { name: "DenyInternetOutBound", priority: 3000, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
    ];
    const world = (rules: RuleSpec[]) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
    const profile = { roles: { cyclecloud: ["hub/cc"] }, proxy: { address: "20.50.1.4", port: 3128 } };
    const f = finding(world(azhop).auditProfile(profile), "hub/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    const created = rulesFromAzCli(f.fixes.find((x) => x.kind === "az-cli")!.text).map((c) => c.rule);
    const deny = created.find((r) => r.access === "Deny")!;
    expect(deny.priority).toBeLessThan(400);
    const toProxy = created.find((r) => r.access === "Allow")!;
    expect([toProxy.dst, toProxy.ports]).toEqual([["20.50.1.4/32"], ["3128"]]);
    expect(toProxy.priority).toBeLessThan(deny.priority);
    // Applied, with AzureCloud holding the proxy's address as in Azure: locked down, and the proxy still reached.
    const fixed = world([...azhop, ...created]);
    fixed.serviceTags = TAGS;
    const report = fixed.auditProfile(profile);
    expect(finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    expect(finding(report, "hub/cc", "CC-EGRESS-STORAGE").detail).not.toContain("to the proxy is blocked");
  });
});
