// A generated estate: N subscriptions × M subnets, each resource cloned from a real ARM example
// payload (arm-templates/) and re-labelled, in the ARM REST form the list endpoints answer.
// Deterministic: the same (N, M) gives the same payloads, so tests can compare reads.
import { namesOf, rid, subscriptionIdOf, template, type ArmResource, type Names } from "./scenario-common";
import { buildPathResources, HUB_FIREWALL_IP, HUB_FIREWALL_SUBNET_PREFIX, hubFirewallId, natGatewayIdOf, PATH_LIST_PROVIDERS, PATH_LIST_TYPES, virtualMachine } from "./scenario-path";

export { subscriptionIdOf, type ArmResource } from "./scenario-common";

/** The subscription-wide collections, by the path segment ARM serves them under. */
export const LIST_TYPES = [
  "virtualNetworks",
  "networkSecurityGroups",
  "routeTables",
  "networkInterfaces",
  "applicationSecurityGroups",
  "privateEndpoints",
  ...PATH_LIST_TYPES,
] as const;
export type ListType = (typeof LIST_TYPES)[number];

/** The resource provider each collection is listed under (`/subscriptions/{id}/providers/<provider>/<type>`). */
export const LIST_PROVIDERS: Record<ListType, string> = {
  virtualNetworks: "Microsoft.Network",
  networkSecurityGroups: "Microsoft.Network",
  routeTables: "Microsoft.Network",
  networkInterfaces: "Microsoft.Network",
  applicationSecurityGroups: "Microsoft.Network",
  privateEndpoints: "Microsoft.Network",
  ...PATH_LIST_PROVIDERS,
};

/** Child types Resource Graph indexes in its Resources table (the other children are only listed). */
export const RESOURCE_GRAPH_CHILD_TYPES = ["microsoft.network/privatednszones/virtualnetworklinks", "microsoft.network/virtualnetworkgateways"];

export interface EmulatedSubscription {
  subscriptionId: string;
  displayName: string;
  state: "Enabled" | "Disabled" | "Warned";
  lists: Record<ListType, ArmResource[]>;
  /** Lists under a parent, by their path (`<parent id>/<child type>`), empty ones included. */
  children: Record<string, ArmResource[]>;
  /**
   * A network manager's deployment status entries (`POST <manager id>/listDeploymentStatus`), by the manager's id; a
   * manager not named here answers an empty list.
   */
  deploymentStatus?: Record<string, unknown[]>;
  /**
   * A NIC's effective route table (`POST <NIC id>/effectiveRouteTable`, answered as a long-running operation), by the
   * NIC's id: its rows, or the error Azure answers instead. A NIC of the estate not named here answers 400, as Azure
   * does for a NIC whose VM is not running.
   */
  effectiveRoutes?: Record<string, unknown[] | { status: number; code: string; message: string }>;
}

export interface ServiceTagsPublic {
  changeNumber?: unknown;
  cloud?: string;
  values: { name: string; id: string; properties: { region?: string; addressPrefixes: string[]; [k: string]: unknown } }[];
}

export interface Estate {
  tenantId: string;
  subscriptions: EmulatedSubscription[];
  serviceTags: ServiceTagsPublic;
}

export interface ScenarioOptions {
  subscriptions: number;
  subnetsPerSubscription: number;
  regions?: string[];
}

export function loadPublicServiceTags(): ServiceTagsPublic {
  return template<ServiceTagsPublic>("ServiceTags_Public_20251028.subset.json");
}

const DEFAULT_REGIONS = ["westeurope", "eastus", "northeurope"];

// As ARM answers a rule: every plural list present (empty when unused), a singular field only when set.
export function nsgRule(nsgId: string, name: string, p: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    id: `${nsgId}/securityRules/${name}`,
    etag: 'W/"00000000-0000-0000-0000-000000000000"',
    type: "Microsoft.Network/networkSecurityGroups/securityRules",
    properties: {
      provisioningState: "Succeeded",
      sourcePortRange: "*",
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
      ...p,
    },
  };
}

