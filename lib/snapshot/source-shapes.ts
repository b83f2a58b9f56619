// The input shapes of CONTRACT §1.1, reduced to one list of raw resources plus where it sits
// in the file (so errors can name `value[2]...`, `data[0]...` or `[3]...`).
import { InputError } from "@/lib/errors";
import { describeValue, expectedMessage } from "./describe-value";
import { z } from "zod";
import { type JsonObject, type JsonPath, inputError, isObject, parseWith } from "./validate";
import { PROFILE_KEYS, looksLikeProfile, looksLikeServiceTags } from "./parse-profile";
import { readingStored } from "./stored-read";

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
  /** An ARM list page's paging (`{value}` only, never for a stored scan's input): set whether or not more follow. */
  listPage?: ListPage;
}

/**
 * What one page of an ARM list says about the next: a GET list answer carries `nextLink` (the URL of the next page,
 * null or absent on the last), a POST list (Network Manager's effective and active rules, its deployment status)
 * `skipToken` to post again with. `az rest` prints either as Azure sent it; PowerShell writes `NextLink`/`SkipToken`.
 * https://learn.microsoft.com/rest/api/azure/#async-operations-throttling-and-paging
 */
export interface ListPage {
  /** The field, as the file spells it, that says more pages follow (`nextLink`, `skipToken`, `$skipToken`), or undefined on a last page. */
  moreAt?: string;
}

/**
 * What a Resource Graph answer says about its paging: `az graph query` prints `total_records` (rows the query
 * matched) and `skip_token` (set while more pages follow; `--first` is 100 by default); the REST API writes
 * `totalRecords`, `$skipToken` and `resultTruncated`, the JavaScript SDK `skipToken`, PowerShell's Search-AzGraph
 * (ConvertTo-Json) `SkipToken`. Every spelling and case is read, so a first page is never taken for the whole answer.
 * https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data#paging-results
 */
export interface GraphPage {
  /** Rows the query matched in all, when the file says. */
  totalRecords?: number;
  /** The field, as the file spells it, that says more rows follow (`skip_token`, `$skipToken`, `SkipToken`, `resultTruncated`), or undefined. */
  moreAt?: string;
}

const totalRecordsSchema = z.number().int().nonnegative();

/** A paging field's name without case, `_` or `$`: `skip_token`, `$skipToken`, `SkipToken` are all `skiptoken`. */
const pagingKey = (field: string) => field.replace(/[_$]/g, "").toLowerCase();

/** The paging fields of a `{data}` file, validated; undefined when it has none (a hand-made `{data}` list). */
function readGraphPage(file: string, value: JsonObject): GraphPage | undefined {
  const page: GraphPage = {};
  for (const field of Object.keys(value)) {
    const key = pagingKey(field);
    const given = value[field];
    if (key === "totalrecords") {
      if (given !== undefined && given !== null) page.totalRecords = parseWith(totalRecordsSchema, given, file, [field]);
    } else if (key === "skiptoken") {
      if (given === undefined || given === null || given === "") continue;
      if (typeof given !== "string") throw inputError(file, [field], expectedMessage("string", given));
      page.moreAt ??= field;
    } else if (key === "resulttruncated") {
      // The REST API's `resultTruncated` is the string "true"/"false" (an enum), a boolean in some clients.
      if (given === true || (typeof given === "string" && given.toLowerCase() === "true")) page.moreAt ??= field;
    }
  }
  return page.totalRecords === undefined && page.moreAt === undefined ? undefined : page;
}

