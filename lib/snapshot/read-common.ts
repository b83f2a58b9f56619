import { idParts, keyOf, lastSegment } from "./arm-id";
import type { JsonPath } from "./validate";

/** Identity fields every top-level resource carries, taken from its validated envelope. */
export interface ResourceBase {
  id: string;
  key: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
}

export interface Envelope {
  id: string;
  name?: string | null;
  location?: string | null;
  resourceGroup?: string | null;
}

export function baseOf(envelope: Envelope): ResourceBase {
  const parts = idParts(envelope.id);
  const base: ResourceBase = {
    id: envelope.id,
    key: keyOf(envelope.id),
    name: envelope.name ?? lastSegment(envelope.id),
    subscriptionId: parts.subscriptionId,
    // The id is authoritative; `resourceGroup` (flattened form) only fills in for odd ids.
    resourceGroup: parts.resourceGroup || (envelope.resourceGroup ?? ""),
  };
  if (envelope.location) base.location = envelope.location;
  return base;
}

export function refKey(ref: { id: string } | null | undefined): string | undefined {
  return ref ? keyOf(ref.id) : undefined;
}

export function refKeys(refs: ReadonlyArray<{ id: string }> | null | undefined): string[] {
  return refs ? refs.map((ref) => keyOf(ref.id)) : [];
}

/** Singular + plural ARM fields (`sourceAddressPrefix` + `sourceAddressPrefixes`) as one list, blanks dropped. */
export function mergeSingularPlural(
  single: string | null | undefined,
  plural: ReadonlyArray<string | null | undefined> | null | undefined,
): string[] {
  // Most lists hold a few entries (250,000 rules in the benchmark): an array with `includes` is
  // cheapest there, a Set per call costs GC time. One rule may list 160,000 prefixes, so long lists
  // go through a Set.
  if (!plural || plural.length <= 16) {
    const out: string[] = single ? [single] : [];
    if (plural) for (const item of plural) if (item && !out.includes(item)) out.push(item);
    return out;
  }
  const out = new Set<string>(single ? [single] : []);
  for (const item of plural) if (item) out.add(item);
  return [...out];
}

export const child = (at: JsonPath, field: string, index: number): JsonPath => [...at, field, index];
