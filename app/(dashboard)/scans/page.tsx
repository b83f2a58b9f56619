import type { Metadata } from "next";
import Link from "next/link";
import { newScanHref } from "@/components/links";
import { ScansTable, TrendChart } from "@/components/scans/scans-table";
import { BUTTON_PRIMARY } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ESTATE_NAME, getStore } from "@/lib/store";
import { SchedulePanel } from "@/components/scans/schedule-panel";
import { scheduleFromEnv, type Schedule } from "@/lib/schedule/schedule";

/** The configured schedule, or none when SCAN_SCHEDULE is unset or invalid (the server log says which). */
function configuredSchedule(): Schedule | undefined {
  try {
    return scheduleFromEnv();
  } catch {
    return undefined;
  }
}

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Scans · Lockdown Auditor" };

export default async function ScansPage({ searchParams }: { searchParams: Promise<{ estate?: string | string[] }> }) {
  const given = (await searchParams).estate;
  const estate = typeof given === "string" && ESTATE_NAME.test(given) ? given : undefined;
  const store = await getStore();
  const [scans, estates] = await Promise.all([store.listScans(500, estate), store.listEstates()]);
  const schedule = configuredSchedule();
  const runs = schedule ? await store.scheduleRuns.list(1) : [];
  return (
    <>
      <PageHeader
        title="Scans"
        meta="Every stored audit, newest first. A scan never changes once stored, so share links keep showing what was found then."
        actions={
          <Link href={newScanHref({ estate })} className={BUTTON_PRIMARY}>
            New scan
          </Link>
        }
      />
      {schedule ? <SchedulePanel schedule={schedule} runs={runs} now={new Date()} /> : null}
      {estates.length > 1 || estate ? (
        <nav aria-label="Estates" className="mb-4 flex flex-wrap items-center gap-2 text-sm" data-testid="estate-filter">
          <span className="text-slate-500">Estate:</span>
          <Link href="/scans" aria-current={estate ? undefined : "page"} className={estate ? "text-indigo-700 hover:underline" : "font-semibold text-slate-900"}>
            All
          </Link>
          {estates.map((e) => (
            <Link key={e.name} href={`/scans?estate=${encodeURIComponent(e.name)}`} aria-current={e.name === estate ? "page" : undefined} className={e.name === estate ? "font-semibold text-slate-900" : "text-indigo-700 hover:underline"}>
              {e.name} <span className="text-xs text-slate-500">({e.scans})</span>
            </Link>
          ))}
        </nav>
      ) : null}
      {scans.length ? (
        <Card>
          <CardHeader title="History" description={`${scans.length} scan${scans.length === 1 ? "" : "s"}`} />
          {/* Its own row, as wide as the card allows: beside the title its drawn width (up to 36rem) overflowed a phone. */}
          {scans.length > 1 ? (
            <div className="border-b border-slate-100 px-4 py-3">
              <TrendChart scans={scans} />
            </div>
          ) : null}
          <ScansTable scans={scans} />
        </Card>
      ) : (
        <EmptyState title="No scan yet" action={<Link href="/scans/new" className={BUTTON_PRIMARY}>Upload a snapshot</Link>}>
          A scan audits a snapshot of your network against the CycleCloud locked-down requirements.
        </EmptyState>
      )}
    </>
  );
}