export function buildNsg(n: Names, name: string, rules: Record<string, unknown>[], subnetIds: string[], nicIds: string[]): ArmResource {
  const nsg = template("NetworkSecurityGroupGet.json");
  const id = rid(n, "Microsoft.Network", `networkSecurityGroups/${name}`);
  nsg.id = id;
  nsg.name = name;
  nsg.location = n.region;
  const props = nsg.properties;
  props.securityRules = rules;
  props.defaultSecurityRules = (props.defaultSecurityRules as Record<string, unknown>[]).map((r) => ({
    ...r,
    id: `${id}/defaultSecurityRules/${String(r.name)}`,
  }));
  props.subnets = subnetIds.map((s) => ({ id: s }));
  if (nicIds.length) props.networkInterfaces = nicIds.map((s) => ({ id: s }));
  return nsg;
}

function buildSubscription(index: number, opts: Required<ScenarioOptions>, hub: Names): EmulatedSubscription {
  const n: Names = namesOf(index, opts.regions);
  const sub = n.sub;
  const m = opts.subnetsPerSubscription;
  const vnetName = `vnet-hpc-${index}`;
  const vnetId = rid(n, "Microsoft.Network", `virtualNetworks/${vnetName}`);
  const subnetNames = Array.from({ length: m }, (_, j) => (j === 0 ? "cyclecloud" : `compute-${j}`));
  const subnetId = (j: number, rg = n.rg) => rid(n, "Microsoft.Network", `virtualNetworks/${vnetName}/subnets/${subnetNames[j]}`, rg);
  const nicName = (j: number) => `nic-${subnetNames[j]}-${index}`;
  const nicId = (j: number, rg = n.rg) => rid(n, "Microsoft.Network", `networkInterfaces/${nicName(j)}`, rg);
  const asgId = rid(n, "Microsoft.Network", `applicationSecurityGroups/asg-cyclecloud-${index}`);
  const ccNsgId = rid(n, "Microsoft.Network", `networkSecurityGroups/nsg-cyclecloud-${index}`);
  const computeNsgId = rid(n, "Microsoft.Network", `networkSecurityGroups/nsg-compute-${index}`);
  const rtId = rid(n, "Microsoft.Network", `routeTables/rt-compute-${index}`);
  const peId = rid(n, "Microsoft.Network", `privateEndpoints/pe-storage-${index}`);
  const storageId = rid(n, "Microsoft.Storage", `storageAccounts/sthpc${index}`);
  const ccPrefix = `10.${n.octet}.0.0/24`;
  // Every fifth NIC of a compute subnet also has its own NSG (a NIC-level layer).
  const nicHasNsg = (j: number) => j > 0 && j % 5 === 0;

  // --- virtual network, with its subnets and peerings inside (as listAll returns it)
  const vnet = template("VirtualNetworkGet.json");
  vnet.id = vnetId;
  vnet.name = vnetName;
  vnet.location = n.region;
  vnet.properties.addressSpace = { addressPrefixes: [`10.${n.octet}.0.0/16`] };
  vnet.properties.subnets = subnetNames.map((name, j) => {
    const props: Record<string, unknown> = {
      provisioningState: "Succeeded",
      addressPrefix: `10.${n.octet}.${j}.0/24`,
      networkSecurityGroup: { id: j === 0 ? ccNsgId : computeNsgId },
      ipConfigurations: [
        { id: `${nicId(j, n.rgRef)}/ipConfigurations/ipconfig1` },
        ...(j === 0 ? [{ id: rid(n, "Microsoft.Network", `networkInterfaces/pe-storage-${index}.nic.0001/ipConfigurations/privateEndpointIpConfig`) }] : []),
      ],
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    };
    if (j === 0) {
      props.serviceEndpoints = [{ service: "Microsoft.Storage", locations: [n.region], provisioningState: "Succeeded" }];
      props.privateEndpoints = [{ id: peId }];
      props.natGateway = { id: natGatewayIdOf(n, index) };
    } else {
      props.routeTable = { id: rtId };
    }
    return { name, id: subnetId(j), etag: 'W/"00000000-0000-0000-0000-000000000000"', type: "Microsoft.Network/virtualNetworks/subnets", properties: props };
  });
  if (index === 0) {
    // The hub's Azure Firewall, the next hop of every spoke's default route.
    (vnet.properties.subnets as unknown[]).push({
      name: "AzureFirewallSubnet",
      id: rid(n, "Microsoft.Network", `virtualNetworks/${vnetName}/subnets/AzureFirewallSubnet`),
      etag: 'W/"00000000-0000-0000-0000-000000000000"',
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: {
        provisioningState: "Succeeded",
        addressPrefix: HUB_FIREWALL_SUBNET_PREFIX,
        ipConfigurations: [{ id: `${hubFirewallId(n)}/ipConfigurations/fw-ipconfig` }],
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
    });
  }
  const peering = (name: string, remoteId: string, remotePrefix: string) => ({
    name,
    id: `${vnetId}/virtualNetworkPeerings/${name}`,
    type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
    properties: {
      provisioningState: "Succeeded",
      peeringState: "Connected",
      remoteVirtualNetwork: { id: remoteId },
      remoteAddressSpace: { addressPrefixes: [remotePrefix] },
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: true,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    },
  });
  const hubVnetId = rid(hub, "Microsoft.Network", `virtualNetworks/vnet-hpc-0`);
  vnet.properties.virtualNetworkPeerings =
    index === 0
      ? Array.from({ length: opts.subscriptions - 1 }, (_, k) => {
          const spoke = k + 1;
          const spokeNames: Names = { ...hub, sub: subscriptionIdOf(spoke), rg: `rg-hpc-${spoke}` };
          return peering(`to-spoke-${spoke}`, rid(spokeNames, "Microsoft.Network", `virtualNetworks/vnet-hpc-${spoke}`), `10.${spoke % 256}.0.0/16`);
        })
      : [peering("to-hub", hubVnetId, "10.0.0.0/16")];
  delete vnet.properties.defaultPublicNatGateway;

  // --- network security groups: one for the CycleCloud subnet, one shared by the compute subnets
  const out = (name: string, priority: number, port: string, dst: string, access = "Allow") =>
    nsgRule(ccNsgId, name, { protocol: "Tcp", destinationPortRange: port, sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: dst, access, priority, direction: "Outbound" });
  const ccRules = [
    out("AllowStorageOut", 100, "443", "Storage"),
    // Every third subscription forgot Entra ID: realistic variety for the audit downstream.
    ...(index % 3 === 2 ? [] : [out("AllowAadOut", 110, "443", "AzureActiveDirectory")]),
    out("AllowMonitorOut", 120, "443", "AzureMonitor"),
    out("AllowArmOut", 130, "443", "AzureResourceManager"),
    nsgRule(ccNsgId, "AllowCycleCloudIn", { protocol: "Tcp", destinationPortRanges: ["9443", "5672"], sourceAddressPrefixes: subnetNames.slice(1).map((_, j) => `10.${n.octet}.${j + 1}.0/24`), destinationAddressPrefix: ccPrefix, access: "Allow", priority: 200, direction: "Inbound" }),
    nsgRule(ccNsgId, "DenyInternetOut", { protocol: "*", destinationPortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "Internet", access: "Deny", priority: 4000, direction: "Outbound" }),
  ];
  const computeRules = [
    nsgRule(computeNsgId, "AllowStorageOut", { protocol: "Tcp", destinationPortRange: "443", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "Storage", access: "Allow", priority: 100, direction: "Outbound" }),
    nsgRule(computeNsgId, "AllowCycleCloudOut", { protocol: "Tcp", destinationPortRanges: ["9443", "5672"], sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: ccPrefix, access: "Allow", priority: 110, direction: "Outbound" }),
    nsgRule(computeNsgId, "AllowSshFromCycleCloud", { protocol: "Tcp", destinationPortRange: "22", sourceApplicationSecurityGroups: [{ id: asgId }], destinationAddressPrefix: "*", access: "Allow", priority: 300, direction: "Inbound" }),
    nsgRule(computeNsgId, "DenyInternetOut", { protocol: "*", destinationPortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "Internet", access: "Deny", priority: 4000, direction: "Outbound" }),
  ];
  const computeIdx = subnetNames.map((_, j) => j).filter((j) => j > 0);
  const nsgs = [
    buildNsg(n, `nsg-cyclecloud-${index}`, ccRules, [subnetId(0)], []),
    ...(m > 1 ? [buildNsg(n, `nsg-compute-${index}`, computeRules, computeIdx.map((j) => subnetId(j)), computeIdx.filter(nicHasNsg).map((j) => nicId(j)))] : []),
  ];

  // --- route table: compute subnets send the default route to a firewall
  const routeTables: ArmResource[] = [];
  if (m > 1) {
    const rt = template("RouteTableGet.json");
    rt.id = rtId;
    rt.name = `rt-compute-${index}`;
    rt.location = n.region;
    rt.properties.routes = [
      { name: "default-to-firewall", id: `${rtId}/routes/default-to-firewall`, properties: { provisioningState: "Succeeded", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: HUB_FIREWALL_IP } },
    ];
    rt.properties.subnets = computeIdx.map((j) => ({ id: subnetId(j) }));
    routeTables.push(rt);
  }

  // --- one NIC per subnet; the CycleCloud VM's NIC is in the ASG
  const nics = subnetNames.map((_, j) => {
    const nic = template("NetworkInterfaceGet.json");
    nic.id = nicId(j);
    nic.name = nicName(j);
    nic.location = n.region;
    const p = nic.properties;
    const firstIp = (p.ipConfigurations as Record<string, unknown>[])[0] as { properties: Record<string, unknown> };
    p.ipConfigurations = [
      {
        name: "ipconfig1",
        id: `${nic.id}/ipConfigurations/ipconfig1`,
        type: "Microsoft.Network/networkInterfaces/ipConfigurations",
        properties: {
          ...firstIp.properties,
          privateIPAddress: `10.${n.octet}.${j}.4`,
          subnet: { id: subnetId(j, n.rgRef) },
          ...(j === 0 ? { applicationSecurityGroups: [{ id: asgId }] } : {}),
        },
      },
    ];
    delete (p.ipConfigurations as { properties: Record<string, unknown> }[])[0].properties.publicIPAddress;
    if (nicHasNsg(j)) p.networkSecurityGroup = { id: computeNsgId };
    else delete p.networkSecurityGroup;
    p.virtualMachine = { id: rid(n, "Microsoft.Compute", `virtualMachines/vm-${subnetNames[j]}-${index}`) };
    delete p.dscpConfiguration;
    return nic;
  });
  // The private endpoint's own NIC, which ARM creates with the endpoint and networkInterfaces.listAll returns.
  const peNic = template("NetworkInterfaceGet.json");
  peNic.id = rid(n, "Microsoft.Network", `networkInterfaces/pe-storage-${index}.nic.0001`);
  peNic.name = `pe-storage-${index}.nic.0001`;
  peNic.location = n.region;
  {
    const p = peNic.properties;
    const firstIp = (p.ipConfigurations as { properties: Record<string, unknown> }[])[0];
    const ipProps: Record<string, unknown> = { ...firstIp.properties, privateIPAddress: `10.${n.octet}.0.5`, privateIPAllocationMethod: "Dynamic", subnet: { id: subnetId(0) } };
    delete ipProps.publicIPAddress;
    p.ipConfigurations = [
      { name: "privateEndpointIpConfig", id: `${peNic.id}/ipConfigurations/privateEndpointIpConfig`, type: "Microsoft.Network/networkInterfaces/ipConfigurations", properties: ipProps },
    ];
    p.privateEndpoint = { id: peId };
    delete p.networkSecurityGroup;
    delete p.virtualMachine;
    delete p.dscpConfiguration;
    nics.push(peNic);
  }

  const asg = template("ApplicationSecurityGroupGet.json");
  asg.id = asgId;
  asg.name = `asg-cyclecloud-${index}`;
  asg.location = n.region;

  const pe = template("PrivateEndpointGet.json");
  pe.id = peId;
  pe.name = `pe-storage-${index}`;
  pe.location = n.region;
  const pep = pe.properties;
  pep.subnet = { id: subnetId(0) };
  pep.privateLinkServiceConnections = [
    {
      name: `pe-storage-${index}-blob`,
      id: `${peId}/privateLinkServiceConnections/pe-storage-${index}-blob`,
      properties: {
        provisioningState: "Succeeded",
        privateLinkServiceId: storageId,
        groupIds: ["blob"],
        privateLinkServiceConnectionState: { status: "Approved", description: "Auto-approved", actionsRequired: "None" },
      },
    },
  ];
  pep.networkInterfaces = [{ id: rid(n, "Microsoft.Network", `networkInterfaces/pe-storage-${index}.nic.0001`) }];
  pep.customDnsConfigs = [{ fqdn: `sthpc${index}.blob.core.windows.net`, ipAddresses: [`10.${n.octet}.0.5`] }];
  pep.ipConfigurations = [];
  delete pep.customNetworkInterfaceName;

  const path = buildPathResources({
    index,
    subscriptions: opts.subscriptions,
    regions: opts.regions,
    n,
    subnetId: (j) => subnetId(j),
    clusterSubnet: m > 1 ? 1 : 0,
    computeNsgId: m > 1 ? computeNsgId : ccNsgId,
    storageId,
  });
  // The VM of each NIC that names one (in no scale set), before the Flexible scale set's instance.
  const vms = nics.flatMap((nic) => {
    const vmRef = nic.properties.virtualMachine as { id: string } | undefined;
    return vmRef ? [virtualMachine(n, vmRef.id.split("/").pop()!, [nic.id])] : [];
  });
  path.lists.virtualMachines.unshift(...vms);

  return {
    subscriptionId: sub,
    displayName: `HPC landing zone ${index}`,
    state: "Enabled",
    lists: {
      virtualNetworks: [vnet],
      networkSecurityGroups: nsgs,
      routeTables,
      networkInterfaces: [...nics, ...path.nics],
      applicationSecurityGroups: [asg],
      privateEndpoints: [pe],
      ...path.lists,
    },
    children: path.children,
  };
}

export function generateEstate(options: ScenarioOptions): Estate {
  if (options.subnetsPerSubscription < 1 || options.subnetsPerSubscription > 250) throw new Error("subnetsPerSubscription must be 1-250");
  const opts: Required<ScenarioOptions> = { regions: DEFAULT_REGIONS, ...options };
  const hub: Names = namesOf(0, opts.regions);
  return {
    tenantId: "7e4a0000-0000-4000-8000-00000000a11d",
    subscriptions: Array.from({ length: opts.subscriptions }, (_, i) => buildSubscription(i, opts, hub)),
    serviceTags: loadPublicServiceTags(),
  };
}

/** Every resource of the given subscriptions (default: all): the subscription-wide lists and the child lists. */
export function estateResources(estate: Estate, subscriptionIndexes?: number[]): ArmResource[] {
  const subs = subscriptionIndexes ? subscriptionIndexes.map((i) => estate.subscriptions[i]) : estate.subscriptions;
  return subs.flatMap((s) => [...LIST_TYPES.flatMap((t) => s.lists[t]), ...Object.values(s.children).flat()]);
}

/**
 * The estate as the offline files a user would pass with --snapshot: one `{ value }` list per type and
 * subscription, and one per child list (as `az network firewall policy rule-collection-group list` etc. print).
 */
export function offlineSources(estate: Estate, subscriptionIds?: string[]): { name: string; value: unknown }[] {
  const keep = subscriptionIds ? new Set(subscriptionIds.map((s) => s.toLowerCase())) : undefined;
  const out: { name: string; value: unknown }[] = [];
  for (const s of estate.subscriptions) {
    if (keep && !keep.has(s.subscriptionId.toLowerCase())) continue;
    for (const t of LIST_TYPES) out.push({ name: `${s.subscriptionId}-${t}.json`, value: { value: structuredClone(s.lists[t]) } });
    for (const [collection, items] of Object.entries(s.children)) {
      out.push({ name: `${collection.split("/").slice(-3).join("-")}.json`, value: { value: structuredClone(items) } });
    }
  }
  return out;
}

/**
 * Gives VNet `vnetName` of subscription `sub` a `GatewaySubnet` (10.0.250.0/27) and virtual network gateway `name` in it,
 * listed under the VNet's resource group as `virtualNetworkGateways.list` answers (`properties`: the gateway's own,
 * such as `gatewayType` or `gatewayDefaultSite`). Returns the VNet.
 */
export function addGateway(sub: EmulatedSubscription, vnetName: string, name: string, properties: Record<string, unknown>): ArmResource {
  const vnet = sub.lists.virtualNetworks.find((v) => v.name === vnetName)!;
  const rg = vnet.id.split("/")[4];
  (vnet.properties.subnets as Record<string, unknown>[]).push({ id: `${vnet.id}/subnets/GatewaySubnet`, name: "GatewaySubnet", properties: { provisioningState: "Succeeded", addressPrefix: "10.0.250.0/27" } });
  const prefix = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network`;
  sub.children[`${prefix}/virtualNetworkGateways`] = [
    {
      id: `${prefix}/virtualNetworkGateways/${name}`,
      name,
      type: "Microsoft.Network/virtualNetworkGateways",
      location: vnet.location,
      properties: { ...properties, ipConfigurations: [{ name: "gwipconfig", properties: { subnet: { id: `${vnet.id}/subnets/GatewaySubnet` } } }] },
    },
  ];
  return vnet;
}
