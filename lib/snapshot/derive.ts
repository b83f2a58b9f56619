// Back-references and placements derived once every source is read: which NICs, private
// endpoints and scale sets sit in a subnet, and IP group references matched to the IP groups given.
import type { FirewallRule, PrivateEndpoint, Snapshot, Subnet } from "@/lib/model/types";
import { idParts, lastSegment } from "./arm-id";

const pushUnique = (list: string[], value: string) => {
  if (!list.includes(value)) list.push(value);
};

/**
 * nicKeys, privateEndpointKeys and scaleSetKeys of every subnet, and the private endpoints known
 * only from a subnet's `privateEndpoints[]` or a NIC's `privateEndpoint` (CONTRACT §4.2: "It is
 * known from any input"). Such an endpoint gets a minimal entry (name from its id, subnet, NICs,
 * addresses from its NICs) with no connections: its target and approval are unknown, and the
 * checks must say so rather than count it.
 * `idSpelling` maps an endpoint key to its id as written, for display.
 */
export function deriveMembership(snapshot: Snapshot, idSpelling: ReadonlyMap<string, string>): void {
  const endpoints = snapshot.privateEndpoints;
  const minimal = (key: string, subnetKey?: string): PrivateEndpoint => {
    let endpoint = endpoints.get(key);
    if (!endpoint) {
      const id = idSpelling.get(key) ?? key;
      endpoint = { id, key, name: lastSegment(id), connections: [] };
      if (subnetKey) endpoint.subnetKey = subnetKey;
      endpoints.set(key, endpoint);
    }
    return endpoint;
  };
  for (const subnet of snapshot.subnets.values()) for (const key of subnet.privateEndpointKeys) minimal(key, subnet.key);

  // A VM's network profile names its NICs; a NIC exported without its own `virtualMachine` gets it from there (a
  // Flexible scale set's instance is known only through its VM, and a CycleCloud server may be named by its VM).
  for (const vm of snapshot.virtualMachines?.values() ?? [])
    for (const key of vm.nicKeys) {
      const nic = snapshot.nics.get(key);
      if (nic && !nic.virtualMachineKey) nic.virtualMachineKey = vm.key;
    }

  // A Set per subnet, not `includes` on the growing list: 80,000 NICs in one subnet would be O(n²).
  const nicKeys = new Map<Subnet, Set<string>>();
  for (const nic of snapshot.nics.values()) {
    for (const config of nic.ipConfigurations) {
      const subnet = config.subnetKey ? snapshot.subnets.get(config.subnetKey) : undefined;
      if (!subnet) continue;
      let seen = nicKeys.get(subnet);
      if (!seen) nicKeys.set(subnet, (seen = new Set(subnet.nicKeys)));
      if (!seen.has(nic.key)) {
        seen.add(nic.key);
        subnet.nicKeys.push(nic.key);
      }
    }
    if (!nic.privateEndpointKey) continue;
    const endpoint = minimal(nic.privateEndpointKey, nic.ipConfigurations.find((c) => c.subnetKey)?.subnetKey);
    pushUnique((endpoint.nicKeys ??= []), nic.key);
  }
  for (const endpoint of endpoints.values()) {
    const subnet = endpoint.subnetKey ? snapshot.subnets.get(endpoint.subnetKey) : undefined;
    if (subnet) pushUnique(subnet.privateEndpointKeys, endpoint.key);
    // The endpoint's NIC holds its address when the endpoint's own listing does not print it.
    for (const nicKey of endpoint.nicKeys ?? []) {
      const nic = snapshot.nics.get(nicKey);
      for (const config of nic?.ipConfigurations ?? []) if (config.privateIpAddress) pushUnique((endpoint.ipAddresses ??= []), config.privateIpAddress);
    }
  }

  for (const scaleSet of snapshot.scaleSets?.values() ?? []) {
    for (const config of scaleSet.nicConfigurations) {
      for (const ip of config.ipConfigurations) {
        const subnet = ip.subnetKey ? snapshot.subnets.get(ip.subnetKey) : undefined;
        if (subnet) pushUnique((subnet.scaleSetKeys ??= []), scaleSet.key);
      }
    }
  }
}

/**
 * Points every firewall rule's IP group reference at an IP group of the input. Ids compare
 * lower-cased; when that finds none, a group of the same name in the same subscription is taken,
 * because Microsoft's own examples spell IP group ids in two ways (`/resourceGroups/rg/providers/
 * Microsoft.Network/ipGroups/x` and `/providers/Microsoft.Network/resourceGroup/rg/ipGroups/x`), so
 * a rule and the group it names may not agree on the id. A reference that matches neither is kept
 * as written and reported as a gap.
 */
export function resolveIpGroupRefs(snapshot: Snapshot): void {
  const groups = snapshot.ipGroups;
  if (!groups?.size) return;
  const byName = new Map<string, string>();
  for (const group of groups.values()) byName.set(`${idParts(group.key).subscriptionId}/${group.name.toLowerCase()}`, group.key);
  const resolve = (keys: string[]) => {
    for (let i = 0; i < keys.length; i++) {
      if (groups.has(keys[i])) continue;
      const match = byName.get(`${idParts(keys[i]).subscriptionId}/${lastSegment(keys[i])}`);
      if (match) keys[i] = match;
    }
  };
  const visit = (rule: FirewallRule) => {
    if (rule.kind === "nat") return;
    resolve(rule.sourceIpGroupKeys);
    if (rule.kind === "network") resolve(rule.destinationIpGroupKeys);
  };
  for (const group of snapshot.ruleCollectionGroups?.values() ?? []) for (const c of group.ruleCollections) c.rules.forEach(visit);
  for (const firewall of snapshot.firewalls?.values() ?? []) {
    for (const c of [...firewall.networkRuleCollections, ...firewall.applicationRuleCollections]) c.rules.forEach(visit);
  }
}
