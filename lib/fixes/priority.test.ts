import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PriorityAllocator } from "./priority";

/** The rule pickCollection promises, written as the plain walk it replaced: the lowest number from the next hundred above `held` that neither `held` nor an earlier pick in the scope has. */
function reference(taken: Map<string, Set<number>>, scope: string, held: readonly number[]): number | undefined {
  const mine = taken.get(scope) ?? new Set<number>();
  taken.set(scope, mine);
  const top = held.length ? Math.max(...held) : 100;
  for (let p = top + 100 - (top % 100); p <= 65000; p++) {
    if (mine.has(p) || held.includes(p)) continue;
    mine.add(p);
    return p;
  }
  return undefined;
}

describe("PriorityAllocator.pickCollection", () => {
  it("gives the same priorities as a walk from the next hundred, over any sequence of scopes and held lists", () => {
    const call = fc.record({ scope: fc.constantFrom("g1", "g2"), held: fc.uniqueArray(fc.integer({ min: 100, max: 900 }), { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), (calls) => {
        const allocator = new PriorityAllocator();
        const taken = new Map<string, Set<number>>();
        for (const { scope, held } of calls) expect(allocator.pickCollection(scope, held)).toBe(reference(taken, scope, held));
      }),
    );
  });

  it("hands out distinct priorities to thousands of picks in one group, skipping the ones the group holds", () => {
    const allocator = new PriorityAllocator();
    const held = [100, 200, 700, 701];
    const picks = Array.from({ length: 5_000 }, () => allocator.pickCollection("hub", held));
    expect(new Set(picks).size).toBe(picks.length);
    expect(picks.slice(0, 3)).toEqual([800, 801, 802]);
    expect(picks.every((p) => p !== undefined && p >= 800 && !held.includes(p))).toBe(true);
  });

  it("runs out past 65,000, the highest rule collection priority Azure accepts", () => {
    const allocator = new PriorityAllocator();
    expect(allocator.pickCollection("g", [64_999])).toBe(65_000);
    expect(allocator.pickCollection("g", [64_999])).toBeUndefined();
    expect(allocator.pickCollection("g", [64_899])).toBe(64_900);
  });
});
