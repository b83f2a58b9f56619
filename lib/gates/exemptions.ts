// Exemptions: accepted risk (CONTRACT §2 "Gates and accepted risk"). A file of exemptions, each selecting one finding,
// a rule on a subnet, or a rule on a deployment's subnets, with who accepted it, why, and until when. Applying them
// is pure: (report, exemptions, today) → report, so the CLI, the dashboard and CI agree on what is exempt.
// The model follows Defender for Cloud's exemptions (reason, owner, expiry):
// https://learn.microsoft.com/azure/defender-for-cloud/exempt-resource
import { z } from "zod";
import { InputError } from "../errors";
import { parseWith } from "../snapshot/validate";
import { statusRank } from "../rules/status-rank";
import { RULES } from "../rules";
import { findingId } from "../finding-id";
import type { AppliedExemption, ExemptionMatch, Finding, Report, SubnetReport, SubnetStatus, Verdict } from "../report/types";

const VERDICTS = ["pass", "warn", "fail", "info"] as const satisfies readonly Verdict[];

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "expected a real calendar date YYYY-MM-DD");

const text = z.string().trim().min(1, "expected a non-empty string");

// NOTE: strict, so a misspelt selector ("subent") is an error rather than an exemption that silently matches nothing.
const exemptionSchema = z.strictObject({
  finding: z.string().regex(/^[0-9a-fA-F]{16}$/, "expected a finding id (16 hex digits, as in the report's findings[].id)").optional(),
  rule: text.optional(),
  subnet: text.optional(),
  deployment: text.optional(),
  reason: text,
  owner: text,
  expires: isoDay,
  verdict: z.enum(VERDICTS).optional(),
});

const fileSchema = z.array(exemptionSchema);

/** One exemption of the file, validated; `index` is its position (for messages). */
export interface Exemption {
  index: number;
  match: ExemptionMatch;
  reason: string;
  owner: string;
  /** `YYYY-MM-DD`, inclusive (UTC). */
  expires: string;
  /** The verdict the risk was accepted for; absent: the first verdict seen (see `applyExemptions`). */
  verdict?: Verdict;
}

/**
 * Validates an exemptions file's JSON: `[{ "finding": "<id>" } | { "rule", "subnet" } | { "rule", "deployment" },
 * each with "reason", "owner", "expires": "YYYY-MM-DD" and an optional "verdict"]`.
 * @throws InputError naming `file` and the JSON path at fault (`exemptions.json: [2].expires: expected a date YYYY-MM-DD`).
 */
export function parseExemptions(file: string, value: unknown): Exemption[] {
  const rows = parseWith(fileSchema, value, file, []);
  const ruleIds = new Set(RULES.map((r) => r.id));
  return rows.map((row, index) => {
    const at = `[${index}]`;
    let match: ExemptionMatch;
    if (row.finding !== undefined) {
      if (row.rule !== undefined || row.subnet !== undefined || row.deployment !== undefined) {
        throw new InputError(file, at, `give either "finding", or "rule" with "subnet" or "deployment", not both`);
      }
      match = { finding: row.finding.toLowerCase() };
    } else {
      if (row.rule === undefined) throw new InputError(file, at, `expected "finding", or "rule" with "subnet" or "deployment"`);
      if (!ruleIds.has(row.rule)) throw new InputError(file, `${at}.rule`, `no rule ${JSON.stringify(row.rule)} in the catalogue (README "Rules")`);
      if ((row.subnet === undefined) === (row.deployment === undefined)) {
        throw new InputError(file, at, `"rule" needs exactly one of "subnet" or "deployment"`);
      }
      match = row.subnet !== undefined ? { rule: row.rule, subnet: row.subnet } : { rule: row.rule, deployment: row.deployment! };
    }
    return { index, match, reason: row.reason, owner: row.owner, expires: row.expires, ...(row.verdict ? { verdict: row.verdict } : {}) };
  });
}

/** The verdict behind a finding's status: its own status, or the verdict an exempt finding keeps. */
export function verdictOf(finding: Pick<Finding, "status" | "verdict">): Verdict {
  return finding.status === "exempt" ? (finding.verdict ?? "pass") : finding.status;
}

/** A stable key for comparing two selectors (refs compare case-insensitively, like the profile's). */
function matchKey(match: ExemptionMatch): string {
  if ("finding" in match) return `finding:${match.finding.toLowerCase()}`;
  if ("subnet" in match) return `subnet:${match.rule}:${match.subnet.trim().toLowerCase()}`;
  return `deployment:${match.rule}:${match.deployment.trim().toLowerCase()}`;
}

/**
 * The subnets a `subnet` ref names, resolved like the profile (CONTRACT §1.2): a full subnet id or `vnet/subnet`,
 * case-insensitive. A short ref matching subnets in two subscriptions is an input error (use the full id).
 */
function resolveSubnetRef(report: Report, ref: string, file: string, at: string): SubnetReport | undefined {
  const wanted = ref.trim().toLowerCase();
  if (wanted.startsWith("/")) return report.subnets.find((s) => s.id.toLowerCase() === wanted);
  const matches = report.subnets.filter((s) => `${s.vnet}/${s.name}`.toLowerCase() === wanted);
  if (matches.length > 1) throw new InputError(file, at, `"${ref}" matches ${matches.length} subnets; use the full subnet id`);
  return matches[0];
}

/** A finding's id, or the id the engine gives it (reports written before ids were). */
function idOf(subnet: SubnetReport, finding: Finding): string {
  return (finding.id ?? findingId(subnet.id.toLowerCase(), finding.rule)).toLowerCase();
}

