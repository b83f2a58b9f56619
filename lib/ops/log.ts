// Structured logs: one JSON object per line on stdout (stderr for warnings and errors), the shape log collectors
// (Azure Container Apps' Log Analytics, `docker logs`, journald) parse without configuration.
// https://learn.microsoft.com/azure/container-apps/log-monitoring

export type LogLevel = "info" | "warn" | "error";

/** Writes `{time, level, msg, ...fields}` as one line. Fields must be JSON values; undefined ones are dropped. */
export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  if (level === "info") process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
}

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: the caller's `x-request-id` when it is a plain token (a gateway or load balancer set it, so
 * its logs and ours join), else a new UUID. Never echoes arbitrary header text into logs.
 */
export function requestIdOf(headers: Headers): string {
  const incoming = headers.get("x-request-id")?.trim();
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** Request lines are on unless LOG_REQUESTS=0. */
export function requestLogging(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.LOG_REQUESTS?.trim() !== "0";
}
