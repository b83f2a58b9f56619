// Fix collections land in one rule collection group of a firewall policy (FIX_GROUP). A group is deployed whole (its
// collections list is replaced), so several fixes for one group must become one deployment listing today's
// collections and every new one, once each: two deployments of one group would each drop the other's collection.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets
import type { FirewallRuleCollection, RuleCollectionGroup, Snapshot } from "../model/types";
import type { Change } from "./types";

type FirewallChange = Extract<Change, { kind: "add-firewall-rule-collection" }>;

export const groupKeyOf = (policyKey: string, groupName: string) => `${policyKey}/rulecollectiongroups/${groupName.toLowerCase()}`;

export interface GroupDeployment {
  policyKey: string;
  groupName: string;
  /** The group as the snapshot holds it; undefined when the fixes create it. */
  group?: RuleCollectionGroup;
  /** Today's collections, then each new one, each name once (a snapshot with the fixes applied already holds them). */
  collections: FirewallRuleCollection[];
  /** Rendered as one finding's fix (not a bundle): its declaration says what deploying it replaces (PER_FINDING_NOTE). */
  perFinding?: true;
}

/**
 * Said above one finding's declaration of a group (Bicep, Terraform). Deploying it sets the group's collections to
 * today's plus this fix's; another finding's declaration deployed after it would drop this one's collection. Listing
 * every fix's collections in each finding's declaration would make a report's size grow with the square of its
 * failing subnets, so the forms that compose are named instead: the az CLI form adds one collection without replacing
 * the others, and `--fix-all` declares each group once with every fix's collection.
 */
export function perFindingNote(d: GroupDeployment): string {
  // No name in it: it is a comment line of Bicep and HCL, and a name may hold anything (quote.ts).
  return `Declares the whole rule collection group (${d.collections.length} collections: those it holds today and this fix's). Deployed after it, another finding's declaration would drop this fix's collection: for several findings use their az CLI forms or --fix-all.`;
}

/**
 * Per policy rule collection group that `changes` add collections to (classic firewalls aside), keyed by the change
 * that comes first for it: the deployment to render there. Later changes for the same group are in it already.
 */
export function groupDeployments(snapshot: Snapshot, changes: readonly Change[]): Map<Change, GroupDeployment> {
  const byGroup = new Map<string, { first: FirewallChange; added: FirewallRuleCollection[] }>();
  for (const c of changes) {
    if (c.kind !== "add-firewall-rule-collection" || !c.policyKey) continue;
    const k = groupKeyOf(c.policyKey, c.groupName);
    const slot = byGroup.get(k) ?? { first: c, added: [] };
    slot.added.push(c.collection);
    byGroup.set(k, slot);
  }
  const out = new Map<Change, GroupDeployment>();
  for (const [k, { first, added }] of byGroup) {
    const group = snapshot.ruleCollectionGroups?.get(k);
    const seen = new Set<string>();
    const collections = [...(group?.ruleCollections ?? []), ...added].filter((col) => !seen.has(col.name.toLowerCase()) && seen.add(col.name.toLowerCase()));
    out.set(first, { policyKey: first.policyKey!, groupName: first.groupName, group, collections });
  }
  return out;
}
