// The audit command's CI gates (CONTRACT §2 "Gates and accepted risk"): --exemptions, --baseline, --fail-on.
import { compareWithBaseline, parseBaseline } from "../lib/gates/baseline";
import { type Exemption, applyExemptions, parseExemptions, unmatchedExemptions, utcToday } from "../lib/gates/exemptions";
import { gatingFindings } from "../lib/gates/gate";
import type { Report } from "../lib/report/types";
import type { CliOptions } from "./args";

export interface Gates {
  exemptions?: { file: string; list: Exemption[] };
  baseline?: { file: string; report: Report };
}

/** Reads and validates the gate files before the audit runs, so a bad file fails fast (InputError → exit 2). */
export async function readGates(opts: CliOptions, readJson: (file: string) => Promise<unknown>): Promise<Gates> {
  const [exemptions, baseline] = await Promise.all([
    opts.exemptions ? readJson(opts.exemptions).then((v) => ({ file: opts.exemptions!, list: parseExemptions(opts.exemptions!, v) })) : undefined,
    opts.baseline ? readJson(opts.baseline).then((v) => ({ file: opts.baseline!, report: parseBaseline(opts.baseline!, v) })) : undefined,
  ]);
  return { exemptions, baseline };
}

/**
 * Exemptions first (the baseline's recorded grant verdicts count as "first seen"), then the baseline comparison, so
 * an exemption that lapsed since the baseline shows as `worse`. Exemptions that select nothing are named on stderr.
 */
export function applyGates(report: Report, gates: Gates, today = utcToday(), warn: (line: string) => void = () => {}): Report {
  let out = report;
  if (gates.exemptions) {
    const { file, list } = gates.exemptions;
    out = applyExemptions(out, list, today, { file, previous: gates.baseline?.report });
    for (const ex of unmatchedExemptions(out, list, { file })) warn(`warning: ${file}: [${ex.index}]: selects no finding of this report`);
  }
  if (gates.baseline) out = compareWithBaseline(out, gates.baseline.report, { file: gates.baseline.file });
  return out;
}

/** 1 when a finding fails the gate, else 0; with a gate flag given, the findings that failed it go to stderr. */
export function gateExitCode(report: Report, opts: CliOptions, gates: Gates, warn: (line: string) => void = () => {}): 0 | 1 {
  const failing = gatingFindings(report, { failOn: opts.failOn, baseline: Boolean(gates.baseline) });
  const explain = opts.failOn !== "fail" || opts.failOnGiven || gates.baseline || gates.exemptions;
  if (failing.length && explain) {
    const what = `${opts.failOn === "warn" ? "fail or warn" : "fail"}${gates.baseline ? `, new or worse than ${gates.baseline.file}` : ""}`;
    warn(`gate: ${failing.length} finding${failing.length === 1 ? "" : "s"} (${what}):`);
    for (const { subnet, finding } of failing.slice(0, 20)) {
      warn(`  ${finding.status} ${finding.rule} ${subnet.vnet}/${subnet.name}${finding.change ? ` (${finding.change})` : ""} ${finding.id ?? ""}`.trimEnd());
    }
    if (failing.length > 20) warn(`  … and ${failing.length - 20} more (see the report)`);
  }
  return failing.length ? 1 : 0;
}
