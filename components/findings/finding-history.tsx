// "Since which scan does it fail, and when was it fixed": one (subnet, rule) across every stored scan.
import Link from "next/link";
import type { FindingTimeline, HistoryEntry } from "@/lib/store";
import { findingHref, latestFindingHref } from "../links";
import { STATUS_LABEL, DOT_CLASS } from "../ui/status";
import { StatusBadge } from "../ui/status-badge";
import { Time } from "../ui/time";

function ScanRef({ entry }: { entry: HistoryEntry }) {
  return (
    <>
      <Link href={entry.findingId ? findingHref(entry.scanId, entry.findingId) : `/scans/${entry.scanId}`} className="font-medium text-indigo-700 hover:underline">
        scan #{entry.seq}
      </Link>{" "}
      (<Time iso={entry.createdAt} />)
    </>
  );
}

export function TimelineSentence({ timeline }: { timeline: FindingTimeline }) {
  const { latest, failingSince, warningSince, openSince, fixedIn, lastOpen } = timeline;
  if (!latest) return null;
  // The run of the latest status first; then, when it is shorter, since when it has been open at all (fail or warn):
  // "warning since" the first scan of a fail–warn run would name a scan where it failed.
  const since = latest.status === "fail" ? failingSince : latest.status === "warn" ? warningSince : undefined;
  if (since) {
    return (
      <p data-testid="timeline-sentence">
        {latest.status === "fail" ? "Failing" : "Warning"} since <ScanRef entry={since} />
        {openSince && openSince.seq < since.seq ? (
          <>
            ; failing or warning since <ScanRef entry={openSince} />
          </>
        ) : null}
        .
      </p>
    );
  }
  if (fixedIn && lastOpen) {
    return (
      <p data-testid="timeline-sentence">
        Fixed in <ScanRef entry={fixedIn} />; it last {lastOpen.status === "fail" ? "failed" : "warned"} in <ScanRef entry={lastOpen} />.
      </p>
    );
  }
  return <p data-testid="timeline-sentence">{latest.status === "pass" ? "Has passed in every scan that audited it." : "Informational in every scan that audited it."}</p>;
}

/** `estate`: the estate of the scan shown, which the always-latest link keeps (see latestFindingHref). */
export function LatestPanel({ timeline, history, findingId, estate, currentScanId }: { timeline: FindingTimeline; history: HistoryEntry[]; findingId: string; estate: string; currentScanId?: string }) {
  const latest = timeline.latest;
  if (!latest) return null;
  const shown = history.slice(-40);
  return (
    <section aria-labelledby="latest-heading" className="rounded-lg border border-slate-200 bg-white p-4 shadow-xs" data-testid="latest-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="latest-heading" className="text-sm font-semibold text-slate-900">
          Latest
        </h2>
        <Link href={latestFindingHref(findingId, estate)} className="text-xs font-medium text-indigo-700 hover:underline" data-testid="always-latest-link">
          Always-latest link
        </Link>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <StatusBadge status={latest.status ?? "unknown"} />
        <span>
          in scan #{latest.seq}
          {latest.scanId === currentScanId ? " (this scan)" : ""}
        </span>
        {latest.scanId !== currentScanId && latest.findingId ? (
          <Link href={findingHref(latest.scanId, latest.findingId)} className="text-xs font-medium text-indigo-700 hover:underline">
            Open it there
          </Link>
        ) : null}
      </div>
      <div className="mt-2 text-sm text-slate-700">
        <TimelineSentence timeline={timeline} />
      </div>
      <ol className="mt-3 flex flex-wrap gap-1" aria-label="Status in each scan, oldest first">
        {shown.map((h) => {
          const label = `Scan #${h.seq}: ${h.status ? STATUS_LABEL[h.status] : "not audited"}`;
          const square = (
            <span
              className={`block h-4 w-4 rounded-sm ${h.status ? DOT_CLASS[h.status] : "border border-dashed border-slate-300 bg-white"} ${h.scanId === currentScanId ? "ring-2 ring-slate-900 ring-offset-1" : ""}`}
            />
          );
          return (
            <li key={h.scanId} title={label}>
              {h.findingId ? (
                <Link href={findingHref(h.scanId, h.findingId)} aria-label={label} className="block focus-visible:outline-2 focus-visible:outline-indigo-600">
                  {square}
                </Link>
              ) : (
                <span aria-label={label} role="img">
                  {square}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
