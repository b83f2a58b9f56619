// Command-line flags of CONTRACT §2, validated into plain options. Usage errors are InputErrors (exit 2).
import { parseArgs } from "node:util";
import { InputError } from "../lib/errors";
import { type ReportFormat, isReportFormat } from "../lib/report/render";
import { FAIL_ON, type FailOn } from "../lib/gates/gate";

export interface CliOptions {
  snapshots: string[];
  profile?: string;
  serviceTags?: string;
  format: ReportFormat;
  out?: string;
  live: boolean;
  resourceGraph: boolean;
  save?: string;
  help: boolean;
  /** CONTRACT §2 gates: the lowest status that exits 1, an earlier report to compare with, accepted risks. */
  failOn: FailOn;
  /** Whether --fail-on was given (then the findings that make the exit code 1 are listed on stderr). */
  failOnGiven?: boolean;
  baseline?: string;
  exemptions?: string;
  /** The dashboard's public address: share links in the exports become absolute (`<url>/findings/<id>`). */
  baseUrl?: string;
  /** Write every verified fix together (fix-all.sh, .ps1, .bicep, .tf) into this directory. */
  fixAll?: string;
}

export const USAGE = `Usage:
  npm run --silent audit -- --snapshot FILE [--snapshot FILE ...] [--profile FILE]
                            [--service-tags FILE] [--format json|csv|sarif|md|pdf] [--out FILE]
  npm run --silent audit -- --live [--resource-graph] [--save FILE] [--profile FILE] ...
Fixes: [--fix-all DIR] writes fix-all.sh, fix-all.ps1, fix-all.bicep and fix-all.tf: every verified fix together
CI gates (any of the above):
  [--fail-on fail|warn] [--baseline REPORT.json] [--exemptions FILE] [--base-url https://dashboard]

Exit codes: 0 nothing failed, 1 at least one finding failed (with --fail-on warn: failed or warned;
with --baseline: only findings new or worse than in the baseline count; exempt findings never count), 2 bad input or usage,
3 a live read reached only part of the estate (see the report's "errors"; with none of it, the failed calls on stderr)
or a Resource Graph export misses pages.`;

export function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        snapshot: { type: "string", multiple: true, short: "s" },
        profile: { type: "string", short: "p" },
        "service-tags": { type: "string" },
        format: { type: "string", short: "f" },
        out: { type: "string", short: "o" },
        live: { type: "boolean" },
        "resource-graph": { type: "boolean" },
        save: { type: "string" },
        help: { type: "boolean", short: "h" },
        "fail-on": { type: "string" },
        baseline: { type: "string" },
        exemptions: { type: "string" },
        "base-url": { type: "string" },
        "fix-all": { type: "string" },
      },
    }));
  } catch (e) {
    throw new InputError("arguments", "", (e as Error).message.replace(/\. To specify.*$/s, ""));
  }
  const format = values.format ?? "json";
  if (!isReportFormat(format)) throw new InputError("arguments", "--format", `expected json, csv, sarif, md or pdf, got "${format}"`);
  const failOn = values["fail-on"] ?? "fail";
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new InputError("arguments", "--fail-on", `expected fail or warn, got "${failOn}"`);
  const baseUrl = values["base-url"];
  if (baseUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(baseUrl)) throw new InputError("arguments", "--base-url", `expected an http(s) URL, got "${baseUrl}"`);
  const opts: CliOptions = {
    snapshots: values.snapshot ?? [],
    profile: values.profile,
    serviceTags: values["service-tags"],
    format,
    out: values.out,
    live: values.live ?? false,
    resourceGraph: values["resource-graph"] ?? false,
    save: values.save,
    help: values.help ?? false,
    failOn: failOn as FailOn,
    failOnGiven: values["fail-on"] !== undefined,
    baseline: values.baseline,
    exemptions: values.exemptions,
    baseUrl,
    fixAll: values["fix-all"],
  };
  if (opts.help) return opts;
  if (opts.live && opts.snapshots.length) throw new InputError("arguments", "--live", "give either --live or --snapshot, not both");
  if (!opts.live && opts.snapshots.length === 0) throw new InputError("arguments", "--snapshot", "at least one --snapshot FILE (or --live) is required");
  if (!opts.live && (opts.resourceGraph || opts.save)) throw new InputError("arguments", opts.save ? "--save" : "--resource-graph", "only applies with --live");
  return opts;
}
