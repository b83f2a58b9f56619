// A fix is shown only if, applied to a copy of the snapshot, it turns its finding to pass and makes
// no other finding worse (advice that a lockdown is meant to trigger aside). Only findings that read a
// changed NSG or subnet are re-run.
import type { CheckEnv, CheckOutcome, RuleCheck } from "../rules/types";
import type { Subnet } from "../model/types";
import { statusRank } from "../rules/status-rank";
import { estateWith } from "./apply";
import type { FixPlan } from "./types";

export interface Checked {
  subnet: Subnet;
  rule: RuleCheck;
  outcome: CheckOutcome;
}

export function verifyPlans(env: CheckEnv, checked: Checked[]): FixPlan[][] {
  const byKey = new Map<string, number[]>();
  checked.forEach((c, i) => {
    for (const k of c.outcome.touched) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  return checked.map((c, i) => {
    if (c.outcome.plans.length === 0) return [];
    return c.outcome.plans.filter((plan) => {
      const estate = estateWith(env.estate, plan.changes);
      const { snapshot } = estate;
      const changed = estate.changedKeys;
      const addsAllow = plan.changes.some((ch) => ch.kind === "attach-new-nsg" || (ch.kind === "add-rule" && ch.rule.access === "Allow"));
      const addsDeny = plan.changes.some((ch) => ch.kind === "attach-new-nsg" || (ch.kind === "add-rule" && ch.rule.access === "Deny"));
      const couldWorsen = (c: Checked) => c.rule.requires === undefined || (c.rule.requires === "allow" ? addsDeny : addsAllow);
      const affected = new Set<number>([i]);
      for (const k of changed) for (const j of byKey.get(k) ?? []) if (couldWorsen(checked[j])) affected.add(j);
      const verifyEnv: CheckEnv = { ...env, estate, plan: false };
      for (const j of affected) {
        const before = checked[j];
        if (j !== i && before.rule.advisory) continue;
        const subnet = snapshot.subnets.get(before.subnet.key)!;
        const after = before.rule.check(verifyEnv, subnet).status;
        if (j === i ? after !== "pass" : statusRank(after) > statusRank(before.outcome.status)) return false;
      }
      return true;
    });
  });
}
