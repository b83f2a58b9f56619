// The subnets-table filters of the export routes (GET /api/scans/<id>/report and /fixes), read strictly: a value the
// filter does not know (`status=bogus`, `role=admin`) is a 400 naming the parameter and the values it takes. The pages
// read the same query leniently (lib/report/filter.ts: an old shared link still opens), but an API caller asking for
// a filtered export must not silently get the whole estate.
import { InputError } from "@/lib/errors";
import { parseReportFilters, ROLE_FILTERS, SORT_KEYS, SUBNET_STATUSES, type ReportFilters } from "@/lib/report/filter";

const LISTS: { name: string; allowed: readonly string[] }[] = [
  { name: "status", allowed: SUBNET_STATUSES },
  { name: "role", allowed: ROLE_FILTERS },
];
const SINGLES: { name: string; allowed: readonly string[] }[] = [
  { name: "sort", allowed: SORT_KEYS },
  { name: "dir", allowed: ["asc", "desc"] },
];

/**
 * The report filters of an export request's query (`status=fail,warn&role=cluster&sort=name&dir=desc`, …).
 * @throws InputError (file `query`, path the parameter) when `status`, `role`, `sort` or `dir` holds a value outside
 * its list: `query: status: expected fail, warn, pass or unscoped (comma-separated), got "bogus"`.
 */
export function strictReportFilters(params: URLSearchParams): ReportFilters {
  for (const { name, allowed } of LISTS) {
    for (const raw of params.getAll(name)) {
      const bad = raw
        .split(",")
        .map((s) => s.trim())
        .find((s) => s && !allowed.includes(s));
      if (bad !== undefined) throw new InputError("query", name, `expected ${listed(allowed)} (comma-separated), got ${JSON.stringify(bad.slice(0, 80))}`);
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
