// The input shapes of CONTRACT §1.1, reduced to one list of raw resources plus where it sits
// in the file (so errors can name `value[2]...`, `data[0]...` or `[3]...`).
import { InputError } from "@/lib/errors";
import { describeValue, expectedMessage } from "./describe-value";
import { z } from "zod";
import { type JsonPath, inputError, isObject, parseWith } from "./validate";

/** A failed call of the live read behind a saved snapshot, as the report's `errors` hold it (CONTRACT §3). */
const readErrorsSchema = z.array(z.strictObject({ subscription: z.string(), operation: z.string(), code: z.string(), message: z.string() }));

export interface UnwrappedSource {
  items: unknown[];
  /** Path of the list in the file; undefined when the file is a single resource (its path is the root). */
  listAt?: JsonPath;
  /** `serviceTags` and `capturedAt` of the product's own saved snapshot. */
  serviceTags?: unknown;
  capturedAt?: string;
  /** The calls a partial live read could not make, saved with its snapshot (`readErrors`). */
  readErrors?: z.output<typeof readErrorsSchema>;
}

const LIST_FIELDS = ["value", "data", "resources"] as const;

export function unwrapSource(file: string, value: unknown): UnwrappedSource {
  if (Array.isArray(value)) return { items: value, listAt: [] };
  if (!isObject(value)) {
    throw new InputError(file, "", `expected Azure resources (an array, {"value": [...]}, {"data": [...]} or {"resources": [...]}), got ${describeValue(value)}`);
  }
  // A typed object is one resource (`az ... show`), even if it happens to carry a list field.
  if (typeof value.type === "string") return { items: [value] };
  for (const field of LIST_FIELDS) {
    if (!(field in value)) continue;
    const list = value[field];
    if (!Array.isArray(list)) throw inputError(file, [field], expectedMessage("array", list));
    const out: UnwrappedSource = { items: list, listAt: [field] };
    if (field === "resources") {
      if (value.serviceTags !== undefined && value.serviceTags !== null) out.serviceTags = value.serviceTags;
      const capturedAt = value.capturedAt;
      if (capturedAt !== undefined && capturedAt !== null) {
        if (typeof capturedAt !== "string") throw inputError(file, ["capturedAt"], expectedMessage("string", capturedAt));
        out.capturedAt = capturedAt;
      }
      if (value.readErrors !== undefined && value.readErrors !== null) out.readErrors = parseWith(readErrorsSchema, value.readErrors, file, ["readErrors"]);
    }
    return out;
  }
  // An untyped object (a sub-resource example, some other payload): nothing to read, not an error.
  return { items: [value] };
}

/** The raw resources of one source, whatever its shape, for saving as `{ resources, serviceTags, capturedAt }`. */
export function collectResources(file: string, value: unknown): unknown[] {
  return unwrapSource(file, value).items;
}
