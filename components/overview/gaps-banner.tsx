// What the input referred to but did not hold, and the types it held that the audit ignores (CONTRACT §1.1). Flows
// through an unresolved reference are "cannot be judged", so a user must see what to add before trusting a pass.
import type { ReactNode } from "react";
import type { ReportGaps } from "@/lib/report/types";
import { resourceName } from "@/lib/report/meta";
import { AzureName } from "../ui/azure-name";
import { gapsConsequence, missingList } from "@/lib/report/gap-kinds";
import { ExpandableItems } from "../ui/expandable-items";

/** A hint with `backticked` commands, drawn as code (the text stays text: React escapes it). */
export function HintText({ text }: { text: string }): ReactNode {
  const parts = text.split(/(`[^`]+`)/g);
  return parts.map((p, i) =>
    p.length > 2 && p.startsWith("`") && p.endsWith("`") ? (
      <code key={i} className="rounded bg-amber-100 px-1 font-mono text-[11px]">
        {p.slice(1, -1)}
      </code>
    ) : (
      <span key={i}>{p}</span>
    ),
  );
}

const MAX_SHOWN = 50;
// Expanding shows up to this many; the rest stays in the exports.
const MAX_SENT = 1000;

export function GapsBanner({ gaps }: { gaps?: ReportGaps }) {
  if (!gaps || (!gaps.unresolved.length && !gaps.ignoredTypes.length)) return null;
  const { unresolved, ignoredTypes } = gaps;
  const ignoredCount = ignoredTypes.reduce((n, t) => n + t.count, 0);
  const lists = unresolved.filter((u) => missingList(u.kind)).length;
  const refs = unresolved.length - lists;
  const headline = [
    refs ? `${refs} reference${refs === 1 ? "" : "s"} to resources the input does not hold` : undefined,
    lists ? `${lists} list${lists === 1 ? "" : "s"} Azure computes not in the input` : undefined,
    ignoredTypes.length ? `${ignoredCount} resource${ignoredCount === 1 ? "" : "s"} of ${ignoredTypes.length} type${ignoredTypes.length === 1 ? "" : "s"} ignored` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <details aria-label="What the audit could not see" className="group mb-4 rounded-md border border-amber-300 bg-amber-50 text-sm text-amber-950" data-testid="gaps-banner" open={unresolved.length > 0 && unresolved.length <= 5}>
      <summary className="flex cursor-pointer list-none items-start gap-2 px-4 py-2 focus-visible:outline-2 focus-visible:outline-amber-600 [&::-webkit-details-marker]:hidden">
        <span aria-hidden className="mt-0.5 text-xs transition-transform group-open:rotate-90">
          ▶
        </span>
        <span>
          <strong className="font-semibold">The audit could not see everything.</strong> {headline}.{" "}
          {gapsConsequence(unresolved) || null}
        </span>
      </summary>
      <div className="space-y-3 border-t border-amber-200 px-4 py-3">
        {unresolved.length ? (
          <div>
            <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-amber-900">Not in the input</h2>
            <ul className="space-y-1" data-testid="gaps-unresolved">
              <ExpandableItems
                max={MAX_SHOWN}
                total={unresolved.length}
                moreClassName="text-xs"
                testId="gaps-more"
                items={unresolved.slice(0, MAX_SENT).map((u, i) => (
                <li key={i}>
                  <span title={u.from} className="font-medium">
                    <AzureName>{resourceName(u.from) || u.from}</AzureName>
                  </span>{" "}
                  {missingList(u.kind) ? (
                    <>lacks {missingList(u.kind)}</>
                  ) : (
                    <>
                      refers to {u.kind}{" "}
                      <span title={u.ref} className="font-mono text-xs">
                        <AzureName>{resourceName(u.ref) || u.ref}</AzureName>
                      </span>
                    </>
                  )}
                  {u.hint ? (
                    <>
                      {" "}
                      — <HintText text={u.hint} />
                    </>
                  ) : null}
                </li>
                ))}
              />
            </ul>
          </div>
        ) : null}
        {ignoredTypes.length ? (
          <div>
            <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-amber-900">Ignored resource types</h2>
            <ul className="flex flex-wrap gap-x-4 gap-y-1" data-testid="gaps-ignored">
              {ignoredTypes.map((t) => (
                <li key={t.type}>
                  <span className="font-mono text-xs">{t.type}</span> × {t.count}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </details>
  );
}
