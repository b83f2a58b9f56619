"use client";
// Deletes one stored scan (DELETE /api/scans/<id>) after an explicit second click: the scan, its report and its
// inputs (when no other scan uses them) are gone for good, and share links to it stop working.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_SMALL } from "../ui/button";

export function DeleteScanButton({ scanId, seq }: { scanId: string; seq: number }) {
  const router = useRouter();
  const [state, setState] = useState<"idle" | "confirm" | "deleting">("idle");
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setState("deleting");
    setError(null);
    try {
      const res = await fetch(`/api/scans/${encodeURIComponent(scanId)}`, { method: "DELETE" });
      if (!res.ok && res.status !== 404) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`);
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setState("confirm");
    }
  }

  if (state === "idle") {
    return (
      <button type="button" className={BUTTON_SMALL} onClick={() => setState("confirm")} aria-label={`Delete scan #${seq}`} data-testid="delete-scan">
        Delete
      </button>
    );
  }
  return (
    <span className="inline-flex items-center gap-1" role="group" aria-label={`Confirm deleting scan #${seq}`}>
      <span className="text-slate-600">Delete #{seq}?</span>
      <button type="button" className={`${BUTTON_SMALL} text-red-700`} onClick={remove} disabled={state === "deleting"} data-testid="confirm-delete-scan">
        {state === "deleting" ? "Deleting…" : "Delete"}
      </button>
      <button type="button" className={BUTTON_SMALL} onClick={() => setState("idle")} disabled={state === "deleting"}>
        Cancel
      </button>
      {error ? (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
