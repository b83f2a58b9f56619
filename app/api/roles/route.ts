// POST /api/roles - set a subnet's role ({ subnetId, role, deployment? }; role null = back to the profile's; deployment:
// the CycleCloud deployment the subnet joins, absent = the profile's), re-audit the latest scan's inputs and store that
// as a new scan. The re-audit runs in a scan worker within SCAN_TIME_LIMIT_S, as uploads do (../_lib/scan-jobs.ts).
import { NextResponse } from "next/server";
import { z } from "zod";
import { scanHref, subnetHref } from "@/components/links";
import { parseJsonFile } from "@/lib/snapshot";
import { ESTATE_NAME, ROLE_CHOICES, type RoleChoice } from "@/lib/store";
import { InputError, formatJsonPath } from "@/lib/errors";
import { DEPLOYMENT_NAME, DEPLOYMENT_NAME_RULE } from "@/lib/store/roles";
import { errorResponse, handleError, readBody } from "../_lib/http";
import { reauditWithRole } from "../_lib/scan-jobs";

export const dynamic = "force-dynamic";

// Strict: a misspelt key ("deploymnet") is refused rather than ignored.
const body = z.strictObject({
  subnetId: z.string().min(1).max(1000),
  role: z.enum(ROLE_CHOICES as [RoleChoice, ...RoleChoice[]]).nullable(),
  // Optional, so bodies written before deployments keep working.
  deployment: z.string().trim().regex(DEPLOYMENT_NAME, { error: DEPLOYMENT_NAME_RULE }).nullish(),
  // The estate whose latest scan is re-audited; absent: the newest scan of any estate (as before estates).
  estate: z.string().trim().regex(ESTATE_NAME, { error: "expected an estate name of 1-64 letters, digits, spaces or - _ ." }).optional(),
});

export async function POST(request: Request) {
  try {
    const parsed = body.safeParse(parseJsonFile("request body", (await readBody(request, 64 * 1024)).toString("utf8")));
    if (!parsed.success) {
      // Named as a field of the body (`"path": "deployment"`), as every input error of the API is.
      const issue = parsed.error.issues[0];
      if (issue.code === "unrecognized_keys") throw new InputError("request body", formatJsonPath([issue.keys[0]]), "unknown key; expected subnetId, role, deployment, estate");
      throw new InputError("request body", formatJsonPath(issue.path), issue.message);
    }
    const { subnetId, role, deployment, estate } = parsed.data;
    const scan = await reauditWithRole({ subnetId, role, deployment, estate });
    if (!scan) return errorResponse(404, `no role was set in the dashboard for ${subnetId}`);
    return NextResponse.json({ id: scan.id, url: scanHref(scan.id), subnetUrl: subnetHref(scan.id, subnetId), label: scan.label }, { status: 201 });
  } catch (e) {
    return handleError(e, "POST /api/roles");
  }
}
