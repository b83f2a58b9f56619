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

/**
 * The id of the resource `levels` child levels up: `.../ruleCollectionGroups/g` → the policy id
 * (`levels` = 1 drops one `/<type>/<name>` pair). Undefined when the id is too short.
 */
export function parentId(id: string, levels = 1): string | undefined {
  let end = id.endsWith("/") ? id.length - 1 : id.length;
  for (let i = 0; i < levels * 2; i++) {
    end = id.lastIndexOf("/", end - 1);
    if (end <= 0) return undefined;
  }
  return id.slice(0, end);
}

const SCALE_SET = "/microsoft.compute/virtualmachinescalesets/";

/**
 * The scale set a Uniform instance's NIC (or any id under it) belongs to, lower-cased:
 * `.../virtualMachineScaleSets/vmss1/virtualMachines/0/networkInterfaces/nic1` → `.../virtualmachinescalesets/vmss1`.
 */
export function scaleSetKeyOf(key: string): string | undefined {
  const at = key.indexOf(SCALE_SET);
  if (at < 0) return undefined;
  const nameStart = at + SCALE_SET.length;
  const end = key.indexOf("/", nameStart);
  return end < 0 ? undefined : key.slice(0, end);
}

/**
 * The NIC named by a subnet's `ipConfigurations[].id` back-reference, lower-cased, or undefined when
 * the configuration belongs to something else (a load balancer frontend, a gateway, a firewall).
 */
export function nicKeyOfIpConfiguration(id: string): string | undefined {
  const key = id.toLowerCase();
  const at = key.lastIndexOf("/ipconfigurations/");
  if (at < 0) return undefined;
  const nic = key.slice(0, at);
  return nic.lastIndexOf("/networkinterfaces/") > 0 ? nic : undefined;
}

/**
 * The resource type an ARM id spells, lower-cased (`/providers/<namespace>/<type>/<name>[/<child type>/<name>]...`
 * → `<namespace>/<type>[/<child type>]...`), for list entries that carry an id but no `type`, as some
 * REST examples do. Undefined for an id without `/providers/`. The id grammar is documented at
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
 */
export function typeFromId(id: string): string | undefined {
  const lower = id.toLowerCase();
  const at = lower.lastIndexOf("/providers/");
  if (at < 0) return undefined;
  const parts = lower.slice(at + "/providers/".length).split("/").filter(Boolean);
  if (parts.length < 3) return undefined;
  const types = [parts[0]];
  for (let i = 1; i < parts.length; i += 2) types.push(parts[i]);
  return types.join("/");
}
