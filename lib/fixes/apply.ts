// Applies planned changes to a copy of the snapshot (the original is never touched).
import { endpointsWith } from "./service-endpoints";
import type { Nsg, RuleCollectionGroup, Snapshot, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import { withDefaultRules } from "../snapshot/default-rules";
import type { Change } from "./types";
import { OverlayMap } from "./overlay-map";
import { groupKeyOf } from "./firewall-groups";

const resourceId = (s: Subnet, type: string, name: string) => `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.Network/${type}/${name}`;

/** The subnet with its ARM properties (when read) kept in step with a change, so a later whole-subnet rendering repeats it. */
function withArm(s: Subnet, patch: Record<string, unknown>): Record<string, unknown> | undefined {
  return s.armProperties ? { ...s.armProperties, ...patch } : undefined;
}

/**
 * The snapshot after `changes`, and the keys of what they touched (NSGs, subnets, route tables,
 * firewall policies and their rule collection groups, firewalls, NAT gateways), for the estate's caches.
 * Changes apply in order; a change whose target is missing is skipped.
 */
export function applyChanges(snapshot: Snapshot, changes: readonly Change[]): { snapshot: Snapshot; changedKeys: Set<string> } {
  const nsgs = new OverlayMap(snapshot.nsgs);
  const subnets = new OverlayMap(snapshot.subnets);
  const routeTables = new OverlayMap(snapshot.routeTables);
  const groups = new OverlayMap(snapshot.ruleCollectionGroups ?? new Map<string, RuleCollectionGroup>());
  const policies = new OverlayMap(snapshot.firewallPolicies ?? new Map());
  const firewalls = new OverlayMap(snapshot.firewalls ?? new Map());
  const natGateways = new OverlayMap(snapshot.natGateways ?? new Map());
  const publicIps = new OverlayMap(snapshot.publicIps ?? new Map());
  const changedKeys = new Set<string>();
  for (const c of changes) {
    if (c.kind === "add-rule") {
      const nsg = nsgs.get(c.nsgKey);
      if (!nsg) continue;
      nsgs.set(c.nsgKey, { ...nsg, securityRules: [...nsg.securityRules, c.rule] });
      changedKeys.add(c.nsgKey);
    } else if (c.kind === "update-rule") {
      const nsg = nsgs.get(c.nsgKey);
      if (!nsg) continue;
      const name = c.before.name.toLowerCase();
      nsgs.set(c.nsgKey, { ...nsg, securityRules: nsg.securityRules.map((r) => (r.name.toLowerCase() === name ? c.after : r)) });
      changedKeys.add(c.nsgKey);
    } else if (c.kind === "delete-rule") {
      const nsg = nsgs.get(c.nsgKey);
      if (!nsg) continue;
      const name = c.rule.name.toLowerCase();
      nsgs.set(c.nsgKey, { ...nsg, securityRules: nsg.securityRules.filter((r) => r.name.toLowerCase() !== name) });
      changedKeys.add(c.nsgKey);
    } else if (c.kind === "add-service-endpoint") {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      const armEndpoints = Array.isArray(s.armProperties?.serviceEndpoints) ? (s.armProperties!.serviceEndpoints as unknown[]) : [];
      const serviceOf = (e: unknown) => String((e as { service?: unknown }).service);
      subnets.set(c.subnetKey, {
        ...s,
        // Adding one kind of Storage endpoint replaces the other (they cannot coexist), as the fix's list does.
        serviceEndpoints: endpointsWith(s.serviceEndpoints, c.service, (e) => e.service, (service) => ({ service, locations: ["*"], provisioningState: "Succeeded" })),
        armProperties: withArm(s, { serviceEndpoints: endpointsWith(armEndpoints, c.service, serviceOf, (service) => ({ service })) }),
      });
      changedKeys.add(c.subnetKey);
    } else if (c.kind === "attach-new-nsg") {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      const id = resourceId(s, "networkSecurityGroups", c.nsgName);
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
      subnets.set(c.subnetKey, { ...s, nsgKey: nsg.key, armProperties: withArm(s, { networkSecurityGroup: { id } }) });
      changedKeys.add(nsg.key).add(c.subnetKey);
    } else if (c.kind === "add-route" || c.kind === "delete-route") {
      const table = routeTables.get(c.routeTableKey);
      if (!table) continue;
      const routes =
        c.kind === "add-route"
          ? [...table.routes.filter((r) => r.name.toLowerCase() !== c.route.name.toLowerCase()), c.route]
          : table.routes.filter((r) => r.name.toLowerCase() !== c.routeName.toLowerCase());
      routeTables.set(c.routeTableKey, { ...table, routes });
      changedKeys.add(c.routeTableKey);
    } else if (c.kind === "add-firewall-rule-collection") {
      if (c.policyKey) {
        const policy = policies.get(c.policyKey);
        const key = groupKeyOf(c.policyKey, c.groupName);
        const group = groups.get(key);
        const next: RuleCollectionGroup = group
          ? { ...group, ruleCollections: [...group.ruleCollections, c.collection] }
          : { id: `${policy?.id ?? c.policyKey}/ruleCollectionGroups/${c.groupName}`, key, name: c.groupName, policyKey: c.policyKey, priority: 65000, ruleCollections: [c.collection] };
        groups.set(key, next);
        if (policy && !policy.ruleCollectionGroupKeys.includes(key)) policies.set(c.policyKey, { ...policy, ruleCollectionGroupKeys: [...policy.ruleCollectionGroupKeys, key] });
        changedKeys.add(c.policyKey).add(key);
      } else if (c.firewallKey) {
        const fw = firewalls.get(c.firewallKey);
        if (!fw) continue;
        firewalls.set(
          c.firewallKey,
          c.collection.kind === "application"
            ? { ...fw, applicationRuleCollections: [...fw.applicationRuleCollections, c.collection] }
            : { ...fw, networkRuleCollections: [...fw.networkRuleCollections, c.collection] },
        );
        changedKeys.add(c.firewallKey);
      }
    } else if (c.kind === "attach-nat-gateway") {
      const s = subnets.get(c.subnetKey);
      if (!s) continue;
      const pipId = resourceId(s, "publicIPAddresses", c.publicIpName);
      const natId = resourceId(s, "natGateways", c.natGatewayName);
      publicIps.set(pipId.toLowerCase(), { id: pipId, key: pipId.toLowerCase(), name: c.publicIpName, sku: "Standard" });
      natGateways.set(natId.toLowerCase(), { id: natId, key: natId.toLowerCase(), name: c.natGatewayName, publicIpKeys: [pipId.toLowerCase()], publicIpPrefixKeys: [] });
      subnets.set(c.subnetKey, { ...s, natGatewayKey: natId.toLowerCase(), armProperties: withArm(s, { natGateway: { id: natId } }) });
      changedKeys.add(c.subnetKey).add(natId.toLowerCase());
    }
  }
  return {
    snapshot: { ...snapshot, nsgs, subnets, routeTables, ruleCollectionGroups: groups, firewallPolicies: policies, firewalls, natGateways, publicIps },
    changedKeys,
  };
}

/** Per base estate (so a finished audit's estates are not held), the changes last applied to it and the result. */
const lastDerived = new WeakMap<Estate, { changes: readonly Change[]; estate: Estate }>();

/**
 * The estate after `changes`, derived from `base`. The last one is remembered, so that a planner asking
 * again for the list it just built reuses the estate and its flow results. Only the last: keeping one per
 * plan until verification held ~150 MB on a 10,000-subnet audit and saved no time (bench/, issue 12).
 */
/** Forgets the estate last derived from `base` (and what it evaluated), once no more fixes are planned on `base`. */
export function forgetDerived(base: Estate): void {
  lastDerived.delete(base);
}

export function estateWith(base: Estate, changes: readonly Change[]): Estate {
  if (changes.length === 0) return base;
  const last = lastDerived.get(base);
  if (last?.changes === changes) return last.estate;
  const applied = applyChanges(base.snapshot, changes);
  const estate = base.derive(applied.snapshot, applied.changedKeys);
  lastDerived.set(base, { changes, estate });
  return estate;
}
