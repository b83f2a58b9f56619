// The subnets-table filters of the export routes (GET /api/scans/<id>/report and /fixes), read strictly: a value the
// filter does not know (`status=bogus`, `role=admin`) is a 400 naming the parameter and the values it takes. The pages
// read the same query leniently (lib/report/filter.ts: an old shared link still opens), but an API caller asking for
// a filtered export must not silently get the whole estate. A rule id outside the catalogue (`rule=CC-EGRESS-STORAG`,
// or another case: the filter compares ids exactly) would select nothing and look like a clean estate, so it is refused
// too; a `vnet` or `deployment` no subnet has is a name, not a typo we can tell, and gives an empty (still valid) export.
import { InputError } from "@/lib/errors";
import { parseReportFilters, ROLE_FILTERS, SORT_KEYS, SUBNET_STATUSES, type ReportFilters } from "@/lib/report/filter";
import { RULES } from "@/lib/rules";

/** The rule ids of CONTRACT §4, in report order. */
const RULE_IDS: readonly string[] = RULES.map((r) => r.id);

const LISTS: { name: string; allowed: readonly string[]; what?: string }[] = [
  { name: "status", allowed: SUBNET_STATUSES },
  { name: "role", allowed: ROLE_FILTERS },
  { name: "rule", allowed: RULE_IDS, what: "a rule id of the catalogue (README \"Rules\")" },
];
const SINGLES: { name: string; allowed: readonly string[] }[] = [
  { name: "sort", allowed: SORT_KEYS },
  { name: "dir", allowed: ["asc", "desc"] },
];

/**
 * The report filters of an export request's query (`status=fail,warn&role=cluster&sort=name&dir=desc`, …).
 * @throws InputError (file `query`, path the parameter) when `status`, `role`, `rule`, `sort` or `dir` holds a value
 * outside its list: `query: status: expected fail, warn, pass or unscoped (comma-separated), got "bogus"`.
 */
export function strictReportFilters(params: URLSearchParams): ReportFilters {
  for (const { name, allowed, what } of LISTS) {
    for (const raw of params.getAll(name)) {
      const bad = raw
        .split(",")
        .map((s) => s.trim())
        .find((s) => s && !allowed.includes(s));
      if (bad !== undefined) throw new InputError("query", name, `expected ${what ? `${what}: ` : ""}${listed(allowed)} (comma-separated), got ${JSON.stringify(bad.slice(0, 80))}`);
    }
  }
  for (const { name, allowed } of SINGLES) {
    for (const raw of params.getAll(name)) {
      if (raw !== "" && !allowed.includes(raw)) throw new InputError("query", name, `expected ${listed(allowed)}, got ${JSON.stringify(raw.slice(0, 80))}`);
    }
  }
  return parseReportFilters(params);
}

function listed(values: readonly string[]): string {
  return values.length > 1 ? `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}` : values.join("");
}

/**
 * The 400 of an export route for a `format` it does not render: named as the filters' 400s name theirs (file `query`,
 * path `format`), with the `format: expected one of …, got "zip"` wording API clients already match on.
 */
export function formatRefusal(got: string, allowed: readonly string[]): { error: string; extra: { file: "query"; path: "format" } } {
  return { error: `format: expected one of ${allowed.join(", ")}, got ${JSON.stringify(got.slice(0, 80))}`, extra: { file: "query", path: "format" } };
}
