// NOTE: a brand, not the class identity: Next may evaluate this module once per route bundle, and the store is one
// per process (lib/store/index.ts), so an InputError thrown by the store can come from another copy of this class.
const INPUT_ERROR_BRAND = Symbol.for("lockdown-auditor.InputError");

/**
 * Bad input from outside: a file, a flag, an upload. Rendered as one line,
 * `file: path: message`, by the CLI (exit 2) and the API (400). Never carries a stack to the user.
 * `instanceof InputError` holds for an InputError made by any copy of this module (see isInputError).
 */
export class InputError extends Error {
  readonly [INPUT_ERROR_BRAND] = true;

  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super([file, path, detail].filter(Boolean).join(": "));
    this.name = "InputError";
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return isInputError(value);
  }
}

/** True for an InputError from any copy of this module (each route bundle may hold its own): checks the brand. */
export function isInputError(value: unknown): value is InputError {
  return typeof value === "object" && value !== null && (value as { [INPUT_ERROR_BRAND]?: unknown })[INPUT_ERROR_BRAND] === true;
}

/** `[3].properties.securityRules[0].priority` from a zod/JSON path. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}
