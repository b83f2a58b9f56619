// An Azure Firewall policy that refers to what the input lacks (CONTRACT §4.1 stage 5; README "warn"): a base
// policy, a rule collection group, an IP group, or an FQDN tag / web category whose domains no input lists. What
// the audit cannot see is `warn` naming the missing piece and how to add it, never `pass` — and, where the rules
// around it decide either way, the verdict they give.
import { describe, expect, it } from "vitest";
import { finding, hubAndSpoke, id } from "../../test/helpers/estate-builder";

const cc = { cyclecloud: ["spoke/cc"] };
const FW_IP = "10.100.0.4";
const SEED = ["management.azure.com", "login.microsoftonline.com", "dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com", "*.blob.core.windows.net"];
const pid = (name: string) => id("firewallPolicies", name);
const ipg = (name: string) => id("ipGroups", name);

type RawRule = Record<string, unknown>;
const net = (name: string, extra: RawRule): RawRule => ({ ruleType: "NetworkRule", name, ipProtocols: ["TCP"], sourceAddresses: [], destinationAddresses: [], destinationPorts: ["443"], ...extra });
const app = (name: string, extra: RawRule): RawRule => ({ ruleType: "ApplicationRule", name, sourceAddresses: ["10.1.0.0/16"], protocols: [{ protocolType: "Https", port: 443 }], ...extra });
const seedApp = app("seed", { targetFqdns: SEED });

interface Group {
  name: string;
  priority: number;
  collections: { name: string; priority: number; action: "Allow" | "Deny"; rules: RawRule[] }[];
}

/** A policy as ARM JSON; `listed` names groups the policy lists but the input does not hold. */
function policy(name: string, groups: Group[], opts: { base?: string; listed?: string[] } = {}): unknown[] {
  const groupIds = [...(opts.listed ?? []), ...groups.map((g) => g.name)].map((g) => ({ id: `${pid(name)}/ruleCollectionGroups/${g}` }));
  return [
    { id: pid(name), name, type: "Microsoft.Network/firewallPolicies", properties: { threatIntelMode: "Alert", ...(opts.base ? { basePolicy: { id: pid(opts.base) } } : {}), ruleCollectionGroups: groupIds } },
    ...groups.map((g) => ({
      id: `${pid(name)}/ruleCollectionGroups/${g.name}`,
      name: g.name,
      type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      properties: { priority: g.priority, ruleCollections: g.collections.map((c) => ({ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: c.name, priority: c.priority, action: { type: c.action }, rules: c.rules })) },
    })),
  ];
}

const ipGroup = (name: string, addresses: string[]) => ({ id: ipg(name), name, type: "Microsoft.Network/ipGroups", properties: { ipAddresses: addresses } });


/** The hub's firewall with policy `fwp`, and extra resources. */
function world(...resources: unknown[]) {
  return hubAndSpoke().firewall("fw", "hub", FW_IP, { policy: "fwp" }).extra(...resources).audit(cc);
}

const denyFromGroup: Group = { name: "rcg-deny", priority: 150, collections: [{ name: "deny", priority: 100, action: "Deny", rules: [net("deny-spokes-443", { destinationAddresses: ["*"], sourceIpGroups: [ipg("ipg-spokes")] })] }] };
const allowSeed: Group = { name: "rcg-cc", priority: 200, collections: [{ name: "allow-seed", priority: 100, action: "Allow", rules: [seedApp] }] };

