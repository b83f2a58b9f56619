// A live read that reached only part of the estate (CONTRACT §2 exit 3, §3 `errors`): what was read is audited, but a
// call that failed may have held what decides a verdict (an admin rule that denies or always allows, a scale set's NIC
// NSG, a private endpoint). No finding may then read as a confident pass.
import type { Finding, ReadError } from "./report/types";
import { GRAPH_EXPORT_OPERATION, MISSING_PAGES_CODE } from "./snapshot/graph-pages";

/** How many failed calls the sentence names; the rest are counted. */
const NAMED_CALLS = 3;

/**
 * The failed calls in one clause: `networkManagers.listAll in subscription <id>: AuthorizationFailed; …; and 4 more`
 * (identical operation, subscription and code counted once). Undefined when there are none.
 */
export function failedCalls(errors: readonly ReadError[] | undefined): string | undefined {
  if (!errors?.length) return undefined;
  const seen = new Set<string>();
  const calls: string[] = [];
  for (const e of errors) {
    const text = `${e.operation}${whereOf(e.subscription)}: ${e.code}`;
    if (seen.has(text)) continue;
    seen.add(text);
    calls.push(text);
  }
  const more = calls.length - NAMED_CALLS;
  return more > 0 ? `${calls.slice(0, NAMED_CALLS).join("; ")}; and ${more} more failed call${more === 1 ? "" : "s"}` : calls.join("; ");
}

/**
 * Where a failed call was made, as a clause: ` in subscription <id>`; none for `*` (before any subscription: the
 * sign-in, or a file's export such as a Resource Graph export missing pages); ` in 2 subscriptions` for one call over
 * several (a Resource Graph query).
 */
function whereOf(subscription: string): string {
  if (subscription === "*") return "";
  return /^\d+ subscriptions?$/.test(subscription) ? ` in ${subscription}` : ` in subscription ${subscription}`;
}

/** Longest message a `readErrorLine` keeps (ARM's 403 text names the client, action and scope in ~300 characters). */
const LINE_MESSAGE = 320;

/**
 * One failed call as one line for a terminal: `<operation> in subscription <id>: <code>: <message>`; a call made before
 * any subscription (the sign-in, subscription `*`) names none, and a message that starts with the code does not repeat it.
 */
export function readErrorLine(e: ReadError): string {
  const where = whereOf(e.subscription);
  const text = e.message.replace(/\s+/g, " ").trim();
  const message = text.startsWith(e.code) ? text.slice(e.code.length).replace(/^[:\s]+/, "") : text;
  const short = message.length > LINE_MESSAGE ? `${message.slice(0, LINE_MESSAGE - 3)}...` : message;
  return `${e.operation}${where}: ${e.code}${short ? `: ${short}` : ""}`;
}

/**
 * The lines to print for a read's errors: each distinct call once (`readErrorLine`), at most `max`, then how many more.
 */
export function readErrorLines(errors: readonly ReadError[], max = 20): string[] {
  const lines = [...new Set(errors.map(readErrorLine))];
  return lines.length > max ? [...lines.slice(0, max), `... and ${lines.length - max} more failed calls`] : lines;
}

/** The sentences a partial read adds to findings, built once per audit. */
export interface PartialReadNote {
  /** For a finding that passed on what was read: it becomes `warn`. */
  passed: string;
  /** For a `warn` or `fail`: the verdict stands on what was read, but may be different with the rest. */
  judged: string;
  /** For a flow query that was allowed on what was read: it becomes `partial`. */
  allowed: string;
}

/**
 * List calls whose missing results the engine already judges finding by finding, so their failure alone holds back no
 * pass: without the VM list, a NIC whose VM is not in the input beside a Flexible scale set is "cannot be judged"
 * (lib/path/flexible-instance.ts), and elsewhere a VM decides nothing. (A custom role made from an older permission
 * list lacks `Microsoft.Compute/virtualMachines/read`; the read is still partial, exit 3, and says so.)
 */
const JUDGED_WHEN_MISSING: ReadonlySet<string> = new Set(["virtualmachines.listall"]);

/**
 * Whether `errors` may hide what the profile names (a role subnet, a CycleCloud server's NIC): any failed call but those
 * whose absence is judged finding by finding (JUDGED_WHEN_MISSING). Only then is a profile entry that matches nothing
 * read listed instead of being an input error.
 */
export function mayHideProfileEntries(errors: readonly ReadError[] | undefined): boolean {
  return !!errors?.some((e) => !JUDGED_WHEN_MISSING.has(e.operation.toLowerCase()));
}

/** The sentences for `errors`, or undefined for a complete read (then findings are left as they are). */
export function partialReadNote(errors: readonly ReadError[] | undefined): PartialReadNote | undefined {
  const counted = errors?.filter((e) => !JUDGED_WHEN_MISSING.has(e.operation.toLowerCase()));
  const calls = failedCalls(counted);
  if (!calls) return undefined;
  // A Resource Graph export missing pages (lib/snapshot/graph-pages.ts) is no live call: say what is missing instead.
  if (counted!.every((e) => e.code === MISSING_PAGES_CODE)) {
    // An ARM list page (`{value}` with nextLink or skipToken, graph-pages.ts ListPages) is missing pages too.
    const of = counted!.every((e) => e.operation.startsWith(GRAPH_EXPORT_OPERATION)) ? "its Resource Graph export" : "its exported lists";
    return {
      passed: `Passes on what was read, but the input is missing pages of ${of} (${calls}): the rows on those pages may decide this verdict.`,
      judged: `The input is missing pages of ${of} (${calls}): the rows on those pages may decide this verdict.`,
      allowed: `Allowed on what was read, but the input is missing pages of ${of} (${calls}): the rows on those pages may decide this answer.`,
    };
  }
  return {
    passed: `Passes on what was read, but part of the live read failed (${calls}): what those calls would have returned may decide this verdict.`,
    judged: `Part of the live read failed (${calls}): what those calls would have returned may decide this verdict.`,
    allowed: `Allowed on what was read, but part of the live read failed (${calls}): what those calls would have returned may decide this answer.`,
  };
}

/**
 * A finding as a partial read leaves it: `pass` becomes `warn` and says why; `warn` and `fail` keep their verdict (a
 * fail from what was read stands) and say it may change, since an unread `AlwaysAllow` admin rule or private endpoint
 * could open what was judged closed. `info` is left alone: it never decides a gate. Mutates and returns `finding`.
 */
export function applyPartialRead(finding: Finding, note: PartialReadNote): Finding {
  if (finding.status === "pass") {
    finding.status = "warn";
    finding.detail = `${finding.detail} ${note.passed}`;
  } else if (finding.status === "warn" || finding.status === "fail") {
    finding.detail = `${finding.detail} ${note.judged}`;
  }
  return finding;
}
