// Whether a security admin configuration reaches a VNet at all, beyond its network groups: the network manager's scope,
// and the services with a network intent policy in the VNet (SQL Managed Instance, Azure Databricks), whose VNets Azure
// keeps admin rules off unless the configuration says otherwise.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope#how-scope-applicability-works
// https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins#nonapplication-of-security-admin-rules-at-virtual-network-level
import type { AdminRuleCollection, VirtualNetwork } from "../model/types";
import type { Estate } from "../nsg/estate";
import { lastSegment } from "../snapshot/arm-id";

/**
 * `yes`: its rules apply as their groups say. `no`: none of them applies here (`note` says why, for the flow's notes).
 * `allow-only`: only its `Allow` and `AlwaysAllow` rules apply (`note` says why). `maybe`: the input cannot tell
 * (`why`), so its rules are followed both ways; with `allowOnly` (a note), its Deny rules surely do not apply.
 */
export type ConfigurationReach = { applies: "yes" } | { applies: "no" | "allow-only"; note: string } | { applies: "maybe"; why: string; allowOnly?: string };

/** Delegations that give a subnet a network intent policy, with the service's name as Azure's docs write it. */
const INTENT_POLICY_SERVICES = new Map([
  ["microsoft.sql/managedinstances", "SQL Managed Instance"],
  ["microsoft.databricks/workspaces", "Azure Databricks"],
]);

/**
 * Whether the rules of `collection`'s security admin configuration reach VNet `vnetKey` (whose subnets' id names
 * `subscriptionId`), by its network manager's scope and by the VNet's services with a network intent policy.
 * - Scope: a VNet outside the manager's scope gets none of its configurations, though a network group lists it. A
 *   subscription the scope names is in; where the scope names management groups only, and not the subscription,
 *   whether the subscription sits under one of them is not in any network payload: `maybe`. A manager the input lacks,
 *   or one without `networkManagerScopes`, is taken to hold the VNet in its scope (as before scopes were read).
 * - Network intent policy: a VNet with a subnet delegated to SQL Managed Instance or Azure Databricks gets the
 *   configuration's rules only as `applyOnNetworkIntentPolicyBasedServices` says: `All` every rule, `AllowRulesOnly` its
 *   Allow and AlwaysAllow rules, `None` (the default) none. Without the configuration in the input: `maybe`.
 * Never throws.
 */
export function configurationReach(estate: Estate, vnetKey: string, subscriptionId: string, collection: AdminRuleCollection): ConfigurationReach {
  const { snapshot } = estate;
  const vnet = snapshot.vnets.get(vnetKey);
  const vnetName = vnet?.name ?? lastSegment(vnetKey);
  const manager = snapshot.networkManagers?.get(collection.networkManagerKey);
  const managerName = manager?.name ?? lastSegment(collection.networkManagerKey);
  const subscription = subscriptionId.toLowerCase();
  const reasons: string[] = [];
  const scopes = manager?.scopes;
  if (scopes && !scopes.subscriptions.includes(subscription)) {
    if (!scopes.managementGroups.length) {
      const listed = scopes.subscriptions.length ? `subscription${scopes.subscriptions.length > 1 ? "s" : ""} ${scopes.subscriptions.join(", ")}` : "no subscription";
      return { applies: "no", note: `Network manager ${managerName}'s scope (${listed}) does not hold subscription ${subscriptionId}, so its security admin configuration ${collection.configurationName} does not apply to VNet ${vnetName}, whatever its network groups list (https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope).` };
    }
    const groups = scopes.managementGroups.join(", ");
    reasons.push(`network manager ${managerName}'s scope names management group${scopes.managementGroups.length > 1 ? "s" : ""} ${groups} but not subscription ${subscriptionId}, and whether that subscription is under ${scopes.managementGroups.length > 1 ? "one of them" : "it"} is not in the input (a VNet outside the scope gets none of its configurations)`);
  }
  const services = intentPolicyServices(estate, vnet);
  if (services.length) {
    const what = `VNet ${vnetName} holds ${services.join(", ")}`;
    const configuration = snapshot.securityAdminConfigurations?.get(collection.configurationKey);
    if (!configuration) {
      reasons.push(`${what}, whose VNets get security admin rules only as configuration ${collection.configurationName}'s applyOnNetworkIntentPolicyBasedServices says, and that configuration is not in the input (add \`az network manager security-admin-config list\`)`);
    } else {
      const values = new Set(configuration.applyOnNetworkIntentPolicyBasedServices.map((v) => v.toLowerCase()));
      if (!values.has("all")) {
        const allowOnly = values.has("allowrulesonly");
        const note = `${what.charAt(0).toUpperCase()}${what.slice(1)}, and security admin configuration ${collection.configurationName} sets applyOnNetworkIntentPolicyBasedServices to ${configuration.applyOnNetworkIntentPolicyBasedServices.length ? configuration.applyOnNetworkIntentPolicyBasedServices.join(", ") : "None (by default)"}, so ${allowOnly ? "its Deny rules do not apply there (its Allow and AlwaysAllow rules do)" : "none of its rules applies there"} (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins).`;
        if (!allowOnly) return { applies: "no", note };
        // In scope or not, its Deny rules do not apply: only whether the others do rests on the scope.
        return reasons.length ? { applies: "maybe", why: reasons.join("; "), allowOnly: note } : { applies: "allow-only", note };
      }
    }
  }
  return reasons.length ? { applies: "maybe", why: reasons.join("; ") } : { applies: "yes" };
}

/** The services with a network intent policy in a VNet, each with the subnet it is delegated: "SQL Managed Instance (subnet snet-sqlmi)". */
function intentPolicyServices(estate: Estate, vnet: VirtualNetwork | undefined): string[] {
  if (!vnet) return [];
  const out: string[] = [];
  for (const key of vnet.subnetKeys) {
    const subnet = estate.snapshot.subnets.get(key);
    for (const d of subnet?.delegations ?? []) {
      const service = INTENT_POLICY_SERVICES.get(d.toLowerCase());
      if (service) out.push(`${service} (subnet ${subnet!.name})`);
    }
  }
  return out;
}
