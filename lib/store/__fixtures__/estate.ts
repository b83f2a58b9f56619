// A small estate in ARM REST form (as `az` and the portal export it), with a switch for the one thing tests change:
// whether the CycleCloud NSG lets Storage through.
const SUB = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-hpc/providers/Microsoft.Network";
export const VNET = `${SUB}/virtualNetworks/vnet-hpc`;
export const CC = `${VNET}/subnets/cyclecloud`;
export const COMPUTE = `${VNET}/subnets/compute`;
export const SPARE = `${VNET}/subnets/spare`;

function rule(name: string, priority: number, direction: string, access: string, dst: string, port: string, protocol = "Tcp") {
  return {
    name,
    properties: { priority, direction, access, protocol, sourceAddressPrefix: "*", destinationAddressPrefix: dst, sourcePortRange: "*", destinationPortRange: port },
  };
}

export function vnetSource() {
  return {
    name: "vnet.json",
    value: {
      value: [
        {
          id: VNET,
          name: "vnet-hpc",
          type: "Microsoft.Network/virtualNetworks",
          location: "westeurope",
          properties: {
            addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
            subnets: [
              { id: CC, name: "cyclecloud", properties: { addressPrefix: "10.0.0.0/24", networkSecurityGroup: { id: `${SUB}/networkSecurityGroups/nsg-cc` } } },
              { id: COMPUTE, name: "compute", properties: { addressPrefix: "10.0.1.0/24" } },
              { id: SPARE, name: "spare", properties: { addressPrefix: "10.0.2.0/24" } },
            ],
          },
        },
      ],
    },
  };
}

export function nsgSource({ storageAllowed }: { storageAllowed: boolean }) {
  const rules = [
    rule("AllowActiveDirectory", 101, "Outbound", "Allow", "AzureActiveDirectory", "443"),
    rule("AllowAzureMonitor", 102, "Outbound", "Allow", "AzureMonitor", "443"),
    rule("AllowAzureRM", 103, "Outbound", "Allow", "AzureResourceManager", "443"),
    rule("BlockOutbound", 4000, "Outbound", "Deny", "Internet", "*", "*"),
  ];
  if (storageAllowed) rules.unshift(rule("AllowAzureStorage", 100, "Outbound", "Allow", "Storage", "443"));
  return {
    name: "nsgs.json",
    value: [{ id: `${SUB}/networkSecurityGroups/nsg-cc`, name: "nsg-cc", type: "Microsoft.Network/networkSecurityGroups", location: "westeurope", properties: { securityRules: rules } }],
  };
}

export const PROFILE = { name: "profile.json", value: { roles: { cyclecloud: ["vnet-hpc/cyclecloud"], cluster: ["vnet-hpc/compute"], returnProxy: [] } } };
