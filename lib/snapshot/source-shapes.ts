// The input shapes of CONTRACT §1.1, reduced to one list of raw resources plus where it sits
// in the file (so errors can name `value[2]...`, `data[0]...` or `[3]...`).
import { InputError } from "@/lib/errors";
import { describeValue, expectedMessage } from "./describe-value";
import { z } from "zod";
import { type JsonObject, type JsonPath, inputError, isObject, parseWith } from "./validate";
import { PROFILE_KEYS, looksLikeProfile, looksLikeServiceTags } from "./parse-profile";

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
  /** How the live read behind a saved snapshot was made (`readMethod`): what its report's notes derive from. */
  readMethod?: (typeof READ_METHODS)[number];
  /** A Resource Graph export's paging (`{data}` only): whether the file says more rows follow. */
  graphPage?: GraphPage;
}

/**
 * What a Resource Graph answer says about its paging: `az graph query` prints `total_records` (rows the query
 * matched) and `skip_token` (set while more pages follow; `--first` is 100 by default); the REST API writes
 * `totalRecords`, `$skipToken` and `resultTruncated`. https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data#paging-results
 */
export interface GraphPage {
  /** Rows the query matched in all, when the file says. */
  totalRecords?: number;
  /** Where the file says more rows follow (`skip_token`), or undefined. */
  moreAt?: "skip_token" | "$skipToken" | "resultTruncated";
}

const totalRecordsSchema = z.number().int().nonnegative();

/** The paging fields of a `{data}` file, validated; undefined when it has none (a hand-made `{data}` list). */
function readGraphPage(file: string, value: JsonObject): GraphPage | undefined {
  const page: GraphPage = {};
  for (const field of ["total_records", "totalRecords"] as const) {
    if (value[field] !== undefined && value[field] !== null) page.totalRecords = parseWith(totalRecordsSchema, value[field], file, [field]);
  }
  for (const field of ["skip_token", "$skipToken"] as const) {
    const token = value[field];
    if (token === undefined || token === null || token === "") continue;
    if (typeof token !== "string") throw inputError(file, [field], expectedMessage("string", token));
    page.moreAt ??= field;
  }
  // The REST API's `resultTruncated` is the string "true"/"false" (an enum), a boolean in some clients.
  const truncated = value.resultTruncated;
  if (truncated === true || (typeof truncated === "string" && truncated.toLowerCase() === "true")) page.moreAt ??= "resultTruncated";
  return page.totalRecords === undefined && page.moreAt === undefined ? undefined : page;
}

function pagingOrNone(file: string, value: JsonObject): GraphPage | undefined {
  try {
    return readGraphPage(file, value);
  } catch {
    return undefined;
  }
}

/** The saved snapshot's `readMethod` values: the list-all read (the default) or one Resource Graph query. */
const READ_METHODS = ["listAll", "resourceGraph"] as const;

// A date or date-time, as a live read writes it (`2026-03-01T09:00:00.000Z`) or a person does (`2026-03-01`,
// `2026-03-01 09:00:00`): one that starts with the year, month and day, and that a Date can read.
const DATE_FIRST = /^\d{4}-\d{2}-\d{2}/;

const LIST_FIELDS = ["value", "data", "resources"] as const;

/**
 * One source's resources and where they sit, whatever its shape (CONTRACT §1.1). `stored`: the store's copy of an
 * input audited before; a profile or service tags file in it (taken as a snapshot before that was refused) reads
 * as nothing, as it did then.
 */
