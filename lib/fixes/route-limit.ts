// Azure refuses a route table of more than 400 routes, so a fix adding routes past that is no fix, whatever an audit of
// the changed copy says. https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits
import type { Snapshot } from "../model/types";
import { shown } from "./quote";
import type { Change } from "./types";

/** Routes per route table (Azure networking limits). */
export const MAX_ROUTES = 400;

/**
 * Why `changes` cannot be applied because a route table would hold more than MAX_ROUTES routes after them (an added
 * route of a name the table already has replaces it; a deleted one frees its place), or undefined. Never throws.
 */
export function routeLimitProblem(snapshot: Snapshot, changes: readonly Change[]): string | undefined {
  const names = new Map<string, Set<string>>();
  const of = (key: string) => {
    let set = names.get(key);
    if (!set) names.set(key, (set = new Set((snapshot.routeTables.get(key)?.routes ?? []).map((r) => r.name.toLowerCase()))));
    return set;
  };
  for (const c of changes) {
    if (c.kind === "add-route") of(c.routeTableKey).add(c.route.name.toLowerCase());
    else if (c.kind === "delete-route") of(c.routeTableKey).delete(c.routeName.toLowerCase());
  }
  for (const [key, set] of names) {
    if (set.size <= MAX_ROUTES) continue;
    const table = snapshot.routeTables.get(key)?.name ?? key.split("/").pop() ?? key;
    return `route table ${shown(table)} would hold ${set.size} routes, past Azure's limit of ${MAX_ROUTES} per route table (replace routes that a summary prefix covers, then add these)`;
  }
  return undefined;
}
