import { describe, expect, it } from "vitest";
import { heapBudget } from "./heap-budget";

const MB = 2 ** 20;

/**
 * A 100 MB budget over a heap whose collections leave `live` bytes in use. `at(used)`: the heap has grown to `used`
 * bytes and a checkpoint comes; returns how many collections the budget has made so far.
 */
function fakeHeap(live: number) {
  const heap = { used: 0, live };
  const { checkpoint, collections } = heapBudget({ budgetBytes: 100 * MB, usedBytes: () => heap.used, collect: () => {
    heap.used = heap.live;
  } });
  const at = (used: number) => {
    heap.used = used;
    checkpoint();
    return collections();
  };
  return { heap, at };
}

describe("heapBudget", () => {
  it("does nothing while the heap in use is at or under the budget", () => {
    const { at } = fakeHeap(10 * MB);
    expect([0, 50 * MB, 100 * MB].map(at)).toEqual([0, 0, 0]);
  });

  it("collects once when the heap is over the budget, then waits for it to pass the budget again", () => {
    const { at } = fakeHeap(30 * MB);
    expect(at(101 * MB)).toBe(1);
    // 30 MB live × 1.25 is under the budget: the limit stays 100 MB.
    expect(at(99 * MB)).toBe(1);
    expect(at(101 * MB)).toBe(2);
  });

  it("raises the limit to 1.25 × what stays live when that is over the budget, so a large estate is not collected at every checkpoint", () => {
    const { at } = fakeHeap(96 * MB);
    expect(at(101 * MB)).toBe(1);
    // The limit is now 120 MB: growing to 110 MB collects nothing, passing 120 MB collects.
    expect(at(110 * MB)).toBe(1);
    expect(at(121 * MB)).toBe(2);
  });

  it("comes back down to the budget once less stays live", () => {
    const { heap, at } = fakeHeap(200 * MB);
    expect(at(201 * MB)).toBe(1);
    heap.live = 20 * MB;
    expect(at(251 * MB)).toBe(2);
    expect(at(101 * MB)).toBe(3);
  });
});
