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

/**
 * The reason for a finding whose deciding part the audit cannot follow (an appliance, a doubtful way back, input it
 * lacks), where no change could be verified: `what` says that part, `subject` what it decides.
 */
export function unjudgedNoFix(what: string, subject = "this traffic"): string {
  return `What decides ${subject} is outside what the audit can judge (${what}), so no change could be verified to fix it: check that part, or add what the input lacks, and audit again.`;
}
