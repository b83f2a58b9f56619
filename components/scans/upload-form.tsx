"use client";
// A new scan from files: drop or pick several JSON files (any shape of CONTRACT §1.1), optionally a profile and a
// service tags file. Each file is checked in the browser first; the server's verdict lands next to the file at fault.
import { useRouter } from "next/navigation";
import { useId, useRef, useState, type DragEvent } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "../ui/button";
import { FIELD_INPUT, Field } from "../ui/field";
import { EstateField } from "./estate-field";
import { type UploadKind as Kind, checkAs, classifyUpload } from "./classify-upload";

const KIND_LABEL: Record<Kind, string> = { snapshot: "Snapshot", profile: "Profile", serviceTags: "Service tags" };
const MAX_BYTES = 50 * 1024 * 1024;

interface Entry {
  key: number;
  file: File;
  kind: Kind;
  summary?: string;
  error?: string;
  notice?: string;
  /** The parsed JSON, kept to check the file again when "Use as" changes; absent when it could not be read. */
  value?: unknown;
  /** "Use as" was chosen by hand: the file's own check, when it arrives later, keeps that choice. */
  chosen?: true;
}

async function inspect(file: File): Promise<Pick<Entry, "kind" | "summary" | "error" | "notice" | "value">> {
  if (file.size > MAX_BYTES) return { kind: "snapshot", error: `larger than 50 MB (${(file.size / 1048576).toFixed(1)} MB)` };
  if (file.size === 0) return { kind: "snapshot", error: "the file is empty" };
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch (e) {
    return { kind: "snapshot", error: `not valid JSON: ${(e as Error).message}` };
  }
  // The server's own checks (lib/snapshot), so a profile is never taken as a snapshot here and dropped there.
  return { ...classifyUpload(file.name, value), value };
}

/** The entry taken as `kind`: checked again as that kind when its JSON was read, else it keeps its read error. */
function takenAs(entry: Entry, kind: Kind): Entry {
  if (!("value" in entry)) return { ...entry, kind };
  const { summary, error, notice } = checkAs(kind, entry.file.name, entry.value);
  return { ...entry, kind, summary, error, notice };
}

/** An entry when its file's check arrives: as the check classified it, unless "Use as" was chosen meanwhile. */
function checked(entry: Entry, result: Awaited<ReturnType<typeof inspect>>): Entry {
  return entry.chosen ? takenAs({ ...entry, ...result, kind: entry.kind }, entry.kind) : { ...entry, ...result, summary: result.summary };
}

/** `defaultEstate`: the estate being viewed when "New scan" was opened; `estates`: names offered as suggestions. */
/**
 * `latestScan`: the newest scan of any estate; `latestByEstate`: each estate's newest scan number. Without a profile
 * file the upload takes the roles of the chosen estate's latest scan, else of the newest of any, and the form names it.
 */
