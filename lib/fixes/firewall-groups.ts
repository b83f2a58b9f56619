// Fix collections land in one rule collection group of a firewall policy (FIX_GROUP). A group is deployed whole (its
// collections list is replaced), so several fixes for one group must become one deployment listing today's
// collections and every new one, once each: two deployments of one group would each drop the other's collection.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets
import type { AzureFirewall, FirewallRuleCollection, RuleCollectionGroup, Snapshot } from "../model/types";
import { unrenderable } from "./quote";
import type { Change } from "./types";

type FirewallChange = Extract<Change, { kind: "add-firewall-rule-collection" }>;

export const groupKeyOf = (policyKey: string, groupName: string) => `${policyKey}/rulecollectiongroups/${groupName.toLowerCase()}`;

/**
 * The rule collections the input holds where a fix adds one: the policy's rule collection group `groupName`, or a
 * classic firewall's own network and application collections (`fallback` standing in for a firewall the snapshot
 * lacks). Empty when neither is held. A new collection's name and priority are chosen clear of them.
 */
export function heldCollections(snapshot: Snapshot, at: { policyKey?: string; firewallKey?: string; groupName: string }, fallback?: AzureFirewall): readonly FirewallRuleCollection[] {
  if (at.policyKey) return snapshot.ruleCollectionGroups?.get(groupKeyOf(at.policyKey, at.groupName))?.ruleCollections ?? [];
  const fw = (at.firewallKey ? snapshot.firewalls?.get(at.firewallKey) : undefined) ?? fallback;
  return fw ? [...fw.networkRuleCollections, ...fw.applicationRuleCollections] : [];
}

export interface GroupDeployment {
  policyKey: string;
  groupName: string;
  /** The group as the snapshot holds it; undefined when the fixes create it. */
  group?: RuleCollectionGroup;
  /**
   * Today's collections (each read collection once: two model collections split from one mixed collection share its
   * `raw`), then each new one whose name is not taken (a snapshot with the fixes applied already holds them).
   */
  collections: FirewallRuleCollection[];
  /**
   * Names of today's collections the snapshot holds without their ARM JSON as read (`raw`): a declaration of the
   * group cannot repeat them exactly, so it is not offered (unkeptRefusal).
   */
  unkept: string[];
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
    const fromFixes = new Set(added);
    const seenRaw = new Set<object>();
    const names = new Set<string>();
    const collections: FirewallRuleCollection[] = [];
    const unkept: string[] = [];
    for (const col of [...(group?.ruleCollections ?? []), ...added]) {
      const name = col.name.toLowerCase();
      if (col.raw ? seenRaw.has(col.raw) : names.has(name)) continue;
      // A collection without its JSON as read that no fix made is one a reader did not keep.
      if (!col.raw && !fromFixes.has(col)) unkept.push(col.name);
      if (col.raw) seenRaw.add(col.raw);
      names.add(name);
      collections.push(col);
    }
    out.set(first, { policyKey: first.policyKey!, groupName: first.groupName, group, collections, unkept });
  }
  return out;
}

const unkeptText = (n: number) =>
  `a deployment of the rule collection group replaces all of its collections, and ${n} of them ${n === 1 ? "was" : "were"} not kept as read (every field of every rule), so it could not repeat them exactly: use the az CLI form, which adds one collection and keeps the others`;

/**
 * Why a deployment's declaration of the whole group is not offered, or undefined: a collection it holds today was
 * not kept as read, so a declaration built from the audit's model of it would drop the fields the audit does not read
 * (`terminateTLS`, `httpHeadersToInsert`, `description` ...). CONTRACT: a whole-resource fix repeats every writable
 * property or is not offered in that form. https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups
 */
export function unkeptRefusal(d: GroupDeployment): string | undefined {
  return d.unkept.length ? unkeptText(d.unkept.length) : undefined;
}

/** The collections `snapshot` holds today in the rule collection group a change adds to (none for a new group). */
function groupCollections(snapshot: Snapshot, c: FirewallChange): readonly FirewallRuleCollection[] {
  return snapshot.ruleCollectionGroups?.get(groupKeyOf(c.policyKey ?? "", c.groupName))?.ruleCollections ?? [];
}

/**
 * unkeptRefusal for one change, from the group as `snapshot` holds it before the change. In a snapshot with the fixes
 * applied (the group holds `c.collection`) a collection without `raw` may be another fix's, which only the whole
 * render knows: undefined here, and groupDeployments' `unkept` decides there.
 */
export function unkeptChangeRefusal(snapshot: Snapshot, c: FirewallChange): string | undefined {
  const cols = groupCollections(snapshot, c);
  if (cols.includes(c.collection)) return undefined;
  const n = cols.filter((col) => !col.raw).length;
  return n ? unkeptText(n) : undefined;
}

interface RawText {
  unrenderable?: string;
  notNfc: boolean;
}

/** What the strings (keys and values) of one collection as read allow, worked out once per `raw` object. */
const rawTexts = new WeakMap<object, RawText>();

function rawText(raw: object): RawText {
  let v = rawTexts.get(raw);
  if (v) return v;
  const into: RawText = { notNfc: false };
  const scan = (s: string) => {
    into.unrenderable ??= unrenderable(s);
    into.notNfc ||= s.normalize("NFC") !== s;
  };
  const walk = (x: unknown): void => {
    if (typeof x === "string") scan(x);
    else if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object")
      for (const [k, y] of Object.entries(x)) {
        scan(k);
        walk(y);
      }
  };
  walk(raw);
  rawTexts.set(raw, (v = into));
  return v;
}

/**
 * Why today's collections of a change's group (as read) cannot be repeated exactly in a declaration, or undefined: a
 * string no language can carry (a lone surrogate), or, for HCL (`hcl`), one that Unicode NFC changes, since HCL
 * normalises every string to NFC and would deploy another value.
 * https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md#template-expressions
 */
export function rawTextRefusal(snapshot: Snapshot, c: FirewallChange, hcl: boolean): string | undefined {
  const cols = groupCollections(snapshot, c);
  for (const col of cols) {
    if (!col.raw) continue;
    const t = rawText(col.raw);
    if (t.unrenderable) return `a value of the rule collection group's existing rules ${t.unrenderable}, so a declaration could not repeat it exactly: use the az CLI form`;
    if (hcl && t.notNfc)
      return "a value of the rule collection group's existing rules is not in Unicode normal form C, and HCL normalises every string to it, so the declaration would change it: use the az CLI or Bicep form";
  }
  return undefined;
}
