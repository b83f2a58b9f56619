// NOTE: a brand, not the class identity: Next may evaluate this module once per route bundle, and the store is one
// per process (lib/store/index.ts), so an InputError thrown by the store can come from another copy of this class.
const INPUT_ERROR_BRAND = Symbol.for("lockdown-auditor.InputError");

// Characters that would break the one line or reorder it on a terminal: C0 and C1 controls (a newline in a rule name
// would print a second, forged `error:` line), and the Unicode bidirectional controls and line separators
// (U+202E would show the rest of the line reversed). https://www.unicode.org/reports/tr9/#Directional_Formatting_Characters
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * `text` on one printable line: each control or bidi character as its escape (`\n`, `\u202e`), the rest as is.
 * Messages quote names and values from the input; this keeps what a user sees the message, not what a file says.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Bad input from outside: a file, a flag, an upload. Rendered as one line,
 * `file: path: message`, by the CLI (exit 2) and the API (400). Never carries a stack to the user.
 * The message is `printable`: input quoted in it (a rule name with a newline or U+202E) cannot split or reorder it;
 * `file`, `path` and `detail` keep the text as given.
 * `instanceof InputError` holds for an InputError made by any copy of this module (see isInputError).
 */
export class InputError extends Error {
  readonly [INPUT_ERROR_BRAND] = true;

  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(printable([file, path, detail].filter(Boolean).join(": ")));
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
