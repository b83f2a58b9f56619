// A large synthetic estate in the ARM REST form, shaped like real `value` listings, for
// measuring the loader. Rules are kept lean (no etag/description) so the loader's per-node cost
// is not hidden behind bytes that JSON.parse must read but the loader skips.
export interface EstateSize {
  vnets: number;
  subnets: number;
  nsgs: number;
  rulesPerNsg: number;
  nics: number;
  /**
   * A hub VNet with an Azure Firewall (a policy of `firewallRules` rules over rule collection groups),
   * every VNet peered with it and routed through it by a route table of its own (CONTRACT §4.1).
   */
  hub?: {
    firewallRules: number;
    /**
     * Routes each VNet's route table holds besides its three (default: none): /24s to the firewall, alternately in
     * 172.16.0.0/12 (on-premises ranges, as hubs route them) and in public space, where they split Internet-bound
     * traffic. For measuring how cost grows with routes.
     */
    extraRoutes?: number;
    /**
     * Network rules the policy holds besides `firewallRules` (default: none), in a rule collection group processed
     * first: from every spoke (10.0.0.0/8) to 172.16.0.0/12 on ports no audited flow uses, so they are walked for every flow
     * and decide none. For measuring how cost grows with firewall rules without changing a verdict.
     */
    extraRules?: number;
  };
}

export const BENCH_SIZE: EstateSize = { vnets: 100, subnets: 10_000, nsgs: 5_000, rulesPerNsg: 50, nics: 20_000, hub: { firewallRules: 500 } };
/** Issue 12's estate of many CycleCloud deployments: 1,000 VNets of 10 subnets, 250,000 NSG rules. */
export const DEPLOYMENTS_SIZE: EstateSize = { vnets: 1_000, subnets: 10_000, nsgs: 5_000, rulesPerNsg: 50, nics: 20_000, hub: { firewallRules: 500 } };

const HUB_SPACE = "10.255.0.0/24";
const FIREWALL_IP = "10.255.0.4";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000aa";
const rg = (i: number) => `${SUB}/resourceGroups/rg-${i % 20}`;
const etag = (i: number) => `W/"${(i * 2654435761) >>> 0}-0000-0000-0000-000000000000"`;
const TAGS = ["Storage", "AzureActiveDirectory", "AzureMonitor", "AzureResourceManager", "Internet", "VirtualNetwork", "*"];

/** A VNet's space: 10.<v>.0.0/16 for the first 250, then 11.x, 12.x (public, as some estates use). */
function vnetSpace(v: number): string {
  return `${10 + Math.floor(v / 250)}.${v % 250}.0.0/16`;
}

