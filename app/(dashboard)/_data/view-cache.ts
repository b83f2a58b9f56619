// Per-process cache of what pages derive from a stored scan. A scan never changes once written (lib/store), so a view
// model built from it (the subnets table's compact rows, filter choices...) is built once per process and reused by
// every request; the HTML is still rendered per request, so each response keeps its own CSP nonce.

const MAX_ENTRIES = 64;
const views = new Map<string, unknown>();

/**
 * The view `name` of scan `scanId`, built by `build` on first use. Least recently used entries beyond MAX_ENTRIES are
 * dropped. `build` must depend on the scan alone (not on the request: filters, user).
 */
export function scanView<T>(scanId: string, name: string, build: () => T): T {
  const key = `${scanId}\u0000${name}`;
  if (views.has(key)) {
    const value = views.get(key) as T;
    views.delete(key);
    views.set(key, value);
    return value;
  }
  const value = build();
  views.set(key, value);
  while (views.size > MAX_ENTRIES) views.delete(views.keys().next().value as string);
  return value;
}
