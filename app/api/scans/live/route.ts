// POST /api/scans/live - start reading Azure (as the app, or as the signed-in user with LIVE_SCAN_AS_USER=1) → 202 with the job to poll
import { NextResponse } from "next/server";
import { AuthRequiredError } from "@/lib/auth/require-user";
import { azureCredentialForRequest } from "@/lib/auth/azure-credential";
import { startLiveScan } from "@/lib/live/jobs";
import { getStore } from "@/lib/store";
import { handleError } from "../../_lib/http";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  try {
    const url = new URL(request.url);
    const credential = await azureCredentialForRequest();
    const job = startLiveScan({ store: getStore(), credential, resourceGraph: url.searchParams.get("resourceGraph") === "1" });
    return NextResponse.json(job, { status: 202, headers: { location: `/api/scans/live/${job.id}`, "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof AuthRequiredError) return e.response();
    return handleError(e, "POST /api/scans/live");
  }
}
