// Request bodies (app/api/_lib/http.ts readBody): 413 for a declared or streamed size over the limit, 408 for a body
// that stops sending, whole bodies otherwise.
import { describe, expect, it } from "vitest";
import { BadRequest, readBody } from "@/app/api/_lib/http";

function streaming(chunks: (string | "stall")[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= chunks.length) return controller.close();
      const next = chunks[i++];
      if (next === "stall") return new Promise<void>(() => undefined);
      controller.enqueue(new TextEncoder().encode(next));
    },
  });
}

function post(body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/api/scans", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

async function refusal(p: Promise<unknown>): Promise<BadRequest> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BadRequest);
  return e as BadRequest;
}

describe("readBody", () => {
  it("reads a chunked body whole", async () => {
    expect((await readBody(post(streaming(['{"a"', ": 1}"])), 100)).toString()).toBe('{"a": 1}');
  });

  it("answers 413 'too large' for a body without a length that passes the limit", async () => {
    const e = await refusal(readBody(post(streaming(["x".repeat(60), "x".repeat(60)])), 100));
    expect(e.status).toBe(413);
    expect(e.message).toMatch(/larger than/);
  });

  it("answers 413 before reading when the declared length is over the limit", async () => {
    const e = await refusal(readBody(post(streaming(["stall"]), { "content-length": String(1024 ** 4) }), 100, { idleMs: 60_000 }));
    expect(e.status).toBe(413);
  });

  it("answers 400 for a Content-Length that is not a number", async () => {
    const request = { headers: new Headers({ "content-length": "12abc" }), body: null } as unknown as Request;
    expect((await refusal(readBody(request, 100))).status).toBe(400);
  });

  it("answers 408 when the body stops sending for idleMs", async () => {
    const e = await refusal(readBody(post(streaming(['{"snapshot": ', "stall"])), 100, { idleMs: 50 }));
    expect(e.status).toBe(408);
    expect(e.message).toMatch(/stalled/);
  });
});
