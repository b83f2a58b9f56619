// Pages of a scan, finding or subnet that does not exist must answer 404 (share-link checkers rely on the status).
// The pages stream behind a loading state, and once the first bytes are out the status is 200 whatever the page
// finds later; so the dashboard layout, which renders before any loading boundary, asks here first.
// https://nextjs.org/docs/app/api-reference/functions/not-found
import { headers } from "next/headers";
import { subnetIdFromSegments } from "@/components/links";
import { getStore } from "@/lib/store";

/** The request path as proxy.ts saw it (it sets this header on every request it passes on; a client's own is replaced). */
export const PATH_HEADER = "x-lockdown-path";

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
 * Paths that name none (`/`, `/scans`, `/scans/new`, `/subnets`) are true; a store error is left to the page's
 * own error state (true here).
 */
export async function routeTargetExists(pathname: string): Promise<boolean> {
  const segments = segmentsOf(pathname);
  if (!segments) return false;
  const [first, id, kind, ...rest] = segments;
  try {
    if (first === "findings" && id !== undefined) {
      const store = await getStore();
      const history = await store.findingTimelineById(id);
      const latest = history?.timeline.latest;
      return Boolean(latest?.findingId && (await store.getFinding(latest.scanId, latest.findingId)));
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

/** The current request's dashboard path, from proxy.ts. */
export async function requestPath(): Promise<string | undefined> {
  return (await headers()).get(PATH_HEADER) ?? undefined;
}
