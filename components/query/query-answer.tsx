// A flow query's answer: the verdict, one sentence per side, and what decided at each stage in path order (the
// source's outbound side, then the destination's inbound side), drawn with the findings' evidence components.
// People read names as the rest of the product writes them (`vnet/subnet`, `NIC <name>`); the ids stay in the JSON.
import type { Snapshot } from "@/lib/model/types";
import type { QueryAnswer } from "@/lib/path/query";
import { EvidenceTrace } from "../findings/evidence-trace";
import { Card, CardHeader } from "../ui/card";
import { VerdictBadge } from "./verdict-badge";

const SIDE_TITLE = { source: "Source side (outbound)", destination: "Destination side (inbound)" } as const;

export function QueryAnswerView({ answer, snapshot }: { answer: QueryAnswer; snapshot?: Snapshot }) {
  const sides = (["source", "destination"] as const).map((side) => ({ side, stages: answer.stages.filter((s) => s.side === side) })).filter((s) => s.stages.length || s.side === "source");
  return (
    <Card className="mt-6" id="answer">
      <CardHeader title={<span className="flex items-center gap-2">Answer <VerdictBadge verdict={answer.verdict} /></span>} description={`${answer.from.label} → ${answer.to.what}`} />
      <div className="space-y-4 px-4 py-4" data-testid="query-answer" data-verdict={answer.verdict}>
        <ul className="space-y-1 text-sm text-slate-800" data-testid="query-parts">
          {answer.parts.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
        {answer.notes.length ? (
          <ul className="list-disc space-y-0.5 pl-5 text-xs text-amber-900" aria-label="Notes">
            {answer.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        ) : null}
        {sides.map(({ side, stages }) => (
          <section key={side} aria-labelledby={`side-${side}`} data-testid="query-side" data-side={side}>
            <h3 id={`side-${side}`} className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {SIDE_TITLE[side]}
            </h3>
            <EvidenceTrace evidence={stages} snapshot={snapshot} headingLevel={4} context={SIDE_TITLE[side]} />
          </section>
        ))}
      </div>
    </Card>
  );
}
