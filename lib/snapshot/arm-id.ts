// ARM ids are case-insensitive (`/resourceGroups/RG` == `/resourcegroups/rg`), so every lookup
// goes through the lower-cased `key`; the parts keep the spelling of the input for display.

export function keyOf(id: string): string {
  return id.toLowerCase();
}

export interface IdParts {
  subscriptionId: string;
  resourceGroup: string;
}

/** Subscription and resource group named in an id; empty strings when the id does not carry them. */
export function idParts(id: string): IdParts {
  const segments = id.split("/");
  let subscriptionId = "";
  let resourceGroup = "";
  for (let i = 0; i + 1 < segments.length; i++) {
    const segment = segments[i].toLowerCase();
    if (segment === "subscriptions" && !subscriptionId) subscriptionId = segments[i + 1];
    else if (segment === "resourcegroups" && !resourceGroup) resourceGroup = segments[i + 1];
    else if (segment === "providers") break;
  }
  return { subscriptionId, resourceGroup };
}

/** The last path segment: the resource's own name. */
export function lastSegment(id: string): string {
  const trimmed = id.endsWith("/") ? id.slice(0, -1) : id;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/**
 * `.../virtualNetworks/hub/subnets/cc` → the VNet id and name, so a standalone subnet can be
 * placed in its VNet even when the VNet itself is not part of the input.
 */
export function parentVnetOf(subnetId: string): { id: string; key: string; name: string } | undefined {
  const lower = subnetId.toLowerCase();
  const at = lower.lastIndexOf("/subnets/");
  if (at < 0) return undefined;
  const id = subnetId.slice(0, at);
  return { id, key: id.toLowerCase(), name: lastSegment(id) };
}
