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

/**
 * Throws an InputError "<flag>: given twice" (exit 2) for a flag that takes one value given more than once
 * (`-p A -p B`): node's parseArgs keeps the last, so a CI line that sets `--fail-on` or `--profile` twice would run
 * with whichever came last without a word. Flags with `multiple: true` (`--snapshot`) may repeat; so may boolean
 * switches, which cannot disagree. Reads parseArgs' tokens (`tokens: true`), so `--out=F`, `--out F` and `-o F` are
 * one flag. `file` heads the message as in the caller's other usage errors ("arguments"), or nothing.
 */
export function refuseRepeatedFlags(
  tokens: ReadonlyArray<{ kind: string; name?: string; rawName?: string }>,
  options: Readonly<Record<string, { type: string; multiple?: boolean }>>,
  file = "",
): void {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== "option" || !token.name) continue;
    const option = options[token.name];
    if (!option || option.multiple || option.type !== "string") continue;
    const first = seen.get(token.name);
    const raw = token.rawName ?? `--${token.name}`;
    if (first !== undefined) throw new InputError(file, `--${token.name}`, first === raw ? "given twice" : `given twice (as ${first} and ${raw})`);
    seen.set(token.name, raw);
  }
}

type FlagOptions = Readonly<Record<string, { type: string; short?: string }>>;

/**
 * Throws an InputError `<flag>: expected a value, got "-1"` (exit 2) for a flag that takes a value followed by another
 * flag-like word or by nothing (`--port -1`, `--out -x`, `-o` at the end). node's parseArgs says so in three lines
 * ("argument is ambiguous. Did you forget ... To specify ..."); this is the CLI's one line. `--port=-1` passes here,
 * and the flag's own check judges the value. Stops at `--`.
 */
export function refuseMissingValues(argv: readonly string[], options: FlagOptions, file = ""): void {
  const shorts = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return;
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : /^-[^-]$/.test(arg) ? shorts.get(arg[1]) : undefined;
    if (name === undefined || !Object.hasOwn(options, name) || options[name].type !== "string") continue;
    const value = argv[i + 1];
    if (value === undefined) throw new InputError(file, `--${name}`, "expected a value, got nothing");
    if (value.startsWith("-") && value !== "-") {
      throw new InputError(file, `--${name}`, `expected a value, got ${JSON.stringify(value)} (a value that starts with "-" is written --${name}=${value})`);
    }
    i++;
  }
}

/** node's parseArgs message on one line, without its "To specify an option argument starting with a dash" advice. */
export function parseArgsMessage(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/\.?\s*To specify.*$/s, "").replace(/\s*\n\s*/g, " ");
}

const OPTIONS = {
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
} as const;

export function parseCliArgs(argv: string[]): CliOptions {
  refuseMissingValues(argv, OPTIONS, "arguments");
  let values;
  let tokens;
  try {
    ({ values, tokens } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      tokens: true,
      options: OPTIONS,
    }));
  } catch (e) {
    throw new InputError("arguments", "", parseArgsMessage(e));
  }
  refuseRepeatedFlags(tokens, OPTIONS, "arguments");
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
