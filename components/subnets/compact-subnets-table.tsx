"use client";
// The subnets table fed from compact rows (compact-rows.ts): the page ships ~8× fewer bytes for a large scan. Rows are
// read in the browser only: the server renders the frame, not 10,000 rows it would filter, sort and then throw away
// (the table is virtualised, so server HTML held no row anyway). Until the table is on screen the browser does only
// what the first rows need: each row's fields are read when used, and the rows are taken in the order the server
// sorted them. Then, in idle time, that order is checked with the browser's collator and the search text prepared,
// so the first search is as fast as the next.
import { useEffect, useMemo, useState, useSyncExternalStore, type ComponentProps } from "react";
import { DEFAULT_SORT, searchText } from "@/lib/report/filter";
import { compactSubnetRows, type CompactSubnetRows } from "./compact-rows";
import type { SubnetRow } from "./rows";
import { SubnetsTable } from "./subnets-table";
import { assumeSorted, verifyOrder } from "./visible-rows";

const IDLE_SLICE = 1_000;
const noSubscription = () => () => {};

/**
 * `data` is JSON.stringify(CompactSubnetRows) of rows in the default order (applyFilters with no filter): one string
 * is the cheapest prop for the server to serialise per request.
 */
export function CompactSubnetsTable({ data, count, ...props }: Omit<ComponentProps<typeof SubnetsTable>, "rows" | "orderVersion"> & { data: string; count: number }) {
  // false on the server and while hydrating, true right after: rows exist in the browser only.
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const rows = useMemo<SubnetRow[] | null>(() => {
    if (!inBrowser) return null;
    const rows = compactSubnetRows(JSON.parse(data) as CompactSubnetRows);
    assumeSorted(rows, DEFAULT_SORT);
    return rows;
  }, [inBrowser, data]);
  // Raised when the check finds the server's order differs from the browser's: the table sorts again.
  const [orderVersion, setOrderVersion] = useState(0);
  useEffect(() => {
    if (!rows) return;
    const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 50));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    let next = 0;
    let handle = 0;
    // In slices, so a keystroke never waits behind the whole 10,000; the search text first (a search typed meanwhile
    // builds what is missing), then the order check, which makes the collator.
    const work = () => {
      for (const end = Math.min(rows.length, next + IDLE_SLICE); next < end; next++) searchText(rows[next]);
      if (next < rows.length) handle = idle(work);
      else handle = idle(() => verifyOrder(rows) && setOrderVersion((v) => v + 1));
    };
    handle = idle(work);
    return () => cancel(handle);
  }, [rows]);
  if (!rows) {
    return (
      <div className="rounded-lg border border-slate-200 bg-white shadow-xs" data-testid="subnets-table" aria-busy="true">
        <p className="px-4 py-10 text-center text-sm text-slate-500">Loading {count.toLocaleString("en-US")} subnets…</p>
        <div className="h-[calc(100vh-380px)] min-h-80" />
      </div>
    );
  }
  return <SubnetsTable rows={rows} orderVersion={orderVersion} {...props} />;
}
