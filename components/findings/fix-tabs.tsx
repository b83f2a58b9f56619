"use client";
import type { Fix } from "@/lib/report/types";
import { FIX_KIND_ORDER, fixPresentation } from "@/lib/report/meta";
import { CopyButton } from "../ui/copy-button";
import { Tabs } from "../ui/tabs";

/**
 * A finding's fixes, one tab per kind, each with a copy button. Several fixes of one kind share its tab. Code (az CLI,
 * Bicep, Terraform, shell) is monospaced; portal steps are prose.
 */
export function FixTabs({ fixes, rule }: { fixes: Fix[]; rule: string }) {
  const present = [...new Set(fixes.map((f) => f.kind as string))];
  const kinds = [...FIX_KIND_ORDER.filter((k) => present.includes(k)), ...present.filter((k) => !FIX_KIND_ORDER.includes(k))];
  if (!kinds.length) return null;
  return (
    <Tabs
      label={`Fixes for ${rule}`}
      tabs={kinds.map((kind) => {
        const how = fixPresentation(kind, rule);
        return {
          id: kind,
          label: how.label,
          content: (
            <div className="space-y-3">
              {fixes
                .filter((f) => f.kind === kind)
                .map((fix, i) => (
                  <div key={i} className="overflow-hidden rounded-md ring-1 ring-slate-200">
                    <div className="flex items-center justify-between bg-slate-50 px-3 py-1.5">
                      <span className="text-[11px] font-medium text-slate-500">{how.note}</span>
                      <CopyButton text={fix.text} label={`Copy ${how.label}`} testId={`copy-fix-${kind}`} />
                    </div>
                    {how.monospace ? (
                      <pre tabIndex={0} aria-label={`${how.label} fix`} className="overflow-x-auto bg-slate-900 p-3 text-xs leading-relaxed text-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-400" data-fix-kind={kind}>
                        <code>{fix.text}</code>
                      </pre>
                    ) : (
                      <div className="whitespace-pre-wrap bg-white p-3 text-sm text-slate-800" data-fix-kind={kind}>
                        {fix.text}
                      </div>
                    )}
                  </div>
                ))}
            </div>
          ),
        };
      })}
    />
  );
}
