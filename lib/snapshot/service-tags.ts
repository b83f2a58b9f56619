// Service tag prefixes in the ServiceTags_Public_*.json format (also the body of ARM's
// serviceTags.list): `{ "values": [ { "name": "Storage", "properties": { "region": "", "addressPrefixes": [...] } } ] }`.
import type { ServiceTagPrefixes } from "@/lib/model/types";
import { describeValue, expectedMessage } from "./describe-value";
import { serviceTagEntryProps } from "./schemas";
import { type JsonPath, inputError, isObject, nodeName, parseWith, readNode } from "./validate";

/**
 * Entries keyed by lower-cased tag name (`storage`, `storage.westeurope`); later entries replace earlier ones. An entry
 * with no prefixes (`addressPrefixes` empty or absent, as some entries of the published files are) says nothing of the
 * tag's addresses: it is left out, so the tag is judged as any tag the file lacks, never as a tag that holds no address
 * (which would make a flow to it carry nothing, and pass).
 */
export function readServiceTags(
  file: string,
  value: unknown,
  at: JsonPath,
  into = new Map<string, ServiceTagPrefixes>(),
): Map<string, ServiceTagPrefixes> {
  let list: unknown;
  let listAt: JsonPath;
  if (Array.isArray(value)) [list, listAt] = [value, at];
  else if (isObject(value)) [list, listAt] = [value.values, [...at, "values"]];
  else throw inputError(file, at, `expected service tags ({"values": [...]}), got ${describeValue(value)}`);
  if (!Array.isArray(list)) throw inputError(file, listAt, expectedMessage("array", list));
  list.forEach((entry, i) => {
    const entryAt = [...listAt, i];
    const node = readNode(entry, file, entryAt);
    const name = nodeName(node, file, entryAt);
    const p = parseWith(serviceTagEntryProps, node.props, file, node.propsAt);
    const tag: ServiceTagPrefixes = { name, addressPrefixes: (p.addressPrefixes ?? []).filter((x): x is string => !!x) };
    if (tag.addressPrefixes.length === 0) return;
    if (p.region) tag.region = p.region;
    into.set(name.toLowerCase(), tag);
  });
  return into;
}

/**
 * A service tags file given on its own (`--service-tags`, the upload form's "Use as: Service tags"), read into `into`
 * (its entries win). Refuses, besides what readServiceTags refuses, a file that is a snapshot (Azure resources given in
 * the wrong place: read as tags, it would say only that `values` is missing) and one that holds no tag with prefixes
 * (`[]`, `{"values": []}`): the audit would run without the tags the user believes given. `stored`: the store's copy of
 * an input audited before, which still opens as it did.
 * @throws InputError naming the file and, where one is at fault, the JSON path.
 */
export function readServiceTagsFile(
  file: string,
  value: unknown,
  into = new Map<string, ServiceTagPrefixes>(),
  { stored = false }: { stored?: boolean } = {},
): Map<string, ServiceTagPrefixes> {
  if (stored) return readServiceTags(file, value, [], into);
  if (looksLikeSnapshot(value)) {
    throw inputError(file, [], 'this looks like a snapshot (Azure resources), not service tags: give it with --snapshot, and as --service-tags a ServiceTags_Public_*.json download ({"values": [...]})');
  }
  const read = readServiceTags(file, value, []);
  if (read.size === 0) throw inputError(file, [], 'no service tags: expected {"values": [...]} listing tags with their addressPrefixes (a ServiceTags_Public_*.json download)');
  for (const [key, tag] of read) into.set(key, tag);
  return into;
}

/** Azure resources rather than service tags: a resource list (`value`, `data`, `resources`) or one typed resource, and no `values`. */
function looksLikeSnapshot(value: unknown): boolean {
  // Tag entries (`{name, id, properties}`) carry no `type`; resources always do.
  if (Array.isArray(value)) return value.some((entry) => isObject(entry) && typeof entry.type === "string");
  if (!isObject(value) || "values" in value) return false;
  return (typeof value.type === "string" && value.type.toLowerCase() !== "microsoft.network/servicetags") || ["value", "data", "resources"].some((k) => Array.isArray(value[k]));
}

export function parseServiceTags(name: string, value: unknown): Map<string, ServiceTagPrefixes> {
  return readServiceTagsFile(name, value);
}
