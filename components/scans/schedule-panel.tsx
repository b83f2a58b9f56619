// The scans page's line about scheduled live scans (SCAN_SCHEDULE): the interval, the estate, the last run and
// when the next one is due (counted from the last run in the store, as the server's scheduler does).
import Link from "next/link";
import type { ScheduleRun } from "@/lib/store";
import type { Schedule } from "@/lib/schedule/schedule";
import { nextDue } from "@/lib/schedule/schedule";
import { scanHref } from "../links";
import { Time } from "../ui/time";

export function SchedulePanel({ schedule, runs, now }: { schedule: Schedule; runs: ScheduleRun[]; now: Date }) {
  const last = runs[0];
  const due = nextDue(last?.dueAt, schedule.everyMs, now);
  return (
    <section aria-label="Scheduled live scans" className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm" data-testid="schedule-panel">
      <p>
        <span className="font-medium text-slate-900">Scheduled live scans</span> <span className="text-slate-600">{schedule.text}, into estate</span>{" "}
        <Link href={`/scans?estate=${encodeURIComponent(schedule.estate)}`} className="text-indigo-700 hover:underline">
          {schedule.estate}
        </Link>
        <span className="text-slate-600">
          {" "}
          · next <Time iso={due} />
        </span>
      </p>
      {last ? (
        <p className="mt-1 text-xs text-slate-600" data-testid="schedule-last-run">
          Last run (due <Time iso={last.dueAt} />):{" "}
          {last.state === "running" ? "running" : last.state === "failed" ? <span className="text-red-700">failed: {last.message}</span> : "done"}
          {last.scanId ? (
            <>
              {" "}
              ·{" "}
              <Link href={scanHref(last.scanId)} className="text-indigo-700 hover:underline">
                its scan
              </Link>
            </>
          ) : null}
          {last.state === "done" && last.message ? <span className="text-amber-800"> · {last.message}</span> : null}
        </p>
      ) : (
        <p className="mt-1 text-xs text-slate-600">No scheduled scan has run yet.</p>
      )}
    </section>
  );
}
