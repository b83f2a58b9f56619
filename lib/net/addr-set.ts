// An address set: concrete IPv4 and IPv6 ranges plus symbolic service-tag regions (see tag-set.ts).
import * as iv from "./intervals";
import { type Intervals } from "./intervals";
import { V4_MAX, V6_MAX, forEachV4Cidr, forEachV6Cidr, formatV4, formatV6, v4RangeToCidrs, v6RangeToCidrs } from "./ip";
import {
  ALL_TAGS,
  NO_TAGS,
  type TagSet,
  describeTags,
  tagsIntersect,
  tagsIsEmpty,
  tagsOverlap,
  tagsSubtract,
  tagsUnion,
} from "./tag-set";

export interface AddrSet {
  v4: Intervals<number>;
  v6: Intervals<bigint>;
  tags: TagSet;
}

export const EMPTY: AddrSet = { v4: [], v6: [], tags: NO_TAGS };
export const ALL_V4: Intervals<number> = [0, V4_MAX];
export const ALL_V6: Intervals<bigint> = [0n, V6_MAX];
export const EVERYTHING: AddrSet = { v4: ALL_V4, v6: ALL_V6, tags: ALL_TAGS };

export function addrUnion(a: AddrSet, b: AddrSet): AddrSet {
  if (a === b || addrIsEmpty(b)) return a;
  if (addrIsEmpty(a)) return b;
  return { v4: iv.union(a.v4, b.v4), v6: iv.union(a.v6, b.v6), tags: tagsUnion(a.tags, b.tags) };
}
/** The union of many address sets in O(n log n) over their ranges (see `unionAll`); folding `addrUnion` is O(n²). */
export function addrUnionAll(sets: readonly AddrSet[]): AddrSet {
  const nonEmpty = sets.filter((s) => !addrIsEmpty(s));
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? EMPTY;
  let tags = NO_TAGS;
  for (const s of nonEmpty) if (!tagsIsEmpty(s.tags)) tags = tagsUnion(tags, s.tags);
  return { v4: iv.unionAll(nonEmpty.map((s) => s.v4)), v6: iv.unionAll(nonEmpty.map((s) => s.v6)), tags };
}
export function addrIntersect(a: AddrSet, b: AddrSet): AddrSet {
  if (a === b) return a;
  if (a === EVERYTHING) return b;
  if (b === EVERYTHING) return a;
  return { v4: iv.intersect(a.v4, b.v4), v6: iv.intersect(a.v6, b.v6), tags: tagsIntersect(a.tags, b.tags) };
}
export function addrSubtract(a: AddrSet, b: AddrSet): AddrSet {
  if (a === b || b === EVERYTHING) return EMPTY;
  return { v4: iv.subtract(a.v4, b.v4), v6: iv.subtract(a.v6, b.v6), tags: tagsSubtract(a.tags, b.tags) };
}
export function addrIsEmpty(a: AddrSet): boolean {
  return a.v4.length === 0 && a.v6.length === 0 && tagsIsEmpty(a.tags);
}
export function addrOverlaps(a: AddrSet, b: AddrSet): boolean {
  return iv.overlaps(a.v4, b.v4) || iv.overlaps(a.v6, b.v6) || tagsOverlap(a.tags, b.tags);
}
/** Whether `b` ⊆ `a`. */
export function addrCovers(a: AddrSet, b: AddrSet): boolean {
  return addrIsEmpty(addrSubtract(b, a));
}
export function concrete(v4: Intervals<number>, v6: Intervals<bigint> = []): AddrSet {
  return { v4, v6, tags: NO_TAGS };
}
/**
 * An address list as written, whose CIDRs or ranges add up to a whole family (`0.0.0.0/1` with `128.0.0.0/1`, the
 * range `0.0.0.0-255.255.255.255`): it holds every service tag, as `0.0.0.0/0` does (CONTRACT §4 address semantics:
 * "CIDR containment and overlap are exact"); a service tag's addresses, whose prefixes were not given, are among them.
 */
export function withWholeFamilyTags(set: AddrSet): AddrSet {
  const full = (set.v4.length === 2 && set.v4[0] === 0 && set.v4[1] === V4_MAX) || (set.v6.length === 2 && set.v6[0] === 0n && set.v6[1] === V6_MAX);
  return full && set.tags !== ALL_TAGS ? { ...set, tags: ALL_TAGS } : set;
}
/** The concrete part of a set as merged CIDRs (thousands of adjacent /24s become a few prefixes); tags are left out. */
export function cidrsOf(set: AddrSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.v4.length; i += 2) out.push(...v4RangeToCidrs(set.v4[i], set.v4[i + 1]));
  for (let i = 0; i < set.v6.length; i += 2) out.push(...v6RangeToCidrs(set.v6[i], set.v6[i + 1]));
  return out;
}
export function symbolic(tags: TagSet): AddrSet {
  return { v4: [], v6: [], tags };
}

/** Compact human description: CIDRs (at most `max`, then "+N more") and tag names. */
export function describeAddrs(a: AddrSet, tagDisplay?: (lower: string) => string, max = 4): string {
  if (iv.equals(a.v4, ALL_V4) && iv.equals(a.v6, ALL_V6) && !tagsIsEmpty(a.tags) && a.tags.rest && a.tags.bases.size === 0) return "any address";
  // Only the first `max` prefixes are written out; the rest are counted (Internet-bound traffic split by a long route
  // table is hundreds of them, described once per piece).
  const shown: string[] = [];
  let count = 0;
  for (let i = 0; i < a.v4.length; i += 2) {
    if (a.v4[i] === a.v4[i + 1]) {
      if (count++ < max) shown.push(formatV4(a.v4[i]));
    } else
      forEachV4Cidr(a.v4[i], a.v4[i + 1], (base, bits) => {
        if (count++ < max) shown.push(`${formatV4(base)}/${bits}`);
      });
  }
  for (let i = 0; i < a.v6.length; i += 2)
    forEachV6Cidr(a.v6[i], a.v6[i + 1], (base, bits) => {
      if (count++ < max) shown.push(`${formatV6(base)}/${bits}`);
    });
  if (count > max) shown.push(`+${count - max} more prefixes`);
  if (!tagsIsEmpty(a.tags)) shown.push(...describeTags(a.tags, tagDisplay));
  return shown.join(", ") || "no address";
}
