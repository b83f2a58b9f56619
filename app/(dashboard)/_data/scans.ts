// What the pages read, in one place: the store, with "not found" handled the same way everywhere.
import { notFound } from "next/navigation";
import { diffReports } from "@/lib/report/diff";
import { getStore, type ScanRecord } from "@/lib/store";
import type { Report } from "@/lib/report/types";
import { reportView } from "./view-cache";

export async function loadScan(scanId: string): Promise<{ scan: ScanRecord; report: Report }> {
  const store = await getStore();
  const scan = await store.getScan(scanId);
  const report = scan && (await store.getReport(scanId));
  if (!scan || !report) notFound();
  return { scan, report };
}

export async function loadOverview(scanId: string) {
  const store = await getStore();
  const { scan, report } = await loadScan(scanId);
  const previous = await store.previousScan(scan.id);
  const previousReport = previous && (await store.getReport(previous.id));
  // Latest of the scan's own estate: another estate's newer scan is not this one's successor.
  const latest = await store.latestScan(scan.estate);
  return {
    scan,
    report,
    previous,
    // Both reports are the store's cached objects: their diff is computed once per process, again when either changes.
    diff: previous && previousReport ? reportView(report, `diff-from:${previous.id}`, () => diffReports(previousReport, report), [previousReport]) : null,
    latest: latest && latest.id !== scan.id ? latest : undefined,
  };
}
