"use client";
// The subnets table fed from compact rows (compact-rows.ts): the page ships ~8× fewer bytes for a large scan. Rows are
// decoded in the browser only: the server renders the frame, not 10,000 rows it would filter, sort and then throw away
// (the table is virtualised, so server HTML held no row anyway). Search text is prepared in idle time, so the first
// search is as fast as the next.
import { useEffect, useMemo, useSyncExternalStore, type ComponentProps } from "react";
import { searchText } from "@/lib/report/filter";
import { decodeSubnetRows, type CompactSubnetRows } from "./compact-rows";
import type { SubnetRow } from "./rows";
import { SubnetsTable } from "./subnets-table";

const IDLE_SLICE = 1_000;
const noSubscription = () => () => {};

/** `data` is JSON.stringify(CompactSubnetRows): one string is the cheapest prop for the server to serialise per request. */
export function CompactSubnetsTable({ data, count, ...props }: Omit<ComponentProps<typeof SubnetsTable>, "rows"> & { data: string; count: number }) {
  // false on the server and while hydrating, true right after: rows exist in the browser only.
  const inBrowser = useSyncExternalStore(noSubscription, () => true, () => false);
  const rows = useMemo<SubnetRow[] | null>(() => (inBrowser ? decodeSubnetRows(JSON.parse(data) as CompactSubnetRows) : null), [inBrowser, data]);
  useEffect(() => {
    if (!rows) return;
    const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 50));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    let next = 0;
    let handle = 0;
    // In slices, so a keystroke never waits behind the whole 10,000.
    const work = () => {
      for (const end = Math.min(rows.length, next + IDLE_SLICE); next < end; next++) searchText(rows[next]);
      if (next < rows.length) handle = idle(work);
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
  return <SubnetsTable rows={rows} {...props} />;
}
