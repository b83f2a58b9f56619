// scripts/serve.mjs guardRequests: Next reads a POST body to its end before the proxy or a route can answer, so the
// server itself refuses a declared body over 50 MB at once (413) and a body that stops sending (408), and passes
// every other body through untouched.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { guardRequests } from "../../scripts/serve.mjs";

let server: Server;
let port = 0;

beforeAll(async () => {
  // Stands in for Next: reads the whole body, then answers with its size.
  const app = (req: IncomingMessage, res: ServerResponse) => {
    let size = 0;
    req.on("data", (c: Buffer) => (size += c.length));
    req.on("end", () => res.end(JSON.stringify({ size })));
    req.on("error", () => undefined);
  };
  server = createServer(guardRequests(app, { idleMs: 300, maxBytes: 1000 }));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function waitFor(done: () => boolean, ms = 2000): Promise<void> {
  for (const end = Date.now() + ms; !done(); ) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function send(headers: Record<string, string>, chunks: string[], end: boolean): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/api/scans", headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    if (end) req.end();
    else req.flushHeaders();
  });
}

describe("guardRequests", () => {
  it("answers 413 at once for a declared length over the limit, without waiting for the body", async () => {
    const answer = await send({ "content-length": String(1024 ** 4) }, [], false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatch(/larger than/);
    expect(answer.connection).toBe("close");
  });

  it("after a 413, reads and drops what the client still sends instead of resetting the connection, so the answer is read", async () => {
    // A client that writes its body without watching for an early answer: the server's answer is out, and the socket
    // stays open for reading (RFC 9112 §9.6), so a write after the answer neither fails nor resets the connection.
    // Half-open, as a client still sending is: the server's FIN after its answer does not end our sending.
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    await new Promise<void>((r) => socket.once("connect", () => r()));
    const errors: Error[] = [];
    socket.on("error", (e) => errors.push(e));
    let received = "";
    socket.on("data", (d: Buffer) => (received += d.toString("latin1")));
    socket.write(`POST /api/scans HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${10 * 1024 * 1024}\r\n\r\n`);
    socket.write("x".repeat(64 * 1024));
    await waitFor(() => received.includes("larger than"));
    for (let i = 0; i < 10; i++) {
      socket.write("x".repeat(64 * 1024));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(errors).toEqual([]);
    socket.destroy();
  });

  it("answers 408 when a body stops sending", async () => {
    const answer = await send({ "transfer-encoding": "chunked" }, ['{"snapshot": '], false);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error).toMatch(/stalled/);
  });

  it("passes bodies that keep coming, chunked or with a length, untouched", async () => {
    expect(JSON.parse((await send({ "transfer-encoding": "chunked" }, ["a".repeat(400), "b".repeat(400)], true)).body)).toEqual({ size: 800 });
    expect(JSON.parse((await send({ "content-length": "5" }, ["hello"], true)).body)).toEqual({ size: 5 });
  });
});
