// A Bicep deployment of a subnet replaces all of its properties, so a whole-subnet fix must repeat
// every writable property the subnet has today, exactly as read (CONTRACT §4, fix rules). The loader
// keeps the properties object as read in `Subnet.armProperties`; this module says which of them a
// deployment must repeat, and refuses when it cannot tell.
// https://learn.microsoft.com/azure/templates/microsoft.network/virtualnetworks/subnets
import type { Subnet } from "../model/types";

/** Properties ARM computes: never sent back. */
const READ_ONLY = new Set([
  "provisioningState",
  "ipConfigurations",
  "ipConfigurationProfiles",
  "privateEndpoints",
  "resourceNavigationLinks",
  "serviceAssociationLinks",
  "purpose",
  "etag",
  "type",
  "id",
]);

/** Writable properties of `SubnetPropertiesFormat` a deployment repeats as read. */
const WRITABLE = new Set([
  "addressPrefix",
  "addressPrefixes",
  "networkSecurityGroup",
  "routeTable",
  "natGateway",
  "serviceEndpoints",
  "serviceEndpointPolicies",
  "delegations",
  "privateEndpointNetworkPolicies",
  "privateLinkServiceNetworkPolicies",
  "defaultOutboundAccess",
  "ipAllocations",
  "sharingScope",
  "ipamPoolPrefixAllocations",
]);

/** Read-only fields inside writable list items (a delegation's `actions` and state, an endpoint's state). */
const READ_ONLY_NESTED = new Set(["provisioningState", "etag", "type", "actions"]);

function clean(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A delegation's own `id` and `type` are computed; ids of referenced resources (`{ id }`) are kept.
      if (depth > 0 && READ_ONLY_NESTED.has(k)) continue;
      if (depth > 0 && k === "id" && Object.keys(value).length > 1 && "properties" in value) continue;
      // az CLI adds `resourceGroup` beside a reference's `id` (`networkSecurityGroup: { id, resourceGroup }`); ARM's
      // SubResource has only `id`, and Bicep flags anything else (BCP037).
      if (depth > 0 && k === "resourceGroup" && typeof (value as { id?: unknown }).id === "string") continue;
      out[k] = clean(v, depth + 1);
    }
    return out;
  }
  return value;
}

export type SubnetProperties = { ok: true; properties: Record<string, unknown> } | { ok: false; why: string };

/**
 * The writable properties of `subnet` as read (read-only ones dropped), for a deployment that must keep
 * them; or why that cannot be done safely: no properties object was read, or it holds a property this
 * module does not know (it might be writable and would then be lost).
 */
export function subnetProperties(subnet: Subnet): SubnetProperties {
  const arm = subnet.armProperties;
  if (!arm) return { ok: false, why: "the snapshot does not hold the subnet's full properties, so a deployment of the whole subnet could drop some of them" };
  const unknown = Object.keys(arm).filter((k) => !READ_ONLY.has(k) && !WRITABLE.has(k));
  if (unknown.length) return { ok: false, why: `the subnet has ${unknown.length === 1 ? "a property" : `${unknown.length} properties`} this tool does not know how to repeat faithfully` };
  const properties: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(arm)) if (WRITABLE.has(k) && v !== undefined) properties[k] = clean(k === "delegations" ? armDelegations(v) : v, 1);
  return { ok: true, properties };
}

/**
 * A subnet's delegations in ARM's form. `az` prints each flattened (`{ name, serviceName, actions, id }`); a
 * deployment needs `{ name, properties: { serviceName } }`, and would otherwise fail or drop the delegation.
 */
function armDelegations(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((d) => {
    if (!d || typeof d !== "object" || "properties" in d || !("serviceName" in d)) return d;
    const { name, serviceName } = d as { name?: unknown; serviceName?: unknown };
    return { ...(name !== undefined ? { name } : {}), properties: { serviceName } };
  });
}
