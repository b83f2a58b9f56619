// Service tags without real prefixes are symbolic: a tag is a region of the address space we cannot
// enumerate, disjoint from every other tag (CONTRACT §4) except that a tag holds its regional variants
// (`Storage.WestEurope` ⊂ `Storage`) and `Internet`/`*` hold every tag, including ones never named.
// So a TagSet is two levels of finite-or-cofinite sets: bases (tag names), then regions of each base.

/** A finite (`neg: false`) or cofinite (`neg: true`, "all but items") set of lower-cased names. */
export interface CoSet {
  neg: boolean;
  items: ReadonlySet<string>;
}

const EMPTY_ITEMS: ReadonlySet<string> = new Set();
const CO_NONE: CoSet = { neg: false, items: EMPTY_ITEMS };
const CO_ALL: CoSet = { neg: true, items: EMPTY_ITEMS };

function coIsEmpty(a: CoSet): boolean {
  return !a.neg && a.items.size === 0;
}
function coIsAll(a: CoSet): boolean {
  return a.neg && a.items.size === 0;
}
function setAnd(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}
function setMinus(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (!b.has(x)) out.add(x);
  return out;
}
function setOr(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}

function coIntersect(a: CoSet, b: CoSet): CoSet {
  if (!a.neg && !b.neg) return { neg: false, items: setAnd(a.items, b.items) };
  if (!a.neg) return { neg: false, items: setMinus(a.items, b.items) };
  if (!b.neg) return { neg: false, items: setMinus(b.items, a.items) };
  return { neg: true, items: setOr(a.items, b.items) };
}
function coUnion(a: CoSet, b: CoSet): CoSet {
  if (!a.neg && !b.neg) return { neg: false, items: setOr(a.items, b.items) };
  if (a.neg && b.neg) return { neg: true, items: setAnd(a.items, b.items) };
  if (a.neg) return { neg: true, items: setMinus(a.items, b.items) };
  return { neg: true, items: setMinus(b.items, a.items) };
}
function coSubtract(a: CoSet, b: CoSet): CoSet {
  return coIntersect(a, { neg: !b.neg, items: b.items });
}
function coEquals(a: CoSet, b: CoSet): boolean {
  if (a.neg !== b.neg || a.items.size !== b.items.size) return false;
  for (const x of a.items) if (!b.items.has(x)) return false;
  return true;
}

/** Bases listed in `bases` carry their own region set; every other base has all regions when `rest`, none otherwise. */
export interface TagSet {
  rest: boolean;
  bases: ReadonlyMap<string, CoSet>;
}

export const NO_TAGS: TagSet = { rest: false, bases: new Map() };
export const ALL_TAGS: TagSet = { rest: true, bases: new Map() };

/** `Storage` → every region of storage; `Storage.WestEurope` → that region only. */
export function tagAtom(name: string): TagSet {
  const lower = name.toLowerCase();
  const dot = lower.indexOf(".");
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const regions: CoSet = dot < 0 ? CO_ALL : { neg: false, items: new Set([lower.slice(dot + 1)]) };
  return { rest: false, bases: new Map([[base, regions]]) };
}

function regionsOf(t: TagSet, base: string): CoSet {
  return t.bases.get(base) ?? (t.rest ? CO_ALL : CO_NONE);
}

function combine(a: TagSet, b: TagSet, rest: boolean, op: (x: CoSet, y: CoSet) => CoSet): TagSet {
  const bases = new Map<string, CoSet>();
  const fallback = rest ? CO_ALL : CO_NONE;
  for (const base of new Set([...a.bases.keys(), ...b.bases.keys()])) {
    const r = op(regionsOf(a, base), regionsOf(b, base));
    if (!coEquals(r, fallback)) bases.set(base, r);
  }
  return { rest, bases };
}

/** Every tag, with no exception: cheap to recognise, and the common operand (`*`, `Internet`). */
const isEveryTag = (t: TagSet) => t.rest && t.bases.size === 0;

export function tagsIntersect(a: TagSet, b: TagSet): TagSet {
  if (isEveryTag(a) || a === b) return b;
  if (isEveryTag(b)) return a;
  if (tagsIsEmpty(a) || tagsIsEmpty(b)) return NO_TAGS;
  return combine(a, b, a.rest && b.rest, coIntersect);
}
export function tagsUnion(a: TagSet, b: TagSet): TagSet {
  if (isEveryTag(a) || a === b) return a;
  if (isEveryTag(b)) return b;
  if (tagsIsEmpty(a)) return b;
  if (tagsIsEmpty(b)) return a;
  return combine(a, b, a.rest || b.rest, coUnion);
}
export function tagsSubtract(a: TagSet, b: TagSet): TagSet {
  if (isEveryTag(b) || a === b) return NO_TAGS;
  if (tagsIsEmpty(a) || tagsIsEmpty(b)) return a;
  return combine(a, b, a.rest && !b.rest, coSubtract);
}
export function tagsIsEmpty(a: TagSet): boolean {
  if (a.rest) return false;
  for (const r of a.bases.values()) if (!coIsEmpty(r)) return false;
  return true;
}
export function tagsIsAll(a: TagSet): boolean {
  if (!a.rest) return false;
  for (const r of a.bases.values()) if (!coIsAll(r)) return false;
  return true;
}
export function tagsOverlap(a: TagSet, b: TagSet): boolean {
  return !tagsIsEmpty(tagsIntersect(a, b));
}

/** Human words for a tag set: `Storage`, `Storage.WestEurope`, `every service tag except AzureCloud`. */
export function describeTags(t: TagSet, display: (lower: string) => string = (s) => s): string[] {
  const out: string[] = [];
  if (t.rest) {
    const excluded: string[] = [];
    for (const [base, r] of t.bases) {
      if (!r.neg) {
        excluded.push(display(base) + (r.items.size ? ` (but ${[...r.items].map((x) => display(`${base}.${x}`)).join(", ")})` : ""));
      } else if (r.items.size) excluded.push([...r.items].map((x) => display(`${base}.${x}`)).join(", "));
    }
    out.push(excluded.length ? `every service tag except ${excluded.join(", ")}` : "every service tag");
    return out;
  }
  for (const [base, r] of t.bases) {
    if (coIsAll(r)) out.push(display(base));
    else if (r.neg) out.push(`${display(base)} except ${[...r.items].map((x) => display(`${base}.${x}`)).join(", ")}`);
    else for (const x of r.items) out.push(display(`${base}.${x}`));
  }
  return out;
}
