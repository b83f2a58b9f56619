// A soft limit on the V8 heap for one CLI run, held at the audit's checkpoints (AuditOptions.checkpoint).
//
// V8 decides when to collect from what stayed live after its last full collection: it lets the heap grow to a
// factor of that (2 × with the CLI's --heap-growing-percent=100) before collecting again. Which collection comes last
// before the heap's peak is a matter of timing, so the same run on the same input peaked at 0.88–0.95 GB of RSS in
// most runs and at 1.11 GB in some (README "Benchmarks", fifteenth and sixteenth rounds): one collection made while
// the fix planner's state was live (~0.5 GB) let the heap grow to ~1 GB. A budget checked between units of work
// bounds the heap whatever the timing: above it, one full collection; V8's pages stay committed, so the process's
// RSS is about the heap's peak plus the young generation, code and buffers (~0.15 GB).

/** Bytes of heap in use above which a checkpoint collects, by default: RSS stays under 1 GB (see above). */
export const DEFAULT_HEAP_BUDGET_BYTES = 700 * 2 ** 20;

/**
 * After a collection the limit is at least this factor of what stayed live, so an estate whose live data nears the
 * budget is collected every time it grows by a quarter, not at every checkpoint (V8's own least factor is 1.1).
 */
const GROWTH_OVER_LIVE = 1.25;

export interface HeapBudgetOptions {
  /** Bytes of heap in use above which a checkpoint collects (the limit never goes below it). */
  budgetBytes: number;
  /** Bytes of heap in use now (`v8.getHeapStatistics().used_heap_size`). */
  usedBytes: () => number;
  /** One full, synchronous garbage collection (V8's `gc`, exposed with --expose-gc). */
  collect: () => void;
}

/**
 * A checkpoint function for AuditOptions.checkpoint that runs `collect` when the heap in use is above the limit: the
 * budget, or GROWTH_OVER_LIVE × what the last collection left live when that is more. Cheap when under the limit (one
 * `usedBytes` call). Returns the checkpoint and how many collections it made (for LOCKDOWN_STATS).
 * V8's heap sizing: https://v8.dev/blog/trash-talk and the --heap-growing-percent flag (node --v8-options).
 */
export function heapBudget(opts: HeapBudgetOptions): { checkpoint: () => void; collections: () => number } {
  let limit = opts.budgetBytes;
  let collections = 0;
  return {
    checkpoint: () => {
      if (opts.usedBytes() <= limit) return;
      opts.collect();
      collections++;
      limit = Math.max(opts.budgetBytes, opts.usedBytes() * GROWTH_OVER_LIVE);
    },
    collections: () => collections,
  };
}
