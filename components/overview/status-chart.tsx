// Two small charts: how the subnets split by status (a donut), and which rules fail or warn where (stacked bars).
import Link from "next/link";
import type { FindingStatus, Report } from "@/lib/report/types";
import { subnetsHref } from "../links";
import { STATUS_HEX, STATUS_LABEL } from "../ui/status";

const ORDER = ["fail", "warn", "pass", "unscoped"] as const;

export function StatusDonut({ summary }: { summary: Report["summary"] }) {
  const total = summary.subnets || 1;
  const r = 42;
  const circumference = 2 * Math.PI * r;
  // Each arc starts where the ones before it end.
  const lengths = ORDER.map((k) => (summary[k] / total) * circumference);
  const starts = lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0));
  const described = ORDER.map((k) => `${summary[k]} ${STATUS_LABEL[k].toLowerCase()}`).join(", ");
  return (
    <figure className="flex items-center gap-5">
      <svg viewBox="0 0 110 110" className="h-28 w-28 shrink-0" role="img" aria-label={`Subnets by status: ${described}`}>
        <circle cx="55" cy="55" r={r} fill="none" stroke="#f1f5f9" strokeWidth="14" />
        {ORDER.map((k, i) => {
          const len = lengths[i];
          if (!summary[k]) return null;
          return (
            <circle
              key={k}
              cx="55"
              cy="55"
              r={r}
              fill="none"
              stroke={STATUS_HEX[k]}
              strokeWidth="14"
              strokeDasharray={`${len} ${circumference - len}`}
              strokeDashoffset={-starts[i]}
              transform="rotate(-90 55 55)"
            />
          );
        })}
        <text x="55" y="53" textAnchor="middle" fontSize="20" fontWeight="600" fill="#0f172a">
          {summary.subnets}
        </text>
        <text x="55" y="68" textAnchor="middle" fontSize="9" fill="#64748b">
          subnets
        </text>
      </svg>
      <figcaption className="space-y-1 text-sm">
        {ORDER.map((k) => (
          <div key={k} className="flex items-center gap-2">
            <span aria-hidden className="h-2.5 w-2.5 rounded-sm" style={{ background: STATUS_HEX[k] }} />
            <span className="w-20 text-slate-600">{STATUS_LABEL[k]}</span>
            <span className="tabular-nums font-medium text-slate-900">{summary[k]}</span>
            <span className="tabular-nums text-xs text-slate-500">{Math.round((summary[k] / total) * 100)}%</span>
          </div>
        ))}
      </figcaption>
    </figure>
  );
}

interface RuleRow {
  rule: string;
  counts: Record<FindingStatus, number>;
}

function byRule(report: Report): RuleRow[] {
  const rows = new Map<string, RuleRow>();
  for (const s of report.subnets)
    for (const f of s.findings) {
      const row = rows.get(f.rule) ?? { rule: f.rule, counts: { fail: 0, warn: 0, pass: 0, info: 0, exempt: 0 } };
      row.counts[f.status] += 1;
      rows.set(f.rule, row);
    }
  return [...rows.values()].sort((a, b) => b.counts.fail - a.counts.fail || b.counts.warn - a.counts.warn || a.rule.localeCompare(b.rule));
}

export function RuleBars({ report, scanId }: { report: Report; scanId: string }) {
  const rows = byRule(report);
  if (!rows.length) return <p className="text-sm text-slate-500">No subnet has a role yet, so no rule ran.</p>;
  return (
    <table className="w-full text-xs">
      <caption className="sr-only">Findings by rule: how many subnets fail, warn, pass or are informed for each rule</caption>
      <thead className="sr-only">
        <tr>
          <th>Rule</th>
          <th>Distribution</th>
          <th>Fail</th>
          <th>Warn</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const total = Object.values(row.counts).reduce((a, b) => a + b, 0) || 1;
          return (
            <tr key={row.rule}>
              <th scope="row" className="w-44 py-1 pr-3 text-left font-mono font-normal text-slate-700">
                <Link href={subnetsHref(scanId, `rule=${row.rule}`)} className="hover:text-indigo-700 hover:underline">
                  {row.rule}
                </Link>
              </th>
              <td className="py-1">
                <div className="flex h-3 w-full overflow-hidden rounded-sm bg-slate-100" aria-hidden>
                  {(["fail", "warn", "pass", "info"] as const).map((k) =>
                    row.counts[k] ? <div key={k} style={{ width: `${(row.counts[k] / total) * 100}%`, background: STATUS_HEX[k] }} /> : null,
                  )}
                </div>
              </td>
              <td className="w-10 py-1 text-right tabular-nums text-red-700">{row.counts.fail || ""}</td>
              <td className="w-10 py-1 text-right tabular-nums text-amber-800">{row.counts.warn || ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
