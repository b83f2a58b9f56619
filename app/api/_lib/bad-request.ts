// The API's own refusals (not the engine's InputError): HTTP status and one line, optionally naming the file.
// Kept free of Next imports so the scan worker (scan-worker.ts) can throw it too.

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = "BadRequest";
  }
}
