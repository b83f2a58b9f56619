// Shared pieces of the API routes: bounded body reading and the one error shape `{ error }` (CONTRACT §5).
import { NextResponse } from "next/server";
import { InputError } from "@/lib/errors";

export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The body, refused once it passes `limit` bytes (a declared length is checked before anything is read). */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? "");
  const tooLarge = () => new BadRequest(`request body is larger than ${Math.round(limit / 1048576)} MB`);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function errorResponse(status: number, error: string, extra: Record<string, unknown> = {}): NextResponse {
  return NextResponse.json({ error, ...extra }, { status, headers: { "cache-control": "no-store" } });
}

/** Bad input → 400 with one line naming the file and field; anything else → 500 without internals (logged here). */
export function handleError(e: unknown, where: string): NextResponse {
  if (e instanceof InputError) return errorResponse(400, e.message, { file: e.file, ...(e.path ? { path: e.path } : {}) });
  if (e instanceof BadRequest) return errorResponse(e.status, e.message, e.file ? { file: e.file } : {});
  console.error(`${where}:`, e);
  return errorResponse(500, "internal error; the server log has the details");
}
