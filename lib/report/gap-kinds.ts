// Most gaps are a resource the input refers to and lacks: flows through it are "cannot be judged". Two are lists Azure
// computes and only a POST returns (a network manager's deployment status, a NIC's effective route table): without
// them the audit goes on as CONTRACT §4.1 says (admin rules evaluated as deployed, routes learned over BGP noted as
// unseen), and each such gap's hint says how. Words shared by the dashboard, Markdown and PDF.
import type { ReportGaps } from "./types";

const MISSING_LISTS: Record<string, string> = {
  deploymentStatus: "its deployment status list",
  effectiveRouteTable: "a NIC's effective route table",
};

/** What a gap of `kind` lacks, when it is such a list (`"a NIC's effective route table"`); undefined for a resource. */
export function missingList(kind: string): string | undefined {
  return Object.hasOwn(MISSING_LISTS, kind) ? MISSING_LISTS[kind] : undefined;
}

/** One sentence on what the gaps mean for the verdicts, true of the kinds present (empty when none). */
export function gapsConsequence(unresolved: ReportGaps["unresolved"]): string {
  const lists = unresolved.some((u) => missingList(u.kind));
  const resources = unresolved.some((u) => !missingList(u.kind));
  return [
    resources ? "Flows through a missing resource are not judged (warn), never passed." : "",
    lists ? "Where a list Azure computes is missing, its line says how the audit went on without it." : "",
  ]
    .filter(Boolean)
    .join(" ");
}
