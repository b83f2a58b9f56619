// A small estate in the ARM REST form that touches every field the loader reads.
export const SUB = "/subscriptions/11111111-2222-3333-4444-555555555555";
export const RG = `${SUB}/resourceGroups/rg-net`;
export const NET = `${RG}/providers/Microsoft.Network`;
export const HUB = `${NET}/virtualNetworks/hub`;
export const SPOKE = `${NET}/virtualNetworks/spoke`;

export const hubVnet = {
  name: "hub",
  id: HUB,
  type: "Microsoft.Network/virtualNetworks",
  location: "westeurope",
  properties: {
    provisioningState: "Succeeded",
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      {
        name: "cyclecloud",
        id: `${HUB}/subnets/cyclecloud`,
        properties: {
          addressPrefix: "10.0.1.0/24",
          networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc` },
          routeTable: { id: `${NET}/routeTables/rt-egress` },
          serviceEndpoints: [{ provisioningState: "Succeeded", service: "Microsoft.Storage", locations: ["westeurope"] }],
          delegations: [],
          privateEndpoints: [{ id: `${NET}/privateEndpoints/pe-storage` }, { id: `${NET}/privateEndpoints/not-in-input` }],
        },
      },
      {
        name: "compute",
        id: `${HUB}/subnets/compute`,
        properties: {
          addressPrefixes: ["10.0.2.0/24", "fd00:0:0:2::/64"],
          delegations: [
            { name: "d", id: `${HUB}/subnets/compute/delegations/d`, properties: { serviceName: "Microsoft.Batch/batchAccounts" } },
          ],
        },
      },
    ],
    virtualNetworkPeerings: [
      {
        name: "hub-to-spoke",
        id: `${HUB}/virtualNetworkPeerings/hub-to-spoke`,
        properties: {
          peeringState: "Connected",
          remoteVirtualNetwork: { id: SPOKE },
          allowVirtualNetworkAccess: true,
          remoteAddressSpace: { addressPrefixes: ["10.1.0.0/16"] },
        },
      },
    ],
  },
};

export const spokeVnet = {
  name: "spoke",
  id: SPOKE,
  type: "Microsoft.Network/virtualNetworks",
  location: "westeurope",
  properties: {
    addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
    subnets: [{ name: "nodes", id: `${SPOKE}/subnets/nodes`, properties: { addressPrefix: "10.1.0.0/24" } }],
    virtualNetworkPeerings: [
      {
        name: "spoke-to-hub",
        properties: {
          remoteVirtualNetwork: { id: HUB },
          remoteVirtualNetworkAddressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        },
      },
    ],
  },
};

export const ccNsg = {
  name: "nsg-cc",
  id: `${NET}/networkSecurityGroups/nsg-cc`,
  type: "Microsoft.Network/networkSecurityGroups",
  location: "westeurope",
  properties: {
    securityRules: [
      {
        name: "AllowAzureStorage",
        id: `${NET}/networkSecurityGroups/nsg-cc/securityRules/AllowAzureStorage`,
        properties: {
          protocol: "TCP",
          sourcePortRange: "*",
          destinationPortRange: "443",
          sourceAddressPrefix: "*",
          destinationAddressPrefix: "Storage",
          sourcePortRanges: [],
          destinationPortRanges: [],
          sourceAddressPrefixes: [],
          destinationAddressPrefixes: [],
          access: "allow",
          priority: 100,
          direction: "outbound",
        },
      },
      {
        name: "AllowNodes",
        properties: {
          protocol: "Tcp",
          sourcePortRange: "*",
          destinationPortRange: "",
          destinationPortRanges: ["5672", "9443"],
          sourceAddressPrefix: "",
          sourceAddressPrefixes: ["10.1.0.0/24", "10.0.2.0/24"],
          destinationApplicationSecurityGroups: [{ id: `${NET}/applicationSecurityGroups/ASG-CC` }],
          access: "Allow",
          priority: 110,
          direction: "Inbound",
        },
      },
      {
        name: "BlockOutbound",
        properties: {
          protocol: "*",
          sourcePortRange: "*",
          destinationPortRange: "*",
          sourceAddressPrefix: "*",
          destinationAddressPrefix: "Internet",
          access: "Deny",
          priority: 4000,
          direction: "Outbound",
        },
      },
    ],
  },
};

export const routeTable = {
  name: "rt-egress",
  id: `${NET}/routeTables/rt-egress`,
  type: "Microsoft.Network/routeTables",
  location: "westeurope",
  properties: {
    routes: [
      { name: "default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "virtualappliance", nextHopIpAddress: "10.0.0.4" } },
      { name: "storage", properties: { addressPrefix: "Storage", nextHopType: "Internet" } },
    ],
  },
};

export const asg = {
  name: "ASG-CC",
  id: `${NET}/applicationSecurityGroups/ASG-CC`,
  type: "Microsoft.Network/applicationSecurityGroups",
  location: "westeurope",
  properties: { provisioningState: "Succeeded" },
};

export const ccNic = {
  name: "cc-nic",
  id: `${NET}/networkInterfaces/cc-nic`,
  type: "Microsoft.Network/networkInterfaces",
  location: "westeurope",
  properties: {
    networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc-nic` },
    ipConfigurations: [
      {
        name: "ipconfig1",
        id: `${NET}/networkInterfaces/cc-nic/ipConfigurations/ipconfig1`,
        properties: {
          privateIPAddress: "10.0.1.4",
          // The id's case differs from the VNet's: still the same subnet.
          subnet: { id: `${NET}/virtualnetworks/HUB/SUBNETS/CycleCloud` },
          applicationSecurityGroups: [{ id: `${NET}/applicationSecurityGroups/asg-cc` }],
        },
      },
      { name: "ipconfig2", properties: { privateIPAddress: "10.0.1.5", subnet: { id: `${HUB}/subnets/cyclecloud` } } },
    ],
  },
};

export const privateEndpoint = {
  name: "pe-storage",
  id: `${NET}/privateEndpoints/pe-storage`,
  type: "Microsoft.Network/privateEndpoints",
  location: "westeurope",
  properties: {
    provisioningState: "Succeeded",
    subnet: { id: `${SPOKE}/subnets/nodes` },
    privateLinkServiceConnections: [
      {
        name: "blob",
        properties: {
          privateLinkServiceId: `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`,
          groupIds: ["blob"],
          privateLinkServiceConnectionState: { status: "Approved" },
        },
      },
    ],
    manualPrivateLinkServiceConnections: [
      {
        name: "file",
        properties: {
          privateLinkServiceId: `${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`,
          groupIds: ["file"],
          privateLinkServiceConnectionState: { status: "Pending" },
        },
      },
    ],
  },
};

export const smallEstate = [hubVnet, spokeVnet, ccNsg, routeTable, asg, ccNic, privateEndpoint];

/**
 * A VNet with one subnet, added to inputs that exercise one other resource type: a load with no
 * subnet at all is an input error (nothing to audit).
 */
export const anchorVnet = {
  name: "anchor",
  id: `${NET}/virtualNetworks/anchor`,
  type: "Microsoft.Network/virtualNetworks",
  properties: {
    addressSpace: { addressPrefixes: ["192.168.250.0/24"] },
    subnets: [{ name: "default", id: `${NET}/virtualNetworks/anchor/subnets/default`, properties: { addressPrefix: "192.168.250.0/26" } }],
  },
};

/** A snapshot without the subnets' `armProperties` (the one field that keeps the form it was read in). */
export function withoutArmProperties<T extends { subnets: Map<string, { armProperties?: unknown }> }>(snapshot: T): T {
  for (const subnet of snapshot.subnets.values()) delete subnet.armProperties;
  return snapshot;
}
