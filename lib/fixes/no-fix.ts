// Why no fix is offered for a finding, in one sentence. Planners record the reason as they give up;
// the audit takes it after each check (a finding that fails with no fix must say why).
import type { PriorityAllocator } from "./priority";

const reasons = new WeakMap<PriorityAllocator, string>();

/** Records why planning stopped (the last reason of a check wins). `allocator` identifies the audit run. */
export function noteNoFix(allocator: PriorityAllocator, reason: string): void {
  reasons.set(allocator, reason);
}

/** The reason recorded since the last call, and forgets it. */
export function takeNoFixReason(allocator: PriorityAllocator): string | undefined {
  const r = reasons.get(allocator);
  reasons.delete(allocator);
  return r;
}