function selects(ex: Exemption, subnet: SubnetReport, finding: Finding, subnetsByRef: Map<number, SubnetReport | undefined>): boolean {
  const m = ex.match;
  if ("finding" in m) return idOf(subnet, finding) === m.finding;
  if (m.rule !== finding.rule) return false;
  if ("subnet" in m) return subnetsByRef.get(ex.index) === subnet;
  return subnet.deployment != null && subnet.deployment.toLowerCase() === m.deployment.trim().toLowerCase();
}

/** The verdict an earlier report recorded for this exemption on this finding (applied or lapsed), if any. */
function earlierGrantVerdict(previous: Finding | undefined, key: string): Verdict | undefined {
  for (const applied of [previous?.exemption, previous?.exemptionLapsed]) if (applied && matchKey(applied.match) === key) return applied.verdict;
  return undefined;
}

/** A finding as the engine reported it: any exemption of an earlier application removed. */
function unexempted(f: Finding): Finding {
  const rest: Finding = { ...f, status: verdictOf(f) };
  delete rest.exemption;
  delete rest.exemptionLapsed;
  delete rest.verdict;
  return rest;
}

export interface ApplyExemptionsOptions {
  /** Names the exemptions file in errors (an ambiguous subnet ref). */
  file?: string;
  /**
   * An earlier report of the same estate (the `--baseline`, the previous scan): an exemption without `verdict` takes
   * the verdict recorded there for it, so "the first verdict seen" survives from run to run.
   */
  previous?: Report;
}

/**
 * Applies exemptions to a report and returns a new report (the input is not changed).
 *
 * A finding whose verdict is `fail` or `warn` and that an exemption selects becomes `status: "exempt"`, keeps its
 * verdict in `verdict` and carries the exemption in `exemption: { reason, owner, expires, match, verdict }`. The first
 * exemption in file order that applies wins. An exemption does not apply when:
 * - it expired: `today` (`YYYY-MM-DD`, UTC) is after `expires` (the expiry day itself is still covered);
 * - the finding's verdict is worse (fail > warn > pass = info) than the verdict it was granted for: the exemption's
 *   `verdict`, else the verdict an earlier report (`opts.previous`) recorded for the same exemption and finding,
 *   else the finding's current verdict (the first verdict seen).
 * Such a finding keeps its verdict and gets `exemptionLapsed: { ..., why: "expired" | "worse" }`.
 *
 * Subnet statuses are recomputed without exempt findings (an all-exempt subnet with a role is `pass`), and
 * `summary.exempt` counts exempt findings. Applying to a report that already had exemptions applied starts over
 * from its verdicts, so the function is idempotent.
 * @throws InputError when a `vnet/subnet` ref matches two subnets.
 */
export function applyExemptions(report: Report, exemptions: readonly Exemption[], today: string, opts: ApplyExemptionsOptions = {}): Report {
  const file = opts.file ?? "exemptions";
  const subnetsByRef = new Map<number, SubnetReport | undefined>();
  for (const ex of exemptions) if ("subnet" in ex.match) subnetsByRef.set(ex.index, resolveSubnetRef(report, ex.match.subnet, file, `[${ex.index}].subnet`));

  const previousById = new Map<string, Finding>();
  for (const s of opts.previous?.subnets ?? []) for (const f of s.findings) previousById.set(idOf(s, f), f);

  let exemptCount = 0;
  const summary: Report["summary"] = { subnets: 0, pass: 0, warn: 0, fail: 0, unscoped: 0, exempt: 0 };
  const subnets = report.subnets.map((subnet): SubnetReport => {
    const findings = subnet.findings.map((original) => {
      const finding = unexempted(original);
      const verdict = finding.status as Verdict;
      if (verdict !== "fail" && verdict !== "warn") return finding;
      let lapsed: Finding["exemptionLapsed"];
      for (const ex of exemptions) {
        if (!selects(ex, subnet, finding, subnetsByRef)) continue;
        const key = matchKey(ex.match);
        const granted = ex.verdict ?? earlierGrantVerdict(previousById.get(idOf(subnet, finding)), key) ?? verdict;
        const applied: AppliedExemption = { reason: ex.reason, owner: ex.owner, expires: ex.expires, match: ex.match, verdict: granted };
        if (today > ex.expires) lapsed ??= { ...applied, why: "expired" };
        else if (statusRank(verdict) > statusRank(granted)) lapsed ??= { ...applied, why: "worse" };
        else {
          exemptCount++;
          return { ...finding, status: "exempt" as const, verdict, exemption: applied };
        }
      }
      return lapsed ? { ...finding, exemptionLapsed: lapsed } : finding;
    });
    const worst = findings.reduce((m, f) => Math.max(m, statusRank(f.status)), 0);
    const status: SubnetStatus = subnet.role ? (["pass", "warn", "fail"] as const)[worst] : "unscoped";
    summary.subnets++;
    summary[status]++;
    return { ...subnet, status, findings };
  });
  summary.exempt = exemptCount;
  return { ...report, summary, subnets };
}

/** Exemptions that selected no finding of the report (a renamed subnet, a typo, a finding id from another estate). */
export function unmatchedExemptions(report: Report, exemptions: readonly Exemption[], opts: { file?: string } = {}): Exemption[] {
  const file = opts.file ?? "exemptions";
  const subnetsByRef = new Map<number, SubnetReport | undefined>();
  for (const ex of exemptions) if ("subnet" in ex.match) subnetsByRef.set(ex.index, resolveSubnetRef(report, ex.match.subnet, file, `[${ex.index}].subnet`));
  return exemptions.filter((ex) => !report.subnets.some((s) => s.findings.some((f) => selects(ex, s, f, subnetsByRef))));
}

/** Today's date as exemptions compare it: `YYYY-MM-DD` in UTC. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
