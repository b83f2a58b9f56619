// Turns whatever a failed call threw into one ReadError line: subscription, operation, ARM's code, message.
import type { ReadError } from "../report/types";
import type { ArmFailure } from "./arm-pipeline";

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 600 ? `${line.slice(0, 597)}...` : line;
}

export function toReadError(
  subscription: string,
  operation: string,
  error: unknown,
  failure?: ArmFailure,
  timeoutMs?: number,
): ReadError {
  const err = (error && typeof error === "object" ? error : {}) as ErrorLike;
  const name = typeof err.name === "string" ? err.name : "";
  if (name === "AbortError" && timeoutMs !== undefined) {
    return { subscription, operation, code: "Timeout", message: `no complete answer within ${timeoutMs} ms` };
  }
  const status = failure?.status ?? (typeof err.statusCode === "number" ? err.statusCode : undefined);
  const code =
    failure?.code ??
    (typeof err.code === "string" && err.code ? err.code : undefined) ??
    (status !== undefined ? String(status) : undefined) ??
    (name || "Error");
  const rawMessage = failure?.message ?? (typeof err.message === "string" ? err.message : String(error));
  const message = oneLine(status !== undefined && !failure?.message ? `HTTP ${status}: ${rawMessage}` : rawMessage);
  return { subscription, operation, code, message };
}
