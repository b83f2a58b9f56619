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
  return `${result.verdict === "blocked" ? "blocked" : "partly blocked"}: ${describeDenied(estate, result)}.${notes}`;
}

export function touchedBy(results: FlowResult[]): Set<string> {
  const t = new Set<string>();
  for (const r of results) for (const k of r.touched) t.add(k);
  return t;
}

export function outcome(partial: Partial<CheckOutcome> & Pick<CheckOutcome, "status" | "detail">): CheckOutcome {
  return { evidence: [], plans: [], guidance: [], touched: new Set(), ...partial };
}
