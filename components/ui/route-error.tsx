"use client";
import Link from "next/link";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "./button";

/** The error state of a route segment: what failed, a retry, and a way back. */
export function RouteError({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  const digest = error && typeof error === "object" && "digest" in error ? String((error as { digest?: string }).digest ?? "") : "";
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-base font-semibold text-red-700">Could not load {what}</h1>
      <p className="mt-1 text-sm text-slate-600">
        The server could not produce this page. Nothing was changed. Try again; if it keeps failing, the server log has the details
        {digest ? (
          <>
            {" "}
            under reference <code className="rounded bg-slate-100 px-1">{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="mt-4 flex gap-2">
        {retry ? (
          <button type="button" className={BUTTON_PRIMARY} onClick={() => retry()}>
            Try again
          </button>
        ) : null}
        <Link href="/" className={BUTTON_SECONDARY}>
          Back to overview
        </Link>
      </div>
    </div>
  );
}
