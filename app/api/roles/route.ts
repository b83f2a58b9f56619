// POST /api/roles - set a subnet's role ({ subnetId, role, deployment? }; role null = back to the profile's; deployment:
// the CycleCloud deployment the subnet joins, absent = the profile's), re-audit the latest scan's inputs and store that
// as a new scan. The re-audit runs in a scan worker within SCAN_TIME_LIMIT_S, as uploads do (../_lib/scan-jobs.ts).
import { NextResponse } from "next/server";
import { z } from "zod";
import { scanHref, subnetHref } from "@/components/links";
import { parseJsonFile } from "@/lib/snapshot";
import { ESTATE_NAME, ROLE_CHOICES, type RoleChoice } from "@/lib/store";
import { DEPLOYMENT_NAME } from "@/lib/store/roles";
import { BadRequest, errorResponse, handleError, readBody } from "../_lib/http";
import { reauditWithRole } from "../_lib/scan-jobs";

export const dynamic = "force-dynamic";

const body = z.object({
  subnetId: z.string().min(1).max(1000),
  role: z.enum(ROLE_CHOICES as [RoleChoice, ...RoleChoice[]]).nullable(),
  // Optional, so bodies written before deployments keep working.
  deployment: z.string().trim().regex(DEPLOYMENT_NAME, { error: "expected a deployment name of 1-100 characters without control characters" }).nullish(),
  // The estate whose latest scan is re-audited; absent: the newest scan of any estate (as before estates).
  estate: z.string().trim().regex(ESTATE_NAME, { error: "expected an estate name of 1-64 letters, digits, spaces or - _ ." }).optional(),
});

export async function POST(request: Request) {
  try {
    const parsed = body.safeParse(parseJsonFile("request body", (await readBody(request, 64 * 1024)).toString("utf8")));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequest(`request body: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    const { subnetId, role, deployment, estate } = parsed.data;
    const scan = await reauditWithRole({ subnetId, role, deployment, estate });
    if (!scan) return errorResponse(404, `no role was set in the dashboard for ${subnetId}`);
    return NextResponse.json({ id: scan.id, url: scanHref(scan.id), subnetUrl: subnetHref(scan.id, subnetId), label: scan.label }, { status: 201 });
  } catch (e) {
    return handleError(e, "POST /api/roles");
  }
}
