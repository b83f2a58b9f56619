// A fix is shown only if, applied to a copy of the snapshot, it turns its finding to pass and makes
// no other finding worse (advice that a lockdown is meant to trigger aside). Only findings that read a
// changed NSG, subnet, route table or firewall are re-run.
import type { CheckEnv, CheckOutcome, RuleCheck } from "../rules/types";
import type { Subnet } from "../model/types";
import { statusRank } from "../rules/status-rank";
import { estateWith } from "./apply";
import { shown } from "./quote";
import type { Change, FixPlan } from "./types";

export interface Checked {
  subnet: Subnet;
  rule: RuleCheck;
  outcome: CheckOutcome;
}

/** Whether a change can let more traffic through, and whether it can stop some. */
function effects(changes: readonly Change[]): { addsAllow: boolean; addsDeny: boolean } {
  let addsAllow = false;
  let addsDeny = false;
  for (const ch of changes) {
    if (ch.kind === "add-rule") {
      if (ch.rule.access === "Allow") addsAllow = true;
      else addsDeny = true;
    } else if (ch.kind === "add-service-endpoint") {
      // A service endpoint adds a route; it never denies anything an NSG allowed.
      addsAllow = true;
    } else {
      addsAllow = true;
      addsDeny = true;
    }
  }
  return { addsAllow, addsDeny };
}

export interface Verified {
  /** Per checked finding, the plans that passed. */
  plans: FixPlan[][];
  /** Per checked finding whose every plan was refused: why, in one sentence. */
  reasons: Map<number, string>;
}

/** Verifies every plan of every finding; see the module comment. */
export function verifyAll(env: CheckEnv, checked: Checked[]): Verified {
  const byKey = new Map<string, number[]>();
  checked.forEach((c, i) => {
    for (const k of c.outcome.touched) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  const reasons = new Map<number, string>();
  const plans = checked.map((c, i) => {
    if (c.outcome.plans.length === 0) return [];
    let refusal = "";
    const kept = c.outcome.plans.filter((plan) => {
      const estate = estateWith(env.estate, plan.changes);
      const { snapshot } = estate;
      const changed = estate.changedKeys;
      const { addsAllow, addsDeny } = effects(plan.changes);
      const couldWorsen = (x: Checked) => x.rule.requires === undefined || (x.rule.requires === "allow" ? addsDeny : addsAllow);
      const affected = new Set<number>([i]);
      for (const k of changed) for (const j of byKey.get(k) ?? []) if (couldWorsen(checked[j])) affected.add(j);
      const verifyEnv: CheckEnv = { ...env, estate, plan: false };
      for (const j of affected) {
        const before = checked[j];
        if (j !== i && before.rule.advisory) continue;
        const subnet = snapshot.subnets.get(before.subnet.key)!;
        const after = before.rule.check(verifyEnv, subnet).status;
        if (j === i && after !== "pass") {
          refusal = `The change found (${plan.summary.replace(/\.$/, "")}) would leave this finding ${after}, so it is not offered.`;
          return false;
        }
        if (j !== i && statusRank(after) > statusRank(before.outcome.status)) {
          refusal = `The change found would make ${before.rule.id} on ${shown(`${before.subnet.vnetName}/${before.subnet.name}`)} ${after}, so it is not offered.`;
          return false;
        }
      }
      return true;
    });
    if (kept.length === 0 && refusal) reasons.set(i, refusal);
    return kept;
  });
  return { plans, reasons };
}

/** The plans of each finding that passed verification (see verifyAll). */
export function verifyPlans(env: CheckEnv, checked: Checked[]): FixPlan[][] {
  return verifyAll(env, checked).plans;
}
