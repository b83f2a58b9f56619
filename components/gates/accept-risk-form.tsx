"use client";
// "Accept this risk": adds an exemption for one finding to its estate's list (POST /api/estates/<name>/exemptions),
// the same list `GET/PUT` serve and the CLI's --exemptions reads. From then on every report of the estate shows the
// finding as exempt until the expiry day or until its verdict gets worse (lib/gates/exemptions.ts).
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "../ui/button";
import { FIELD_INPUT, Field } from "../ui/field";

/** `YYYY-MM-DD` `days` after today (UTC): the default expiry, so an acceptance is reviewed, not forgotten. */
function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function AcceptRiskForm({ estate, findingId }: { estate: string; findingId: string }) {
  const router = useRouter();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [owner, setOwner] = useState("");
  const [expires, setExpires] = useState(inDays(90));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" className={BUTTON_SECONDARY} onClick={() => setOpen(true)} data-testid="accept-risk">
        Accept this risk
      </button>
    );
  }

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/estates/${encodeURIComponent(estate)}/exemptions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ finding: findingId, reason: reason.trim(), owner: owner.trim(), expires }),
      });
      if (!res.ok) {
        setError(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `The server answered ${res.status}.`);
        return;
      }
      setOpen(false);
      router.refresh();
    } catch (e) {
      setError(`Could not reach the server: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="w-full max-w-md space-y-2 rounded-lg border border-violet-200 bg-violet-50 p-3 text-sm"
      aria-label="Accept this risk"
      data-testid="accept-risk-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="text-xs text-slate-600">
        Recorded in the exemption list of estate <span className="font-medium">{estate}</span>; the finding shows as exempt until the expiry day or until its verdict gets worse.
      </p>
      <Field id={`${id}-reason`} label="Reason">
        {(control) => <input {...control} name="reason" required className={FIELD_INPUT} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. projects are staged locally" />}
      </Field>
      <Field id={`${id}-owner`} label="Owner">
        {(control) => <input {...control} name="owner" required className={FIELD_INPUT} value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="who answers for it" />}
      </Field>
      <Field id={`${id}-expires`} label="Expires">
        {(control) => <input {...control} name="expires" type="date" required min={new Date().toISOString().slice(0, 10)} className={FIELD_INPUT} value={expires} onChange={(e) => setExpires(e.target.value)} />}
      </Field>
      {error ? (
        <p role="alert" className="text-red-800" data-testid="accept-risk-error">
          {error}
        </p>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" className={BUTTON_PRIMARY} disabled={busy}>
          {busy ? "Saving…" : "Accept risk"}
        </button>
        <button type="button" className={BUTTON_SECONDARY} onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