/** The paging of a `{value}` list: which field, if any, says more pages follow. */
function readListPage(file: string, value: JsonObject): ListPage {
  for (const field of Object.keys(value)) {
    const key = pagingKey(field);
    if (key !== "skiptoken" && key !== "nextlink") continue;
    const given = value[field];
    if (given === undefined || given === null || given === "") continue;
    if (typeof given !== "string") throw inputError(file, [field], expectedMessage("string", given));
    return { moreAt: field };
  }
  return {};
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
 * The key of `value` that holds its resource list: `value`, `data` or `resources` as written, else `Value` or `Data` in
 * another case (PowerShell's ConvertTo-Json writes a response object's properties in PascalCase:
 * `Search-AzGraph | ConvertTo-Json` gives `{"Data": [...], "SkipToken": ...}`).
 */
function listField(value: JsonObject): { key: string; field: (typeof LIST_FIELDS)[number] } | undefined {
  for (const field of LIST_FIELDS) if (field in value) return { key: field, field };
  for (const key of Object.keys(value)) {
    const lower = key.toLowerCase();
    // `resources` is the product's own saved snapshot, always written in lower case.
    if (lower === "value" || lower === "data") return { key, field: lower };
  }
  return undefined;
}

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
  const found = listField(value);
  if (found) {
    const { key, field } = found;
    const list = value[key];
    // Resource Graph's table form (`{"data": {"columns": [...], "rows": [...]}}`, the REST API's resultFormat "table"):
    // rows of values by column position, which say nothing of the resources' shape here.
    if (field === "data" && isObject(list) && Array.isArray(list.columns) && Array.isArray(list.rows)) {
      throw inputError(file, [key], 'a Resource Graph result in table form (columns and rows): export it as objects (az graph query -q "..." --first 1000, or resultFormat "objectArray" in the REST call)');
    }
    if (!Array.isArray(list)) throw inputError(file, [key], expectedMessage("array", list));
    const out: UnwrappedSource = { items: list, listAt: [key] };
    if (field === "data") {
      // A stored input accepted before these fields were checked still opens (its paging then reads as none).
      const page = stored ? pagingOrNone(file, value) : readGraphPage(file, value);
      if (page) out.graphPage = page;
    }
    // A stored scan's input was audited without its list paging read: it opens as it did then.
    if (field === "value" && !stored && !readingStored()) out.listPage = readListPage(file, value);
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
  const failed = stored || readingStored() ? undefined : azureErrorMessage(value);
  if (failed) throw new InputError(file, "", failed);
  const notResources = stored ? undefined : notResourcesMessage(value);
  if (notResources) throw new InputError(file, "", notResources);
  const wrapper = stored ? undefined : unknownWrapperMessage(value);
  if (wrapper) throw new InputError(file, "", wrapper);
  // Any other untyped object (a sub-resource example, some other payload): nothing to read, not an error.
  return { items: [value] };
}

/** How much of an Azure error's message a one-line refusal quotes. */
const ERROR_MESSAGE_CHARS = 160;

/**
 * Why a saved Azure error body (`{"error": {"code": "AuthorizationFailed", "message": "..."}}`, ARM's error response,
 * which `az rest` or a redirected REST call saves in place of the list) is no input: read as one payload it gives
 * nothing, and the audit would run without the resources the call was to list. Undefined for any other object.
 * https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors
 */
function azureErrorMessage(value: JsonObject): string | undefined {
  const error = value.error;
  if (!isObject(error) || value.id !== undefined || value.properties !== undefined) return undefined;
  const code = typeof error.code === "string" ? error.code.trim() : "";
  const said = typeof error.message === "string" ? error.message.replace(/\s+/g, " ").trim() : "";
  if (!code && !said) return undefined;
  const message = said.length > ERROR_MESSAGE_CHARS ? `${said.slice(0, ERROR_MESSAGE_CHARS - 1)}…` : said;
  // A refused call is the usual cause; other codes (throttling, a bad URL) ask for the export to be run again.
  const hint = /authoriz|forbidden|permission|access/i.test(code) ? "export again with the Reader role" : "export again once the call succeeds";
  return `an Azure error response, not resources: ${[code, message].filter(Boolean).join(": ")} (${hint})`;
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

/**
 * Why an untyped object without an id is no input, when it holds a list under a key this reader does not know
 * (`{"items": [...]}`, `{"Resources": [...]}`) or nothing at all (`{}`): read as one payload it would give nothing and
 * the audit would run without the resources it lists. Undefined for the objects read from the root (a deployment
 * status entry, an effective route row) and for Azure's other payloads without a list (Network Watcher's
 * IP flow verify or next hop answers, in Azure's own examples), which are read as nothing, as before.
 */
function unknownWrapperMessage(value: JsonObject): string | undefined {
  if (value.id !== undefined || value.properties !== undefined) return undefined;
  if ("deploymentStatus" in value && "configurationIds" in value) return undefined;
  if ("nextHopType" in value && "source" in value) return undefined;
  const keys = Object.keys(value);
  if (keys.length && !keys.some((k) => Array.isArray(value[k]))) return undefined;
  const shown = keys.length ? `it has ${keys.slice(0, 6).map((k) => JSON.stringify(k)).join(", ")}${keys.length > 6 ? ` and ${keys.length - 6} more` : ""}` : "it is empty";
  return `expected Azure resources (an array, {"value": [...]}, {"data": [...]} or {"resources": [...]}), got an object without them: ${shown}`;
}

/** The raw resources of one source, whatever its shape, for saving as `{ resources, serviceTags, capturedAt }`. */
export function collectResources(file: string, value: unknown): unknown[] {
  return unwrapSource(file, value).items;
}
