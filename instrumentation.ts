// Next.js calls register() once when a server process starts (https://nextjs.org/docs/app/guides/instrumentation):
// the live-scan worker and the graceful stop live in lib/ops/lifecycle.ts (Node.js runtime only).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerLifecycle } = await import("./lib/ops/lifecycle");
    startServerLifecycle();
  }
}

/** An error a route or page threw: one JSON line with the request id proxy.ts gave the request. */
export function onRequestError(error: unknown, request: { path: string; method: string; headers: Record<string, string | string[] | undefined> }) {
  const requestId = request.headers["x-request-id"];
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level: "error",
      msg: "request failed",
      requestId: typeof requestId === "string" ? requestId : undefined,
      method: request.method,
      path: request.path.split("?")[0],
      error: error instanceof Error ? error.message.split("\n")[0] : String(error),
    }),
  );
}
