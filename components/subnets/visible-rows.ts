// The rows the subnets table shows for a set of filters, fast enough to run on every keystroke over 10,000 rows.
import { DEFAULT_SORT, applyFilters, compareSubnets, filterMatcher, hasFilters, type ReportFilters, type SortKey } from "@/lib/report/filter";
import type { SubnetRow } from "./rows";

const orders = new WeakMap<readonly SubnetRow[], Map<SortKey, SubnetRow[]>>();
// Orders taken on trust (assumeSorted) that verifyOrder has not checked yet.
const unverified = new WeakMap<readonly SubnetRow[], SortKey>();

function ordersOf(rows: readonly SubnetRow[]): Map<SortKey, SubnetRow[]> {
  let bySort = orders.get(rows);
  if (!bySort) orders.set(rows, (bySort = new Map()));
  return bySort;
}

/** `rows` in ascending `sort` order, sorted once per rows array and order (then kept while the array lives). */
function orderedBy(rows: readonly SubnetRow[], sort: SortKey): SubnetRow[] {
  const bySort = ordersOf(rows);
  let ordered = bySort.get(sort);
  if (!ordered) bySort.set(sort, (ordered = applyFilters(rows, { sort })));
  return ordered;
}

/**
 * Exactly `applyFilters(rows, filters)` (lib/report/filter.ts), without sorting per call: each order is sorted once
 * (the default one is the order the rows arrive in, so that sort is linear), and a filter or search then only keeps
 * rows of it, in order. Every order is total (ties end on the unique id), so descending is the exact reverse.
 * The result may be the cached array, or `rows` itself: callers must not change it.
 * After `assumeSorted`, and until `verifyOrder`, that order is `rows`' own.
 */
export function visibleRows(rows: readonly SubnetRow[], filters: ReportFilters): SubnetRow[] {
  const ordered = orderedBy(rows, filters.sort ?? DEFAULT_SORT);
  const kept = hasFilters(filters) ? ordered.filter(filterMatcher(filters)) : ordered;
  return filters.sort && filters.dir === "desc" ? [...kept].reverse() : kept;
}

/**
 * Takes `rows` to be in ascending `sort` order already (the server sends the subnets page's rows in the default
 * order), so the first render shows them without a sort, or the collator a sort needs (7-35 ms to make in a browser
 * tab). `verifyOrder` checks it later, in idle time: the browser's collator may order some names differently.
 */
export function assumeSorted(rows: readonly SubnetRow[], sort: SortKey): void {
  const bySort = ordersOf(rows);
  if (bySort.has(sort)) return;
  bySort.set(sort, rows as SubnetRow[]);
  unverified.set(rows, sort);
}

/**
 * Checks the order `assumeSorted` took on trust (one pass of comparisons, no sort). Returns true when it was wrong and
 * has been replaced by the sorted order: what `visibleRows` returns changed, so the caller renders again.
 */
export function verifyOrder(rows: readonly SubnetRow[]): boolean {
  const sort = unverified.get(rows);
  if (sort === undefined) return false;
  unverified.delete(rows);
  for (let i = 1; i < rows.length; i++) {
    if (compareSubnets(rows[i - 1], rows[i], sort) > 0) {
      ordersOf(rows).set(sort, applyFilters(rows, { sort }));
      return true;
    }
  }
  return false;
}
