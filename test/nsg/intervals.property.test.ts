// Interval-set algebra against plain sets of integers on a small universe. Offsets put the universe
// at the ends of the v4 and v6 lines too, where an off-by-one at the maximum would show.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as iv from "@/lib/net/intervals";

const SIZE = 24;
const RUNS = 400;

/** Normal form built by hand: maximal runs of members. */
function toIntervals<T extends number | bigint>(members: boolean[], at: (i: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < members.length; i++) {
    if (!members[i] || (i > 0 && members[i - 1])) continue;
    let j = i;
    while (j + 1 < members.length && members[j + 1]) j++;
    out.push(at(i), at(j));
  }
  return out;
}

/** The members of a set as universe indices, after checking it is sorted, disjoint and non-adjacent. */
function toMembers<T extends number | bigint>(set: iv.Intervals<T>, index: (x: T) => number): boolean[] {
  expect(set.length % 2).toBe(0);
  const members = Array<boolean>(SIZE).fill(false);
  let prevHi: number | undefined;
  for (let k = 0; k < set.length; k += 2) {
    const lo = index(set[k]);
    const hi = index(set[k + 1]);
    expect(typeof set[k]).toBe(typeof set[k + 1]);
    expect(lo).toBeLessThanOrEqual(hi);
    if (prevHi !== undefined) expect(lo).toBeGreaterThan(prevHi + 1);
    prevHi = hi;
    for (let i = lo; i <= hi; i++) members[i] = true;
  }
  return members;
}

const membersArb = fc.array(fc.boolean(), { minLength: SIZE, maxLength: SIZE });

function algebra<T extends number | bigint>(label: string, at: (i: number) => T, index: (x: T) => number) {
  it(`${label}: union, intersect, subtract, overlaps, covers, equals, contains match brute force`, () => {
    fc.assert(
      fc.property(membersArb, membersArb, fc.nat(SIZE - 1), (ma, mb, probe) => {
        const a = toIntervals(ma, at);
        const b = toIntervals(mb, at);
        const aCopy = [...a];
        const bCopy = [...b];
        const inBoth = ma.map((x, i) => x && mb[i]);
        expect(toMembers(iv.union(a, b), index)).toEqual(ma.map((x, i) => x || mb[i]));
        expect(toMembers(iv.intersect(a, b), index)).toEqual(inBoth);
        expect(toMembers(iv.subtract(a, b), index)).toEqual(ma.map((x, i) => x && !mb[i]));
        expect(iv.overlaps(a, b)).toBe(inBoth.some(Boolean));
        expect(iv.covers(a, b)).toBe(mb.every((x, i) => !x || ma[i]));
        expect(iv.equals(a, b)).toBe(ma.every((x, i) => x === mb[i]));
        expect(iv.isEmpty(a)).toBe(!ma.some(Boolean));
        expect(iv.contains(a, at(probe))).toBe(ma[probe]);
        // Inputs are shared freely across the engine, so no operation may mutate them.
        expect(a).toEqual(aCopy);
        expect(b).toEqual(bCopy);
      }),
      { numRuns: RUNS },
    );
  });

  it(`${label}: range builds [lo, hi] or nothing`, () => {
    fc.assert(
      fc.property(fc.nat(SIZE - 1), fc.nat(SIZE - 1), (lo, hi) => {
        const members = Array.from({ length: SIZE }, (_, i) => lo <= i && i <= hi);
        expect(toMembers(iv.range(at(lo), at(hi)), index)).toEqual(members);
      }),
      { numRuns: 100 },
    );
  });
}

describe("interval sets vs brute force", () => {
  algebra("numbers at 0", (i) => i, (x) => x);
  const v4Top = 2 ** 32 - SIZE;
  algebra("numbers at the top of the v4 line", (i) => v4Top + i, (x) => x - v4Top);
  algebra("bigints at 0", (i) => BigInt(i), (x) => Number(x));
  const v6Top = (1n << 128n) - BigInt(SIZE);
  algebra("bigints at the top of the v6 line", (i) => v6Top + BigInt(i), (x) => Number(x - v6Top));
});
