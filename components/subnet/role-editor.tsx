"use client";
// Changing a role stores it for this deployment and re-audits the latest scan's inputs; the new scan opens.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { BUTTON_PRIMARY, BUTTON_SMALL } from "../ui/button";

const OPTIONS = [
  { value: "cyclecloud", label: "CycleCloud" },
  { value: "cluster", label: "Cluster" },
  { value: "returnProxy", label: "Return proxy" },
  { value: "none", label: "No role" },
];

export function RoleEditor({ subnetId, role, overridden }: { subnetId: string; role: string | null; overridden: boolean }) {
  const router = useRouter();
  const id = useId();
  const current = role ?? "none";
  const [value, setValue] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [saving, setSaving] = useState(false);

  async function send(body: { subnetId: string; role: string | null }) {
    setSaving(true);
    setError(null);
    try {
      const res = await fetch("/api/roles", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const data = (await res.json().catch(() => ({}))) as { subnetUrl?: string; error?: string };
      if (!res.ok || !data.subnetUrl) throw new Error(data.error ?? `the server answered ${res.status}`);
      startTransition(() => router.push(data.subnetUrl!));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  const busy = saving || pending;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void send({ subnetId, role: value });
      }}
      aria-describedby={`${id}-help`}
    >
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600" htmlFor={`${id}-role`}>
        Role
        <select
          id={`${id}-role`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          disabled={busy}
          className="rounded-md border border-slate-300 bg-white py-1.5 pl-2 pr-7 text-sm font-normal text-slate-900 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30"
        >
          {OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={BUTTON_PRIMARY} disabled={busy || value === current}>
        {busy ? "Re-auditing…" : "Save and re-audit"}
      </button>
      {overridden ? (
        <button type="button" className={BUTTON_SMALL} disabled={busy} onClick={() => void send({ subnetId, role: null })}>
          Use the profile&apos;s role
        </button>
      ) : null}
      <p id={`${id}-help`} className="w-full text-xs text-slate-500">
        {overridden ? "Set in the dashboard; it overrides the uploaded profile. " : ""}Saving re-audits the latest scan with this role and stores it as a new scan.
      </p>
      {error ? (
        <p role="alert" className="w-full text-xs font-medium text-red-700">
          Could not change the role: {error}
        </p>
      ) : null}
    </form>
  );
}
