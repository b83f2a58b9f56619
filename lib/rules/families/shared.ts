// Building blocks shared by the rule families: status from a verdict, outcome assembly.
import type { FlowResult } from "../../nsg/flow";
import { describeAllowed, describeDenied, flowEvidence, partlyWords, restAllowed, stepKeyCache } from "../../nsg/flow";
import type { Estate } from "../../nsg/estate";
import { type AdminRuleEvidence, type Evidence, type FindingStatus, type Fix, type NsgEvidence, type PathStage, evidenceStage } from "../../report/types";
import type { CheckOutcome, RuleMeta } from "../types";
import type { RouteFault } from "../../path/reach";

export function requiredStatus(verdict: FlowResult["verdict"]): FindingStatus {
  return verdict === "allowed" ? "pass" : verdict === "blocked" ? "fail" : "warn";
}

/** Rules outside the contract's table never fail (CONTRACT §4). */
export function clamp(meta: RuleMeta, status: FindingStatus): FindingStatus {
  return !meta.contract && status === "fail" ? "warn" : status;
}

const STAGES: PathStage[] = ["admin-rule", "nsg", "route", "firewall", "outbound"];

/** One key per distinct evidence entry: NSG entries by NSG, rule, level and direction; others by content (`byContent`). */
function evidenceKey(e: Evidence, byContent: (e: Evidence) => string): string {
  if (evidenceStage(e) !== "nsg") return byContent(e);
  const n = e as NsgEvidence;
  return `nsg|${n.nsg}|${n.rule}|${n.level}|${n.direction}`;
}

/**
 * Evidence of several flows in path order (admin rules, NSGs, routes, firewalls, outbound): for a
 * finding that does not pass, what stopped or handed off the traffic first, then what allowed the rest.
 */
export function evidenceFor(results: FlowResult[], status: FindingStatus): Evidence[] {
  const out = new Map<string, Evidence>();
  // Flows share step objects (a peer's cached result, a split piece's route): an entry seen once is not keyed again.
  const seen = new Set<Evidence>();
  const keyOf = stepKeyCache();
  const add = (e: Evidence) => {
    if (seen.has(e)) return;
    seen.add(e);
    const k = evidenceKey(e, keyOf);
    if (!out.has(k)) out.set(k, e);
  };
  for (const r of results) {
    if (status !== "pass") {
      flowEvidence(r, "Deny", keyOf).forEach(add);
      flowEvidence(r, "Unaudited", keyOf).forEach(add);
    }
    flowEvidence(r, "Allow", keyOf).forEach(add);
  }
  return [...out.values()].sort((a, b) => STAGES.indexOf(evidenceStage(a)) - STAGES.indexOf(evidenceStage(b)));
}

/** "is allowed by X" / "is blocked: ..." / "is partly blocked: ...", with any assumption notes. */
export function explainFlow(estate: Estate, result: FlowResult): string {
  const widened = widenedNote(result);
  const notes = result.notes.length || widened.length ? ` Note: ${[...result.notes, ...widened].join(" ")}` : "";
  if (result.verdict === "allowed") return `allowed by ${describeAllowed(result)}.${notes}`;
  if (result.verdict === "blocked") return `blocked: ${describeDenied(estate, result)}.${notes}`;
  return `${partlyWords(result)}: ${describeDenied(estate, result)}${restAllowed(result)}.${asgNote(estate, result)}${notes}`;
}

/**
 * A decision on `VirtualNetwork` that holds only because a route widened it (a default route to an appliance or a
 * gateway, a service-tag route; CONTRACT §4.1 stage 2): Azure documents this with a hedge, so say it.
 */
export function widenedNote(result: FlowResult): string[] {
  const widened = new Set<string>();
  for (const o of result.outcomes) for (const p of o.pieces) if (p.widenedBy) widened.add(p.widenedBy);
  return [...widened].map((w) => `A rule on VirtualNetwork decided here because ${w}.`);
}

/**
 * Security admin rules belong to the central network team: no automatic fix, but guidance naming the
 * network manager, configuration, collection and rule that dropped the traffic (CONTRACT §4.1 stage 1).
 */
export function adminRuleGuidance(results: FlowResult[]): Fix[] {
  const rules = new Map<string, AdminRuleEvidence>();
  for (const r of results)
    for (const o of r.outcomes)
      for (const p of o.pieces) {
        if (p.decidedAt !== "admin-rule") continue;
        const e = [...p.steps].reverse().find((x) => evidenceStage(x) === "admin-rule") as AdminRuleEvidence | undefined;
        if (e) rules.set(e.id, e);
      }
  return [...rules.values()].map((e) => ({
    kind: "portal" as const,
    text: `${adminRuleWhere(e)}, decides before any NSG. ${adminRuleOwner(e, "to add an Allow or AlwaysAllow rule at a lower priority number for this traffic, or to exclude this VNet from the rule collection's network group")}`,
  }));
}

