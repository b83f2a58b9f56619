// POST /api/scans/live - start reading Azure (as the app, or as the signed-in user with LIVE_SCAN_AS_USER=1) → 202 with the job to poll
import { NextResponse } from "next/server";
import { AuthRequiredError } from "@/lib/auth/require-user";
import { azureCredentialForRequest, describeSignInFailure } from "@/lib/auth/azure-credential";
import { readAzureEnv } from "@/lib/azure/azure-env";
import { createCredential } from "@/lib/azure/credential";
import { signIn } from "@/lib/azure/sign-in";
import { startLiveScan } from "@/lib/live/jobs";
import { getStore } from "@/lib/store";
import { BadRequest, handleError } from "../../_lib/http";

export const dynamic = "force-dynamic";

const SIGN_IN_TIMEOUT_MS = 30_000;

export async function POST(request: Request) {
  try {
    const url = new URL(request.url);
    const credential = await azureCredentialForRequest();
    // Sign in once before a job exists: without a credential the page gets one line saying what to set, and no
    // progress is drawn for a read that cannot start.
    const env = readAzureEnv(process.env);
    const failure = await signIn(credential ?? createCredential(env), env.armScope, SIGN_IN_TIMEOUT_MS);
    if (failure) throw new BadRequest(describeSignInFailure(failure, credential !== undefined), undefined, 503);
    const job = await startLiveScan({ store: await getStore(), credential, resourceGraph: url.searchParams.get("resourceGraph") === "1" });
    return NextResponse.json(job, { status: 202, headers: { location: `/api/scans/live/${job.id}`, "cache-control": "no-store" } });
  } catch (e) {
    if (e instanceof AuthRequiredError) return e.response();
    return handleError(e, "POST /api/scans/live");
  }
}
