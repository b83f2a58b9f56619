// A finding reached by many senders through one hub firewall (the return proxy, from every cluster subnet) plans one
// rule collection naming them all, not one per sender: 9,900 collections in one group on the bench estate were a
// 7 MB group where Azure accepts 2 MB (https://learn.microsoft.com/azure/firewall/policy-rule-sets).
import { describe, expect, it } from "vitest";
import { estate, id } from "../helpers/estate-builder";
import { audit, planAudit } from "../../lib/audit";
import { estateWith } from "../../lib/fixes/apply";
import { mergeSenderCollections } from "../../lib/fixes/merge-collections";
import type { Change } from "../../lib/fixes/types";

/** A return proxy and five cluster subnets in two spokes, every spoke's traffic through a hub firewall with no Allow. */
const hubEstate = () =>
  estate()
    .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("rp", ["10.3.0.0/16"]).subnet("rp/snet-rp", "10.3.0.0/24", { routeTable: "rt" })
    .vnet("hpc1", ["10.2.0.0/16"])
    .subnet("hpc1/c0", "10.2.0.0/24", { routeTable: "rt" }).subnet("hpc1/c1", "10.2.1.0/24", { routeTable: "rt" })
    .subnet("hpc1/c2", "10.2.2.0/24", { routeTable: "rt" }).subnet("hpc1/c3", "10.2.3.0/24", { routeTable: "rt" })
    .vnet("hpc2", ["10.5.0.0/16"]).subnet("hpc2/c9", "10.5.7.0/24", { routeTable: "rt" })
    .peer("hub", "rp").peer("hub", "hpc1").peer("hub", "hpc2")
    .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .firewall("fw", "hub", "10.100.0.4", { policy: "p" })
    .policy("p", [{ name: "g", priority: 100, collections: [{ name: "noop", priority: 100, rules: [{ kind: "network", name: "noop", src: ["192.0.2.1"], dst: ["192.0.2.2"], ports: ["1"] }] }] }]);

const profile = { roles: { cyclecloud: [], cluster: ["hpc1/c0", "hpc1/c1", "hpc1/c2", "hpc1/c3", "hpc2/c9"], returnProxy: ["rp/snet-rp"] } };

describe("senders reaching one subnet through one firewall", () => {
  it("get one rule collection naming every sender's prefixes, merged, and the plan makes the finding pass", () => {
    const snapshot = hubEstate().snapshot();
    const { env, checked, verified } = planAudit(snapshot, profile);
    const i = checked.findIndex((c) => c.rule.id === "RP-NODE-HTTPS");
    expect(checked[i].outcome.status).not.toBe("pass");
    const [plan] = verified.plans[i];
    const collections = plan.changes.filter((c): c is Extract<Change, { kind: "add-firewall-rule-collection" }> => c.kind === "add-firewall-rule-collection");
    expect(collections).toHaveLength(1);
    const [one] = collections;
    expect(one.collection.name).toBe("net-return-proxy-to-rp-snet-rp");
    expect(one.collection.rules).toHaveLength(1);
    const rule = one.collection.rules[0];
    expect(rule.kind === "network" && rule.sourceAddresses).toEqual(["10.2.0.0/22", "10.5.7.0/24"]);
    expect(rule.kind === "network" && rule.destinationAddresses).toEqual(["10.3.0.0/24"]);
    const after = estateWith(env.estate, plan.changes);
    const subnet = after.snapshot.subnets.get(checked[i].subnet.key)!;
    expect(checked[i].rule.check({ ...env, estate: after, plan: false }, subnet).status).toBe("pass");
  });

  it("write one az collection command in the report's fix", () => {
    const report = audit(hubEstate().snapshot(), profile);
    const finding = report.subnets.flatMap((s) => s.findings).find((f) => f.rule === "RP-NODE-HTTPS")!;
    const az = finding.fixes?.find((f) => f.kind === "az-cli")?.text ?? "";
    expect(az.match(/add-filter-collection/g)).toHaveLength(1);
    expect(az).toContain("--source-addresses 10.2.0.0/22 10.5.7.0/24");
  });
});

describe("mergeSenderCollections", () => {
  const policyKey = id("firewallPolicies", "p").toLowerCase();
  const net = (name: string, priority: number, sources: string[], ports = ["37140"]): Change => ({
    kind: "add-firewall-rule-collection", policyKey, groupName: "CycleCloud-Required",
    collection: { name, priority, action: "Allow", kind: "network", rules: [{ kind: "network", name: "Allow-x", protocols: ["TCP"], sourceAddresses: sources, sourceIpGroupKeys: [], destinationAddresses: ["10.3.0.0/24"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ports }] },
  });
  const nsgRule: Change = { kind: "add-rule", nsgKey: "nsg", rule: { name: "r", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["10.2.0.0/24"], destinations: ["10.3.0.0/24"], ports: ["37140"] } } as unknown as Change;
  const { env } = planAudit(hubEstate().snapshot(), profile);
  const receiver = [...env.estate.snapshot.subnets.values()].find((s) => s.name === "snet-rp")!;

  it("keeps a lone collection and every other change as they are", () => {
    const changes = [nsgRule, net("a", 300, ["10.2.0.0/24"])];
    expect(mergeSenderCollections(env, changes, receiver, "x")).toBe(changes);
  });

  it("merges collections alike but for their sources, where the first stood, at the lowest priority", () => {
    const out = mergeSenderCollections(env, [net("a", 301, ["10.2.1.0/24"]), nsgRule, net("b", 300, ["10.2.0.0/24"]), net("c", 302, ["10.2.0.0/24"], ["22"])], receiver, "x");
    expect(out.map((c) => (c.kind === "add-firewall-rule-collection" ? c.collection.name : c.kind))).toEqual(["net-x-to-rp-snet-rp", "add-rule", "c"]);
    const merged = out[0] as Extract<Change, { kind: "add-firewall-rule-collection" }>;
    expect(merged.collection.priority).toBe(300);
    expect(merged.collection.rules[0].kind === "network" && merged.collection.rules[0].sourceAddresses).toEqual(["10.2.0.0/23"]);
  });
});
