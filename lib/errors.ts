/**
 * Bad input from outside: a file, a flag, an upload. Rendered as one line,
 * `file: path: message`, by the CLI (exit 2) and the API (400). Never carries a stack to the user.
 */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super([file, path, detail].filter(Boolean).join(": "));
    this.name = "InputError";
  }
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
