// Applies planned changes to a copy of the snapshot (the original is never touched).
import type { Nsg, Snapshot } from "../model/types";
import { withDefaultRules } from "../snapshot/default-rules";
import type { Change } from "./types";
import { OverlayMap } from "./overlay-map";

export function applyChanges(snapshot: Snapshot, changes: readonly Change[]): { snapshot: Snapshot; changedNsgKeys: Set<string> } {
  const nsgs = new OverlayMap(snapshot.nsgs);
  const subnets = new OverlayMap(snapshot.subnets);
  const changedNsgKeys = new Set<string>();
  for (const c of changes) {
    if (c.kind === "add-rule") {
      const nsg = nsgs.get(c.nsgKey);
      if (!nsg) continue;
      nsgs.set(c.nsgKey, { ...nsg, securityRules: [...nsg.securityRules, c.rule] });
      changedNsgKeys.add(c.nsgKey);
    } else if (c.kind === "add-service-endpoint") {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      subnets.set(c.subnetKey, { ...s, serviceEndpoints: [...s.serviceEndpoints, { service: c.service, locations: ["*"], provisioningState: "Succeeded" }] });
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
      changedNsgKeys.add(nsg.key);
    }
  }
  return { snapshot: { ...snapshot, nsgs, subnets }, changedNsgKeys };
}
