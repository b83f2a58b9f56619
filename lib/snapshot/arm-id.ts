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
  return {
    subscriptionId: segmentAfter(id, "/subscriptions/"),
    resourceGroup: segmentAfter(id, "/resourceGroups/"),
  };
}

/** The path segment after `marker`, matched case-insensitively (the usual spelling is tried first: this runs for every resource). */
function segmentAfter(id: string, marker: string): string {
  let at = id.indexOf(marker);
  if (at < 0) at = id.toLowerCase().indexOf(marker.toLowerCase());
  if (at < 0) return "";
  const start = at + marker.length;
  const end = id.indexOf("/", start);
  return end < 0 ? id.slice(start) : id.slice(start, end);
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
