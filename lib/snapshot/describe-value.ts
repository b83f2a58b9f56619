/** How a bad value is quoted in a one-line error: strings in JSON quotes, shapes by kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const quoted = JSON.stringify(value);
    return quoted.length > 80 ? `${quoted.slice(0, 76)}..."` : quoted;
  }
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return String(value);
}

const ARTICLE: Record<string, string> = {
  string: "a string",
  array: "an array",
  object: "an object",
  boolean: "true or false",
  number: "a number",
  int: "an integer",
};

export function expectedMessage(expected: string, got: unknown): string {
  return `expected ${ARTICLE[expected] ?? expected}, got ${describeValue(got)}`;
}
