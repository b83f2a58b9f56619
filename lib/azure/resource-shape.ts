// SDK models are plain objects with `undefined` holes (and, for some types, Date values);
// the saved snapshot must be plain JSON that the loader reads like an `az` listing.
import type { ReadError } from "../report/types";

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

/**
 * Keeps the listed items that carry an id (giving a missing `type` the listed one); reports the rest
 * once per operation instead of failing the read.
 */
export function keepListed(items: unknown[], type: string, subscriptionId: string, operation: string, errors: ReadError[]): Record<string, unknown>[] {
  const kept: Record<string, unknown>[] = [];
  let missingId = 0;
  for (const item of items) {
    const resource = withType(item, type);
    if (resource) kept.push(resource);
    else missingId += 1;
  }
  if (missingId) {
    errors.push({ subscription: subscriptionId, operation, code: "InvalidResource", message: `${missingId} listed resource(s) had no id and were left out` });
  }
  return kept;
}
