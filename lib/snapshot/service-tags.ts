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

export function parseServiceTags(name: string, value: unknown): Map<string, ServiceTagPrefixes> {
  return readServiceTags(name, value, []);
}
