// Lists in a finding's words, shared by the modules that write details and notes.

/** `a`, `a and b`, `a, b and c`: items joined as a sentence lists them; "" for none. */
export function andList(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}` : (items[0] ?? "");
}
