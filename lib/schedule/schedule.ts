// SCAN_SCHEDULE: how often the server reads Azure by itself. One simple form, `every <N><unit>` (s, m, h, d), e.g.
// `every 6h`, `every 30m`, `every 1d`: a fixed interval counted from the previous scheduled scan in the store, so
// a restart neither runs it twice nor forgets it.
import { InputError } from "@/lib/errors";
import { DEFAULT_ESTATE, parseEstateName } from "@/lib/store/estates";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export interface Schedule {
  /** The setting as given, e.g. `every 6h`. */
  text: string;
  /** Interval between scheduled scans, in milliseconds (at least 1 s). */
  everyMs: number;
  /** The estate scheduled scans are stored in (SCHEDULE_ESTATE, default `default`). */
  estate: string;
}

/**
 * `every 6h` → 6 hours. Accepts `every <whole number ≥ 1><s|m|h|d>` (a space before the unit is allowed).
 * @throws InputError naming SCAN_SCHEDULE when the text is not of that form.
 */
export function parseScheduleText(text: string): number {
  const m = /^every\s+(\d{1,6})\s*([smhd])$/i.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new InputError("environment", "SCAN_SCHEDULE", `expected "every <N><s|m|h|d>" such as "every 6h", got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNIT_MS[m[2].toLowerCase() as keyof typeof UNIT_MS];
}

/**
 * The schedule the environment sets: SCAN_SCHEDULE (unset or empty: none) and SCHEDULE_ESTATE.
 * @throws InputError naming the variable at fault.
 */
export function scheduleFromEnv(env: Record<string, string | undefined> = process.env): Schedule | undefined {
  const text = env.SCAN_SCHEDULE?.trim();
  if (!text) return undefined;
  return { text, everyMs: parseScheduleText(text), estate: env.SCHEDULE_ESTATE?.trim() ? parseEstateName(env.SCHEDULE_ESTATE, "environment", "SCHEDULE_ESTATE") : DEFAULT_ESTATE };
}

/**
 * When the next scheduled scan is due (ISO time): the last one's due time plus the interval; when the server was
 * down for several intervals, the latest of the missed ones (one catch-up scan, not a burst). No scheduled scan
 * yet: due now.
 */
export function nextDue(lastDueAt: string | undefined, everyMs: number, now: Date): string {
  if (!lastDueAt) return now.toISOString();
  const last = Date.parse(lastDueAt);
  const next = last + everyMs;
  if (next > now.getTime()) return new Date(next).toISOString();
  const missed = Math.floor((now.getTime() - last) / everyMs);
  return new Date(last + missed * everyMs).toISOString();
}
