// A profile file's text → Profile, for every reader of a profile file (the CLI's --profile, an uploaded profile file):
// the JSON parse, a key given twice (which JSON.parse would silently drop), then the profile's own shape.
import type { Profile } from "@/lib/model/types";
import { parseJsonFile } from "./parse-json";
import { firstDuplicateKey } from "./duplicate-keys";
import { parseProfile } from "./parse-profile";
import { inputError } from "./validate";

/**
 * The parsed JSON of a profile file's `text`, refusing a key given twice in one object (`{"roles": {...}, "roles":
 * {...}}`): JSON.parse keeps the last, which would drop the other silently (CONTRACT §1.2: never ignored). Throws an
 * InputError naming `name` and the key's path (`profile.json: roles: given twice`), or parseJsonFile's syntax error.
 */
export function parseProfileJson(name: string, text: string): unknown {
  const value = parseJsonFile(name, text);
  const twice = firstDuplicateKey(text);
  if (twice) throw inputError(name, twice, "given twice");
  return value;
}

/**
 * A profile file's text read as a Profile (CONTRACT §1.2): parseProfileJson, then parseProfile. Throws an InputError
 * naming `name` and the JSON path at fault.
 */
export function parseProfileText(name: string, text: string): Profile {
  return parseProfile(name, parseProfileJson(name, text));
}
