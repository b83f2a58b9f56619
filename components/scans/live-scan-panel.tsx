"use client";
// "Scan from Azure": starts a read-only live read on the server into the chosen estate (POST /api/scans/live?estate=),
// shows the subscriptions read so far as a progress bar, and opens the stored scan when the audit is done.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { LiveJob as Job } from "@/lib/store/live-jobs";
import { BUTTON_PRIMARY } from "../ui/button";
import { scanHref } from "../links";
import { EstateField } from "./estate-field";

const POLL_MS = 600;

/** `defaultEstate`: the estate being viewed when "New scan" was opened; `estates`: names offered as suggestions. */
export function LiveScanPanel({ defaultEstate = "default", estates }: { defaultEstate?: string; estates?: string[] } = {}) {
  const router = useRouter();
  const [estate, setEstate] = useState(defaultEstate);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = job?.state === "reading" || job?.state === "auditing";

  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(async () => {
      try {
        const res = await fetch(`/api/scans/live/${job.id}`, { cache: "no-store" });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
        setJob(body);
        if (body.state === "done" && body.scanId) router.push(scanHref(body.scanId));
      } catch (e) {
        setError((e as Error).message);
        setJob(null);
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job, running, router]);

  async function start() {
    setError(null);
    try {
      const res = await fetch(`/api/scans/live?estate=${encodeURIComponent(estate.trim())}`, { method: "POST" });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      setJob(body);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const percent = job && job.total ? Math.round((100 * job.done) / job.total) : 0;
  return (
    <section aria-labelledby="live-heading" className="rounded-lg border border-slate-200 bg-white px-4 py-4">
      <h2 id="live-heading" className="text-sm font-semibold text-slate-900">
        From Azure
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Read the network of every subscription the server&apos;s Azure identity can see (read-only: GET requests, and POSTs that only read: the Resource Graph query, deployment status, effective routes), audit it with the roles of the estate&apos;s
        latest scan, and store it as a new scan of that estate.
      </p>
      <div className="mt-3">
        <EstateField value={estate} onChange={setEstate} estates={estates} label="Into estate" name="liveEstate" disabled={running} testId="live-estate" />
      </div>
      <button type="button" className={`${BUTTON_PRIMARY} mt-3`} onClick={start} disabled={running}>
        {running ? "Reading Azure…" : "Scan from Azure"}
      </button>
      {job && (
        <div className="mt-3" aria-live="polite">
          <div
            role="progressbar"
            aria-label="Subscriptions read"
            aria-valuemin={0}
            aria-valuemax={job.total || 1}
            aria-valuenow={job.done}
            className="h-2 w-full overflow-hidden rounded-full bg-slate-100"
          >
            <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${job.state === "reading" ? percent : 100}%` }} />
          </div>
          <p className="mt-1 text-xs text-slate-600">
            {job.state === "reading" && readingText(job.done, job.total)}
            {job.state === "auditing" && "Auditing…"}
            {job.state === "done" && "Done — opening the scan…"}
            {running && <span className="text-slate-500"> Storing into estate {job.estate}.</span>}
            {job.state === "failed" && (job.message ?? "The live read failed.")}
          </p>
          {job.errors.length > 0 && (
            <ul className="mt-2 space-y-1 text-xs text-amber-800">
              {job.errors.slice(0, 5).map((e, i) => (
                <li key={i}>
                  <span className="font-mono">{e.code}</span> {e.operation} ({e.subscription}): {e.message}
                </li>
              ))}
              {job.errors.length > 5 && <li>…and {job.errors.length - 5} more (listed in the scan&apos;s report).</li>}
            </ul>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <p className="mt-3 text-xs text-slate-500">Or from a shell, then upload the saved snapshot:</p>
      <pre className="mt-1 whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 text-xs text-slate-100">
        <code>npm run --silent audit -- --live --save estate.json</code>
      </pre>
    </section>
  );
}

/**
 * What the read is doing: listing subscriptions, reading them, then (every subscription read, the bar full) the calls
 * that follow the lists: effective route tables (long-running operations) and service tags (lib/azure/index.ts).
 */
export function readingText(done: number, total: number): string {
  if (!total) return "Signing in and listing subscriptions…";
  const read = `${done} of ${total} subscription${total === 1 ? "" : "s"} read`;
  return done < total ? read : `${read}; asking for effective route tables and service tags…`;
}
