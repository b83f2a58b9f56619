// Azure accepts at most 2 MB of rules in one rule collection group of a firewall policy. Each finding's fix adds one
// collection, well under it; a bundle of every fix of a large estate (thousands of cluster subnets behind one hub) can
// put thousands of collections in the one group the fixes use, which Azure would refuse part way through.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets ("Rule collection groups have a maximum size of 2 MB")
import type { Snapshot } from "../model/types";
import { deploymentCollections } from "./bicep";
import { groupDeployments } from "./firewall-groups";
import { shown } from "./quote";
import type { Change } from "./types";
import { lastSegment } from "../snapshot/arm-id";

/** Azure's limit on a rule collection group's rules, in bytes. */
export const GROUP_SIZE_LIMIT = 2 * 1024 * 1024;

/**
 * One sentence per policy rule collection group that `changes` would take past GROUP_SIZE_LIMIT, measured as the ARM
 * JSON of its collections after them (today's as read, and the new ones): an estimate, since Azure does not publish
 * how it counts, so a group within a few percent of the limit may be refused too. Empty when none is.
 */
export function oversizedGroupNotes(snapshot: Snapshot, changes: readonly Change[]): string[] {
  const out: string[] = [];
  for (const d of groupDeployments(snapshot, changes).values()) {
    const bytes = Buffer.byteLength(JSON.stringify(deploymentCollections(d)));
    if (bytes <= GROUP_SIZE_LIMIT) continue;
    const mb = (bytes / 1024 / 1024).toFixed(2);
    out.push(`Rule collection group ${shown(d.groupName)} of firewall policy ${shown(lastSegment(d.policyKey))} would hold ${d.collections.length} rule collections, about ${mb} MB of rules, more than the 2 MB Azure accepts in one group (https://learn.microsoft.com/azure/firewall/policy-rule-sets): Azure refuses what goes past it. Put the collections in several groups, or name the subnets of many collections in fewer rules (an IP group, or summarised prefixes).`);
  }
  return out;
}