export function UploadForm({ latestScan, latestByEstate = {}, defaultEstate = "default", estates }: { latestScan?: { seq: number }; latestByEstate?: Record<string, number>; defaultEstate?: string; estates?: string[] }) {
  const router = useRouter();
  const inputId = useId();
  const labelId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const nextKey = useRef(1);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [dragging, setDragging] = useState(false);
  const [rolesFrom, setRolesFrom] = useState<"latest" | "none">(latestScan ? "latest" : "none");
  const [label, setLabel] = useState("");
  const [estate, setEstate] = useState(defaultEstate);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add(files: FileList | File[]) {
    setFormError(null);
    const added: Entry[] = [...files].map((file) => ({ key: nextKey.current++, file, kind: "snapshot", summary: "checking…" }));
    setEntries((list) => [...list, ...added]);
    for (const entry of added) {
      const result = await inspect(entry.file);
      setEntries((list) => list.map((e) => (e.key === entry.key ? checked(e, result) : e)));
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    if (e.dataTransfer.files.length) void add(e.dataTransfer.files);
  }

  const profiles = entries.filter((e) => e.kind === "profile");
  const snapshots = entries.filter((e) => e.kind === "snapshot");
  const localErrors = entries.some((e) => e.error) || profiles.length > 1;

  async function submit() {
    setFormError(null);
    if (!snapshots.length) return setFormError("Add at least one snapshot file.");
    if (localErrors) return setFormError("Fix or remove the files marked in red first.");
    setBusy(true);
    const form = new FormData();
    for (const e of entries) form.append(e.kind, e.file, e.file.name);
    if (!profiles.length) form.append("rolesFrom", rolesFrom);
    if (label.trim()) form.append("label", label.trim());
    form.append("estate", estate.trim());
    try {
      const res = await fetch("/api/scans", { method: "POST", body: form });
      const data = (await res.json().catch(() => ({}))) as { url?: string; error?: string; file?: string };
      if (res.status === 201 && data.url) {
        router.push(data.url);
        return;
      }
      const message = data.error ?? `The server answered ${res.status}.`;
      const culprit = data.file ? entries.find((e) => e.file.name === data.file) : undefined;
      if (culprit) setEntries((list) => list.map((e) => (e.file.name === data.file ? { ...e, error: message } : e)));
      else setFormError(message);
      setBusy(false);
    } catch (e) {
      setFormError(`Could not reach the server: ${(e as Error).message}`);
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      className="space-y-5"
      noValidate
    >
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
        className={`rounded-lg border-2 border-dashed px-6 py-10 text-center transition-colors ${dragging ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white"}`}
      >
        <p className="text-sm font-medium text-slate-900">Drop JSON files here</p>
        <p className="mt-1 text-xs text-slate-500">
          VNets, subnets, NSGs, route tables, NICs, ASGs, private endpoints — as <code>az … list</code>, an ARM <code>{"{ value }"}</code> list, Resource Graph{" "}
          <code>{"{ data }"}</code> or a saved snapshot. Several files are merged. Add a profile and a ServiceTags_Public file if you have them.
        </p>
        <div className="mt-4">
          <label htmlFor={inputId} className={`${BUTTON_SECONDARY} cursor-pointer`}>
            Choose files
          </label>
          <input
            ref={inputRef}
            id={inputId}
            type="file"
            multiple
            accept=".json,application/json"
            className="sr-only"
            data-testid="file-input"
            onChange={(e) => {
              if (e.target.files?.length) void add(e.target.files);
              e.target.value = "";
            }}
          />
        </div>
      </div>

      {entries.length ? (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" aria-label="Files for this scan">
          {entries.map((entry) => (
            <li key={entry.key} className="flex flex-wrap items-start gap-3 px-4 py-3" data-testid="upload-file" data-file-name={entry.file.name} data-invalid={entry.error ? true : undefined}>
              <div className="min-w-0 flex-1">
                <div className="truncate text-sm font-medium text-slate-900">{entry.file.name}</div>
                <div className="text-xs text-slate-500">
                  {(entry.file.size / 1024).toFixed(1)} KB{entry.summary && !entry.error ? ` · ${entry.summary}` : ""}
                </div>
                {entry.error ? (
                  <p role="alert" className="mt-1 break-words text-xs font-medium text-red-700" data-testid="file-error">
                    {entry.error}
                  </p>
                ) : null}
                {entry.notice && !entry.error ? (
                  <p role="status" className="mt-1 break-words text-xs font-medium text-amber-800" data-testid="file-notice">
                    {entry.notice}
                  </p>
                ) : null}
                {entry.kind === "profile" && profiles.length > 1 && profiles[1] === entry ? (
                  <p role="alert" className="mt-1 text-xs font-medium text-red-700">
                    Only one profile per scan.
                  </p>
                ) : null}
              </div>
              <label className="flex items-center gap-2 text-xs text-slate-600">
                <span>Use as</span>
                <select
                  value={entry.kind}
                  onChange={(e) => setEntries((list) => list.map((x) => (x.key === entry.key ? { ...takenAs(x, e.target.value as Kind), chosen: true } : x)))}
                  className="rounded-md border border-slate-300 bg-white py-1 pl-2 pr-7 text-xs"
                  aria-label={`Use ${entry.file.name} as`}
                >
                  {(Object.keys(KIND_LABEL) as Kind[]).map((k) => (
                    <option key={k} value={k}>
                      {KIND_LABEL[k]}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="rounded px-2 py-1 text-xs font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                onClick={() => setEntries((list) => list.filter((x) => x.key !== entry.key))}
                aria-label={`Remove ${entry.file.name}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      {profiles.length === 0 ? (
        <fieldset className="rounded-lg border border-slate-200 bg-white px-4 py-3">
          <legend className="px-1 text-sm font-medium text-slate-900">Roles</legend>
          <p className="mb-2 text-xs text-slate-500">No profile file among these. Which subnet plays which part?</p>
          <div className="space-y-1.5 text-sm">
            {latestScan ? (
              <label className="flex items-center gap-2">
                <input type="radio" name="rolesFrom" value="latest" checked={rolesFrom === "latest"} onChange={() => setRolesFrom("latest")} />
                The same profile as the latest scan (#{latestByEstate[estate.trim()] ?? latestScan.seq}
                {latestByEstate[estate.trim()] === undefined && estate.trim() ? `, of any estate: ${estate.trim()} has none yet` : ""})
              </label>
            ) : null}
            <label className="flex items-center gap-2">
              <input type="radio" name="rolesFrom" value="none" checked={rolesFrom === "none"} onChange={() => setRolesFrom("none")} />
              No profile: every subnet starts unscoped (set roles on subnet pages)
            </label>
          </div>
          <p className="mt-2 text-xs text-slate-500">Roles set in the dashboard apply on top either way.</p>
        </fieldset>
      ) : null}

      <EstateField value={estate} onChange={setEstate} estates={estates} />

      <Field
        id={labelId}
        className="max-w-md"
        label={
          <>
            Label <span className="font-normal text-slate-500">(optional)</span>
          </>
        }
      >
        {(control) => <input {...control} type="text" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="e.g. after change CHG0042" className={FIELD_INPUT} />}
      </Field>

      {formError ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-error">
          {formError}
        </p>
      ) : null}

      <div className="flex items-center gap-3">
        <button type="submit" className={BUTTON_PRIMARY} disabled={busy}>
          {busy ? "Auditing…" : "Run audit"}
        </button>
        <span className="text-xs text-slate-500">
          {snapshots.length} snapshot file{snapshots.length === 1 ? "" : "s"}
          {profiles.length ? ", 1 profile" : ""}
        </span>
      </div>
    </form>
  );
}
