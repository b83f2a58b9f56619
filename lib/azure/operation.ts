// One ARM operation under a deadline: every page and retry of it shares one abort signal.
import type { ReadError } from "../report/types";
import { CallScope } from "./arm-pipeline";
import { toReadError } from "./read-error";

export type OperationResult<T> = { ok: true; value: T } | { ok: false; error: ReadError };

export async function runOperation<T>(
  scope: CallScope,
  subscription: string,
  operation: string,
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<OperationResult<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  scope.signal = controller.signal;
  scope.failure = undefined;
  try {
    return { ok: true, value: await work(controller.signal) };
  } catch (error) {
    const timedOut = controller.signal.aborted;
    return {
      ok: false,
      error: toReadError(subscription, operation, timedOut ? { name: "AbortError" } : error, timedOut ? undefined : scope.failure, timeoutMs),
    };
  } finally {
    clearTimeout(timer);
    scope.signal = undefined;
  }
}

/** Drains a paged SDK iterator into an array. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}
