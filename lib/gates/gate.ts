// The CI gate (CONTRACT §2): which findings make the audit command exit 1.
import type { Finding, Report, SubnetReport } from "../report/types";
import { gateRank } from "./baseline";

export const FAIL_ON = ["fail", "warn"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface GateOptions {
  /** `fail` (default): only `fail` findings gate; `warn`: `warn` findings gate too. */
  failOn?: FailOn;
  /** When the report was compared with a baseline (`change` set), only `new` and `worse` findings gate. */
  baseline?: boolean;
}

/**
 * The findings that fail the gate, in report order. `exempt` findings never gate (their status is `exempt`, not
 * their verdict). With `baseline`, a finding gates only when its `change` is `new` or `worse`.
 */
export function gatingFindings(report: Report, opts: GateOptions = {}): { subnet: SubnetReport; finding: Finding }[] {
  const threshold = gateRank(opts.failOn ?? "fail");
  const out: { subnet: SubnetReport; finding: Finding }[] = [];
  for (const subnet of report.subnets)
    for (const finding of subnet.findings) {
      if (gateRank(finding.status) < threshold || gateRank(finding.status) === 0) continue;
      if (opts.baseline && finding.change !== "new" && finding.change !== "worse") continue;
      out.push({ subnet, finding });
    }
  return out;
}
