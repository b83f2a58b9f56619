// POST /api/scans - audit a snapshot and store it as a scan (CONTRACT §5): JSON `{ snapshot, profile? }` or a multipart upload
// GET  /api/scans - the stored scans, newest first
import { NextResponse } from "next/server";
import { z } from "zod";
import { scanHref } from "@/components/links";
import { parseJsonFile, type Source } from "@/lib/snapshot";
import { getStore, type CreateScanInput } from "@/lib/store";
import { BadRequest, errorResponse, handleError, readBody } from "../_lib/http";

export const dynamic = "force-dynamic";

const jsonBody = z.object({
  snapshot: z.unknown().refine((v) => v !== undefined && v !== null, "is required"),
  profile: z.unknown().optional(),
  serviceTags: z.unknown().optional(),
  label: z.string().max(200).optional(),
});

function fromJson(buffer: Buffer): CreateScanInput {
  const value = parseJsonFile("request body", buffer.toString("utf8"));
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new BadRequest('request body: expected an object { "snapshot": ..., "profile"?: ... }');
  const parsed = jsonBody.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequest(`request body: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const body = parsed.data;
  return {
    sources: [{ name: "snapshot", value: body.snapshot }],
    profile: body.profile !== undefined && body.profile !== null ? { name: "profile", value: body.profile } : undefined,
    serviceTags: body.serviceTags !== undefined && body.serviceTags !== null ? { name: "serviceTags", value: body.serviceTags } : undefined,
    label: body.label,
    origin: "api",
  };
}

async function fromForm(request: Request, buffer: Buffer): Promise<CreateScanInput> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(buffer), { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    throw new BadRequest("request body: not a readable multipart form");
  }
  const files = async (field: string): Promise<Source[]> =>
    Promise.all(
      form.getAll(field).map(async (entry, i) => {
        if (typeof entry === "string") throw new BadRequest(`form field ${field}[${i}]: expected a file`);
        const name = entry.name || `${field}-${i + 1}.json`;
        return { name, value: parseJsonFile(name, await entry.text()) };
      }),
    );
  const sources = await files("snapshot");
  if (!sources.length) throw new BadRequest("form: add at least one snapshot file (field \"snapshot\")");
  const profiles = await files("profile");
  if (profiles.length > 1) throw new BadRequest("form: only one profile per scan", profiles[1].name);
  const serviceTags = await files("serviceTags");
  if (serviceTags.length > 1) throw new BadRequest("form: only one service tags file per scan", serviceTags[1].name);
  let profile = profiles[0];
  if (!profile && form.get("rolesFrom") === "latest") {
    const store = getStore();
    const latest = store.latestScan();
    const inputs = latest && store.getInputs(latest.id);
    if (inputs) profile = { name: `profile of scan #${latest.seq}`, value: inputs.profile };
  }
  const label = form.get("label");
  return { sources, profile, serviceTags: serviceTags[0], label: typeof label === "string" ? label.slice(0, 200) : undefined, origin: "upload" };
}

export async function POST(request: Request) {
  try {
    const type = request.headers.get("content-type") ?? "";
    const buffer = await readBody(request);
    if (!buffer.length) throw new BadRequest('request body is empty; send JSON { "snapshot": ..., "profile"?: ... }');
    const input = type.startsWith("multipart/form-data") ? await fromForm(request, buffer) : fromJson(buffer);
    const scan = getStore().createScan(input);
    const url = scanHref(scan.id);
    return NextResponse.json({ id: scan.id, url, summary: scan.summary }, { status: 201, headers: { location: url } });
  } catch (e) {
    return handleError(e, "POST /api/scans");
  }
}

export async function GET() {
  try {
    const scans = getStore().listScans();
    return NextResponse.json(
      scans.map((s) => ({ id: s.id, seq: s.seq, url: scanHref(s.id), label: s.label, origin: s.origin, createdAt: s.createdAt, capturedAt: s.capturedAt, status: s.status, summary: s.summary })),
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
