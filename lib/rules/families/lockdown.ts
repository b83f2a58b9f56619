// CC-EGRESS-LOCKDOWN: outbound traffic to Internet addresses outside every service tag must be denied
// (the seed's `BlockOutbound` rule at 4000), unless a default route takes it to an appliance or nowhere.
import type { SecurityRule, Subnet } from "../../model/types";
import { ALL_PORTS } from "../../net/ports";
import { TCP, UDP } from "../../net/protocols";
import { evaluateFlow } from "../../nsg/flow";
import { estateWith } from "../../fixes/apply";
import { type RuleTemplate, makeRule, planFlowFix } from "../../fixes/plan-flow";
import type { Change } from "../../fixes/types";
import { REQUIRED_EGRESS } from "../required-egress";
import type { CheckEnv, CheckOutcome, RuleMeta } from "../types";
import { clamp, evidenceFor, explainFlow, outcome } from "./shared";
import { internetEgress, noTagPrefixesNote } from "./internet-egress";
import { allowEgressTemplate, tagEgressSpec } from "./egress-to-tag";

const blockOutbound = (): RuleTemplate => ({ name: "BlockOutbound", direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["*"] });

/** The seed page's NSG for a subnet that has none: its role's required allows (100–103), then BlockOutbound at 4000. */
function seedRules(env: CheckEnv, subnet: Subnet): SecurityRule[] {
  const role = env.estate.roles.get(subnet.key)!;
  const key = `new:${subnet.key}`;
  return [...REQUIRED_EGRESS[role].map((req) => makeRule(env, key, allowEgressTemplate(req), req.priority)), makeRule(env, key, blockOutbound(), 4000)];
}

/** Deny the Internet in the subnet's NSG below every rule that lets it out, then keep the role's required egress open. */
function planLockdown(env: CheckEnv, subnet: Subnet, allowPriorities: Map<string, number>): Change[] | undefined {
  const { estate } = env;
  const nsg = estate.nsg(subnet.nsgKey);
  if (!nsg) {
    const name = `nsg-${subnet.name}-lockdown`.slice(0, 80);
    return [{ kind: "attach-new-nsg", subnetKey: subnet.key, nsgName: name, rules: seedRules(env, subnet) }];
  }
  const winsOver = allowPriorities.get(nsg.key) ?? 65001;
  const priority = env.allocator.pick(nsg, winsOver);
  if (priority === undefined) return undefined;
  let changes: Change[] | undefined = [{ kind: "add-rule", nsgKey: nsg.key, rule: makeRule(env, nsg.key, blockOutbound(), priority) }];
  const after = estateWith(estate, changes);
  for (const req of REQUIRED_EGRESS[estate.roles.get(subnet.key)!]) {
    const spec = tagEgressSpec(estate, subnet, req.tag, req.port);
    // Only what was open and the deny would close: a flow already blocked is its own finding's fix.
    if (evaluateFlow(estate, subnet, spec).verdict !== "allowed" || evaluateFlow(after, subnet, spec).verdict === "allowed") continue;
    changes = changes && planFlowFix(env, subnet, spec, allowEgressTemplate(req), changes);
  }
  return changes;
}

export function lockdownCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta): CheckOutcome {
  const { estate } = env;
  const { route, result } = internetEgress(estate, subnet, TCP | UDP, ALL_PORTS);
  const nsgState = `Outbound TCP/UDP to Internet addresses outside the service tags is ${explainFlow(estate, result)}`;
  const touched = result.touched;
  if (route.forced) {
    return outcome({
      status: "pass",
      detail: `Internet egress is taken off the Internet: ${route.detail}${route.forced === "VirtualAppliance" ? "; the appliance's own policy decides what leaves and is not audited here" : ""}. ${nsgState}`,
      evidence: evidenceFor([result], "pass"),
      touched,
    });
  }
  const status = clamp(meta, result.verdict === "blocked" ? "pass" : result.verdict === "allowed" ? "fail" : "warn");
  const plans = [];
  if (env.plan && status !== "pass") {
    const allowPriorities = new Map<string, number>();
    for (const o of result.outcomes)
      for (const p of o.pieces)
        for (const d of p.decisions)
          if (d.level === "subnet" && d.rule.access === "Allow") allowPriorities.set(d.nsg.key, Math.min(allowPriorities.get(d.nsg.key) ?? Infinity, d.rule.priority));
    const changes = planLockdown(env, subnet, allowPriorities);
    if (changes) plans.push({ summary: "Deny outbound traffic to the Internet service tag below the rules that let it out, keeping the required Azure services open (the CycleCloud page's BlockOutbound rule).", changes });
  }
  return outcome({
    status,
    detail: `${status === "pass" ? "Locked down. " : ""}${nsgState}${noTagPrefixesNote(estate)}`,
    evidence: evidenceFor([result], status === "pass" ? "warn" : "pass").filter((e) => (status === "pass" ? e.access === "Deny" : e.access === "Allow")),
    plans,
    touched,
  });
}
