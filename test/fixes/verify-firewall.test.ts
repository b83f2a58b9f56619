// Fix verification re-runs only the findings a fix can change. An Allow collection appended to a shared firewall
// policy used to re-run every subnet behind the hub (quadratic in subnets); now it re-runs the findings that sent
// traffic to the firewall from the collection's sources (lib/path/firewall-sources.ts). The oracle here re-runs
// every finding for every plan: precise verification must keep exactly the plans it keeps.
import { describe, expect, it } from "vitest";
import { planAudit } from "../../lib/audit";
import { estateWith } from "../../lib/fixes/apply";
import { Estate } from "../../lib/nsg/estate";
import type { Checked } from "../../lib/fixes/verify";
import type { Change, FixPlan } from "../../lib/fixes/types";
import type { CheckEnv } from "../../lib/rules/types";
import { statusRank } from "../../lib/rules/status-rank";
import { loadSnapshot } from "../../lib/snapshot";
import { concrete } from "../../lib/net/addr-set";
import { FirewallSourceIndex, firewallSourceKey, plainSources } from "../../lib/path/firewall-sources";
import { verifyAll } from "../../lib/fixes/verify";
import { generateEstate } from "../snapshot/generate-estate";

function hubWorld() {
  const resources = generateEstate({ vnets: 3, subnets: 24, nsgs: 8, rulesPerNsg: 30, nics: 30, hub: { firewallRules: 40 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const ids = resources.filter((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name !== "vnet-hub").flatMap((v) => (v.properties.subnets ?? []).map((s) => s.id));
  const snapshot = loadSnapshot([{ name: "estate.json", value: { value: resources } }]);
  return planAudit(snapshot, { roles: { cyclecloud: [ids[0]], returnProxy: [ids[1]], cluster: ids.slice(2, 16) } });
}

/**
 * Every plan kept by re-running every finding after it on a fresh estate of the changed snapshot: no selection of
 * findings, and no flow or table inherited from the estate before the change.
 */
function exhaustive(env: CheckEnv, checked: Checked[], plansOf: (c: Checked) => FixPlan[]): FixPlan[][] {
  return checked.map((c, i) =>
    plansOf(c).filter((plan) => {
      const estate = new Estate(estateWith(env.estate, plan.changes).snapshot, env.estate.roles, env.estate.placement);
      const verifyEnv: CheckEnv = { ...env, estate, plan: false };
      return checked.every((before, j) => {
        if (j !== i && before.rule.advisory) return true;
        const after = before.rule.check(verifyEnv, estate.snapshot.subnets.get(before.subnet.key)!).status;
        return j === i ? after === "pass" : statusRank(after) <= statusRank(before.outcome.status);
      });
    }),
  );
}

const firewallChange = (p: FixPlan) => p.changes.find((c): c is Extract<Change, { kind: "add-firewall-rule-collection" }> => c.kind === "add-firewall-rule-collection");

describe("fix verification behind a shared firewall", () => {
  it("keeps exactly the plans that re-running every finding keeps", () => {
    const { env, checked } = hubWorld();
    const withFirewallFix = checked.filter((c) => c.outcome.plans.some(firewallChange));
    expect(withFirewallFix.length).toBeGreaterThan(3);
    const fast = verifyAll(env, checked).plans;
    const slow = exhaustive(env, checked, (c) => c.outcome.plans);
    expect(fast.map((ps) => ps.map((p) => p.summary))).toEqual(slow.map((ps) => ps.map((p) => p.summary)));
  });

  it("sees an Allow collection whose sources reach locked-down egress: kept only with the lockdown's own deny", () => {
    const { env, checked } = hubWorld();
    const i = checked.findIndex((c) => c.outcome.plans.some(firewallChange));
    const plan = checked[i].outcome.plans.find(firewallChange)!;
    const fw = firewallChange(plan)!;
    // The same collection, widened: every source, any destination, any port. Lockdown findings of other subnets
    // that the hub firewall kept closed must now get worse, and verification must see it.
    const broad: FixPlan = {
      summary: "broad",
      changes: [{ ...fw, collection: { ...fw.collection, name: "broad", kind: "network", rules: [{ kind: "network", name: "any", protocols: ["Any"], sourceAddresses: ["10.0.0.0/8"], sourceIpGroupKeys: [], destinationAddresses: ["*"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["*"] }] } }],
    };
    const trial = checked.map((c, j) => (j === i ? { ...c, outcome: { ...c.outcome, plans: [broad] } } : { ...c, outcome: { ...c.outcome, plans: [] } }));
    const oracle = exhaustive(env, trial, (c) => c.outcome.plans)[i];
    const result = verifyAll(env, trial);
    expect(oracle).toEqual([]);
    // Seen for what it does to the subnet's locked-down egress: not kept alone, only together with the lockdown's own
    // deny, verified as one plan (lib/fixes/verify.ts, review r1 #3).
    expect(result.plans[i]).toHaveLength(1);
    const [kept] = result.plans[i];
    expect(kept.changes[0]).toEqual(broad.changes[0]);
    expect(kept.changes.some((c) => c.kind === "add-rule" && c.rule.access === "Deny" && c.rule.destinationAddressPrefixes.includes("Internet"))).toBe(true);
    expect(kept.summary).toMatch(/that CC-EGRESS-LOCKDOWN forbids on /);
  });
});

describe("FirewallSourceIndex", () => {
  it("finds the findings whose sources overlap, by binary search, and every `*` source", () => {
    const index = new FirewallSourceIndex();
    const key = "/subscriptions/s/resourcegroups/r/providers/microsoft.network/firewallpolicies/p";
    const src = (cidr: string) => plainSources([cidr])!;
    expect(index.add(firewallSourceKey(key, src("10.1.0.0/24")), [1])).toBe(true);
    index.add(firewallSourceKey(key, src("10.1.1.0/24")), [2]);
    index.add(firewallSourceKey(key, src("10.0.0.0/8")), [3]);
    index.add(firewallSourceKey(key, "*"), [4]);
    index.add(firewallSourceKey(key, src("fd00::/64")), [5]);
    index.add(firewallSourceKey("other", src("10.1.0.0/24")), [6]);
    expect(index.add(key, [7])).toBe(false);
    expect(index.findingsFrom(key, src("10.1.0.7/32")).sort()).toEqual([1, 3, 4]);
    expect(index.findingsFrom(key, src("10.1.1.0/25")).sort()).toEqual([2, 3, 4]);
    expect(index.findingsFrom(key, src("192.168.0.0/16")).sort()).toEqual([4]);
    expect(index.findingsFrom(key, src("fd00::1/128")).sort()).toEqual([4, 5]);
    expect(index.findingsFrom("none", concrete([0, 2 ** 32 - 1]))).toEqual([]);
  });

  it("reads only plain address lists as precise sources", () => {
    expect(plainSources(["10.0.0.0/24", "10.0.1.4"])).toBeDefined();
    expect(plainSources(["*"])).toBeUndefined();
    expect(plainSources(["AzureCloud"])).toBeUndefined();
    expect(plainSources(["10.0.0.1-10.0.0.9"])).toBeUndefined();
    expect(plainSources(["10.0.0.0/24"], ["/ipgroups/g"])).toBeUndefined();
    expect(plainSources([])).toBeUndefined();
  });
});
