// Seeds a database from a directory of snapshot files through the same Store API the app uses.
// Layout: <dir>/*.json is the estate (profile.json the profile, ServiceTags_*.json the service tags);
// <dir>/older/ (optional) the same for an earlier state, stored first so history has something to show.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { parseJsonFile, parseProfileJson, type Source } from "@/lib/snapshot";
import type { CreateScanInput, ScanRecord, Store } from "./store";

function readJson(file: string): Source {
  return { name: path.basename(file), value: parseJsonFile(path.basename(file), readFileSync(file, "utf8")) };
}

/** A profile file as the CLI reads it: a key given twice is refused (lib/snapshot/profile-text.ts). */
function readProfile(file: string): Source {
  return { name: path.basename(file), value: parseProfileJson(path.basename(file), readFileSync(file, "utf8")) };
}

/** The scan inputs a directory holds; a profile falls back to the parent's when the directory has none. */
export function inputsFromDirectory(dir: string, fallbackProfile?: string): Omit<CreateScanInput, "origin" | "label"> {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".json") && statSync(path.join(dir, f)).isFile())
    .sort();
  const sources: Source[] = [];
  let profile: Source | undefined;
  let serviceTags: Source | undefined;
  for (const f of files) {
    const full = path.join(dir, f);
    // profile.json is the profile; variants beside it (profile-return-proxy.json) are alternatives, not estate.
    if (/^profile.*\.json$/i.test(f)) {
      if (f.toLowerCase() === "profile.json") profile = readProfile(full);
    } else if (/^servicetags.*\.json$/i.test(f)) serviceTags = readJson(full);
    else sources.push(readJson(full));
  }
  if (!profile && fallbackProfile && existsSync(fallbackProfile)) profile = readProfile(fallbackProfile);
  return { sources, profile, serviceTags };
}

export function removeDatabase(file: string): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
}

/** Stores `<dir>/older` (when present) and then `<dir>` as scans; returns them oldest first. */
export async function seedFromDirectory(store: Store, dir: string, label = "Demo estate"): Promise<ScanRecord[]> {
  const scans: ScanRecord[] = [];
  const older = path.join(dir, "older");
  const ownProfile = path.join(dir, "profile.json");
  if (existsSync(older) && statSync(older).isDirectory()) {
    scans.push(await store.createScan({ ...inputsFromDirectory(older, ownProfile), origin: "demo", label: `${label}, earlier state` }));
  }
  scans.push(await store.createScan({ ...inputsFromDirectory(dir), origin: "demo", label }));
  return scans;
}
