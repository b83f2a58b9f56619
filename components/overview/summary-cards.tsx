import Link from "next/link";
import type { Report } from "@/lib/report/types";
import { subnetsHref } from "../links";
import { DOT_CLASS } from "../ui/status";

const CARDS = [
  { key: "fail", label: "Failing", hint: "a required flow is blocked, or Internet egress open" },
  { key: "warn", label: "Warnings", hint: "partly blocked, or a recommendation missing" },
  { key: "pass", label: "Passing", hint: "every check of its role passes" },
  { key: "unscoped", label: "Unscoped", hint: "in no role of the profile" },
] as const;

export function SummaryCards({ scanId, summary }: { scanId: string; summary: Report["summary"] }) {
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
      <Link
        href={subnetsHref(scanId)}
        className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs hover:border-slate-300 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <div className="text-xs font-medium text-slate-500">Subnets</div>
        <div className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid="summary-subnets">
          {summary.subnets.toLocaleString("en-US")}
        </div>
        <div className="mt-1 text-xs text-slate-500">audited in this scan</div>
      </Link>
      {CARDS.map((c) => (
        <Link
          key={c.key}
          href={subnetsHref(scanId, `status=${c.key}`)}
          className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs hover:border-slate-300 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <div className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
            <span aria-hidden className={`h-2 w-2 rounded-full ${DOT_CLASS[c.key]}`} />
            {c.label}
          </div>
          <div className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={`summary-${c.key}`}>
            {summary[c.key].toLocaleString("en-US")}
          </div>
          <div className="mt-1 text-xs text-slate-500">{c.hint}</div>
        </Link>
      ))}
    </div>
  );
}
