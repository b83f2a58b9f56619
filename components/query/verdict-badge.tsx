// A flow query's verdict in the dashboard's status colours: allowed green, partial amber, blocked red.
import { BADGE_CLASS, DOT_CLASS, type AnyStatus } from "../ui/status";

export type QueryVerdict = "allowed" | "blocked" | "partial" | "error";

const STATUS_OF: Record<QueryVerdict, AnyStatus> = { allowed: "pass", partial: "warn", blocked: "fail", error: "unknown" };
export const VERDICT_LABEL: Record<QueryVerdict, string> = { allowed: "Allowed", partial: "Partly allowed", blocked: "Blocked", error: "Not answered" };

export function VerdictBadge({ verdict, className = "" }: { verdict: QueryVerdict; className?: string }) {
  const status = STATUS_OF[verdict];
  return (
    <span
      data-verdict={verdict}
      className={`inline-flex items-center gap-1.5 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset whitespace-nowrap ${BADGE_CLASS[status]} ${className}`}
    >
      <span aria-hidden className={`h-1.5 w-1.5 rounded-full ${DOT_CLASS[status]}`} />
      {VERDICT_LABEL[verdict]}
    </span>
  );
}
