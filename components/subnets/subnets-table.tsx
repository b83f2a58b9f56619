"use client";
// Every subnet of a scan, virtualised (10,000 rows stay smooth), with filter, sort and search kept in the URL
// so a filtered view is itself a link, and its exports carry the same filters.
import { useVirtualizer } from "@tanstack/react-virtual";
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import Link from "next/link";
import { memo, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  DEFAULT_SORT,
  ROLE_FILTERS,
  SUBNET_STATUSES,
  failingRules,
  filtersToQuery,
  hasFilters,
  parseReportFilters,
  subscriptionOf,
  type ReportFilters,
  type SortKey,
} from "@/lib/report/filter";
import { ExportMenu } from "../export-menu";
import { subnetHref } from "../links";
import { DOT_CLASS, ROLE_LABEL, STATUS_LABEL } from "../ui/status";
import { StatusBadge } from "../ui/status-badge";
import type { SubnetRow } from "./rows";
import { visibleRows } from "./visible-rows";

const column = createColumnHelper<SubnetRow>();
// Headers and what each column sorts by (the sort itself is applyFilters'; a header click asks TanStack which way).
const COLUMNS = [
  column.accessor("status", { id: "status", header: "Status" }),
  column.accessor("name", { id: "name", header: "Subnet" }),
  column.accessor("vnet", { id: "vnet", header: "VNet" }),
  column.accessor("role", { id: "role", header: "Role" }),
  column.accessor((r) => subscriptionOf(r), { id: "subscription", header: "Subscription" }),
  column.accessor((r) => failingRules(r), { id: "failing", header: "Failing rules" }),
];
const GRID = "grid grid-cols-[104px_minmax(170px,2fr)_minmax(130px,1.2fr)_112px_minmax(150px,1fr)_minmax(200px,2fr)]";
const ROW_HEIGHT = 44;
// Rows mounted beyond the visible ones, each way: enough for a wheel step, few enough that a load or a search mounts
// little more than a screenful.
const OVERSCAN = 6;
const TD = "min-w-0 px-3 py-1.5";
// Cells whose text is the <td>'s own (no wrapper element): the cell itself truncates.
const TD_CLASS: Record<string, string> = { vnet: `${TD} truncate`, subscription: `${TD} truncate font-mono text-[11px] text-slate-600` };
// A failing rule's status dot, drawn as its chip's ::before (Tailwind's before: variant sets `content: ""`).
const CHIP_DOT_CLASS: Record<"fail" | "warn", string> = {
  fail: "before:h-1.5 before:w-1.5 before:rounded-full before:bg-red-600",
  warn: "before:h-1.5 before:w-1.5 before:rounded-full before:bg-amber-500",
};
// One object for "no names", so the columns are not rebuilt on every render.
const NO_NAMES: Record<string, string> = {};

