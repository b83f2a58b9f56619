// What the live-read tests share: a read's result over the store's fixture estate (Azure is mocked in each test),
// and polling until a condition holds.
import type { LiveReadResult } from "@/lib/azure";
import { nsgSource, vnetSource } from "@/lib/store/__fixtures__/estate";

/** A finished live read of the fixture estate (a VNet and NSGs allowing Storage), as lib/azure would return it. */
export function fixtureRead(): LiveReadResult {
  const resources = [...vnetSource().value.value, ...nsgSource({ storageAllowed: true }).value];
  return { snapshot: { resources, capturedAt: "2026-03-01T00:00:00.000Z" }, errors: [], stats: { calls: 4, subscriptions: 1, ms: 5 } } as unknown as LiveReadResult;
}

/** Calls `check` every 10 ms until it gives a value; throws naming `what` after 5 s. */
export async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}