/**
 * Portal guidance for each AlwaysAllow security admin rule that let part of `results` out: it skips the NSGs, so no
 * NSG rule can close that traffic; the network manager's owner can (CONTRACT §4.1 stage 1).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 */
export function alwaysAllowGuidance(results: readonly FlowResult[]): Fix[] {
  const rules = new Map<string, AdminRuleEvidence>();
  for (const r of results)
    for (const o of r.outcomes)
      for (const p of o.pieces)
        if (p.access === "Allow")
          for (const s of p.steps) if (evidenceStage(s) === "admin-rule" && (s as AdminRuleEvidence).access === "AlwaysAllow") rules.set((s as AdminRuleEvidence).id, s as AdminRuleEvidence);
  return [...rules.values()].map((e) => ({
    kind: "portal" as const,
    text: `${adminRuleWhere(e)}, lets this traffic out without consulting any NSG, so no NSG rule can close it. ${adminRuleOwner(e, "to make it Allow (the NSGs then decide) or to narrow its destinations to the CycleCloud page's service tags")}`,
  }));
}

/** "Security admin rule r (priority 10, Deny, Outbound) in rule collection c of configuration s, network manager m". */
const adminRuleWhere = (e: AdminRuleEvidence) =>
  `Security admin rule ${e.rule} (priority ${e.priority}, ${e.access}, ${e.direction}) in rule collection ${e.collection} of configuration ${e.configuration}, network manager ${e.networkManager}`;

/** Who can change an admin rule, what to ask of them (`ask`), and where it is in the portal. */
const adminRuleOwner = (e: AdminRuleEvidence, ask: string) =>
  `It is owned by whoever runs that network manager: ask them ${ask}, then redeploy the configuration to the region. (Portal: Network managers > ${e.networkManager} > Configurations > ${e.configuration} > Rule collections > ${e.collection}.)`;

/** Notes of several flows, each once. */
export function notesOf(results: FlowResult[]): string[] {
  return [...new Set(results.flatMap((r) => r.notes))];
}

/** An application security group matches its member NICs only, which is why it covers a subnet in part. */
function asgNote(estate: Estate, result: FlowResult): string {
  const names = new Set<string>();
  for (const o of result.outcomes)
    for (const p of o.pieces)
      for (const d of p.decisions)
        for (const k of [...d.rule.sourceAsgKeys, ...d.rule.destinationAsgKeys]) names.add(estate.snapshot.asgs.get(k)?.name ?? k.slice(k.lastIndexOf("/") + 1));
  // Members are NICs' IP configurations and scale sets' (whose instances take the free addresses of their subnet).
  return names.size ? ` Application security group${names.size > 1 ? "s" : ""} ${[...names].join(", ")} match only ${names.size > 1 ? "their" : "its"} members' addresses (member NICs, and the addresses member scale sets' instances may take).` : "";
}

export function touchedBy(results: FlowResult[]): Set<string> {
  const t = new Set<string>();
  for (const r of results) for (const k of r.touched) t.add(k);
  return t;
}

export function outcome(partial: Partial<CheckOutcome> & Pick<CheckOutcome, "status" | "detail">): CheckOutcome {
  return { evidence: [], plans: [], guidance: [], touched: new Set(), ...partial };
}

/**
 * The finding's evidence with the routes that left no way (CONTRACT §4.1: every stage's deciding element), each
 * once, in the route stage's place: after admin rules and NSGs, before firewalls and the outbound path.
 */
export function withRouteFaults(evidence: Evidence[], faults: readonly RouteFault[]): Evidence[] {
  const seen = new Set(evidence.map((e) => JSON.stringify(e)));
  const routes: Evidence[] = [];
  for (const f of faults)
    for (const e of f.evidence) {
      const key = JSON.stringify(e);
      if (seen.has(key)) continue;
      seen.add(key);
      routes.push(e);
    }
  if (routes.length === 0) return evidence;
  const at = evidence.findIndex((e) => ["firewall", "outbound"].includes(evidenceStage(e)));
  return at < 0 ? [...evidence, ...routes] : [...evidence.slice(0, at), ...routes, ...evidence.slice(at)];
}
