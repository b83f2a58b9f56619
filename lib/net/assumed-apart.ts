// Without a service tag's real prefixes the tag is a symbolic region, and the engine treats distinct tags, and a tag
// and a public CIDR, as disjoint (CONTRACT §4 "Address semantics"). That is true of the seed's four tags among
// themselves, not in general: `AzureCloud` holds the public ranges of Azure's services, and any public CIDR may hold
// some of a tag's prefixes. A verdict that rests on the assumption must say so (§4: "say so in the detail rather than
// guess"); this module tells when it does. https://learn.microsoft.com/azure/virtual-network/service-tags-overview
import type { AddrSet } from "./addr-set";
import { andList } from "../words";
import * as iv from "./intervals";
import { NON_PUBLIC_V4, NON_PUBLIC_V6 } from "./ip";
import { type TagSet, NO_TAGS, describeTags, tagsIntersect, tagsIsEmpty, tagAtom, tagsSubtract, tagsUnion } from "./tag-set";

/** The seed's four tags, which the contract states really are disjoint from one another (CONTRACT §4). */
const SEED_TAGS: ReadonlySet<string> = new Set(["storage", "azureactivedirectory", "azuremonitor", "azureresourcemanager"]);

/** Whether `set` holds public addresses concretely (a public CIDR, or a tag whose real prefixes were supplied). */
function hasPublicAddresses(set: AddrSet): boolean {
  return iv.subtract(set.v4, NON_PUBLIC_V4).length > 0 || iv.subtract(set.v6, NON_PUBLIC_V6).length > 0;
}

/** Whether tag bases `a` and `b` (lower case) may share addresses in Azure though the engine keeps them apart. */
function mayShare(a: string, b: string): boolean {
  return a !== b && !(SEED_TAGS.has(a) && SEED_TAGS.has(b));
}

/**
 * The part of `flow` — service tags held symbolically, i.e. with no prefixes supplied — that a rule or route naming
 * `named` was taken not to cover only because of that assumption: the tags of `flow` outside `named`'s own tags (a
 * tag's regional variants are its own: that containment is known) that `named`'s public CIDRs, or a tag of `named`
 * other than theirs, may overlap. Empty (NO_TAGS) when the verdict does not rest on it: `flow` holds no symbolic tag
 * or every tag (Internet-wide traffic, whose concrete part is judged exactly), `named` covers the flow's tags, or
 * `named` names only the seed's four tags against one another.
 * `namedPublic`: whether `named` names specific public addresses (default: read from the set).
 */
export function assumedApart(flow: TagSet, named: AddrSet, namedPublic = hasPublicAddresses(named)): TagSet {
  if (flow.rest || tagsIsEmpty(flow)) return NO_TAGS;
  // The common case on the hot path (an NSG rule on a seed tag met by a flow to another seed tag): nothing to say,
  // found without building a set.
  if (!namedPublic && !named.tags.rest && onlySeedTags(flow) && onlySeedTags(named.tags)) return NO_TAGS;
  const outside = tagsSubtract(flow, named.tags);
  if (tagsIsEmpty(outside)) return NO_TAGS;
  if (namedPublic || named.tags.rest) return outside;
  const namedBases = basesOf(named.tags);
  let out = NO_TAGS;
  for (const [base, regions] of outside.bases) {
    if (!regions.neg && regions.items.size === 0) continue;
    if (namedBases.some((n) => mayShare(n, base))) out = tagsUnion(out, tagsIntersect(outside, tagAtom(base)));
  }
  return out;
}

const bases = new WeakMap<TagSet, string[]>();

/** The tag bases `tags` holds some region of, remembered per set (a compiled rule's set is met by every flow). */
function basesOf(tags: TagSet): string[] {
  let out = bases.get(tags);
  if (!out) bases.set(tags, (out = [...tags.bases].filter(([, r]) => r.neg || r.items.size > 0).map(([b]) => b)));
  return out;
}

/** Whether every tag `tags` holds is one of the seed's four, which are truly disjoint from one another. */
function onlySeedTags(tags: TagSet): boolean {
  for (const b of tags.bases.keys()) if (!SEED_TAGS.has(b)) return false;
  return true;
}

/**
 * The sentence saying a verdict rests on the assumption: "<items> — without service tag prefixes (--service-tags),
 * assumed not to overlap <tags> (…); this verdict depends on prefixes that were not supplied." `items`: the rules or
 * routes, each in words with what it names ("route drop-20 in rt-cc (20.0.0.0/8 → None)"); `tags`: `assumedApart`'s
 * result; `display`: a tag's name as the input spells it.
 */
export function assumedApartNote(items: readonly string[], tags: TagSet, display?: (lower: string) => string): string {
  const list = describeTags(tags, display).join(", ");
  const head = andList(items);
  return `${head.charAt(0).toUpperCase()}${head.slice(1)} — without service tag prefixes (--service-tags), assumed not to overlap ${list} (distinct service tags, and a tag and a public CIDR, are treated as disjoint); this verdict depends on prefixes that were not supplied.`;
}

/**
 * The note (undefined: none) for the elements `passed` over by the assumption whose traffic was then decided the other
 * way (`decidedOtherwise`): each element in words once (`words`, "NSG rule r (150, Deny) in nsg (AzureCloud)"), the
 * tags at stake united. One mechanism for the NSG and firewall stages, so both say it alike.
 */
export function passedOverNote<T>(passed: readonly T[], decidedOtherwise: (p: T) => boolean, words: (p: T) => string, tagsOf: (p: T) => TagSet, display?: (lower: string) => string): string | undefined {
  const items: string[] = [];
  let tags = NO_TAGS;
  for (const p of passed) {
    if (!decidedOtherwise(p)) continue;
    const item = words(p);
    if (!items.includes(item)) items.push(item);
    tags = tagsUnion(tags, tagsOf(p));
  }
  return items.length ? assumedApartNote(items, tags, display) : undefined;
}
