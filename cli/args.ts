// Command-line flags of CONTRACT §2, validated into plain options. Usage errors are InputErrors (exit 2).
import { parseArgs } from "node:util";
import { InputError } from "../lib/errors";
import { type ReportFormat, isReportFormat } from "../lib/report/render";

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
}

export const USAGE = `Usage:
  npm run --silent audit -- --snapshot FILE [--snapshot FILE ...] [--profile FILE]
                            [--service-tags FILE] [--format json|csv|sarif|md|pdf] [--out FILE]
  npm run --silent audit -- --live [--resource-graph] [--save FILE] [--profile FILE] ...

Exit codes: 0 nothing failed, 1 at least one finding failed, 2 bad input or usage,
3 a live read reached only part of the estate (see the report's "errors").`;

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
      },
    }));
  } catch (e) {
    throw new InputError("arguments", "", (e as Error).message.replace(/\. To specify.*$/s, ""));
  }
  const format = values.format ?? "json";
  if (!isReportFormat(format)) throw new InputError("arguments", "--format", `expected json, csv, sarif, md or pdf, got "${format}"`);
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
  };
  if (opts.help) return opts;
  if (opts.live && opts.snapshots.length) throw new InputError("arguments", "--live", "give either --live or --snapshot, not both");
  if (!opts.live && opts.snapshots.length === 0) throw new InputError("arguments", "--snapshot", "at least one --snapshot FILE (or --live) is required");
  if (!opts.live && (opts.resourceGraph || opts.save)) throw new InputError("arguments", opts.save ? "--save" : "--resource-graph", "only applies with --live");
  return opts;
}
