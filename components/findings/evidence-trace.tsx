// What decided a finding, stage by stage along the packet's path (CONTRACT §4.1), in the order the engine listed it:
// security admin rules, NSG tables, the route used, the firewall's deciding rule, the outbound method.
// The verdict is the engine's (Finding.evidence); the stored snapshot only fills in the NSGs' full rule lists.
import type { Snapshot } from "@/lib/model/types";
import { evidenceStage } from "@/lib/report/types";
import type { AdminRuleEvidence, Evidence, FirewallEvidence, NsgEvidence, OutboundEvidence, PathStage, RouteEvidence } from "@/lib/report/types";
import { STAGE_LABEL } from "@/lib/report/meta";
import { NsgEvidenceTables } from "./evidence-nsg";
import { AdminRuleEvidenceTable, FirewallEvidenceTable, OutboundEvidenceTable, RouteEvidenceTable } from "./evidence-stages";

export interface EvidenceSegment {
  stage: PathStage;
  entries: Evidence[];
}

/** Consecutive entries of one stage form one segment; the path order between segments is kept. */
export function evidenceSegments(evidence: Evidence[]): EvidenceSegment[] {
  const out: EvidenceSegment[] = [];
  for (const e of evidence) {
    const stage = evidenceStage(e);
    const last = out[out.length - 1];
    if (last && last.stage === stage) last.entries.push(e);
    else out.push({ stage, entries: [e] });
  }
  return out;
}

const STAGE_NOTE: Record<PathStage, string> = {
  "admin-rule": "Azure Virtual Network Manager evaluates security admin rules before any NSG: Deny drops, Always allow skips the NSGs, Allow hands over to them.",
  nsg: "",
  route: "The subnet's effective route for the destination: the longest matching prefix wins; on an equal prefix a user route beats a system route.",
  firewall: "Azure Firewall takes network rules before application rules, by rule collection group then collection priority; traffic no rule allows is denied.",
  outbound: "How traffic routed to the Internet leaves: NAT gateway, then instance public IP, then load balancer outbound rule, then default outbound access.",
};

function SegmentBody({ segment, snapshot, context }: { segment: EvidenceSegment; snapshot?: Snapshot; context?: string }) {
  switch (segment.stage) {
    case "admin-rule":
      return <AdminRuleEvidenceTable evidence={segment.entries as AdminRuleEvidence[]} context={context} />;
    case "route":
      return <RouteEvidenceTable evidence={segment.entries as RouteEvidence[]} context={context} />;
    case "firewall":
      return <FirewallEvidenceTable evidence={segment.entries as FirewallEvidence[]} context={context} />;
    case "outbound":
      return <OutboundEvidenceTable evidence={segment.entries as OutboundEvidence[]} context={context} />;
    default:
      return <NsgEvidenceTables evidence={segment.entries as NsgEvidence[]} snapshot={snapshot} context={context} />;
  }
}

/**
 * A finding's evidence, one block per path stage in path order, each in Network Watcher's vocabulary. `headingLevel`
 * is the level of the stage headings, one below the heading the trace sits under (axe's heading-order: levels only
 * step down by one). `context` (the finding's rule, the query's side) makes the NSG tables' scroll regions' names
 * unique on a page that shows several traces (axe's landmark-unique).
 */
export function EvidenceTrace({ evidence, snapshot, headingLevel = 5, context }: { evidence: Evidence[]; snapshot?: Snapshot; headingLevel?: 3 | 4 | 5 | 6; context?: string }) {
  const StageHeading = `h${headingLevel}` as const;
  if (!evidence.length) {
    return <p className="text-xs text-slate-500">No rule or route decided this finding (no NSG at either level and nothing else on the path, or the check is not about a flow).</p>;
  }
  const segments = evidenceSegments(evidence);
  return (
    <ol className="space-y-3">
      {segments.map((segment, i) => (
        <li key={i} data-testid="evidence-stage" data-stage={segment.stage}>
          {segments.length > 1 || segment.stage !== "nsg" ? (
            <StageHeading className="mb-1 flex items-baseline gap-2 text-xs font-semibold text-slate-700">
              <span className="inline-flex h-4 min-w-4 items-center justify-center rounded-full bg-slate-200 px-1 text-[10px] tabular-nums text-slate-700">{i + 1}</span>
              {STAGE_LABEL[segment.stage]}
            </StageHeading>
          ) : null}
          {STAGE_NOTE[segment.stage] ? <p className="mb-1.5 text-xs text-slate-500">{STAGE_NOTE[segment.stage]}</p> : null}
          {segment.stage === "nsg" ? (
            <SegmentBody segment={segment} snapshot={snapshot} context={context} />
          ) : (
            <div className="overflow-hidden rounded-md ring-1 ring-slate-200">
              <SegmentBody segment={segment} snapshot={snapshot} context={[context, `stage ${i + 1}`].filter(Boolean).join(", ")} />
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
