"use client";
// The subnets table fed from compact rows (compact-rows.ts): the page ships ~8× fewer bytes for a large scan, and the
// rows are decoded once here. Search text is prepared while the browser is idle, so the first search is as fast as
// the next.
import { useEffect, useMemo, type ComponentProps } from "react";
import { searchText } from "@/lib/report/filter";
import { decodeSubnetRows, type CompactSubnetRows } from "./compact-rows";
import { SubnetsTable } from "./subnets-table";

export function CompactSubnetsTable({ data, ...props }: Omit<ComponentProps<typeof SubnetsTable>, "rows"> & { data: CompactSubnetRows }) {
  const rows = useMemo(() => decodeSubnetRows(data), [data]);
  useEffect(() => {
    const idle = window.requestIdleCallback ?? ((cb: () => void) => window.setTimeout(cb, 50));
    const cancel = window.cancelIdleCallback ?? window.clearTimeout;
    const handle = idle(() => {
      for (const row of rows) searchText(row);
    });
    return () => cancel(handle);
  }, [rows]);
  return <SubnetsTable rows={rows} {...props} />;
}
