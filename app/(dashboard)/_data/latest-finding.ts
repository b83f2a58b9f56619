// The finding a "latest" link (/findings/<id>[?estate=NAME]) opens, looked up one way for its page and for the dashboard
// layout's 404 check (route-exists.ts): if the two read `?estate=` differently, a link the page cannot show would
// answer 200 with "Not found" in it, since the page streams behind its loading state.
import { ESTATE_NAME, type FoundFinding, type Store } from "@/lib/store";

/** The `estate` query parameter of a latest link: a valid estate name, else undefined (a bad one is ignored, as the page always has). */
export function estateParam(given: string | string[] | null | undefined): string | undefined {
  return typeof given === "string" && ESTATE_NAME.test(given) ? given : undefined;
}

/**
 * The newest verdict of the (subnet, rule) of `findingId` in `estate` (else in the estate whose newest scan has it),
 * with its timeline; undefined when no stored scan of that estate has the finding.
 */
export async function latestFinding(store: Store, findingId: string, estate: string | undefined): Promise<{ history: NonNullable<Awaited<ReturnType<Store["findingTimelineById"]>>>; found: FoundFinding } | undefined> {
  const history = await store.findingTimelineById(findingId, estate);
  const latest = history?.timeline.latest;
  const found = latest?.findingId ? await store.getFinding(latest.scanId, latest.findingId) : undefined;
  return history && found ? { history, found } : undefined;
}
