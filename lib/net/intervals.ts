// Sets of integers as sorted, disjoint, non-adjacent inclusive ranges packed in one flat array:
// [lo0, hi0, lo1, hi1, ...]. IPv4 addresses and ports use numbers; IPv6 uses bigints.
// Every operation returns a new array; inputs are never mutated, so sets can be shared freely.

export type Bound = number | bigint;
export type Intervals<T extends Bound> = readonly T[];

const succ = <T extends Bound>(x: T): T => (typeof x === "bigint" ? x + 1n : (x as number) + 1) as T;
const pred = <T extends Bound>(x: T): T => (typeof x === "bigint" ? x - 1n : (x as number) - 1) as T;

export function range<T extends Bound>(lo: T, hi: T): Intervals<T> {
  return lo <= hi ? [lo, hi] : [];
}

export function isEmpty<T extends Bound>(a: Intervals<T>): boolean {
  return a.length === 0;
}

export function contains<T extends Bound>(a: Intervals<T>, x: T): boolean {
  for (let i = 0; i < a.length; i += 2) {
    if (x < a[i]) return false;
    if (x <= a[i + 1]) return true;
  }
  return false;
}

export function union<T extends Bound>(a: Intervals<T>, b: Intervals<T>): Intervals<T> {
  if (a.length === 0 || a === b) return b;
  if (b.length === 0) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: T;
    let hi: T;
    if (j >= b.length || (i < a.length && a[i] <= b[j])) {
      lo = a[i];
      hi = a[i + 1];
      i += 2;
    } else {
      lo = b[j];
      hi = b[j + 1];
      j += 2;
    }
    const n = out.length;
    if (n > 0 && lo <= succ(out[n - 1])) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function intersect<T extends Bound>(a: Intervals<T>, b: Intervals<T>): Intervals<T> {
  if (a.length === 0 || b.length === 0) return [];
  // Sets are immutable, so returning an input unchanged is safe and saves an allocation in the hot path.
  if (a === b || (a.length === 2 && a[0] <= b[0] && a[1] >= b[b.length - 1])) return b;
  if (b.length === 2 && b[0] <= a[0] && b[1] >= a[a.length - 1]) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i] > b[j] ? a[i] : b[j];
    const hi = a[i + 1] < b[j + 1] ? a[i + 1] : b[j + 1];
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

export function overlaps<T extends Bound>(a: Intervals<T>, b: Intervals<T>): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1] < b[j]) i += 2;
    else if (b[j + 1] < a[i]) j += 2;
    else return true;
  }
  return false;
}

export function subtract<T extends Bound>(a: Intervals<T>, b: Intervals<T>): Intervals<T> {
  if (a.length === 0 || b.length === 0) return a;
  if (a === b || (b.length === 2 && b[0] <= a[0] && b[1] >= a[a.length - 1])) return [];
  if (!overlaps(a, b)) return a;
  const out: T[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi) {
      if (b[k] > lo) out.push(lo, pred(b[k]));
      if (b[k + 1] >= hi) {
        lo = succ(hi);
        break;
      }
      lo = succ(b[k + 1]);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function equals<T extends Bound>(a: Intervals<T>, b: Intervals<T>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `b` is a subset of `a`. */
export function covers<T extends Bound>(a: Intervals<T>, b: Intervals<T>): boolean {
  return subtract(b, a).length === 0;
}
