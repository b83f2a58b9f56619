// An Azure Firewall, or a firewall policy or rule collection group it takes its rules from, whose last operation failed
// (`provisioningState` `Failed`). Microsoft documents the state as control-plane metadata: the resource usually keeps serving traffic, but
// the operation that would have applied the exported configuration did not succeed, so whether the firewall forwards
// by the rules the export shows or by an earlier set is something the input cannot show. The path stage (lib/path/evaluate.ts) then takes what the rules
// allow and what they deny alike as "cannot be judged" (the failed update may have been the one that tightened them, which a
// lockdown relies on); the report's notes name the firewall once.
// https://learn.microsoft.com/azure/networking/troubleshoot-failed-state
import type { AzureFirewall, Snapshot } from "@/lib/model/types";

const failed = (state: string | undefined) => state?.trim().toLowerCase() === "failed";

/**
 * Why `firewall` may not forward as its configuration says, in words ("Azure Firewall fw-hub is in provisioning state
 * Failed", "firewall policy fwp-base of Azure Firewall fw-hub is in provisioning state Failed"): the firewall itself,
 * else the first policy of its chain (its policy, then base policies) in state `Failed`. Undefined when none is, or the
 * input does not say.
 */
export function firewallFailure(snapshot: Snapshot, firewall: AzureFirewall): string | undefined {
  // Asked for every piece a firewall judges: worked out once per snapshot and firewall.
  let bySnapshot = failures.get(snapshot);
  if (!bySnapshot) failures.set(snapshot, (bySnapshot = new Map()));
  if (!bySnapshot.has(firewall.key)) bySnapshot.set(firewall.key, failureOf(snapshot, firewall));
  return bySnapshot.get(firewall.key);
}

const failures = new WeakMap<Snapshot, Map<string, string | undefined>>();

function failureOf(snapshot: Snapshot, firewall: AzureFirewall): string | undefined {
  if (failed(firewall.provisioningState)) return `Azure Firewall ${firewall.name} is in provisioning state ${firewall.provisioningState}`;
  const seen = new Set<string>();
  for (let key = firewall.policyKey; key && !seen.has(key); ) {
    seen.add(key);
    const policy = snapshot.firewallPolicies?.get(key);
    if (!policy) return undefined;
    if (failed(policy.provisioningState)) return `firewall policy ${policy.name} of Azure Firewall ${firewall.name} is in provisioning state ${policy.provisioningState}`;
    // A rule collection group carries its own state: a failed update of its rules leaves the policy Succeeded.
    // Its groups as it lists them, or as they name it (a policy export may leave the list out); once per firewall.
    for (const group of snapshot.ruleCollectionGroups?.values() ?? []) {
      if (group.policyKey !== key && !policy.ruleCollectionGroupKeys.includes(group.key)) continue;
      if (failed(group.provisioningState)) return `rule collection group ${group.name} of firewall policy ${policy.name} (Azure Firewall ${firewall.name}) is in provisioning state ${group.provisioningState}`;
    }
    key = policy.basePolicyKey;
  }
  return undefined;
}

/** One report note per firewall of the input that firewallFailure names, saying how its verdicts are read. */
export function failedFirewallNotes(snapshot: Snapshot): string[] {
  const out: string[] = [];
  for (const firewall of snapshot.firewalls?.values() ?? []) {
    const why = firewallFailure(snapshot, firewall);
    if (why) out.push(`${why.charAt(0).toUpperCase()}${why.slice(1)}: its last operation did not succeed, so it may be forwarding by an earlier set of rules than the one exported. What its rules allow or deny is reported as cannot be judged. Restore the Succeeded state (repeat the last update) and export it again.`);
  }
  return out;
}
