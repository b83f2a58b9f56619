// The story of one (subnet, rule) across scans: since when it fails, and when it was fixed.
import type { FindingStatus } from "@/lib/report/types";

export interface HistoryEntry {
  scanId: string;
  seq: number;
  createdAt: string;
  label: string;
  /** Null when that scan had no such finding (subnet absent or in another role). */
  status: FindingStatus | null;
  findingId: string | null;
}

export interface FindingTimeline {
  latest?: HistoryEntry;
  /** First scan of the unbroken run of fail/warn that reaches the latest scan. */
  openSince?: HistoryEntry;
  /** First scan of the unbroken run of `fail` that reaches the latest scan. */
  failingSince?: HistoryEntry;
  /** First scan of the unbroken run of `warn` that reaches the latest scan. */
  warningSince?: HistoryEntry;
  /** When the latest scan passes: the first passing scan after the last failing or warning one. */
  fixedIn?: HistoryEntry;
  /** The last scan where it was open, when it is fixed now. */
  lastOpen?: HistoryEntry;
}

const OPEN = new Set<FindingStatus | null>(["fail", "warn"]);

/** `entries` in scan order, oldest first. Scans without the finding are skipped: they neither break nor start a run. */
export function findingTimeline(entries: HistoryEntry[]): FindingTimeline {
  const present = entries.filter((e) => e.status !== null);
  const latest = present[present.length - 1];
  if (!latest) return {};
  const timeline: FindingTimeline = { latest };
  const runStart = (pred: (e: HistoryEntry) => boolean) => {
    let start: HistoryEntry | undefined;
    for (let i = present.length - 1; i >= 0 && pred(present[i]); i--) start = present[i];
    return start;
  };
  timeline.openSince = runStart((e) => OPEN.has(e.status));
  timeline.failingSince = runStart((e) => e.status === "fail");
  timeline.warningSince = runStart((e) => e.status === "warn");
  if (!OPEN.has(latest.status)) {
    const lastOpenIndex = present.findLastIndex((e) => OPEN.has(e.status));
    if (lastOpenIndex >= 0) {
      timeline.lastOpen = present[lastOpenIndex];
      timeline.fixedIn = present[lastOpenIndex + 1];
    }
  }
  return timeline;
}
