// GET /api/scans/<id>/fixes?format=sh|ps1|bicep|tf - every verified fix of the scan together, as one download
// (az CLI script for bash or PowerShell in safe order, Bicep, Terraform). The report's filters apply.
import { fixAll } from "@/lib/fixes/fix-all";
import { filterReport } from "@/lib/report/filter";
import { getStore } from "@/lib/store";
import { applicableOverrides } from "@/lib/store/roles";
import { errorResponse, handleError } from "../../../_lib/http";
import { formatRefusal, strictReportFilters } from "../../../_lib/report-query";

export const dynamic = "force-dynamic";

const FORMATS = { sh: "text/x-shellscript", ps1: "text/plain", bicep: "text/plain", tf: "text/plain" } as const;
type Format = keyof typeof FORMATS;

export async function GET(request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    const url = new URL(request.url);
    const format = url.searchParams.get("format") ?? "sh";
    if (!Object.hasOwn(FORMATS, format)) {
      const refusal = formatRefusal(format, Object.keys(FORMATS));
      return errorResponse(400, refusal.error, refusal.extra);
    }
    const filters = strictReportFilters(url.searchParams);
    const store = await getStore();
    const scan = await store.getScan(scanId);
    const report = scan && (await store.getReport(scanId));
    const inputs = scan && (await store.getInputs(scanId));
    const snapshot = scan && (await store.getSnapshot(scanId));
    if (!scan || !report || !inputs || !snapshot) return errorResponse(404, `no scan ${scanId}`);
    const view = filterReport(report, filters);
    // A partial live read's scan is re-planned as it was audited (AuditOptions.readErrors), unmatched roles left out.
    const readErrors = report.errors?.length ? report.errors : undefined;
    const { map } = applicableOverrides(snapshot, inputs.profile, inputs.roleOverrides, "profile", { partialRead: !!readErrors });
    const bundle = fixAll(snapshot, inputs.profile, view, { roleOverrides: map, readErrors });
    return new Response(bundle[format as Format], {
      headers: {
        "content-type": `${FORMATS[format as Format]}; charset=utf-8`,
        "content-disposition": `attachment; filename="lockdown-${scan.id.replace(/[^A-Za-z0-9-]/g, "")}-fix-all.${format}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (e) {
    return handleError(e, "GET /api/scans/<id>/fixes");
  }
}
