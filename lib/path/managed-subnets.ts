// Subnets Azure manages itself: they are never flagged for lacking an NSG (CONTRACT §4), and security
// admin rules do not apply to them.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins#protecting-high-priority-services
import type { Subnet } from "../model/types";

export const AZURE_MANAGED_SUBNETS: ReadonlySet<string> = new Set([
  "gatewaysubnet",
  "azurefirewallsubnet",
  "azurefirewallmanagementsubnet",
  "azurebastionsubnet",
  "routeserversubnet",
]);

export function isAzureManagedSubnet(subnet: Pick<Subnet, "name">): boolean {
  return AZURE_MANAGED_SUBNETS.has(subnet.name.toLowerCase());
}

/**
 * Whether a subnet of this name is where a virtual network gateway or Route Server sits (Azure requires these names),
 * so that its VNet's subnets may learn routes over BGP.
 * https://learn.microsoft.com/azure/route-server/overview, https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub
 */
export function isGatewayOrRouteServerSubnet(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "gatewaysubnet" || lower === "routeserversubnet";
}
