// Fixes at a firewall that is not the simple case: a policy with a base policy, and a classic firewall (rule
// collections on the firewall itself). A derived estate must see the changed policy or firewall exactly as a fresh
// estate of the changed snapshot does, and verification must re-run what such a change can make worse.
import { describe, expect, it } from "vitest";
import { estate, finding, id } from "../helpers/estate-builder";
import { planAudit } from "../../lib/audit";
import { estateWith } from "../../lib/fixes/apply";
import { verifyAll } from "../../lib/fixes/verify";
import { Estate } from "../../lib/nsg/estate";
import type { Change, FixPlan } from "../../lib/fixes/types";

const withBase = () =>
  estate()
    .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("ccvnet", ["10.1.0.0/16"]).subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt-cc" })
    .vnet("hpc", ["10.2.0.0/16"]).subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt-c1" })
    .peer("hub", "ccvnet").peer("hub", "hpc").peer("ccvnet", "hpc")
    .routeTable("rt-cc", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.5" }])
    .routeTable("rt-c1", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .firewall("fw-base", "hub", "10.100.0.4", { policy: "base" })
    .firewall("fw-child", "hub", "10.100.0.5", { policy: "child" })
    .policy("base", [{ name: "g0", priority: 100, collections: [{ name: "noop", priority: 100, action: "Allow", rules: [{ kind: "network", name: "noop", src: ["192.0.2.1"], dst: ["192.0.2.2"], ports: ["1"] }] }] }])
    .policy("child", [], { base: "base" });
const twoRoles = { roles: { cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1"], returnProxy: [] } };
const baseKey = id("firewallPolicies", "base").toLowerCase();
const broadOnBase: Change = {
  kind: "add-firewall-rule-collection", policyKey: baseKey, groupName: "CycleCloud-Required",
  collection: { name: "broad", priority: 200, action: "Allow", kind: "network", rules: [{ kind: "network", name: "any", protocols: ["Any"], sourceAddresses: ["10.1.0.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["*"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["*"] }] },
};

describe("a fix to the base policy of a firewall's child policy", () => {
  it("a derived estate sees the base policy's new collection (same verdict as a fresh audit)", () => {
    const b = withBase();
    const { env, checked } = planAudit(b.snapshot(), twoRoles);
    const i = checked.findIndex((c) => c.rule.id === "CC-EGRESS-LOCKDOWN");
    expect(checked[i].outcome.status).toBe("pass");
    const derived = estateWith(env.estate, [broadOnBase]);
    const after = checked[i].rule.check({ ...env, estate: derived, plan: false }, derived.snapshot.subnets.get(checked[i].subnet.key)!).status;
    // A fresh estate on the changed snapshot (no inherited flows):
    const fresh = new Estate(derived.snapshot, env.estate.roles, env.estate.placement);
    const freshStatus = checked[i].rule.check({ ...env, estate: fresh, plan: false }, fresh.snapshot.subnets.get(checked[i].subnet.key)!).status;
    expect(freshStatus).not.toBe("pass");
    expect(after).toBe(freshStatus);
  });

  it("verifyAll refuses a base-policy Allow that opens CC's Internet egress through the child-policy firewall", () => {
    const { env, checked } = planAudit(withBase().snapshot(), twoRoles);
    const i = checked.findIndex((c) => c.rule.id === "NODE-EGRESS-STORAGE" || c.rule.id === "NODE-EGRESS-HTTPS");
    const plan: FixPlan = { summary: "broad", changes: [broadOnBase] };
    const trial = checked.map((c, j) => ({ ...c, outcome: { ...c.outcome, plans: j === i ? [plan] : [] } }));
    const r = verifyAll(env, trial);
    // Whatever happens to finding i, the plan must not be kept while CC-EGRESS-LOCKDOWN goes from pass to fail.
    expect(r.plans[i]).toEqual([]);
  });
});

const classicOrPolicy = (policy: boolean) => {
  const b = estate()
    .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("ccvnet", ["10.1.0.0/16"]).subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt" })
    .peer("hub", "ccvnet")
    .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .firewall("fw", "hub", "10.100.0.4", policy ? { policy: "p" } : {});
  if (policy) b.policy("p", [{ name: "g", priority: 100, collections: [{ name: "noop", priority: 100, rules: [{ kind: "network", name: "noop", src: ["192.0.2.1"], dst: ["192.0.2.2"], ports: ["1"] }] }] }]);
  return b;
};
const ccOnly = { cyclecloud: ["ccvnet/cc"] };

describe("a fix to a classic firewall", () => {
  it("a derived estate sees an appended classic collection (as a fresh estate does)", () => {
    const { env, checked } = planAudit(classicOrPolicy(false).snapshot(), { roles: { cyclecloud: ["ccvnet/cc"], cluster: [], returnProxy: [] } });
    const i = checked.findIndex((c) => c.rule.id === "CC-EGRESS-LOCKDOWN");
    expect(checked[i].outcome.status).toBe("pass");
    const open: Change = {
      kind: "add-firewall-rule-collection", firewallKey: id("azureFirewalls", "fw").toLowerCase(), groupName: "x",
      collection: { name: "open", priority: 100, action: "Allow", kind: "network", rules: [{ kind: "network", name: "any", protocols: ["Any"], sourceAddresses: ["10.1.0.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["*"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["*"] }] },
    };
    const derived = estateWith(env.estate, [open]);
    const fresh = new Estate(derived.snapshot, env.estate.roles, env.estate.placement);
    const s = derived.snapshot.subnets.get(checked[i].subnet.key)!;
    const freshStatus = checked[i].rule.check({ ...env, estate: fresh, plan: false }, s).status;
    const derivedStatus = checked[i].rule.check({ ...env, estate: derived, plan: false }, s).status;
    expect(freshStatus).not.toBe("pass");
    expect(derivedStatus).toBe(freshStatus);
  });

  it("the firewall fix for CC's Storage egress is offered for a classic firewall as for a policy", () => {
    const withPolicy = finding(classicOrPolicy(true).audit(ccOnly), "ccvnet/cc", "CC-EGRESS-STORAGE");
    const classic = finding(classicOrPolicy(false).audit(ccOnly), "ccvnet/cc", "CC-EGRESS-STORAGE");
    expect(withPolicy.status).toBe("fail");
    expect(withPolicy.fixes.length).toBeGreaterThan(0);
    expect(classic.status).toBe("fail");
    expect({ fixes: classic.fixes.length, why: classic.noFixReason }).toMatchObject({ fixes: withPolicy.fixes.length });
  });
});