function peering(remoteId: string, remoteSpace: string) {
  const name = `to-${remoteId.split("/").pop()}`;
  return { name, properties: { remoteVirtualNetwork: { id: remoteId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: true, peeringState: "Connected", remoteAddressSpace: { addressPrefixes: [remoteSpace] } } };
}

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

/** The hub's firewall policy: network rules for the cluster flows, application rules for the seed's FQDNs. */
function firewallResources(size: EstateSize): unknown[] {
  const hubRg = rg(0);
  const policyId = `${hubRg}/providers/Microsoft.Network/firewallPolicies/fwp-hub`;
  const groups = 5;
  const perCollection = 10;
  const collectionsPerGroup = Math.ceil(size.hub!.firewallRules / groups / perCollection);
  const seed = ["management.azure.com", "login.microsoftonline.com", "dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com", "*.blob.core.windows.net"];
  const out: unknown[] = [];
  const groupIds: string[] = [];
  let n = 0;
  const extra = size.hub!.extraRules ?? 0;
  for (let g = 0; g < groups; g++) {
    const id = `${policyId}/ruleCollectionGroups/rcg-${g}`;
    groupIds.push(id);
    const collections = [];
    for (let c = 0; c < collectionsPerGroup; c++) {
      const application = (g + c) % 2 === 1;
      const rules = [];
      for (let r = 0; r < perCollection; r++, n++) {
        rules.push(
          application
            ? { ruleType: "ApplicationRule", name: `app-${n}`, sourceAddresses: [`10.${n % 250}.0.0/16`], protocols: [{ protocolType: "Https", port: 443 }], targetFqdns: n % 7 === 0 ? seed : [`pkg${n}.example.org`] }
            : { ruleType: "NetworkRule", name: `net-${n}`, ipProtocols: ["TCP"], sourceAddresses: [`10.${n % 250}.0.0/16`], destinationAddresses: n % 5 === 0 ? ["AzureMonitor"] : [`10.${(n + 1) % 250}.0.0/16`], destinationPorts: n % 3 === 0 ? ["5672", "9443"] : [String(1000 + (n % 5000))] },
        );
      }
      collections.push({ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: `rc-${g}-${c}`, priority: 100 + c * 10, action: { type: c % 9 === 8 ? "Deny" : "Allow" }, rules });
    }
    out.push({ name: `rcg-${g}`, id, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", properties: { priority: 100 + g * 100 + (extra > 0 ? 100 : 0), ruleCollections: collections } });
  }
  if (extra > 0) {
    const id = `${policyId}/ruleCollectionGroups/rcg-extra`;
    groupIds.unshift(id);
    const collections = Array.from({ length: Math.ceil(extra / perCollection) }, (_, c) => ({
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: `rc-extra-${c}`,
      priority: 100 + c,
      action: { type: "Allow" },
      rules: Array.from({ length: Math.min(perCollection, extra - c * perCollection) }, (_, r) => {
        const k = c * perCollection + r;
        return { ruleType: "NetworkRule", name: `extra-${k}`, ipProtocols: ["TCP"], sourceAddresses: ["10.0.0.0/8"], destinationAddresses: [`172.${16 + ((k >> 8) % 16)}.${k & 255}.0/24`], destinationPorts: [String(20000 + (k % 1000))] };
      }),
    }));
    out.push({ name: "rcg-extra", id, type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", properties: { priority: 100, ruleCollections: collections } });
  }
  out.unshift(
    { name: "fw-hub", id: `${hubRg}/providers/Microsoft.Network/azureFirewalls/fw-hub`, type: "Microsoft.Network/azureFirewalls", location: "westeurope", properties: { sku: { name: "AZFW_VNet", tier: "Standard" }, firewallPolicy: { id: policyId }, ipConfigurations: [{ name: "ipc", properties: { privateIPAddress: FIREWALL_IP, subnet: { id: `${hubRg}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet` } } }] } },
    { name: "fwp-hub", id: policyId, type: "Microsoft.Network/firewallPolicies", location: "westeurope", properties: { threatIntelMode: "Alert", ruleCollectionGroups: groupIds.map((id) => ({ id })) } },
  );
  return out;
}

export function generateEstate(size: EstateSize = BENCH_SIZE): unknown[] {
  const out: unknown[] = [];
  if (size.hub) out.push(...firewallResources(size));
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
  const subnetPrefixOf = (s: number) => `${vnetSpace(Math.floor(s / perVnet)).split(".").slice(0, 2).join(".")}.${s % perVnet}.0/24`;
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
          addressPrefix: subnetPrefixOf(s),
          networkSecurityGroup: { id: nsgId(s % size.nsgs) },
          ...(size.hub ? { routeTable: { id: `${rg(v)}/providers/Microsoft.Network/routeTables/rt-${v}` } } : {}),
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
        addressSpace: { addressPrefixes: [vnetSpace(v)] },
        subnets,
        virtualNetworkPeerings: size.hub ? [peering(`${rg(0)}/providers/Microsoft.Network/virtualNetworks/vnet-hub`, HUB_SPACE)] : [],
        enableDdosProtection: false,
      },
    });
  }
  if (size.hub) {
    for (let v = 0; v < size.vnets; v++) {
      const id = `${rg(v)}/providers/Microsoft.Network/routeTables/rt-${v}`;
      out.push({
        name: `rt-${v}`,
        id,
        type: "Microsoft.Network/routeTables",
        location: "westeurope",
        properties: {
          disableBgpRoutePropagation: true,
          routes: [
            { name: "default-via-firewall", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: FIREWALL_IP } },
            { name: "onprem-drop", properties: { addressPrefix: "192.168.0.0/16", nextHopType: "None" } },
            { name: "monitor-direct", properties: { addressPrefix: "AzureMonitor", nextHopType: "Internet" } },
            ...Array.from({ length: size.hub.extraRoutes ?? 0 }, (_, k) => ({
              name: `extra-${k}`,
              properties: { addressPrefix: k % 2 === 0 ? `172.${16 + ((k >> 9) % 16)}.${(k >> 1) & 255}.0/24` : `52.${(k >> 9) % 256}.${(k >> 1) & 255}.0/24`, nextHopType: "VirtualAppliance", nextHopIpAddress: FIREWALL_IP },
            })),
          ],
        },
      });
    }
    out.push({
      name: "vnet-hub",
      id: `${rg(0)}/providers/Microsoft.Network/virtualNetworks/vnet-hub`,
      type: "Microsoft.Network/virtualNetworks",
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: [HUB_SPACE] },
        subnets: [{ name: "AzureFirewallSubnet", id: `${rg(0)}/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet`, properties: { addressPrefix: HUB_SPACE } }],
        virtualNetworkPeerings: Array.from({ length: size.vnets }, (_, v) => peering(`${rg(v)}/providers/Microsoft.Network/virtualNetworks/vnet-${v}`, vnetSpace(v))),
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
              // An address inside its subnet's /24, as Azure assigns them.
              privateIPAddress: `${subnetPrefixOf(i % size.subnets).slice(0, -4)}${4 + (Math.floor(i / size.subnets) % 200)}`,
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
