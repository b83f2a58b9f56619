// Every dashboard URL is built here, so pages, components and tests agree on them.
export const scanHref = (scanId: string) => `/scans/${encodeURIComponent(scanId)}`;
export const subnetsHref = (scanId: string, query = "") => `${scanHref(scanId)}/subnets${query ? `?${query}` : ""}`;
export const findingHref = (scanId: string, findingId: string) => `${scanHref(scanId)}/findings/${encodeURIComponent(findingId)}`;
/**
 * The always-latest view of a (subnet, rule) in one estate: without `estate` the page shows whichever estate scanned
 * that subnet last, which two estates sharing a subnet id (a copy, a re-import) would make the wrong one.
 */
export const latestFindingHref = (findingId: string, estate?: string) =>
  `/findings/${encodeURIComponent(findingId)}${estate ? `?estate=${encodeURIComponent(estate)}` : ""}`;
/** "New scan", starting in the estate being viewed: named (the scans page's filter) or that of the scan open. */
export const newScanHref = (viewing: { estate?: string; scanId?: string } = {}) =>
  viewing.estate ? `/scans/new?estate=${encodeURIComponent(viewing.estate)}` : viewing.scanId ? `/scans/new?scan=${encodeURIComponent(viewing.scanId)}` : "/scans/new";
/** The flow query page (`search`: `from=...&to=...&protocol=...&port=...`, see lib/path/query-params). */
export const queryHref = (scanId: string, search = "") => `${scanHref(scanId)}/query${search ? `?${search}` : ""}`;
export const queryMatrixHref = (scanId: string, search = "") => `${scanHref(scanId)}/query/matrix${search ? `?${search}` : ""}`;
export const reportHref = (scanId: string, format: string, query = "") =>
  `/api/scans/${encodeURIComponent(scanId)}/report?format=${format}${query ? `&${query}` : ""}`;

/** Subnet pages carry the ARM id as path segments: readable, and no %2F for proxies to mangle. */
export function subnetHref(scanId: string, subnetId: string, hash?: string): string {
  const path = subnetId
    .split("/")
    .filter(Boolean)
    .map((part) => encodeURIComponent(part))
    .join("/");
  return `${scanHref(scanId)}/subnets/${path}${hash ? `#${hash}` : ""}`;
}

/**
 * The ARM id back from the catch-all segments of a subnet page. Next hands route params over already decoded, so
 * they are joined as they are: decoding again would throw on a `%` in a name (a 500) or turn `%41` into `A`.
 */
export function subnetIdFromSegments(segments: string[]): string {
  return `/${segments.join("/")}`;
}