export function SubnetsTable({ scanId, rows, orderVersion = 0, initialQuery, vnets, rules, deployments = [], subscriptionNames = NO_NAMES }: {
  scanId: string;
  rows: SubnetRow[];
  /** Changes when the order visibleRows keeps for `rows` was corrected (visible-rows.ts `verifyOrder`). */
  orderVersion?: number;
  initialQuery: string;
  vnets: string[];
  rules: string[];
  /** The report's deployment names (CONTRACT §1.2); the filter shows when there is more than one. */
  deployments?: string[];
  /** Subscription display names by lower-cased id, when the live read could list them. */
  subscriptionNames?: Record<string, string>;
}) {
  const [filters, setFilters] = useState<ReportFilters>(() => parseReportFilters(new URLSearchParams(initialQuery)));
  const [search, setSearch] = useState(filters.q ?? "");
  // Set once hydrated: tests and the UI benchmark wait for it instead of guessing when typing starts to work.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const deferred = useDeferredValue(filters);
  // orderVersion: the same rows, sorted again (eslint cannot see that visibleRows reads the order it names).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const visible = useMemo(() => visibleRows(rows, deferred), [rows, deferred, orderVersion]);
  const query = filtersToQuery(filters);

  // The URL follows the filters (replace, not push: typing a search should not flood the history).
  useEffect(() => {
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (url !== `${window.location.pathname}${window.location.search}`) window.history.replaceState(window.history.state, "", url);
  }, [query]);

  const counts = useMemo(() => {
    const c = { fail: 0, warn: 0, pass: 0, unscoped: 0 };
    for (const r of rows) c[r.status] += 1;
    return c;
  }, [rows]);

  const update = (patch: Partial<ReportFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const toggleStatus = (s: (typeof SUBNET_STATUSES)[number]) => {
    const current = filters.status ?? [];
    const next = current.includes(s) ? current.filter((x) => x !== s) : [...current, s];
    update({ status: next.length ? next : undefined });
  };

  // No sort in the URL: worst first (DEFAULT_SORT), shown as an ascending status sort.
  const sorting: SortingState = [{ id: filters.sort ?? DEFAULT_SORT, desc: Boolean(filters.sort) && filters.dir === "desc" }];
  // What each column shows for a row. The body renders these for the ~30 rows on screen; TanStack keeps the headers and
  // the sort state only, so no filter or keystroke builds its row model over thousands of rows.
  const cells = useMemo<Cells>(
    () => ({
      status: (r) => <StatusBadge status={r.status} />,
      // Each cell is the <td>'s content, with as few elements as the look needs: the body mounts a screenful of rows on
      // load and on every search, and each element is work for React and the browser.
      name: (r) => (
        <>
          <Link href={subnetHref(scanId, r.id)} className="block truncate font-medium text-slate-900 hover:text-indigo-700 hover:underline" prefetch={false}>
            {r.name}
          </Link>
          <div className="truncate font-mono text-[11px] text-slate-500">{r.prefixes.join(", ") || "no prefix"}</div>
        </>
      ),
      vnet: (r) => r.vnet,
      role: (r) => (
        <>
          <span className={r.role ? "text-slate-800" : "text-slate-500"}>{ROLE_LABEL[r.role ?? "none"]}</span>
          {r.deployment ? (
            <div className="truncate text-[11px] text-slate-500" title={`Deployment ${r.deployment}`} data-testid="subnet-deployment">
              {r.deployment}
            </div>
          ) : null}
        </>
      ),
      subscription: (r) => subscriptionNames[subscriptionOf(r).toLowerCase()] ?? subscriptionOf(r),
      failing: (r) => {
        const list = failingRules(r);
        const statusOf = (rule: string) => r.findings.find((f) => f.rule === rule)?.status ?? "warn";
        if (!list.length) return <span className="text-slate-500">—</span>;
        return (
          // One line, whatever the column's width: rows are a fixed height (ROW_HEIGHT, for the virtualizer), so a chip
          // that wrapped would spill into the next row. Chips shrink and cut their names; "+N" and the tooltip stay.
          <div className="flex min-w-0 flex-nowrap items-center gap-1 overflow-hidden" title={list.join(", ")}>
            {list.slice(0, 3).map((rule) => (
              // The status dot is the chip's ::before (CHIP_DOT_CLASS), not an element of its own.
              <span key={rule} className={`flex min-w-0 shrink items-center gap-1 rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[11px] text-slate-700 before:shrink-0 ${statusOf(rule) === "fail" ? CHIP_DOT_CLASS.fail : CHIP_DOT_CLASS.warn}`}>
                <span className="sr-only">{STATUS_LABEL[statusOf(rule)]}: </span>
                <span className="truncate">{rule}</span>
              </span>
            ))}
            {list.length > 3 ? <span className="shrink-0 text-[11px] text-slate-500">+{list.length - 3}</span> : null}
          </div>
        );
      },
    }),
    [scanId, subscriptionNames],
  );

  const table = useReactTable({
    data: visible,
    columns: COLUMNS,
    state: { sorting },
    manualSorting: true,
    manualFiltering: true,
    enableMultiSort: false,
    getCoreRowModel: getCoreRowModel(),
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      update({ sort: first ? (first.id as SortKey) : undefined, dir: first ? (first.desc ? "desc" : "asc") : undefined });
    },
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: visible.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN });

  // The same elements on every render (a keystroke renders this component twice): React skips options it has seen.
  const vnetOptions = useMemo(() => vnets.map((v) => <option key={v} value={v}>{v}</option>), [vnets]);
  const ruleOptions = useMemo(() => rules.map((r) => <option key={r} value={r}>{r}</option>), [rules]);

  const filtered = hasFilters(filters);
  return (
    <div className="rounded-lg border border-slate-200 bg-white shadow-xs" data-testid="subnets-table" data-ready={ready || undefined}>
      <div className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-4 py-3" role="search" aria-label="Filter subnets">
        <label className="flex min-w-56 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
          Search
          <input
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              update({ q: e.target.value.trim() || undefined });
            }}
            placeholder="Subnet, VNet, subscription, rule…"
            className="rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-normal text-slate-900 placeholder:text-slate-500 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30"
          />
        </label>
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-xs font-medium text-slate-600">Status</legend>
          <div className="flex gap-1">
            {SUBNET_STATUSES.map((s) => {
              const on = filters.status?.includes(s) ?? false;
              return (
                <button
                  key={s}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggleStatus(s)}
                  data-testid={`filter-status-${s}`}
                  className={`inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-xs font-medium ring-1 ring-inset focus-visible:outline-2 focus-visible:outline-indigo-600 ${
                    on ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-50"
                  }`}
                >
                  <span aria-hidden className={`h-2 w-2 rounded-full ${DOT_CLASS[s]}`} />
                  {STATUS_LABEL[s]}
                  <span className={`tabular-nums ${on ? "text-slate-300" : "text-slate-500"}`}>{counts[s].toLocaleString("en-US")}</span>
                </button>
              );
            })}
          </div>
        </fieldset>
        <Select label="Role" value={filters.role?.join(",") ?? ""} onChange={(v) => update({ role: v ? (v.split(",") as ReportFilters["role"]) : undefined })}>
          <option value="">All roles</option>
          {ROLE_FILTERS.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
          {filters.role && filters.role.length > 1 ? <option value={filters.role.join(",")}>{filters.role.map((r) => ROLE_LABEL[r]).join(" + ")}</option> : null}
        </Select>
        <Select label="VNet" value={filters.vnet?.[0] ?? ""} onChange={(v) => update({ vnet: v ? [v] : undefined })}>
          <option value="">All VNets</option>
          {vnetOptions}
        </Select>
        {deployments.length > 1 || filters.deployment?.length ? (
          <Select label="Deployment" value={filters.deployment?.[0] ?? ""} onChange={(v) => update({ deployment: v ? [v] : undefined })}>
            <option value="">All deployments</option>
            {[...new Set([...deployments, ...(filters.deployment ?? [])])]
              .filter((d) => d !== "none")
              .map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            <option value="none">In no deployment</option>
          </Select>
        ) : null}
        <Select label="Not passing" value={filters.rule?.[0] ?? ""} onChange={(v) => update({ rule: v ? [v] : undefined })}>
          <option value="">Any rule</option>
          {ruleOptions}
        </Select>
        {filtered || filters.sort ? (
          <button
            type="button"
            onClick={() => {
              setSearch("");
              setFilters({});
            }}
            className="rounded-md px-2 py-1.5 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            Clear
          </button>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-100 px-4 py-2">
        <p className="text-xs text-slate-600" aria-live="polite" data-testid="subnet-count">
          Showing <span className="font-semibold tabular-nums text-slate-900">{visible.length.toLocaleString("en-US")}</span> of{" "}
          <span className="tabular-nums">{rows.length.toLocaleString("en-US")}</span> subnets
        </p>
        <ExportMenu scanId={scanId} query={query} filtered={filtered} />
      </div>

      <div ref={scrollRef} className="relative h-[calc(100vh-320px)] min-h-80 overflow-auto" data-testid="subnets-scroll">
        <table className="grid w-full min-w-[900px] text-sm" aria-rowcount={visible.length + 1}>
          <thead className="sticky top-0 z-10 grid bg-slate-50/95 backdrop-blur">
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id} className={`${GRID} border-b border-slate-200`} aria-rowindex={1}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  return (
                    <th key={header.id} className="px-3 py-2 text-left text-xs font-semibold text-slate-600" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}>
                      <button
                        type="button"
                        onClick={header.column.getToggleSortingHandler()}
                        className="inline-flex items-center gap-1 rounded hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
                      >
                        {flexRender(header.column.columnDef.header, header.getContext())}
                        <span aria-hidden className="text-[10px] text-slate-500">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody className="relative grid" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <BodyRow key={visible[item.index].id} row={visible[item.index]} index={item.index} start={item.start} cells={cells} />
            ))}
          </tbody>
        </table>
        {visible.length === 0 ? <p className="px-4 py-10 text-center text-sm text-slate-500">No subnet matches these filters.</p> : null}
      </div>
    </div>
  );
}