export function unwrapSource(file: string, value: unknown, { stored = false }: { stored?: boolean } = {}): UnwrappedSource {
  if (Array.isArray(value)) return { items: value, listAt: [] };
  if (!isObject(value)) {
    throw new InputError(file, "", `expected Azure resources (an array, {"value": [...]}, {"data": [...]} or {"resources": [...]}), got ${describeValue(value)}`);
  }
  // A typed object is one resource (`az ... show`), even if it happens to carry a list field.
  if (typeof value.type === "string") return { items: [value] };
  // A NIC's effective route table with the NIC's id beside Azure's `value` list: one entry, kept whole.
  if ("networkInterfaceId" in value) return { items: [value] };
  for (const field of LIST_FIELDS) {
    if (!(field in value)) continue;
    const list = value[field];
    // Resource Graph's table form (`{"data": {"columns": [...], "rows": [...]}}`, the REST API's resultFormat "table"):
    // rows of values by column position, which say nothing of the resources' shape here.
    if (field === "data" && isObject(list) && Array.isArray(list.columns) && Array.isArray(list.rows)) {
      throw inputError(file, [field], 'a Resource Graph result in table form (columns and rows): export it as objects (az graph query -q "..." --first 1000, or resultFormat "objectArray" in the REST call)');
    }
    if (!Array.isArray(list)) throw inputError(file, [field], expectedMessage("array", list));
    const out: UnwrappedSource = { items: list, listAt: [field] };
    if (field === "data") {
      // A stored input accepted before these fields were checked still opens (its paging then reads as none).
      const page = stored ? pagingOrNone(file, value) : readGraphPage(file, value);
      if (page) out.graphPage = page;
    }
    if (field === "resources") {
      if (value.serviceTags !== undefined && value.serviceTags !== null) out.serviceTags = value.serviceTags;
      const capturedAt = value.capturedAt;
      if (capturedAt !== undefined && capturedAt !== null) {
        if (typeof capturedAt !== "string") throw inputError(file, ["capturedAt"], expectedMessage("string", capturedAt));
        // Shown as "captured at" and compared between scans: a free-form text would be neither. A stored input
        // accepted before this check still opens.
        if (!stored && (!DATE_FIRST.test(capturedAt.trim()) || Number.isNaN(Date.parse(capturedAt.trim())))) {
          throw inputError(file, ["capturedAt"], `expected a date or date and time such as "2026-03-01T09:00:00Z" or "2026-03-01", got ${JSON.stringify(capturedAt.slice(0, 80))}`);
        }
        out.capturedAt = capturedAt;
      }
      if (value.readErrors !== undefined && value.readErrors !== null) out.readErrors = parseWith(readErrorsSchema, value.readErrors, file, ["readErrors"]);
      if (value.readMethod !== undefined && value.readMethod !== null) out.readMethod = parseWith(z.enum(READ_METHODS), value.readMethod, file, ["readMethod"]);
    }
    return out;
  }
  // A file given as Azure resources that is none (a profile or service tags given as a snapshot, by a CLI -s or the
  // upload form's "Use as"): read nothing from it silently and the audit runs without it, so say so naming the file.
  const notResources = stored ? undefined : notResourcesMessage(value);
  if (notResources) throw new InputError(file, "", notResources);
  // Any other untyped object (a sub-resource example, some other payload): nothing to read, not an error.
  return { items: [value] };
}

/**
 * Why a file's top-level object, which has no `type` and no resource list, is given in the wrong place: a profile
 * or a service tags file (the product's other inputs, README "Inputs"), with where it belongs; undefined for any
 * other object (Azure's own examples hold payloads that are no resource, read as nothing, as before).
 */
function notResourcesMessage(value: JsonObject): string | undefined {
  if (looksLikeProfile(value)) return `this is a CycleCloud profile (${PROFILE_KEYS.filter((k) => k in value).join(", ")}), not Azure resources: give it as the profile (--profile; in the dashboard, "Use as: Profile")`;
  if (looksLikeServiceTags(value)) return 'this is a service tags file ({"values": [...]}), not Azure resources: give it as the service tags (--service-tags; in the dashboard, "Use as: Service tags")';
  return undefined;
}

/** The raw resources of one source, whatever its shape, for saving as `{ resources, serviceTags, capturedAt }`. */
export function collectResources(file: string, value: unknown): unknown[] {
  return unwrapSource(file, value).items;
}
