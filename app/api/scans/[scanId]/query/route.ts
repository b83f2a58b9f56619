// GET /api/scans/<id>/query?from=&to=&protocol=&port= - one flow through every stage of the path, answered from the
// scan's stored snapshot by the engine `npm run query` uses (CONTRACT §2 "Asking for one flow").
import { NextResponse } from "next/server";
import { queryFlow } from "@/lib/path/query";
import { estateOf } from "@/lib/path/query-matrix";
import { asParamError, flowQueryParams, parseFlowQuery } from "@/lib/path/query-params";
import { getStore } from "@/lib/store";
import { errorResponse, handleError } from "../../../_lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    // Bad parameters answer 400 before the snapshot is read.
    const query = parseFlowQuery(flowQueryParams(new URL(request.url).searchParams));
    const store = await getStore();
    const snapshot = (await store.getScan(scanId)) && (await store.getSnapshot(scanId));
    if (!snapshot) return errorResponse(404, `no scan ${scanId}`);
    // A partial live read's scan answers as it was audited: nothing it could not read is taken as allowing.
    const report = await store.getReport(scanId);
    const answer = queryFlow(snapshot, query, estateOf(snapshot), { readErrors: report?.errors });
    return NextResponse.json(answer, { headers: { "cache-control": "private, no-store" } });
  } catch (e) {
    return handleError(asParamError(e), "GET /api/scans/<id>/query");
  }
}
