// The API's own refusals (not the engine's InputError): HTTP status and one line, optionally naming the file.
// Kept free of Next imports so the scan worker (scan-worker.ts) can throw it too.

// A brand, as InputError has (lib/errors.ts): a route bundle's own copy of this class must still be recognised.
const BAD_REQUEST_BRAND = Symbol.for("lockdown-auditor.BadRequest");

export class BadRequest extends Error {
  readonly [BAD_REQUEST_BRAND] = true;

  constructor(
    message: string,
    readonly file?: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "BadRequest";
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isBadRequest(value);
  }
}

/** True for a BadRequest from any copy of this module. */
export function isBadRequest(value: unknown): value is BadRequest {
  return typeof value === "object" && value !== null && (value as { [BAD_REQUEST_BRAND]?: unknown })[BAD_REQUEST_BRAND] === true;
}
