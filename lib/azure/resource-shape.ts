// SDK models are plain objects with `undefined` holes (and, for some types, Date values);
// the saved snapshot must be plain JSON that the loader reads like an `az` listing.

export function toPlainJson<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** Every resource of the snapshot carries `id` and `type`; a model that lacks `type` gets the listed one. */
export function withType(resource: unknown, type: string): Record<string, unknown> | undefined {
  const plain = toPlainJson(resource);
  if (!plain || typeof plain !== "object" || Array.isArray(plain)) return undefined;
  const record = plain as Record<string, unknown>;
  if (typeof record.id !== "string" || !record.id) return undefined;
  if (typeof record.type !== "string" || !record.type) record.type = type;
  return record;
}
