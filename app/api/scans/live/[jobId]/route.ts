// GET /api/scans/live/<jobId> - progress of a live read: state, subscriptions done/total, the scan once stored
import { NextResponse } from "next/server";
import { getStore } from "@/lib/store";
import { errorResponse } from "../../../_lib/http";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  const job = await (await getStore()).liveJobs.get(jobId);
  if (!job) return errorResponse(404, `no live scan ${jobId} on this server`);
  return NextResponse.json(job, { headers: { "cache-control": "no-store" } });
}
