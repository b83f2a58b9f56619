// A fix is shown only if Azure would accept its rules (none mixing IPv4 and IPv6) and route tables (at most 400
// routes) and, applied to a copy of the snapshot, it turns its finding to pass and makes no other finding worse (advice
// that a lockdown is meant to trigger aside). Only findings that read a changed NSG, subnet, route table or firewall are re-run.
import type { CheckEnv, CheckOutcome, RuleCheck } from "../rules/types";
import type { SecurityRule, Subnet } from "../model/types";
import { statusRank } from "../rules/status-rank";
import { estateWith } from "./apply";
import { shown } from "./quote";
import type { Change, FixPlan } from "./types";
import { type AddrSet, addrUnionAll } from "../net/addr-set";
import { FirewallSourceIndex, plainSources } from "../path/firewall-sources";
import { pushTo } from "../collections";
import { takeNoFixReason } from "./no-fix";
import { rank } from "./safe-order";
import { planFamilyProblem } from "./address-family";
import { routeLimitProblem } from "./route-limit";

export interface Checked {
  subnet: Subnet;
  rule: RuleCheck;
  outcome: CheckOutcome;
}

/** Whether each item of `after` is written in `before` too, or `before` holds everything (`*`). */
function within(after: readonly string[], before: readonly string[]): boolean {
  if (before.length === 0 || before.some((x) => x.trim() === "*")) return true;
  const set = new Set(before.map((x) => x.trim().toLowerCase()));
  return after.length > 0 && after.every((x) => set.has(x.trim().toLowerCase()));
}

/**
 * Whether editing a rule can deny traffic that was allowed. A deny turned into an allow, or a deny moved
 * to a later priority and kept to (a subset of) what it matched, only lets traffic fall through to later
 * rules or allows it: it never stops anything new. Anything else may.
 */
function canDeny(before: SecurityRule, after: SecurityRule): boolean {
  if (before.access !== "Deny") return true;
  if (after.access === "Allow") return false;
  const narrower =
    (before.protocol === "*" || before.protocol === after.protocol) &&
    within(after.sourceAddressPrefixes, before.sourceAddressPrefixes) &&
    within(after.destinationAddressPrefixes, before.destinationAddressPrefixes) &&
    within(after.sourcePortRanges, before.sourcePortRanges) &&
    within(after.destinationPortRanges, before.destinationPortRanges) &&
    after.sourceAsgKeys.every((k) => before.sourceAsgKeys.includes(k)) &&
    after.destinationAsgKeys.every((k) => before.destinationAsgKeys.includes(k));
  return !(narrower && after.priority >= before.priority);
}

/** Whether a change can let more traffic through, and whether it can stop some. */
function effects(changes: readonly Change[]): { addsAllow: boolean; addsDeny: boolean } {
  let addsAllow = false;
  let addsDeny = false;
  for (const ch of changes) {
    if (ch.kind === "add-rule") {
      if (ch.rule.access === "Allow") addsAllow = true;
      else addsDeny = true;
    } else if (ch.kind === "add-service-endpoint" || ch.kind === "attach-nat-gateway") {
      // A service endpoint adds a route, a NAT gateway an outbound path; neither denies anything.
      addsAllow = true;
    } else if (ch.kind === "update-rule" && !canDeny(ch.before, ch.after)) {
      addsAllow = true;
    } else if (ch.kind === "add-firewall-rule-collection" && ch.collection.action === "Allow") {
      // Appended after every existing collection of its kind, an allow can only let more through.
      addsAllow = true;
    } else {
      addsAllow = true;
      addsDeny = true;
    }
  }
  return { addsAllow, addsDeny };
}

/**
 * Per firewall policy or classic firewall key, the sources of the plan's changes to it when every one is an
 * appended Allow collection whose rules name plain addresses: such a change lets through only traffic from
 * those addresses, so only findings that sent from them can change. Keys changed any other way are absent.
 */
