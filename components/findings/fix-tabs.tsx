"use client";
import type { Fix, FixKind } from "@/lib/report/types";
import { CopyButton } from "../ui/copy-button";
import { Tabs } from "../ui/tabs";

const ORDER: FixKind[] = ["az-cli", "bicep", "terraform", "portal"];
const LABEL: Record<FixKind, string> = { "az-cli": "az CLI", bicep: "Bicep", terraform: "Terraform", portal: "Portal steps" };

/** A finding's fixes, one tab per kind, each with a copy button. Several fixes of one kind share its tab. */
export function FixTabs({ fixes, rule }: { fixes: Fix[]; rule: string }) {
  const kinds = ORDER.filter((k) => fixes.some((f) => f.kind === k));
  if (!kinds.length) return null;
  return (
    <Tabs
      label={`Fixes for ${rule}`}
      tabs={kinds.map((kind) => ({
        id: kind,
        label: LABEL[kind],
        content: (
          <div className="space-y-3">
            {fixes
              .filter((f) => f.kind === kind)
              .map((fix, i) => (
                <div key={i} className="overflow-hidden rounded-md ring-1 ring-slate-200">
                  <div className="flex items-center justify-between bg-slate-50 px-3 py-1.5">
                    <span className="text-[11px] font-medium text-slate-500">{kind === "portal" ? "Steps in the Azure portal" : `${LABEL[kind]}, safe to paste`}</span>
                    <CopyButton text={fix.text} label={`Copy ${LABEL[kind]}`} testId={`copy-fix-${kind}`} />
                  </div>
                  {kind === "portal" ? (
                    <div className="whitespace-pre-wrap bg-white p-3 text-sm text-slate-800" data-fix-kind={kind}>
                      {fix.text}
                    </div>
                  ) : (
                    <pre tabIndex={0} aria-label={`${LABEL[kind]} fix`} className="overflow-x-auto bg-slate-900 p-3 text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-400" data-fix-kind={kind}>
                      <code>{fix.text}</code>
                    </pre>
                  )}
                </div>
              ))}
          </div>
        ),
      }))}
    />
  );
}
