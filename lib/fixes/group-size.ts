// Azure accepts at most 2 MB of rules in one rule collection group of a firewall policy. Each finding's fix adds one
// collection, well under it, but to a group that may already be near it; a bundle of every fix of a large estate
// (thousands of cluster subnets behind one hub) can put thousands of collections in the one group the fixes use, which
// Azure would refuse part way through.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets ("Rule collection groups have a maximum size of 2 MB")
import type { Snapshot } from "../model/types";
import { deploymentCollections } from "./bicep";
import { type GroupDeployment, groupDeployments } from "./firewall-groups";
import { shown } from "./quote";
import type { Change } from "./types";
import { lastSegment } from "../snapshot/arm-id";

/** Azure's limit on a rule collection group's rules, in bytes. */
export const GROUP_SIZE_LIMIT = 2 * 1024 * 1024;

/** Bytes of each collection's ARM JSON, measured once: today's collections are the snapshot's own objects. */
const collectionBytes = new WeakMap<object, number>();

/**
 * Bytes of the ARM JSON array of a group deployment's collections (today's as read, and the new ones), as
 * `JSON.stringify` writes it: each collection measured once however many fixes name its group.
 */
export function groupBytes(d: GroupDeployment): number {
  const arm = deploymentCollections(d);
  let bytes = 2 + Math.max(0, arm.length - 1);
  for (const c of arm) {
    let b = collectionBytes.get(c);
    if (b === undefined) collectionBytes.set(c, (b = Buffer.byteLength(JSON.stringify(c))));
    bytes += b;
  }
  return bytes;
}

/**
 * The sentence for a group deployment past GROUP_SIZE_LIMIT (groupBytes): an estimate, since Azure does not publish how
 * it counts, so a group within a few percent of the limit may be refused too. Undefined when it is within.
 */
export function oversizedGroupNote(d: GroupDeployment): string | undefined {
  const bytes = groupBytes(d);
  if (bytes <= GROUP_SIZE_LIMIT) return undefined;
  const mb = (bytes / 1024 / 1024).toFixed(2);
  return `Rule collection group ${shown(d.groupName)} of firewall policy ${shown(lastSegment(d.policyKey))} would hold ${d.collections.length} rule collections, about ${mb} MB of rules, more than the 2 MB Azure accepts in one group (https://learn.microsoft.com/azure/firewall/policy-rule-sets): Azure refuses what goes past it. Put the collections in several groups, or name the subnets of many collections in fewer rules (an IP group, or summarised prefixes).`;
}

/** One sentence per policy rule collection group that `changes` would take past GROUP_SIZE_LIMIT (oversizedGroupNote). */
export function oversizedGroupNotes(snapshot: Snapshot, changes: readonly Change[]): string[] {
  return [...groupDeployments(snapshot, changes).values()].flatMap((d) => oversizedGroupNote(d) ?? []);
}
