// GET /api/scans/<id>/report?format=json|csv|sarif|md|pdf[&filters] - the scan's report, rendered, as a download (CONTRACT §5)
// The subnets table's filters (q, status, role, vnet, rule, sort, dir) apply, so a filtered view exports what it shows.
import { authSettings } from "@/lib/auth/settings";
import { describeFilters, filterReport } from "@/lib/report/filter";
import { isReportFormat, renderReport, REPORT_FORMATS } from "@/lib/report/render";
import { getStore } from "@/lib/store";
import { sarifLocationTargets } from "@/lib/report/sarif";
import { locateResources } from "@/lib/report/source-positions";
import { readsEntry } from "@/lib/snapshot/load-snapshot";
import { errorResponse, handleError } from "../../../_lib/http";
import { formatRefusal, strictReportFilters } from "../../../_lib/report-query";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    const url = new URL(request.url);
    const format = url.searchParams.get("format") ?? "json";
    if (!isReportFormat(format)) {
      const refusal = formatRefusal(format, REPORT_FORMATS);
      return errorResponse(400, refusal.error, refusal.extra);
    }
    const filters = strictReportFilters(url.searchParams);
    const store = await getStore();
    const scan = await store.getScan(scanId);
    const report = scan && (await store.getReport(scanId));
    if (!scan || !report) return errorResponse(404, `no scan ${scanId}`);
    const view = filterReport(report, filters);
    // SARIF: each result names the input file holding its deciding resource (found in the stored inputs' values; their
    // lines are not the user's files', so no region), not the first file for every result.
    const inputs = format === "sarif" ? await store.getInputs(scan.id) : undefined;
    const sourcePositions = inputs ? locateResources(inputs.sources.map((s) => ({ name: s.name, text: JSON.stringify(s.value) })), sarifLocationTargets(view), { reads: readsEntry }) : undefined;
    const rendered = await renderReport(view, format, {
      ...(sourcePositions ? { sourcePositions, filesOnly: true } : {}),
      scanId: scan.id,
      scanLabel: `#${scan.seq} ${scan.label}`,
      filters: describeFilters(filters),
      // Links in the export point where readers can open them: PUBLIC_URL / AUTH_URL, not the address this
      // request came in on (http://localhost:<port> behind a reverse proxy).
      baseUrl: authSettings().publicUrl ?? url.origin,
    });
    const body = typeof rendered.body === "string" ? rendered.body : new Uint8Array(rendered.body);
    return new Response(body, {
      headers: {
        "content-type": rendered.contentType,
        "content-disposition": `attachment; filename="${rendered.fileName}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (e) {
    return handleError(e, "GET /api/scans/<id>/report");
  }
}
