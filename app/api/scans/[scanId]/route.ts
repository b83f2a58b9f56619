// GET    /api/scans/<id> - one scan's record (label, dates, estate, summary) without its report
// DELETE /api/scans/<id> - delete the scan, with its stored inputs when no other scan uses them (204)
import { NextResponse } from "next/server";
import { scanHref } from "@/components/links";
import { getStore } from "@/lib/store";
import { errorResponse, handleError } from "../../_lib/http";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    const scan = await (await getStore()).getScan(scanId);
    if (!scan) return errorResponse(404, `no scan ${scanId}`);
    return NextResponse.json({ ...scan, url: scanHref(scan.id) }, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return handleError(e, "GET /api/scans/<id>");
  }
}

export async function DELETE(_request: Request, { params }: { params: Promise<{ scanId: string }> }) {
  try {
    const { scanId } = await params;
    const deleted = await (await getStore()).deleteScan(scanId);
    if (!deleted) return errorResponse(404, `no scan ${scanId}`);
    return new NextResponse(null, { status: 204, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return handleError(e, "DELETE /api/scans/<id>");
  }
}
