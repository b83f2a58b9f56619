// A snapshot with nothing to audit because the live read behind it failed (every VNet list refused, the sign-in or the
// Resource Graph query failed): the read's own errors are the cause, not a missing `az network vnet list` export.
// CONTRACT §2: a live read that reached (none of) the estate is exit 3 with the failed calls, never an input hint.
import { InputError } from "@/lib/errors";
import type { ReadError } from "@/lib/report/types";
import { readErrorLine } from "@/lib/partial-read";

const NOTHING_READ_BRAND = Symbol.for("lockdown-auditor.NothingReadError");

/**
 * Thrown by loadSnapshot when the sources hold no subnet and the read behind them reported failed calls. Still an
 * InputError (the API answers 400 with its one line; an upload cannot be audited), but a caller that knows it made the
 * read (the CLI's `--live`, a saved read audited again) tells it apart with `isNothingReadError` and reports `errors`
 * as a partial read: exit 3. `file` is the source's name (`azure` for a live read).
 */
export class NothingReadError extends InputError {
  readonly [NOTHING_READ_BRAND] = true;

  constructor(
    file: string,
    readonly errors: readonly ReadError[],
  ) {
    super(file, "", `nothing to audit: the read behind it found no virtual network or subnet, and ${errors.length === 1 ? "one call" : `${errors.length} calls`} failed: ${readErrorLine(errors[0])}${errors.length > 1 ? " (and more; see readErrors)" : ""}`);
  }
}

/** True for a NothingReadError from any copy of this module (checked by brand: InputError's instanceof matches every InputError). */
export function isNothingReadError(value: unknown): value is NothingReadError {
  return typeof value === "object" && value !== null && (value as { [NOTHING_READ_BRAND]?: unknown })[NOTHING_READ_BRAND] === true;
}
