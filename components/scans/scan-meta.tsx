import type { ScanRecord } from "@/lib/store";
import { Time } from "../ui/time";

/** "Scan #7 · Upload: vnets.json · audited 2025-11-20 10:00 UTC · estate captured …" */
export function ScanMeta({ scan }: { scan: ScanRecord }) {
  return (
    <span className="flex flex-wrap items-center gap-x-2 gap-y-1" data-testid="scan-meta" data-scan-id={scan.id}>
      <span className="font-medium text-slate-700">Scan #{scan.seq}</span>
      <span aria-hidden>·</span>
      <span>{scan.label}</span>
      <span aria-hidden>·</span>
      <span>
        audited <Time iso={scan.createdAt} />
      </span>
      {scan.capturedAt ? (
        <>
          <span aria-hidden>·</span>
          <span>
            estate captured <Time iso={scan.capturedAt} />
          </span>
        </>
      ) : null}
      {scan.status === "partial" ? <span className="rounded bg-amber-100 px-1.5 text-xs font-medium text-amber-900">partial read</span> : null}
      {scan.roleOverrides.length ? (
        <span className="rounded bg-indigo-50 px-1.5 text-xs font-medium text-indigo-700" title={scan.roleOverrides.map((o) => `${o.subnetId}: ${o.role}`).join("\n")}>
          {scan.roleOverrides.length} role{scan.roleOverrides.length === 1 ? "" : "s"} set in the dashboard
        </span>
      ) : null}
    </span>
  );
}
