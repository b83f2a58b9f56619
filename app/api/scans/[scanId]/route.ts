// GET /api/scans/<id> - one scan's record (label, dates, summary) without its report
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
