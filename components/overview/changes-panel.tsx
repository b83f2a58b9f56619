import Link from "next/link";
import type { FindingChange, ReportDiff } from "@/lib/report/diff";
import type { ScanRecord } from "@/lib/store";
import { scanHref } from "../links";
import { StatusBadge } from "../ui/status-badge";
import { Time } from "../ui/time";
import { ExpandableItems } from "../ui/expandable-items";
import { SubnetRef } from "../ui/azure-name";

// Expanding shows up to this many; a longer list says the rest is in the exports.
const MAX_SENT = 500;

function ChangeList({ title, items, empty, testId }: { title: string; items: FindingChange[]; empty: string; testId: string }) {
  return (
    <div data-testid={testId}>
      <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">
        {title} <span className="tabular-nums text-slate-500">({items.length})</span>
      </h3>
      {items.length ? (
        <ul className="divide-y divide-slate-100 text-sm">
          <ExpandableItems
            max={8}
            total={items.length}
            moreClassName="py-1.5 text-xs text-slate-500"
            testId={`${testId}-more`}
            items={items.slice(0, MAX_SENT).map((c) => (
            <li key={`${c.subnetId}|${c.rule}`} className="flex items-center gap-2 py-1.5">
              <StatusBadge status={c.to ?? "unknown"} />
              <Link href={c.link} className="min-w-0 flex-1 truncate hover:underline">
                <span className="font-mono text-xs text-slate-700">{c.rule}</span>{" "}
                <span className="text-slate-500">on</span> <span className="font-medium text-slate-900"><SubnetRef vnet={c.vnet} name={c.subnetName} /></span>
              </Link>
              <span className="shrink-0 text-xs text-slate-500">was {c.from ?? "absent"}</span>
            </li>
            ))}
          />
        </ul>
      ) : (
        <p className="text-sm text-slate-500">{empty}</p>
      )}
    </div>
  );
}

export function ChangesPanel({ diff, previous }: { diff: ReportDiff | null; previous: ScanRecord | undefined }) {
  if (!diff || !previous) {
    return <p className="px-4 py-4 text-sm text-slate-500">This is the first scan: nothing to compare with yet.</p>;
  }
  return (
    <div className="space-y-4 px-4 py-4">
      <p className="text-xs text-slate-500">
        Compared with{" "}
        <Link className="font-medium text-indigo-700 hover:underline" href={scanHref(previous.id)}>
          scan #{previous.seq}
        </Link>{" "}
        ({previous.label}, <Time iso={previous.createdAt} />)
        {diff.subnetsAdded.length || diff.subnetsRemoved.length ? ` · ${diff.subnetsAdded.length} subnets added, ${diff.subnetsRemoved.length} removed` : ""}
      </p>
      <ChangeList title="New failures" items={diff.newFailures} empty="No new failures." testId="changes-new-failures" />
      <ChangeList title="Fixed" items={diff.fixed} empty="Nothing fixed since." testId="changes-fixed" />
      {diff.newWarnings.length ? <ChangeList title="New warnings" items={diff.newWarnings} empty="" testId="changes-new-warnings" /> : null}
    </div>
  );
}