type Cells = Record<string, (row: SubnetRow) => ReactNode>;

/**
 * One row on screen. Memoised: a keystroke first re-renders the table for the input alone (the filtered rows follow in
 * a deferred render), and a scroll only adds the rows that came into view; neither re-renders the rows already shown.
 */
const BodyRow = memo(function BodyRow({ row, index, start, cells }: { row: SubnetRow; index: number; start: number; cells: Cells }) {
  return (
    <tr
      data-index={index}
      aria-rowindex={index + 2}
      data-testid="subnet-row"
      data-status={row.status}
      className={`${GRID} absolute left-0 w-full items-center border-b border-slate-100 hover:bg-slate-50`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      {COLUMNS.map((c) => (
        <td key={c.id} className={TD_CLASS[c.id!] ?? TD} title={c.id === "subscription" ? subscriptionTitle(row) : undefined}>
          {cells[c.id!](row)}
        </td>
      ))}
    </tr>
  );
});

/** The subscription cell's tooltip: the subscription id, and the resource group when known. */
function subscriptionTitle(row: SubnetRow): string {
  return `${subscriptionOf(row)}${row.resourceGroup ? ` / ${row.resourceGroup}` : ""}`;
}

function Select({ label, value, onChange, children }: { label: string; value: string; onChange: (v: string) => void; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="rounded-md border border-slate-300 bg-white py-1.5 pl-2 pr-7 text-sm font-normal text-slate-900 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30"
      >
        {children}
      </select>
    </label>
  );
}
