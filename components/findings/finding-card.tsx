import Link from "next/link";
import type { ReactNode } from "react";
import type { Snapshot } from "@/lib/model/types";
import type { Finding } from "@/lib/report/types";
import { CopyButton } from "../ui/copy-button";
import { StatusBadge } from "../ui/status-badge";
import { LINK } from "../ui/button";
import { EvidenceTrace } from "./evidence-trace";
import { FixTabs } from "./fix-tabs";
import { ExemptionNote } from "../gates/exemption-note";

/**
 * One finding: verdict, what the seed requires, the evidence and the fixes. Used on the subnet page and the share page.
 * `collapsed` starts passing and informational findings folded (details/summary), so the ones needing work stand out.
 */
export function FindingCard({ finding, snapshot, headingLevel = "h3", showShare = true, showTitle = true, collapsed = false }: {
  finding: Finding;
  snapshot?: Snapshot;
  headingLevel?: "h2" | "h3";
  showShare?: boolean;
  showTitle?: boolean;
  collapsed?: boolean;
}) {
  const Heading = headingLevel;
  // Section headings sit one level below the card's title, or at its level when the page's own heading is the title.
  const level = Number(headingLevel[1]) + (showTitle ? 1 : 0);
  const SectionHeading = `h${level}` as "h2" | "h3" | "h4";
  // An exempt finding still needs its evidence and fix: the risk is accepted, not gone.
  const open = finding.status === "fail" || finding.status === "warn" || finding.status === "exempt";
  const title: ReactNode = (
    <div className="min-w-0">
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={finding.status} />
        <span className="font-mono text-xs text-slate-500">{finding.rule}</span>
        {finding.severity ? <span className="text-xs text-slate-500">{finding.severity} severity</span> : null}
      </div>
      {showTitle ? <Heading className="mt-1 text-sm font-semibold text-slate-900">{finding.title}</Heading> : null}
      <ExemptionNote finding={finding} className="mt-1" />
    </div>
  );
  const actions: ReactNode =
    showShare && finding.link ? (
      <div className="flex items-center gap-2">
        <Link href={finding.link} className={`${LINK} text-xs`} data-testid="open-finding">
          Open finding
        </Link>
        <CopyButton text={finding.link} absolute label="Copy link" copiedLabel="Link copied" />
      </div>
    ) : null;
  const body = (
    <div className="space-y-4 px-4 py-3">
      {/* In a folded card the links cannot sit in the summary (no controls inside controls), so they open the body. */}
      {collapsed && actions ? <div className="flex justify-end">{actions}</div> : null}
      <p className="text-sm text-slate-800">{finding.detail}</p>
      {finding.requirement ? (
        <blockquote className="border-l-2 border-indigo-300 pl-3 text-sm text-slate-600">
          <span className="block text-[11px] font-semibold uppercase tracking-wide text-indigo-700">Requirement</span>
          {finding.requirement}
        </blockquote>
      ) : null}
      {finding.evidence.length || open ? (
        // Not a labelled landmark: a subnet page shows one per finding, and landmarks' names must be unique.
        <section>
          <SectionHeading className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Evidence</SectionHeading>
          <EvidenceTrace evidence={finding.evidence} snapshot={snapshot} headingLevel={(level + 1) as 3 | 4 | 5} context={finding.rule} />
        </section>
      ) : null}
      {finding.fixes.length ? (
        <section>
          <SectionHeading className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{open ? "Fix" : "Guidance"}</SectionHeading>
          <FixTabs fixes={finding.fixes} rule={finding.rule} />
        </section>
      ) : null}
      {/* Where the fix would be, why there is none (the report's noFixReason), as the PDF and exports say it. */}
      {finding.noFixReason && !finding.fixes.length ? (
        <section>
          <SectionHeading className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Fix</SectionHeading>
          <p className="text-sm text-slate-700" data-testid="no-fix-reason">
            No fix offered. {finding.noFixReason}
          </p>
        </section>
      ) : null}
    </div>
  );
  const frame = "min-w-0 scroll-mt-20 rounded-lg border border-slate-200 bg-white shadow-xs";
  if (collapsed) {
    return (
      <details id={finding.rule} className={`${frame} group`} data-testid="finding" data-rule={finding.rule} data-status={finding.status}>
        <summary className="flex cursor-pointer list-none items-start gap-2 px-4 py-3 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 [&::-webkit-details-marker]:hidden">
          <span aria-hidden className="mt-0.5 text-xs text-slate-500 transition-transform group-open:rotate-90">
            ▶
          </span>
          {title}
        </summary>
        <div className="border-t border-slate-100">{body}</div>
      </details>
    );
  }
  return (
    <article id={finding.rule} className={frame} data-testid="finding" data-rule={finding.rule} data-status={finding.status}>
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-slate-100 px-4 py-3">
        {title}
        {actions}
      </header>
      {body}
    </article>
  );
}
