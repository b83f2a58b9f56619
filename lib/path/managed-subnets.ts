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
