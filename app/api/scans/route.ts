// POST /api/scans - audit a snapshot and store it as a scan (CONTRACT §5): JSON `{ snapshot, profile? }` or a multipart upload
// GET  /api/scans[?estate=NAME] - the stored scans, newest first (of one estate when named)
import { NextResponse } from "next/server";
import { scanHref } from "@/components/links";
import { getStore, parseEstateName } from "@/lib/store";
import { errorResponse, handleError, readBody } from "../_lib/http";
import { createScanFromBody, warmScanWorkers } from "../_lib/scan-jobs";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  try {
    const buffer = await readBody(request);
    // Parsing, loading, auditing and storing run in a worker within SCAN_TIME_LIMIT_S (app/api/_lib/scan-jobs.ts).
    const scan = await createScanFromBody(request.headers.get("content-type") ?? "", buffer);
    const url = scanHref(scan.id);
    return NextResponse.json({ id: scan.id, url, summary: scan.summary }, { status: 201, headers: { location: url } });
  } catch (e) {
    return handleError(e, "POST /api/scans");
  }
}

export async function GET(request: Request) {
  warmScanWorkers();
  try {
    const given = new URL(request.url).searchParams.get("estate");
    const estate = given === null ? undefined : parseEstateName(given, "query", "estate");
    const scans = await (await getStore()).listScans(500, estate);
    return NextResponse.json(
      scans.map((s) => ({ id: s.id, seq: s.seq, url: scanHref(s.id), estate: s.estate, label: s.label, origin: s.origin, createdAt: s.createdAt, capturedAt: s.capturedAt, status: s.status, summary: s.summary })),
      { headers: { "cache-control": "no-store" } },
    );
  } catch (e) {
    return handleError(e, "GET /api/scans");
  }
}

// Other methods answer 405 with the same error shape.
export function PUT() {
  return errorResponse(405, "use POST to create a scan");
}
