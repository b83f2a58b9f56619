// Public surface of the snapshot loader: raw JSON in, normalised Snapshot / Profile out.
export { parseJsonFile, parseSnapshotJson } from "./parse-json";
export { loadSnapshot, type LoadOptions, type Source } from "./load-snapshot";
export { NothingReadError, isNothingReadError } from "./read-failed";
export { collectResources } from "./source-shapes";
export { parseServiceTags } from "./service-tags";
export { parseProfile, resolveRoles, ROLES } from "./profile";
export { parseProfileJson, parseProfileText } from "./profile-text";
export { UNSET_COLLECTION_PRIORITY } from "./read-firewall";
export { MAX_UNRESOLVED, missingRefHint } from "./gaps";
