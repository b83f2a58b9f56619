import { describe, expect, it } from "vitest";
import { heapBudget } from "./heap-budget";

const MB = 2 ** 20;

/** A heap whose use the test sets, and whose collections leave `live` bytes in use. */
function fakeHeap(live: number) {
  const heap = { used: 0, live, collected: 0 };
  const budget = heapBudget({ budgetBytes: 100 * MB, usedBytes: () => heap.used, collect: () => {
    heap.collected++;
    heap.used = heap.live;
  } });
  return { heap, ...budget };
}

describe("heapBudget", () => {
  it("does nothing while the heap in use is at or under the budget", () => {
    const { heap, checkpoint, collections } = fakeHeap(10 * MB);
    for (const used of [0, 50 * MB, 100 * MB]) {
      heap.used = used;
      checkpoint();
    }
    expect(heap.collected).toBe(0);
    expect(collections()).toBe(0);
  });

  it("collects once when the heap is over the budget, then waits for it to pass the budget again", () => {
    const { heap, checkpoint, collections } = fakeHeap(30 * MB);
    heap.used = 101 * MB;
    checkpoint();
    expect(heap.collected).toBe(1);
    // 30 MB live × 1.25 is under the budget: the limit stays 100 MB.
    heap.used = 99 * MB;
    checkpoint();
    expect(heap.collected).toBe(1);
    heap.used = 101 * MB;
    checkpoint();
    expect(collections()).toBe(2);
  });

  it("raises the limit to 1.25 × what stays live when that is over the budget, so a large estate is not collected at every checkpoint", () => {
    const { heap, checkpoint } = fakeHeap(96 * MB);
    heap.used = 101 * MB;
    checkpoint();
    expect(heap.collected).toBe(1);
    // The limit is now 120 MB: growing to 110 MB collects nothing, passing 120 MB collects.
    heap.used = 110 * MB;
    checkpoint();
    expect(heap.collected).toBe(1);
    heap.used = 121 * MB;
    checkpoint();
    expect(heap.collected).toBe(2);
  });

  it("comes back down to the budget once less stays live", () => {
    const { heap, checkpoint } = fakeHeap(200 * MB);
    heap.used = 201 * MB;
    checkpoint();
    heap.live = 20 * MB;
    heap.used = 251 * MB;
    checkpoint();
    expect(heap.collected).toBe(2);
    heap.used = 101 * MB;
    checkpoint();
    expect(heap.collected).toBe(3);
  });
});
