// The rows the subnets table shows for a set of filters, fast enough to run on every keystroke over 10,000 rows.
import { DEFAULT_SORT, applyFilters, hasFilters, matchesFilters, type ReportFilters, type SortKey } from "@/lib/report/filter";
import type { SubnetRow } from "./rows";

const orders = new WeakMap<readonly SubnetRow[], Map<SortKey, SubnetRow[]>>();

/** `rows` in ascending `sort` order, sorted once per rows array and order (then kept while the array lives). */
function orderedBy(rows: readonly SubnetRow[], sort: SortKey): SubnetRow[] {
  let bySort = orders.get(rows);
  if (!bySort) orders.set(rows, (bySort = new Map()));
  let ordered = bySort.get(sort);
  if (!ordered) bySort.set(sort, (ordered = applyFilters(rows, { sort })));
  return ordered;
}

/**
 * Exactly `applyFilters(rows, filters)` (lib/report/filter.ts), without sorting per call: each order is sorted once
 * (the default one is the order the rows arrive in, so that sort is linear), and a filter or search then only keeps
 * rows of it, in order. Every order is total (ties end on the unique id), so descending is the exact reverse.
 * The result may be the cached array itself: callers must not change it.
 */
export function visibleRows(rows: readonly SubnetRow[], filters: ReportFilters): SubnetRow[] {
  const ordered = orderedBy(rows, filters.sort ?? DEFAULT_SORT);
  const kept = hasFilters(filters) ? ordered.filter((r) => matchesFilters(r, filters)) : ordered;
  return filters.sort && filters.dir === "desc" ? [...kept].reverse() : kept;
}
