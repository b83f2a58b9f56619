// Estates: the named scopes scans belong to (a tenant, a landing zone, a lab). History, "latest", "changed since
// the previous scan", share links, retention and exemptions are all per estate.
import { InputError } from "@/lib/errors";

/** The estate of every scan stored before estates existed, and of a scan created without one. */
export const DEFAULT_ESTATE = "default";

/** 1-64 letters, digits, spaces and `-_.`; no leading or trailing space (names appear in URLs and labels). */
export const ESTATE_NAME = /^[A-Za-z0-9_.-](?:[A-Za-z0-9 _.-]{0,62}[A-Za-z0-9_.-])?$/;

/**
 * An estate name from outside (form field, JSON body, URL segment), trimmed; absent or empty → `default`.
 * @throws InputError naming `file` and `field` when the name is not 1-64 letters, digits, spaces or `-_.`.
 */
export function parseEstateName(value: unknown, file = "request", field = "estate"): string {
  if (value === undefined || value === null) return DEFAULT_ESTATE;
  if (typeof value !== "string") throw new InputError(file, field, `expected an estate name (string), got ${typeof value}`);
  const name = value.trim();
  if (!name) return DEFAULT_ESTATE;
  if (!ESTATE_NAME.test(name)) throw new InputError(file, field, `expected an estate name of 1-64 letters, digits, spaces or - _ . (got ${JSON.stringify(value.slice(0, 80))})`);
  return name;
}

/** How many scans of an estate to keep: the last `scans` and/or those younger than `days` (both: both must hold). */
export interface RetentionPolicy {
  scans?: number;
  days?: number;
}

/**
 * RETAIN_SCANS=N (keep the last N scans of each estate) and RETAIN_DAYS=D (delete scans older than D days);
 * unset or empty: keep everything.
 * @throws InputError naming the variable when it is not a positive whole number.
 */
export function retentionFromEnv(env: Record<string, string | undefined> = process.env): RetentionPolicy {
  const read = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InputError("environment", name, `expected a whole number of at least 1, got ${JSON.stringify(raw)}`);
    return Number(raw);
  };
  const policy: RetentionPolicy = {};
  const scans = read("RETAIN_SCANS");
  const days = read("RETAIN_DAYS");
  if (scans !== undefined) policy.scans = scans;
  if (days !== undefined) policy.days = days;
  return policy;
}
