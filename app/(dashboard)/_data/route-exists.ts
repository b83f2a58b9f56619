// Pages of a scan, finding or subnet that does not exist must answer 404 (share-link checkers rely on the status).
// The pages stream behind a loading state, and once the first bytes are out the status is 200 whatever the page
// finds later; so the dashboard layout, which renders before any loading boundary, asks here first.
// https://nextjs.org/docs/app/api-reference/functions/not-found
import { headers } from "next/headers";
import { subnetIdFromSegments } from "@/components/links";
import { getStore } from "@/lib/store";
import { estateParam, latestFinding } from "./latest-finding";

/** The request path as proxy.ts saw it (it sets this header on every request it passes on; a client's own is replaced). */
export const PATH_HEADER = "x-lockdown-path";

/**
 * The request's query string as proxy.ts saw it (`?estate=lab`, or empty; set on every request, as PATH_HEADER): a
 * latest link's `?estate=` decides whether its finding exists.
 */
export const SEARCH_HEADER = "x-lockdown-search";

/** Path segments, each percent-decoded once as Next decodes route params; undefined when one does not decode. */
function segmentsOf(pathname: string): string[] | undefined {
  try {
    return pathname
      .split("/")
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/**
 * Whether the scan / finding / subnet a dashboard path names exists: false only when the store says it does not.
 * `search` is the query string: a latest link (`/findings/<id>?estate=NAME`) exists only when that estate has the
 * finding, as its page reads it (latest-finding.ts). Paths that name none (`/`, `/scans`, `/scans/new`, `/subnets`)
 * are true; a store error is left to the page's own error state (true here).
 */
export async function routeTargetExists(pathname: string, search = ""): Promise<boolean> {
  const segments = segmentsOf(pathname);
  if (!segments) return false;
  const [first, id, kind, ...rest] = segments;
  try {
    if (first === "findings" && id !== undefined) {
      // Read as Next hands the page its searchParams: a repeated `estate` is an array there, so ignored.
      const given = new URLSearchParams(search).getAll("estate");
      const estate = estateParam(given.length === 1 ? given[0] : given);
      return Boolean(await latestFinding(await getStore(), id, estate));
    }
    if (first !== "scans" || id === undefined || (id === "new" && kind === undefined)) return true;
    const store = await getStore();
    const scan = await store.getScan(id);
    if (!scan) return false;
    if (kind === "findings" && rest.length) return rest.length === 1 && Boolean(await store.getFinding(scan.id, rest[0]));
    if (kind === "subnets" && rest.length) {
      const report = await store.getReport(scan.id);
      const subnetId = subnetIdFromSegments(rest).toLowerCase();
      return Boolean(report?.subnets.some((s) => s.id.toLowerCase() === subnetId));
    }
    return true;
  } catch {
    return true;
  }
}

/** The current request's dashboard path and query string, from proxy.ts; undefined when the proxy did not run. */
export async function requestTarget(): Promise<{ path: string; search: string } | undefined> {
  const all = await headers();
  const path = all.get(PATH_HEADER);
  return path === null ? undefined : { path, search: all.get(SEARCH_HEADER) ?? "" };
}
