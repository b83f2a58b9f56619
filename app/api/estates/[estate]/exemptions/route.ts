// GET  /api/estates/<name>/exemptions - the estate's exemption list (the CLI's --exemptions JSON) and when it changed
// PUT  /api/estates/<name>/exemptions - replace it (body: the exemptions file's JSON array); 400 with the JSON path
// POST /api/estates/<name>/exemptions - add one exemption (the finding page's "Accept this risk"); one per finding id
// Every report served for a scan of the estate has the current list applied (CONTRACT §2 "Gates and accepted risk").
import { NextResponse } from "next/server";
import { parseJsonFile } from "@/lib/snapshot";
import { getStore, parseEstateName } from "@/lib/store";
import { InputError } from "@/lib/errors";
import { handleError, readBody } from "../../../_lib/http";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ estate: string }> };

async function estateOf(params: Params["params"]): Promise<string> {
  const raw = (await params).estate;
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // Not percent-encoding: validated as given.
  }
  return parseEstateName(name, "request", "estate");
}

export async function GET(_request: Request, { params }: Params) {
  try {
    const stored = await (await getStore()).getExemptions(await estateOf(params));
    return NextResponse.json(stored, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return handleError(e, "GET /api/estates/<name>/exemptions");
  }
}

export async function PUT(request: Request, { params }: Params) {
  try {
    const estate = await estateOf(params);
    const value = parseJsonFile("request body", (await readBody(request, 1024 * 1024)).toString("utf8"));
    const stored = await (await getStore()).setExemptions(estate, value, "request body");
    return NextResponse.json(stored, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return handleError(e, "PUT /api/estates/<name>/exemptions");
  }
}

export async function POST(request: Request, { params }: Params) {
  try {
    const estate = await estateOf(params);
    const value = parseJsonFile("request body", (await readBody(request, 64 * 1024)).toString("utf8"));
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new InputError("request body", "", 'expected one exemption { "finding", "reason", "owner", "expires" }');
    }
    const stored = await (await getStore()).addExemption(estate, value as Record<string, unknown>);
    return NextResponse.json(stored, { status: 201, headers: { "cache-control": "no-store" } });
  } catch (e) {
    return handleError(e, "POST /api/estates/<name>/exemptions");
  }
}
