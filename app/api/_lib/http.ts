// Shared pieces of the API routes: bounded body reading and the one error shape `{ error }` (CONTRACT §5).
import { NextResponse } from "next/server";
import { isInputError } from "@/lib/errors";
import { BadRequest, isBadRequest } from "./bad-request";

export { BadRequest } from "./bad-request";

export const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Seconds a request body may send nothing before it is refused with 408 (BODY_IDLE_TIMEOUT_S, default 30). */
export function bodyIdleTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.BODY_IDLE_TIMEOUT_S?.trim() || "30");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

export interface ReadBodyOptions {
  /** Milliseconds without a byte before the body is refused with 408; default bodyIdleTimeoutMs(). */
  idleMs?: number;
}

/**
 * The body, whole. Refused with 413 when a declared Content-Length is over `limit` (before a byte is read) or
 * once the bytes received pass it (chunked bodies declare nothing); with 408 when the client sends nothing for
 * `idleMs`, so a request that declares 1 TB and stalls does not hold a connection.
 * https://www.rfc-editor.org/rfc/rfc9110#status.413
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES, options: ReadBodyOptions = {}): Promise<Buffer> {
  const tooLarge = () => new BadRequest(`request body is larger than ${Math.round(limit / 1048576)} MB`, undefined, 413);
  const declaredHeader = request.headers.get("content-length");
  if (declaredHeader !== null) {
    const declared = Number(declaredHeader);
    if (!/^\d+$/.test(declaredHeader.trim()) || !Number.isSafeInteger(declared)) throw new BadRequest("Content-Length is not a number of bytes");
    if (declared > limit) throw tooLarge();
  }
  if (!request.body) return Buffer.alloc(0);
  const idleMs = options.idleMs ?? bodyIdleTimeoutMs();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new BadRequest(`request body stalled: nothing received for ${Math.round(idleMs / 1000)} s`, undefined, 408)), idleMs);
      });
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(step.value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
  return Buffer.concat(chunks);
}

export function errorResponse(status: number, error: string, extra: Record<string, unknown> = {}): NextResponse {
  return NextResponse.json({ error, ...extra }, { status, headers: { "cache-control": "no-store" } });
}

/**
 * Bad input → 400 with one line naming the file and field; anything else → 500 without internals (logged here).
 * Recognises input errors by their brand (isInputError), not class identity: the process's one store
 * (lib/store/index.ts) may have been loaded by another route bundle, whose copy of InputError is another class.
 */
export function handleError(e: unknown, where: string): NextResponse {
  if (isInputError(e)) return errorResponse(400, e.message, { file: e.file, ...(e.path ? { path: e.path } : {}) });
  if (isBadRequest(e)) return errorResponse(e.status, e.message, e.file ? { file: e.file } : {});
  console.error(`${where}:`, e);
  return errorResponse(500, "internal error; the server log has the details");
}
