// GET /api/scans/<id>/query/matrix?protocol=&port= - the flow query for every cluster subnet × CycleCloud subnet of
// each deployment (default TCP 5672 and 9443), each cell with its verdict and the links to ask it alone.
import { NextResponse } from "next/server";
import { queryHref } from "@/components/links";
import { parseMatrixOptions, queryMatrix } from "@/lib/path/query-matrix";
import { flowQuerySearch } from "@/lib/path/query-params";
import { getStore } from "@/lib/store";
import { errorResponse, handleError } from "../../../../_lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    const url = new URL(request.url);
    const options = parseMatrixOptions({ protocol: url.searchParams.get("protocol") ?? undefined, ports: url.searchParams.getAll("port"), app: url.searchParams.get("app") ?? undefined });
    const store = await getStore();
    const scan = await store.getScan(scanId);
    const report = scan && (await store.getReport(scanId));
    const snapshot = report && (await store.getSnapshot(scanId));
    if (!scan || !report || !snapshot) return errorResponse(404, `no scan ${scanId}`);
    const matrix = queryMatrix(snapshot, report, options);
    const body = {
      ...matrix,
      deployments: matrix.deployments.map((d) => ({
        ...d,
        rows: d.rows.map((r) => ({
          ...r,
          cells: r.cells.map((c) => {
            const search = flowQuerySearch(c.query);
            return { ...c, url: queryHref(scan.id, search), api: `/api/scans/${encodeURIComponent(scan.id)}/query?${search}` };
          }),
        })),
      })),
    };
    return NextResponse.json(body, { headers: { "cache-control": "private, no-store" } });
  } catch (e) {
    return handleError(e, "GET /api/scans/<id>/query/matrix");
  }
}