describe("a rule naming an IP group the input lacks", () => {
  it("traffic that reaches a Deny rule whose source IP group is missing is `warn` naming the group, not `pass`", () => {
    const f = finding(world(...policy("fwp", [denyFromGroup, allowSeed])), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("IP group ipg-spokes");
    expect(f.detail).toContain("deny-spokes-443");
    expect(f.detail).toContain("az network ip-group list");
  });

  it("with the IP group in the input the rule decides: it holds the spoke → fail; it does not → pass", () => {
    expect(finding(world(...policy("fwp", [denyFromGroup, allowSeed]), ipGroup("ipg-spokes", ["10.1.0.0/16"])), "spoke/cc", "CC-EGRESS-ARM").status).toBe("fail");
    expect(finding(world(...policy("fwp", [denyFromGroup, allowSeed]), ipGroup("ipg-spokes", ["10.9.0.0/16"])), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("traffic decided before the rule keeps its verdict", () => {
    const first: Group = { name: "rcg-first", priority: 100, collections: [{ name: "arm", priority: 100, action: "Allow", rules: [net("arm-first", { sourceAddresses: ["10.1.0.0/24"], destinationAddresses: ["AzureResourceManager"] })] }] };
    const report = world(...policy("fwp", [first, denyFromGroup, allowSeed]));
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(report, "spoke/cc", "CC-EGRESS-AAD").status).toBe("warn");
  });

  it("where the rules after it decide as the rule would, the verdict stands: lockdown still passes behind a Deny", () => {
    const f = finding(world(...policy("fwp", [denyFromGroup, allowSeed])), "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
  });

  it("an Allow rule whose only destination is a missing IP group is not dropped: `warn`, not `fail`", () => {
    const allowToGroup: Group = { name: "rcg-net", priority: 100, collections: [{ name: "to-group", priority: 100, action: "Allow", rules: [net("to-azure", { sourceAddresses: ["10.1.0.0/24"], destinationIpGroups: [ipg("ipg-azure")] })] }] };
    const f = finding(world(...policy("fwp", [allowToGroup])), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("IP group ipg-azure");
  });
});

describe("a classic firewall (rule collections on the firewall itself)", () => {
  it("a Deny network rule whose source IP group is missing is `warn` too", () => {
    const report = hubAndSpoke()
      .extra({
        id: id("azureFirewalls", "fw"),
        name: "fw",
        type: "Microsoft.Network/azureFirewalls",
        properties: {
          sku: { name: "AZFW_VNet", tier: "Standard" },
          ipConfigurations: [{ name: "ipconfig", properties: { privateIPAddress: FW_IP, subnet: { id: `${id("virtualNetworks", "hub")}/subnets/AzureFirewallSubnet` }, publicIPAddress: { id: id("publicIPAddresses", "pip-fw") } } }],
          networkRuleCollections: [
            { name: "deny", properties: { priority: 100, action: { type: "Deny" }, rules: [{ name: "deny-spokes", protocols: ["TCP"], sourceIpGroups: [ipg("ipg-spokes")], destinationAddresses: ["*"], destinationPorts: ["443"] }] } },
            { name: "allow", properties: { priority: 200, action: { type: "Allow" }, rules: [{ name: "arm", protocols: ["TCP"], sourceAddresses: ["10.1.0.0/24"], destinationAddresses: ["AzureResourceManager"], destinationPorts: ["443"] }] } },
          ],
        },
      })
      .audit(cc);
    const f = finding(report, "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("IP group ipg-spokes");
  });
});

describe("a policy chain the input holds only in part", () => {
  it("a rule collection group the policy lists but the input lacks makes the firewall unjudgeable: `warn` naming it", () => {
    const report = world(...policy("fwp", [allowSeed], { listed: ["rcg-platform-deny"] }));
    for (const rule of ["CC-EGRESS-ARM", "CC-EGRESS-STORAGE"]) {
      const f = finding(report, "spoke/cc", rule);
      expect(f.status, rule).toBe("warn");
      expect(f.detail).toContain("rule collection group rcg-platform-deny");
      expect(f.detail).toContain("az network firewall policy rule-collection-group list --policy-name fwp");
    }
  });

  it("a base policy the input lacks makes the firewall unjudgeable: `warn` naming it", () => {
    const f = finding(world(...policy("fwp", [allowSeed], { base: "fwp-parent" })), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("base policy fwp-parent");
    expect(f.detail).toContain("az network firewall policy list");
  });

  it("after a live read the hint names the read to fix, not an export", async () => {
    const { audit } = await import("../audit");
    const { loadSnapshot } = await import("../snapshot");
    const resources = hubAndSpoke().firewall("fw", "hub", FW_IP, { policy: "fwp" }).extra(...policy("fwp", [allowSeed], { base: "fwp-parent" })).resources();
    const snapshot = loadSnapshot([{ name: "azure", value: { resources, readMethod: "listAll" } }]);
    const f = audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } }).subnets.find((s) => s.name === "cc")!.findings.find((x) => x.rule === "CC-EGRESS-ARM")!;
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("base policy fwp-parent");
    expect(f.detail).not.toContain("az network firewall policy list");
    expect(f.detail).toContain("the live read of subscription");
  });

  it("a missing group of the base policy counts too", () => {
    const parent = policy("fwp-parent", [], { listed: ["rcg-parent"] });
    const f = finding(world(...parent, ...policy("fwp", [allowSeed], { base: "fwp-parent" })), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("rule collection group rcg-parent of firewall policy fwp-parent");
  });
});

describe("FQDN tags and web categories for a named destination", () => {
  const tagGroup = (action: "Allow" | "Deny", priority = 100): Group => ({ name: "rcg-aks", priority, collections: [{ name: "aks", priority: 100, action, rules: [app("aks-tag", { fqdnTags: ["AzureKubernetesService"] })] }] });

  it("an Allow rule with only an FQDN tag: the seed's names are `warn` naming the tag, neither allowed nor denied", () => {
    const f = finding(world(...policy("fwp", [tagGroup("Allow")])), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("FQDN tag AzureKubernetesService");
    expect(f.detail).toContain("management.azure.com");
  });

  it("an FQDN tag rule before one naming the seed's names changes nothing: either rule allows them", () => {
    const report = world(...policy("fwp", [tagGroup("Allow", 100), allowSeed]));
    expect(finding(report, "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("a Deny rule with an FQDN tag before the seed's allow may deny them: `warn`", () => {
    expect(finding(world(...policy("fwp", [tagGroup("Deny", 100), allowSeed])), "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  it("for lockdown an FQDN tag stays an allow-list of domains, listed by name (pass)", () => {
    const f = finding(world(...policy("fwp", [tagGroup("Allow")])), "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("FQDN tag AzureKubernetesService");
  });

  it("a web category may hold a seed name: `warn` naming it", () => {
    const cats: Group = { name: "rcg-web", priority: 100, collections: [{ name: "web", priority: 100, action: "Allow", rules: [app("tech", { webCategories: ["ComputersAndTechnology"] })] }] };
    const f = finding(world(...policy("fwp", [cats])), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("web category ComputersAndTechnology");
  });

  it("a Deny of liability web categories before the seed names does not hold Microsoft's endpoints: the seed rule decides", () => {
    const deny = (categories: string[]): Group => ({ name: "rcg-web", priority: 100, collections: [{ name: "web-deny", priority: 100, action: "Deny", rules: [app("liability", { webCategories: categories })] }] });
    const seed: Group = { ...allowSeed, priority: 300 };
    expect(finding(world(...policy("fwp", [deny(["Gambling", "Weapons"]), seed])), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    // A category that could hold them still makes it unknown.
    expect(finding(world(...policy("fwp", [deny(["Gambling", "ComputersAndTechnology"]), seed])), "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });
});
