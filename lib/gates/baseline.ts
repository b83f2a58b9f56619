// Baselines (CONTRACT §2 `--baseline REPORT.json`): compare a report with an earlier one, finding by finding id, so a CI
// gate fails only on what is new or got worse, the way code-scanning tools gate pull requests on new alerts.
import { z } from "zod";
import { InputError } from "../errors";
import { findingId } from "../finding-id";
import { parseWith } from "../snapshot/validate";
import type { FindingChangeKind, FindingStatus, Report, Verdict } from "../report/types";

const STATUSES = ["pass", "warn", "fail", "info", "exempt"] as const satisfies readonly FindingStatus[];
const VERDICTS = ["pass", "warn", "fail", "info"] as const satisfies readonly Verdict[];

// Only what the comparison reads is checked; every other field of the earlier report is kept as it is.
const baselineSchema = z.looseObject({
  generatedAt: z.string().optional(),
  subnets: z.array(
    z.looseObject({
      id: z.string(),
      findings: z.array(
        z.looseObject({
          rule: z.string(),
          status: z.enum(STATUSES),
          id: z.string().optional(),
          verdict: z.enum(VERDICTS).optional(),
        }),
      ),
    }),
  ),
});

/**
 * Validates an earlier JSON report (the CLI's `--format json`, or the dashboard's JSON export) for use as a baseline.
 * @throws InputError naming `file` and the JSON path at fault; a SARIF log or CSV is refused with a hint.
 */
export function parseBaseline(file: string, value: unknown): Report {
  if (value && typeof value === "object" && !Array.isArray(value) && "runs" in value && !("subnets" in value)) {
    throw new InputError(file, "", "is a SARIF log; a baseline is a JSON report (--format json)");
  }
  return parseWith(baselineSchema, value, file, []) as unknown as Report;
}

/** How bad a status is for a gate: fail > warn > everything else (pass, info, exempt). */
export function gateRank(status: FindingStatus): number {
  return status === "fail" ? 2 : status === "warn" ? 1 : 0;
}

/** A finding's id, or the id the engine would give it (reports from before ids were written). */
function idOf(subnetId: string, f: { id?: string; rule: string }): string {
  return (f.id ?? findingId(subnetId.toLowerCase(), f.rule)).toLowerCase();
}

/**
 * Marks every finding of `report` with `change` against the finding of the same id in `baseline`:
 * `new` (no such finding there), `worse` / `better` (its status ranks higher / lower, fail > warn > pass = info =
 * exempt, so an exemption that lapsed is `worse`), or `same`. `report.baseline` gets the counts, and `gone` counts
 * baseline findings the report no longer has. Returns a new report; the inputs are not changed.
 */
export function compareWithBaseline(report: Report, baseline: Report, opts: { file?: string } = {}): Report {
  const before = new Map<string, FindingStatus>();
  for (const s of baseline.subnets) for (const f of s.findings) before.set(idOf(s.id, f), f.status);
  const counts = { new: 0, worse: 0, same: 0, better: 0 };
  const seen = new Set<string>();
  const subnets = report.subnets.map((s) => ({
    ...s,
    findings: s.findings.map((f) => {
      const id = idOf(s.id, f);
      seen.add(id);
      const was = before.get(id);
      const change: FindingChangeKind =
        was === undefined ? "new" : gateRank(f.status) > gateRank(was) ? "worse" : gateRank(f.status) < gateRank(was) ? "better" : "same";
      counts[change]++;
      return { ...f, change };
    }),
  }));
  const gone = [...before.keys()].filter((id) => !seen.has(id)).length;
  return {
    ...report,
    subnets,
    baseline: { ...(baseline.generatedAt ? { generatedAt: baseline.generatedAt } : {}), ...(opts.file ? { file: opts.file } : {}), ...counts, gone },
  };
}
