// Is `--to Storagee` a service tag? With a service tags file the answer is in the file; without one the product knows
// only the tags the CycleCloud page names and Azure's three built-in ones, so any other name is taken on trust, with a
// note. https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
import { InputError } from "../errors";
import type { Snapshot } from "../model/types";
import { SEED_TAGS } from "./fqdn";
import { editDistance } from "../edit-distance";

/** Tags that are not in ServiceTags_Public_*.json but that NSG rules take (Azure's "default tags"). */
const BUILT_IN = ["VirtualNetwork", "Internet", "AzureLoadBalancer"];
/** The tags the CycleCloud locked-down page asks for (lib/path/query.ts resolves them). */
const SEED: readonly string[] = SEED_TAGS;

/** The candidate closest to `name` (case-insensitive), when it is close enough to be a likely typo (a third of its length). */
function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(lower.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * Checks a `--to` service tag name. With service tag prefixes in the snapshot (`--service-tags`, a saved snapshot's
 * `serviceTags`), a name that is neither in them nor one of Azure's built-in tags throws an InputError naming --to and
 * the closest tag (CLI exit 2, HTTP 400). Without them, a name the product does not know (the seed's tags, the built-in
 * ones) is accepted and a note returned: it is judged as a tag of its own, disjoint from every other.
 */
export function checkServiceTagName(snapshot: Snapshot, tag: string): string | undefined {
  const lower = tag.toLowerCase();
  if (BUILT_IN.some((t) => t.toLowerCase() === lower)) return undefined;
  const tags = snapshot.serviceTags;
  if (tags?.size) {
    if (tags.has(lower)) return undefined;
    const names = [...BUILT_IN, ...[...tags.values()].map((t) => t.name)];
    const near = closestName(tag, names);
    throw new InputError("--to", "", `${JSON.stringify(tag)} is not a service tag of the service tags given${near ? `; did you mean ${near}?` : ""}`);
  }
  // `Storage.WestEurope`: a seed tag's regional part.
  const base = lower.split(".")[0];
  if (SEED.some((t) => t.toLowerCase() === base)) return undefined;
  const near = closestName(tag, [...SEED, ...BUILT_IN]);
  return `${tag} is not a service tag this product knows without --service-tags; it is judged as a tag of its own, disjoint from every other${near ? ` (did you mean ${near}?)` : ""}. Give --service-tags ServiceTags_Public_*.json to check the name.`;
}

/**
 * Whether `name` (`Storage.WestEurope`) names a regional service tag rather than a host, which it also looks like: with
 * service tags supplied, when they hold it; without, when its base is a tag the product knows (the seed's, AzureCloud)
 * and its region looks like an Azure region's name (letters and digits, six or more: `eastus`, `westeurope`), not a
 * top-level domain (`storage.com`). https://learn.microsoft.com/azure/virtual-network/service-tags-overview
 */
export function isRegionalTagName(snapshot: Snapshot, name: string): boolean {
  const lower = name.trim().toLowerCase();
  const parts = lower.split(".");
  if (parts.length !== 2) return false;
  const tags = snapshot.serviceTags;
  if (tags?.size) return tags.has(lower);
  return [...SEED, "AzureCloud"].some((t) => t.toLowerCase() === parts[0]) && /^[a-z][a-z0-9]{5,}$/.test(parts[1]);
}
