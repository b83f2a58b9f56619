"use client";
// Changing a role (and the CycleCloud deployment it belongs to) stores it in the dashboard and re-audits the latest
// scan's inputs; the new scan opens.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { BUTTON_PRIMARY, BUTTON_SMALL } from "../ui/button";

const OPTIONS = [
  { value: "cyclecloud", label: "CycleCloud" },
  { value: "cluster", label: "Cluster" },
  { value: "returnProxy", label: "Return proxy" },
  { value: "none", label: "No role" },
];

// A tab cannot start a deployment name (names have no control characters), so this value never collides with one.
const NEW_DEPLOYMENT = "\tnew";
const SELECT =
  "rounded-md border border-slate-300 bg-white py-1.5 pl-2 pr-7 text-sm font-normal text-slate-900 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30";

/**
 * `deployments` are the scan's deployment names (CONTRACT §1.2); with any, a subnet given a role also picks its
 * deployment (an existing one or a new name). Without, the editor sets the role alone, as before deployments.
 */
export function RoleEditor({ subnetId, estate, role, overridden, deployment = null, deployments = [] }: {
  subnetId: string;
  /** The estate whose latest scan is re-audited (absent: the newest scan of any estate). */
  estate?: string;
  role: string | null;
  overridden: boolean;
  deployment?: string | null;
  deployments?: string[];
}) {
  const router = useRouter();
  const id = useId();
  const current = role ?? "none";
  const currentDeployment = deployment ?? deployments[0] ?? "";
  const [value, setValue] = useState(current);
  const [picked, setPicked] = useState(currentDeployment);
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const [saving, setSaving] = useState(false);

  const choosesDeployment = deployments.length > 0 && value !== "none";
  const target = picked === NEW_DEPLOYMENT ? newName.trim() : picked;
  const changed = value !== current || (choosesDeployment && target !== currentDeployment);

  async function send(body: { subnetId: string; role: string | null; deployment?: string }) {
    setSaving(true);
    setError(null);
    try {
      const res = await fetch("/api/roles", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(estate ? { ...body, estate } : body) });
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
      id="role-editor"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (choosesDeployment && !target) {
          setError("name the new deployment");
          return;
        }
        // The deployment is sent only when it changes: the engine keeps the profile's (or its first) otherwise.
        const moves = choosesDeployment && target !== currentDeployment;
        void send({ subnetId, role: value, ...(moves ? { deployment: target } : {}) });
      }}
      aria-describedby={`${id}-help`}
    >
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600" htmlFor={`${id}-role`}>
        Role
        <select id={`${id}-role`} value={value} onChange={(e) => setValue(e.target.value)} disabled={busy} className={SELECT}>
          {OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {choosesDeployment ? (
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600" htmlFor={`${id}-deployment`}>
          Deployment
          <select id={`${id}-deployment`} value={picked} onChange={(e) => setPicked(e.target.value)} disabled={busy} className={SELECT} data-testid="role-deployment">
            {deployments.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            <option value={NEW_DEPLOYMENT}>New deployment…</option>
          </select>
        </label>
      ) : null}
      {choosesDeployment && picked === NEW_DEPLOYMENT ? (
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600" htmlFor={`${id}-new`}>
          New deployment name
          <input
            id={`${id}-new`}
            value={newName}
            maxLength={100}
            onChange={(e) => setNewName(e.target.value)}
            disabled={busy}
            className="rounded-md border border-slate-300 px-2 py-1.5 text-sm font-normal text-slate-900 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30"
          />
        </label>
      ) : null}
      <button type="submit" className={BUTTON_PRIMARY} disabled={busy || !changed}>
        {busy ? "Re-auditing…" : "Save and re-audit"}
      </button>
      {overridden ? (
        <button type="button" className={BUTTON_SMALL} disabled={busy} onClick={() => void send({ subnetId, role: null })}>
          Use the profile&apos;s role
        </button>
      ) : null}
      <p id={`${id}-help`} className="w-full text-xs text-slate-500">
        {overridden ? "Set in the dashboard; it overrides the uploaded profile. " : ""}Saving re-audits the latest scan with this role
        {choosesDeployment ? " and deployment (flows are checked only within a deployment)" : ""} and stores it as a new scan.
      </p>
      {error ? (
        <p role="alert" className="w-full text-xs font-medium text-red-700">
          Could not change the role: {error}
        </p>
      ) : null}
    </form>
  );
}
