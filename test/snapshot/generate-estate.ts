// A large synthetic estate in the ARM REST form, shaped like real `value` listings, for
// measuring the loader. Rules are kept lean (no etag/description) so the loader's per-node cost
// is not hidden behind bytes that JSON.parse must read but the loader skips.
export interface EstateSize {
  vnets: number;
  subnets: number;
  nsgs: number;
  rulesPerNsg: number;
  nics: number;
}

export const BENCH_SIZE: EstateSize = { vnets: 100, subnets: 10_000, nsgs: 5_000, rulesPerNsg: 50, nics: 20_000 };

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000aa";
const rg = (i: number) => `${SUB}/resourceGroups/rg-${i % 20}`;
const etag = (i: number) => `W/"${(i * 2654435761) >>> 0}-0000-0000-0000-000000000000"`;
const TAGS = ["Storage", "AzureActiveDirectory", "AzureMonitor", "AzureResourceManager", "Internet", "VirtualNetwork", "*"];

function rule(nsgId: string, n: number, i: number) {
  const inbound = i % 2 === 0;
  return {
    name: `rule-${i}`,
    id: `${nsgId}/securityRules/rule-${i}`,
    properties: {
      provisioningState: "Succeeded",
      protocol: ["Tcp", "Udp", "*"][i % 3],
      sourcePortRange: "*",
      destinationPortRange: i % 5 === 0 ? "" : String(1000 + i),
      destinationPortRanges: i % 5 === 0 ? ["443", "5672", "9443-9444"] : [],
      sourceAddressPrefix: inbound ? `10.${n % 250}.${i}.0/24` : "*",
      sourceAddressPrefixes: [],
      destinationAddressPrefix: inbound ? "*" : TAGS[i % TAGS.length],
      destinationAddressPrefixes: [],
      access: i % 7 === 0 ? "Deny" : "Allow",
      priority: 100 + i * 10,
      direction: inbound ? "Inbound" : "Outbound",
    },
  };
}

export function generateEstate(size: EstateSize = BENCH_SIZE): unknown[] {
  const out: unknown[] = [];
  const nsgId = (n: number) => `${rg(n)}/providers/Microsoft.Network/networkSecurityGroups/nsg-${n}`;
  for (let n = 0; n < size.nsgs; n++) {
    const rules = Array.from({ length: size.rulesPerNsg }, (_, i) => rule(nsgId(n), n, i));
    out.push({
      name: `nsg-${n}`,
      id: nsgId(n),
      etag: etag(n),
      type: "Microsoft.Network/networkSecurityGroups",
      location: "westeurope",
      properties: { provisioningState: "Succeeded", resourceGuid: `guid-${n}`, securityRules: rules },
    });
  }
  const perVnet = Math.ceil(size.subnets / size.vnets);
  const subnetId = (s: number) => {
    const v = Math.floor(s / perVnet);
    return `${rg(v)}/providers/Microsoft.Network/virtualNetworks/vnet-${v}/subnets/subnet-${s % perVnet}`;
  };
  for (let v = 0; v < size.vnets; v++) {
    const vnetId = `${rg(v)}/providers/Microsoft.Network/virtualNetworks/vnet-${v}`;
    const subnets = [];
    for (let s = v * perVnet; s < Math.min(size.subnets, (v + 1) * perVnet); s++) {
      subnets.push({
        name: `subnet-${s % perVnet}`,
        id: subnetId(s),
        etag: etag(s),
        type: "Microsoft.Network/virtualNetworks/subnets",
        properties: {
          provisioningState: "Succeeded",
          addressPrefix: `10.${v}.${s % perVnet}.0/24`,
          networkSecurityGroup: { id: nsgId(s % size.nsgs) },
          serviceEndpoints: s % 3 === 0 ? [{ provisioningState: "Succeeded", service: "Microsoft.Storage", locations: ["westeurope"] }] : [],
          delegations: [],
          privateEndpointNetworkPolicies: "Disabled",
          privateLinkServiceNetworkPolicies: "Enabled",
        },
      });
    }
    out.push({
      name: `vnet-${v}`,
      id: vnetId,
      etag: etag(v),
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: {
        provisioningState: "Succeeded",
        addressSpace: { addressPrefixes: [`10.${v}.0.0/16`] },
        subnets,
        virtualNetworkPeerings: [],
        enableDdosProtection: false,
      },
    });
  }
  for (let i = 0; i < size.nics; i++) {
    const id = `${rg(i)}/providers/Microsoft.Network/networkInterfaces/nic-${i}`;
    out.push({
      name: `nic-${i}`,
      id,
      etag: etag(i),
      type: "Microsoft.Network/networkInterfaces",
      location: "westeurope",
      properties: {
        provisioningState: "Succeeded",
        ipConfigurations: [
          {
            name: "ipconfig1",
            id: `${id}/ipConfigurations/ipconfig1`,
            etag: etag(i),
            type: "Microsoft.Network/networkInterfaces/ipConfigurations",
            properties: {
              provisioningState: "Succeeded",
              privateIPAddress: `10.${i % 100}.${i % 250}.${4 + (i % 200)}`,
              privateIPAllocationMethod: "Dynamic",
              subnet: { id: subnetId(i % size.subnets) },
              primary: true,
              privateIPAddressVersion: "IPv4",
            },
          },
        ],
        dnsSettings: { dnsServers: [], appliedDnsServers: [] },
        enableAcceleratedNetworking: true,
        enableIPForwarding: false,
        networkSecurityGroup: i % 4 === 0 ? { id: nsgId(i % size.nsgs) } : undefined,
        primary: true,
        virtualMachine: { id: `${rg(i)}/providers/Microsoft.Compute/virtualMachines/vm-${i}` },
      },
    });
  }
  return out;
}
