// Building blocks shared by the rule families: status from a verdict, outcome assembly.
import type { FlowResult } from "../../nsg/flow";
import { describeAllowed, describeDenied, flowEvidence } from "../../nsg/flow";
import type { Estate } from "../../nsg/estate";
import type { Evidence, FindingStatus } from "../../report/types";
import type { CheckOutcome, RuleMeta } from "../types";

export function requiredStatus(verdict: FlowResult["verdict"]): FindingStatus {
  return verdict === "allowed" ? "pass" : verdict === "blocked" ? "fail" : "warn";
}

/** Rules outside the contract's table never fail (CONTRACT §4). */
export function clamp(meta: RuleMeta, status: FindingStatus): FindingStatus {
  return !meta.contract && status === "fail" ? "warn" : status;
}

export function evidenceFor(results: FlowResult[], status: FindingStatus): Evidence[] {
  const out = new Map<string, Evidence>();
  const add = (e: Evidence) => out.set(`${e.nsg}|${e.rule}|${e.level}|${e.direction}`, e);
  for (const r of results) {
    if (status !== "pass") flowEvidence(r, "Deny").forEach(add);
    flowEvidence(r, "Allow").forEach(add);
  }
  return [...out.values()];
}

/** "is allowed by X" / "is blocked: ..." / "is partly blocked: ...", with any assumption notes. */
export function explainFlow(estate: Estate, result: FlowResult): string {
  const notes = result.notes.length ? ` Note: ${result.notes.join(" ")}` : "";
  if (result.verdict === "allowed") return `allowed by ${describeAllowed(result)}.${notes}`;
  if (result.verdict === "blocked") return `blocked: ${describeDenied(estate, result)}.${notes}`;
  return `partly blocked: ${describeDenied(estate, result)}; the rest is allowed by ${describeAllowed(result)}.${asgNote(estate, result)}${notes}`;
}

/** An application security group matches its member NICs only, which is why it covers a subnet in part. */
function asgNote(estate: Estate, result: FlowResult): string {
  const names = new Set<string>();
  for (const o of result.outcomes)
    for (const p of o.pieces)
      for (const d of p.decisions)
        for (const k of [...d.rule.sourceAsgKeys, ...d.rule.destinationAsgKeys]) names.add(estate.snapshot.asgs.get(k)?.name ?? k.slice(k.lastIndexOf("/") + 1));
  return names.size ? ` Application security group${names.size > 1 ? "s" : ""} ${[...names].join(", ")} match only ${names.size > 1 ? "their" : "its"} member NICs' addresses.` : "";
}

export function touchedBy(results: FlowResult[]): Set<string> {
  const t = new Set<string>();
  for (const r of results) for (const k of r.touched) t.add(k);
  return t;
}

export function outcome(partial: Partial<CheckOutcome> & Pick<CheckOutcome, "status" | "detail">): CheckOutcome {
  return { evidence: [], plans: [], guidance: [], touched: new Set(), ...partial };
}
