// The n log n merges and binary-search paths (issue 11, item 5) against plain sets of integers: a universe big
// enough that one side can hold 16× more ranges than the other, so the fast paths for "a few ranges against a
// service tag of 20,000 prefixes" run, and the results must equal the member-by-member answer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addrUnion, addrUnionAll, concrete, EMPTY } from "@/lib/net/addr-set";
import * as iv from "@/lib/net/intervals";
import { cidrsToRanges } from "@/lib/net/ip";

const SIZE = 600;
const RUNS = 200;

function toIntervals(members: boolean[], offset = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < members.length; i++) {
    if (!members[i] || (i > 0 && members[i - 1])) continue;
    let j = i;
    while (j + 1 < members.length && members[j + 1]) j++;
    out.push(i + offset, j + offset);
  }
  return out;
}

function toMembers(set: iv.Intervals<number>, offset = 0): boolean[] {
  const members = Array<boolean>(SIZE).fill(false);
  let prevHi: number | undefined;
  for (let k = 0; k < set.length; k += 2) {
    expect(set[k]).toBeLessThanOrEqual(set[k + 1]);
    if (prevHi !== undefined) expect(set[k]).toBeGreaterThan(prevHi + 1);
    prevHi = set[k + 1];
    for (let i = set[k]; i <= set[k + 1]; i++) members[i - offset] = true;
  }
  return members;
}

/** Many scattered members (a service tag) and a few runs (a subnet, a rule). */
const dense = fc.array(fc.boolean(), { minLength: SIZE, maxLength: SIZE });
const sparse = fc
  .array(fc.tuple(fc.nat(SIZE - 1), fc.nat(40)), { maxLength: 3 })
  .map((runs) => {
    const members = Array<boolean>(SIZE).fill(false);
    for (const [at, len] of runs) for (let i = at; i < Math.min(SIZE, at + len); i++) members[i] = true;
    return members;
  });
const pair = fc.oneof(fc.tuple(dense, sparse), fc.tuple(sparse, dense), fc.tuple(dense, dense));

describe("interval fast paths equal the member-by-member answer", () => {
  it("intersect, subtract, overlaps, contains", () => {
    fc.assert(
      fc.property(pair, fc.nat(SIZE - 1), ([ma, mb], x) => {
        const a = toIntervals(ma);
        const b = toIntervals(mb);
        expect(toMembers(iv.intersect(a, b))).toEqual(ma.map((m, i) => m && mb[i]));
        expect(toMembers(iv.subtract(a, b))).toEqual(ma.map((m, i) => m && !mb[i]));
        expect(iv.overlaps(a, b)).toBe(ma.some((m, i) => m && mb[i]));
        expect(iv.contains(a, x)).toBe(ma[x]);
      }),
      { numRuns: RUNS },
    );
  });

  it("unionAll equals folding union, in any order", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(dense, sparse), { maxLength: 8 }), (sets) => {
        const lists = sets.map((m) => toIntervals(m));
        const folded = lists.reduce<iv.Intervals<number>>((acc, s) => iv.union(acc, s), []);
        expect(iv.unionAll(lists)).toEqual(folded);
        expect(iv.unionAll([...lists].reverse())).toEqual(folded);
      }),
      { numRuns: RUNS },
    );
  });

  it("addrUnionAll equals folding addrUnion; cidrsToRanges merges unsorted, adjacent and duplicate prefixes", () => {
    const sets = [concrete([10, 20]), EMPTY, concrete([0, 4, 21, 30]), concrete([], [5n, 9n]), concrete([40, 50])];
    expect(addrUnionAll(sets)).toEqual(sets.reduce(addrUnion, EMPTY));
    expect(addrUnionAll([])).toBe(EMPTY);
    const r = cidrsToRanges(["10.0.1.0/24", "10.0.0.0/24", "10.0.0.0/24", "10.0.3.7", "2001:db8::/127", "not a prefix"]);
    expect(r.v4).toEqual([0x0a000000, 0x0a0001ff, 0x0a000307, 0x0a000307]);
    expect(r.v6).toEqual([0x20010db8n << 96n, (0x20010db8n << 96n) + 1n]);
  });
});
