// What the pages read, in one place: the store, with "not found" handled the same way everywhere.
import { notFound } from "next/navigation";
import { diffReports } from "@/lib/report/diff";
import { getStore, type ScanRecord } from "@/lib/store";
import type { Report } from "@/lib/report/types";

export function loadScan(scanId: string): { scan: ScanRecord; report: Report } {
  const store = getStore();
  const scan = store.getScan(scanId);
  const report = scan && store.getReport(scanId);
  if (!scan || !report) notFound();
  return { scan, report };
}

export function loadOverview(scanId: string) {
  const store = getStore();
  const { scan, report } = loadScan(scanId);
  const previous = store.previousScan(scan.id);
  const previousReport = previous && store.getReport(previous.id);
  const latest = store.latestScan();
  return {
    scan,
    report,
    previous,
    diff: previousReport ? diffReports(previousReport, report) : null,
    latest: latest && latest.id !== scan.id ? latest : undefined,
  };
}