function allowedSources(changes: readonly Change[]): Map<string, AddrSet> {
  const out = new Map<string, AddrSet>();
  const coarse = new Set<string>();
  for (const ch of changes) {
    if (ch.kind !== "add-firewall-rule-collection") continue;
    const key = ch.policyKey ?? ch.firewallKey;
    if (!key) continue;
    const sets = ch.collection.action === "Allow" ? ch.collection.rules.map((r) => (r.kind === "nat" ? undefined : plainSources(r.sourceAddresses, r.sourceIpGroupKeys))) : [undefined];
    if (sets.length === 0 || sets.some((s) => s === undefined)) {
      coarse.add(key);
      continue;
    }
    out.set(key, addrUnionAll([...(out.has(key) ? [out.get(key)!] : []), ...(sets as AddrSet[])]));
  }
  for (const k of coarse) out.delete(k);
  return out;
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
    for (const k of c.outcome.touched) pushTo(byKey, k, i);
  });
  const fromFirewall = new FirewallSourceIndex();
  for (const [k, list] of byKey) if (fromFirewall.add(k, list)) byKey.delete(k);
  const reasons = new Map<number, string>();
  /**
   * Applies `plan` and re-runs every finding it could change. `ok` when finding `i` passes and no other gets worse;
   * else why not, and `lockdowns`: when the only findings it makes worse are ones of the same subnet that require
   * traffic denied (the lockdown: the plan opens Internet egress it forbids there), those findings, whose own fix
   * may go with the plan. A plan that reaches another subnet's lockdown is too broad, and stays refused.
   */
  const judge = (i: number, plan: FixPlan): { ok: true } | { ok: false; refusal: string; lockdowns: number[] } => {
    // A rule or route table Azure would refuse is no fix, whatever the audit of the changed copy says
    // (lib/fixes/address-family.ts, route-limit.ts).
    const mixed = planFamilyProblem(plan.changes) ?? routeLimitProblem(env.estate.snapshot, plan.changes);
    if (mixed) return { ok: false, refusal: `The change found cannot be applied: ${mixed}, so it is not offered.`, lockdowns: [] };
    const estate = estateWith(env.estate, plan.changes);
    const { snapshot } = estate;
    const changed = estate.changedKeys;
    const { addsAllow, addsDeny } = effects(plan.changes);
    const couldWorsen = (x: Checked) => x.rule.requires === undefined || (x.rule.requires === "allow" ? addsDeny : addsAllow);
    const affected = new Set<number>([i]);
    const allowed = allowedSources(plan.changes);
    for (const k of changed) {
      const sources = allowed.get(k);
      for (const j of sources ? fromFirewall.findingsFrom(k, sources) : (byKey.get(k) ?? [])) if (couldWorsen(checked[j])) affected.add(j);
    }
    const verifyEnv: CheckEnv = { ...env, estate, plan: false };
    let refusal = "";
    const lockdowns: number[] = [];
    for (const j of affected) {
      const before = checked[j];
      if (j !== i && before.rule.advisory) continue;
      const subnet = snapshot.subnets.get(before.subnet.key)!;
      const after = before.rule.check(verifyEnv, subnet).status;
      if (j === i && after !== "pass") return { ok: false, refusal: `The change found (${plan.summary.replace(/\.$/, "")}) would leave this finding ${after}, so it is not offered.`, lockdowns: [] };
      if (j !== i && statusRank(after) > statusRank(before.outcome.status)) {
        refusal ||= `The change found would make ${before.rule.id} on ${shown(`${before.subnet.vnetName}/${before.subnet.name}`)} ${after}, so it is not offered.`;
        if (before.rule.requires !== "deny" || before.subnet.key !== checked[i].subnet.key) return { ok: false, refusal, lockdowns: [] };
        lockdowns.push(j);
      }
    }
    return refusal ? { ok: false, refusal, lockdowns } : { ok: true };
  };
  // The lockdown's own fix planned on top of a plan it objects to, by finding and plan: the findings whose fixes
  // make the same change (one NAT gateway for three service tags) get the same deny, so --fix-all writes it once.
  const lockdownFixes = new Map<string, FixPlan | undefined>();
  /**
   * `plan` together with the fix each objecting lockdown finding plans on the estate with `plan` applied (the deny
   * its planner makes, keeping the required egress open), as one plan; undefined when a lockdown plans none.
   */
  const withLockdowns = (plan: FixPlan, lockdowns: number[]): FixPlan | undefined => {
    let changes = plan.changes;
    const said: string[] = [];
    for (const j of lockdowns) {
      const x = checked[j];
      const key = `${j}|${JSON.stringify(changes)}`;
      if (!lockdownFixes.has(key)) {
        const estate = estateWith(env.estate, changes);
        const outcome = x.rule.check({ ...env, estate, plan: true }, estate.snapshot.subnets.get(x.subnet.key)!);
        // A reason its planner noted belongs to no finding of the report.
        takeNoFixReason(env.allocator);
        // Its last plan is the deny (a route-hole plan, when there is one, comes first and is no lockdown of its own).
        lockdownFixes.set(key, outcome.plans.at(-1));
      }
      const own = lockdownFixes.get(key);
      if (!own) return undefined;
      changes = [...changes, ...own.changes];
      said.push(`alone it would let Internet traffic out that ${x.rule.id} forbids on ${shown(`${x.subnet.vnetName}/${x.subnet.name}`)}, so it comes with that check's own fix: ${own.summary}`);
    }
    // In safe order (fix-all's): the lockdown's deny before the NAT gateway that would let port 80 out without it.
    const ordered = changes.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
    return { summary: `${plan.summary} ${said.map((t) => `${t[0].toUpperCase()}${t.slice(1)}`).join(" ")}`, changes: ordered };
  };
  const plans = checked.map((c, i) => {
    if (c.outcome.plans.length === 0) return [];
    env.checkpoint?.();
    let refusal = "";
    const kept: FixPlan[] = [];
    for (const plan of c.outcome.plans) {
      const verdict = judge(i, plan);
      if (verdict.ok) {
        kept.push(plan);
        continue;
      }
      refusal = verdict.refusal;
      // The only objection is the lockdown's: the plan and the lockdown's own deny, verified as one.
      const combined = verdict.lockdowns.length ? withLockdowns(plan, verdict.lockdowns) : undefined;
      if (combined && judge(i, combined).ok) kept.push(combined);
    }
    if (kept.length === 0 && refusal) reasons.set(i, refusal);
    return kept;
  });
  return { plans, reasons };
}

/** The plans of each finding that passed verification (see verifyAll). */
export function verifyPlans(env: CheckEnv, checked: Checked[]): FixPlan[][] {
  return verifyAll(env, checked).plans;
}
