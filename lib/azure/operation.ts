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

/**
 * Drains a paged SDK list and returns its items as ARM sent them (every page's `value[]`), not the
 * SDK's models: the SDK still sends the requests, follows `nextLink` and retries; `scope` must be the
 * one its client was built with.
 */
export async function collectRaw(scope: CallScope, pages: AsyncIterable<unknown>): Promise<unknown[]> {
  const captured: unknown[] = [];
  scope.captured = captured;
  try {
    // The SDK's own models are not kept; iterating is what makes it fetch every page.
    for await (const item of pages) void item;
  } finally {
    scope.captured = undefined;
  }
  return captured;
}

/** Drains a paged SDK iterator into an array. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}
