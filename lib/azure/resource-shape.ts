// What the reader keeps is what ARM sent: items parsed from ARM's JSON answers (list pages captured
// in the pipeline, Resource Graph rows), so already plain JSON the loader reads like an `az` listing.
import type { ReadError } from "../report/types";

/** Every resource of the snapshot carries `id` and `type`; an item that lacks `type` gets the listed one (in place). */
export function withType(resource: unknown, type: string): Record<string, unknown> | undefined {
  if (!resource || typeof resource !== "object" || Array.isArray(resource)) return undefined;
  const record = resource as Record<string, unknown>;
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
