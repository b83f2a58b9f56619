// An estate's stored exemption list: the same JSON array as the CLI's `--exemptions FILE` (CONTRACT §2 "Gates and
// accepted risk"), validated by lib/gates/exemptions.ts, so the dashboard and CI read one format.
import { parseExemptions, type Exemption } from "@/lib/gates/exemptions";

/** The list as stored: the file's JSON rows, and when it was last written (null: never set). */
export interface StoredExemptions {
  estate: string;
  list: unknown[];
  updatedAt: string | null;
}

/** The name an estate's list has in error messages (as a file would). */
export function exemptionsFileName(estate: string): string {
  return `exemptions of estate ${estate}`;
}

/**
 * Validates a list before it is stored.
 * @throws InputError naming `file` and the JSON path at fault (`[0].expires: expected a date YYYY-MM-DD`).
 */
export function validateExemptionList(value: unknown, file: string): { list: unknown[]; parsed: Exemption[] } {
  const parsed = parseExemptions(file, value);
  return { list: value as unknown[], parsed };
}
