// POST /api/scans/live[?estate=NAME] - start reading Azure (as the app, or as the signed-in user with LIVE_SCAN_AS_USER=1) into an estate
// (default `default`) → 202 with the job to poll; 400 naming `estate` for a bad name; 409 while a read into another estate runs
import { NextResponse } from "next/server";
import { AuthRequiredError } from "@/lib/auth/require-user";
import { azureCredentialForRequest, describeSignInFailure } from "@/lib/auth/azure-credential";
import { readAzureEnv } from "@/lib/azure/azure-env";
import { createCredential } from "@/lib/azure/credential";
import { signIn } from "@/lib/azure/sign-in";
import { LiveScanBusyError, startLiveScan } from "@/lib/live/jobs";
import { getStore } from "@/lib/store";
import { parseEstateName } from "@/lib/store/estates";
import { BadRequest, errorResponse, handleError } from "../../_lib/http";

export const dynamic = "force-dynamic";

const SIGN_IN_TIMEOUT_MS = 30_000;

export async function POST(request: Request) {
  try {
    const url = new URL(request.url);
    const credential = await azureCredentialForRequest();
    // The same rule as an upload's estate field (estates.ts), checked before signing in: a bad name costs no token.
    const estate = parseEstateName(url.searchParams.get("estate") ?? undefined, "query", "estate");
    // Sign in once before a job exists: without a credential the page gets one line saying what to set, and no
    // progress is drawn for a read that cannot start.
    const env = readAzureEnv(process.env);
    const failure = await signIn(credential ?? createCredential(env), env.armScope, SIGN_IN_TIMEOUT_MS);
    if (failure) throw new BadRequest(describeSignInFailure(failure, credential !== undefined), undefined, 503);
    const job = await startLiveScan({ store: await getStore(), credential, resourceGraph: url.searchParams.get("resourceGraph") === "1", estate });
    return NextResponse.json(job, { status: 202, headers: { location: `/api/scans/live/${job.id}`, "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof AuthRequiredError) return e.response();
    if (e instanceof LiveScanBusyError) return errorResponse(409, e.message, { job: e.job });
    return handleError(e, "POST /api/scans/live");
  }
}
