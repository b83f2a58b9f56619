// Applies planned changes to a copy of the snapshot (the original is never touched).
import type { Nsg, Snapshot } from "../model/types";
import type { Estate } from "../nsg/estate";
import { withDefaultRules } from "../snapshot/default-rules";
import type { Change } from "./types";
import { OverlayMap } from "./overlay-map";

/** The changed snapshot, and the keys of the NSGs and subnets the changes touched. */
function applyChanges(snapshot: Snapshot, changes: readonly Change[]): { snapshot: Snapshot; changedKeys: Set<string> } {
  const nsgs = new OverlayMap(snapshot.nsgs);
  const subnets = new OverlayMap(snapshot.subnets);
  const changedKeys = new Set<string>();
  for (const c of changes) {
    if (c.kind === "add-rule") {
      const nsg = nsgs.get(c.nsgKey);
      if (!nsg) continue;
      nsgs.set(c.nsgKey, { ...nsg, securityRules: [...nsg.securityRules, c.rule] });
      changedKeys.add(c.nsgKey);
    } else if (c.kind === "add-service-endpoint") {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      subnets.set(c.subnetKey, { ...s, serviceEndpoints: [...s.serviceEndpoints, { service: c.service, locations: ["*"], provisioningState: "Succeeded" }] });
      changedKeys.add(c.subnetKey);
    } else {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      const id = `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/${c.nsgName}`;
      const nsg: Nsg = {
        id,
        key: id.toLowerCase(),
        name: c.nsgName,
        resourceGroup: s.resourceGroup,
        subscriptionId: s.subscriptionId,
        securityRules: c.rules,
        defaultSecurityRules: withDefaultRules([]),
      };
      nsgs.set(nsg.key, nsg);
      subnets.set(c.subnetKey, { ...s, nsgKey: nsg.key });
      changedKeys.add(nsg.key).add(c.subnetKey);
    }
  }
  return { snapshot: { ...snapshot, nsgs, subnets }, changedKeys };
}

const derived = new WeakMap<readonly Change[], { base: Estate; estate: Estate }>();

/**
 * The estate after `changes`, derived from `base`. Remembered per changes list, so that verifying a
 * plan reuses the estate (and the flow results) its planning already built for the same list.
 */
export function estateWith(base: Estate, changes: readonly Change[]): Estate {
  if (changes.length === 0) return base;
  const hit = derived.get(changes);
  if (hit && hit.base === base) return hit.estate;
  const applied = applyChanges(base.snapshot, changes);
  const estate = base.derive(applied.snapshot, applied.changedKeys);
  derived.set(changes, { base, estate });
  return estate;
}
