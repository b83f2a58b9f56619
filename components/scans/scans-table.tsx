import Link from "next/link";
import type { ScanRecord } from "@/lib/store";
import { reportHref, scanHref, subnetsHref } from "../links";
import { STATUS_HEX } from "../ui/status";
import { Time } from "../ui/time";
import { DeleteScanButton } from "./delete-scan-button";

const ORIGIN: Record<ScanRecord["origin"], string> = {
  upload: "Upload",
  api: "API",
  demo: "Demo",
  "role-edit": "Role change",
  live: "Azure",
  cli: "CLI",
  schedule: "Scheduled",
};

export function SummaryBar({ summary }: { summary: ScanRecord["summary"] }) {
  const total = summary.subnets || 1;
  return (
    <div className="flex h-2 w-28 overflow-hidden rounded-full bg-slate-100" aria-hidden>
      {(["fail", "warn", "pass", "unscoped"] as const).map((k) =>
        summary[k] ? <div key={k} style={{ width: `${(summary[k] / total) * 100}%`, background: STATUS_HEX[k] }} /> : null,
      )}
    </div>
  );
}

export function ScansTable({ scans }: { scans: ScanRecord[] }) {
  return (
    // Its own horizontal scroll container: on a phone the columns scroll here, not the page. `relative` makes it the
    // containing block of the sr-only (absolutely positioned) caption and header text, which otherwise escape the
    // clipping and widen the page. Focusable, so the keyboard can scroll it too (WCAG 2.1.1).
    <div className="relative max-w-full overflow-x-auto" tabIndex={0} role="region" aria-label="Stored scans" data-testid="scans-table-scroll">
      <table className="w-full text-left text-sm" data-testid="scans-table">
        <caption className="sr-only">Stored scans, newest first</caption>
        <thead className="border-b border-slate-200 text-xs text-slate-500">
          <tr>
            <th className="px-4 py-2 font-medium">Scan</th>
            <th className="px-4 py-2 font-medium">Estate</th>
            <th className="px-4 py-2 font-medium">Label</th>
            <th className="px-4 py-2 font-medium">Origin</th>
            <th className="px-4 py-2 font-medium">Audited</th>
            <th className="px-4 py-2 font-medium">Result</th>
            <th className="px-4 py-2 font-medium">
              <span className="sr-only">Links</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {scans.map((s) => (
            <tr key={s.id} className="hover:bg-slate-50" data-testid="scan-row" data-scan-id={s.id}>
              <td className="whitespace-nowrap px-4 py-2">
                <Link href={scanHref(s.id)} className="font-medium text-indigo-700 hover:underline">
                  #{s.seq}
                </Link>
                <div className="font-mono text-[11px] text-slate-500">{s.id}</div>
              </td>
              <td className="whitespace-nowrap px-4 py-2">
                <Link href={`/scans?estate=${encodeURIComponent(s.estate)}`} className="text-slate-700 hover:underline" data-testid="scan-estate">
                  {s.estate}
                </Link>
              </td>
              <td className="max-w-md px-4 py-2">
                <div className="truncate text-slate-900" title={s.label}>
                  {s.label}
                </div>
                {s.status === "partial" ? <span className="text-xs font-medium text-amber-800">partial read</span> : null}
              </td>
              <td className="whitespace-nowrap px-4 py-2 text-slate-600">{ORIGIN[s.origin]}</td>
              <td className="whitespace-nowrap px-4 py-2 text-slate-600">
                <Time iso={s.createdAt} />
                {s.capturedAt ? (
                  <div className="text-[11px] text-slate-500">
                    captured <Time iso={s.capturedAt} />
                  </div>
                ) : null}
              </td>
              <td className="whitespace-nowrap px-4 py-2">
                <div className="flex items-center gap-3">
                  <SummaryBar summary={s.summary} />
                  <span className="text-xs tabular-nums text-slate-600">
                    <span className="text-red-700">{s.summary.fail} fail</span> · <span className="text-amber-800">{s.summary.warn} warn</span> · {s.summary.pass} pass · {s.summary.unscoped} unscoped
                  </span>
                </div>
              </td>
              <td className="whitespace-nowrap px-4 py-2 text-right text-xs">
                <Link href={subnetsHref(s.id)} className="font-medium text-indigo-700 hover:underline">
                  Subnets
                </Link>
                <span className="mx-1 text-slate-300">|</span>
                <a href={reportHref(s.id, "json")} download className="font-medium text-indigo-700 hover:underline">
                  JSON
                </a>
                <span className="ml-3">
                  <DeleteScanButton scanId={s.id} seq={s.seq} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Failing and warning subnets per scan, oldest left: is the estate getting better? */
export function TrendChart({ scans }: { scans: ScanRecord[] }) {
  const shown = [...scans].reverse().slice(-40);
  const max = Math.max(1, ...shown.map((s) => s.summary.fail + s.summary.warn));
  const w = 14;
  const h = 64;
  return (
    <svg viewBox={`0 0 ${shown.length * (w + 4)} ${h}`} className="h-16 w-full max-w-xl" role="img" aria-label={`Failing and warning subnets over the last ${shown.length} scans`} preserveAspectRatio="xMinYMax meet">
      {shown.map((s, i) => {
        const fh = (s.summary.fail / max) * (h - 4);
        const wh = (s.summary.warn / max) * (h - 4);
        return (
          <g key={s.id}>
            <title>{`Scan #${s.seq}: ${s.summary.fail} fail, ${s.summary.warn} warn`}</title>
            <rect x={i * (w + 4)} y={h - fh} width={w} height={Math.max(fh, 0)} fill={STATUS_HEX.fail} rx={1.5} />
            <rect x={i * (w + 4)} y={h - fh - wh} width={w} height={Math.max(wh, 0)} fill={STATUS_HEX.warn} rx={1.5} />
            {fh + wh === 0 ? <rect x={i * (w + 4)} y={h - 2} width={w} height={2} fill={STATUS_HEX.pass} /> : null}
          </g>
        );
      })}
    </svg>
  );
}
