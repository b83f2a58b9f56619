// What to change when a subnet peering keeps two role subnets apart: the subnet lists of both peering resources.
// A route cannot help (Azure drops what a left-out subnet sends over the peering), nor can an NSG rule. Guidance, not a
// command: a peering's subnet lists are replaced whole on update, and both sides must list the pair.
// https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
import type { Subnet } from "../model/types";
import { firewallAt, firewallSubnet } from "../path/firewall";
import { subnetHolding } from "../path/locate";
import type { RouteFault } from "../path/reach";
import type { Estate } from "../nsg/estate";
import { joinedSubnets, peeringBetween, peersIpv6Only, reversePeering } from "../path/subnet-peering";

/**
 * One sentence saying which subnet list of which peering resource must name `a` or `b` for the subnet peering between
 * their VNets to join them (or that it peers IPv6 only); undefined when no subnet peering keeps them apart (same VNet,
 * no peering, a whole-VNet peering, or one that joins them).
 */
export function subnetPeeringGuidance(estate: Estate, a: Subnet, b: Subnet): string | undefined {
  if (a.vnetKey === b.vnetKey) return undefined;
  const peering = peeringBetween(estate, a.vnetKey, b.vnetKey);
  if (!peering) return undefined;
  const back = reversePeering(estate, a.vnetKey, peering);
  const { local, remote } = joinedSubnets(estate, a.vnetKey, peering);
  const adds: string[] = [];
  const need = (list: string[] | undefined, subnet: Subnet, resource: string, vnet: string, field: string) => {
    if (list && !list.some((n) => n.toLowerCase() === subnet.name.toLowerCase())) adds.push(`${subnet.name} to ${field} of peering ${resource} (${vnet})`);
  };
  if ((local && !local.has(a.name.toLowerCase())) || (remote && !remote.has(b.name.toLowerCase()))) {
    need(peering.subnets?.local, a, peering.name, a.vnetName, "localSubnetNames");
    need(peering.subnets?.remote, b, peering.name, a.vnetName, "remoteSubnetNames");
    if (back) {
      need(back.subnets?.local, b, back.name, b.vnetName, "localSubnetNames");
      need(back.subnets?.remote, a, back.name, b.vnetName, "remoteSubnetNames");
    }
  }
  if (adds.length) {
    return `The subnet peering between ${a.vnetName} and ${b.vnetName} does not join ${a.vnetName}/${a.name} with ${b.vnetName}/${b.name}: add ${adds.length > 1 ? `${adds.slice(0, -1).join(", ")} and ${adds[adds.length - 1]}` : adds[0]} (Terraform: local_subnet_names and remote_subnet_names of azurerm_virtual_network_peering), keeping the subnets each list already names; neither a route nor an NSG rule can carry the flow over a peering that leaves a subnet out.`;
  }
  if (peersIpv6Only(estate, a.vnetKey, peering)) {
    return `Peering ${peering.name} of ${a.vnetName} peers the IPv6 space only (enableOnlyIPv6Peering), so IPv4 between ${a.vnetName}/${a.name} and ${b.vnetName}/${b.name} has no way: peer the IPv4 space too (both peering resources).`;
  }
  return undefined;
}

/**
 * Subnet peering guidance for a route fault whose next hop (an Azure Firewall or appliance in a peered VNet) a subnet
 * peering does not join with the subnet whose route it is, or, for a fault of a firewall's own subnet, that keeps the
 * firewall from `ends`: the hub-and-spoke transit case, where the fix is the hub peering's subnet lists, not a route.
 */
export function transitGuidance(estate: Estate, fault: RouteFault, ends: readonly Subnet[]): string | undefined {
  const at = estate.snapshot.subnets.get(fault.subnetKey);
  if (!at) return undefined;
  const ip = fault.route.nextHopType.toLowerCase() === "virtualappliance" ? fault.route.nextHopIpAddress?.trim() : undefined;
  if (ip) {
    const fw = firewallAt(estate, ip);
    const holder = (fw && firewallSubnet(estate.snapshot, fw)) ?? subnetHolding(estate.snapshot, ip);
    const text = holder && subnetPeeringGuidance(estate, at, holder);
    if (text) return text;
  }
  for (const end of ends) {
    const text = end.key !== at.key ? subnetPeeringGuidance(estate, at, end) : undefined;
    if (text) return text;
  }
  return undefined;
}
