// Per-process cache of what pages derive from a served report (the subnets table's compact rows, filter choices, the
// overview's diff...). Keyed by the report object itself: the store hands out the same object for a scan while nothing
// that changes it changes (lib/store `getReport`: the parsed report, or the report with the estate's exemptions applied,
// cached while the list and the day are the same), and a new object when the exemption list changes. So a view is
// never older than its report, and views of reports the store has dropped are garbage-collected with them.
// The rendered HTML itself is cached in front of Next (scripts/html-cache.mjs).

const views = new WeakMap<object, Map<string, { deps: readonly object[]; value: unknown }>>();

/**
 * The view `name` of `report`, built by `build` on first use. `deps` are further objects the view is built from (the
 * previous scan's report for a diff): a different object rebuilds it. `build` must depend on these objects alone (not
 * on the request: filters, user).
 */
export function reportView<T>(report: object, name: string, build: () => T, deps: readonly object[] = []): T {
  let byName = views.get(report);
  if (!byName) views.set(report, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.value as T;
  const value = build();
  byName.set(name, { deps, value });
  return value;
}
