// A secured Virtual WAN hub, added to a generated estate: hub `hub-weu` whose routing intent sends Internet-bound
// (optionally also private) traffic to its Azure Firewall `fw-hub` (AZFW_Hub), whose policy allows nothing CycleCloud
// needs; and a CycleCloud spoke VNet `vnet-cc` connected to the hub. Served by the emulator as ARM lists them:
// `virtualHubs.list` per subscription, then per hub `hubVirtualNetworkConnections.list`, `hubRouteTables.list` and
// `routingIntentOperations.list` (none of which Resource Graph's Resources table holds).
// No saved example holds these four GETs in full (only HubRouteTableList's routes): built by hand with the fields of
// https://learn.microsoft.com/rest/api/virtualwan/ (virtual-hubs, hub-virtual-network-connections, hub-route-tables,
// routing-intent; 2024-05-01) and https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies.
import { ETAG, namesOf, rid, template, type ArmResource, type Names } from "./scenario-common";
import { buildNsg, nsgRule, type Estate } from "./scenario";

const NET = "Microsoft.Network";

export const VWAN = {
  hub: "hub-weu",
  hubPrefix: "10.200.0.0/23",
  firewall: "fw-hub",
  /** The hub firewall's private address (`hubIPAddresses.privateIPAddress`), inside the hub's prefix. */
  firewallIp: "10.200.0.132",
  policy: "fwp-vwan",
  vnet: "vnet-cc",
  vnetPrefix: "10.1.0.0/16",
  subnet: "cyclecloud",
  subnetPrefix: "10.1.1.0/24",
  connection: "conn-cc",
  routingIntent: "ri",
  /** The only FQDN the hub firewall's policy allows: nothing CycleCloud needs. */
  allowedFqdn: "www.example.org",
} as const;

export interface VirtualWanIds {
  subscriptionId: string;
  hubId: string;
  firewallId: string;
  policyId: string;
  vnetId: string;
  subnetId: string;
  connectionId: string;
  defaultRouteTableId: string;
  noneRouteTableId: string;
  routingIntentId: string;
}

export interface VirtualWanOptions {
  /** Which subscription of the estate holds it all (default 0). */
  subscriptionIndex?: number;
  /** Also send private traffic (RFC 1918) to the firewall (routing intent `PrivateTraffic`). */
  privateTraffic?: boolean;
}

// Routing intent writes these routes into the hub's defaultRouteTable (names as the portal shows them):
// https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Adds the hub, its firewall, policy and child lists, and the connected CycleCloud VNet to `estate`; returns their ids. */
export function addVirtualWanHub(estate: Estate, opts: VirtualWanOptions = {}): VirtualWanIds {
  const index = opts.subscriptionIndex ?? 0;
  const s = estate.subscriptions[index];
  // West Europe, as the hub's name says.
  const region = "westeurope";
  const hubNames: Names = { ...namesOf(index, [region]), sub: s.subscriptionId, rg: "rg-hub" };
  const ccNames: Names = { ...hubNames, rg: "rg-cc" };
  const hubId = rid(hubNames, NET, `virtualHubs/${VWAN.hub}`);
  const firewallId = rid(hubNames, NET, `azureFirewalls/${VWAN.firewall}`);
  const policyId = rid(hubNames, NET, `firewallPolicies/${VWAN.policy}`);
  const vnetId = rid(ccNames, NET, `virtualNetworks/${VWAN.vnet}`);
  const subnetId = `${vnetId}/subnets/${VWAN.subnet}`;
  const connectionId = `${hubId}/hubVirtualNetworkConnections/${VWAN.connection}`;
  const defaultRouteTableId = `${hubId}/hubRouteTables/defaultRouteTable`;
  const noneRouteTableId = `${hubId}/hubRouteTables/noneRouteTable`;
  const routingIntentId = `${hubId}/routingIntent/${VWAN.routingIntent}`;
  const nsgId = rid(ccNames, NET, "networkSecurityGroups/nsg-cc");

  // --- the spoke: the CycleCloud subnet and its NSG with the seed page's outbound allows (as the generated estate's)
  const vnet = template("VirtualNetworkGet.json");
  vnet.id = vnetId;
  vnet.name = VWAN.vnet;
  vnet.location = region;
  vnet.properties.addressSpace = { addressPrefixes: [VWAN.vnetPrefix] };
  vnet.properties.subnets = [
    {
      name: VWAN.subnet,
      id: subnetId,
      etag: ETAG,
      type: "Microsoft.Network/virtualNetworks/subnets",
      properties: { provisioningState: "Succeeded", addressPrefix: VWAN.subnetPrefix, networkSecurityGroup: { id: nsgId }, privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Enabled" },
    },
  ];
  vnet.properties.virtualNetworkPeerings = [];
  delete vnet.properties.defaultPublicNatGateway;
  const out = (name: string, priority: number, dst: string) =>
    nsgRule(nsgId, name, { protocol: "Tcp", destinationPortRange: "443", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: dst, access: "Allow", priority, direction: "Outbound" });
  const nsg = buildNsg(ccNames, "nsg-cc", [
    out("AllowStorageOut", 100, "Storage"),
    out("AllowAadOut", 110, "AzureActiveDirectory"),
    out("AllowMonitorOut", 120, "AzureMonitor"),
    out("AllowArmOut", 130, "AzureResourceManager"),
    nsgRule(nsgId, "DenyInternetOut", { protocol: "*", destinationPortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "Internet", access: "Deny", priority: 4000, direction: "Outbound" }),
  ], [subnetId], []);

  // --- the hub (https://learn.microsoft.com/rest/api/virtualwan/virtual-hubs/get)
  const hub: ArmResource = {
    id: hubId,
    name: VWAN.hub,
    type: "Microsoft.Network/virtualHubs",
    location: region,
    etag: ETAG,
    properties: {
      provisioningState: "Succeeded",
      virtualHubRouteTableV2s: [],
      addressPrefix: VWAN.hubPrefix,
      virtualRouterAsn: 65515,
      virtualRouterIps: ["10.200.0.68", "10.200.0.69"],
      routeTable: { routes: [] },
      virtualRouterAutoScaleConfiguration: { minCapacity: 2 },
      virtualWan: { id: rid(hubNames, NET, "virtualWans/vwan") },
      azureFirewall: { id: firewallId },
      sku: "Standard",
      routingState: "Provisioned",
      allowBranchToBranchTraffic: false,
      hubRoutingPreference: "ExpressRoute",
    },
  };

  // --- the hub's firewall: a real AZFW_Hub body (AzureFirewallPutInHub), re-labelled
  const fw = template("AzureFirewallPutInHub.json");
  fw.id = firewallId;
  fw.name = VWAN.firewall;
  fw.location = region;
  Object.assign(fw.properties, {
    firewallPolicy: { id: policyId },
    hubIPAddresses: { privateIPAddress: VWAN.firewallIp, publicIPs: { addresses: [{ address: "20.61.0.10" }], count: 1 } },
    virtualHub: { id: hubId },
  });
  delete (fw as { tags?: unknown }).tags;

  // --- its policy: one rule collection group allowing one unrelated FQDN, so everything CycleCloud needs is denied
  const policy = template("FirewallPolicyGet.json");
  policy.id = policyId;
  policy.name = VWAN.policy;
  policy.location = region;
  const pp = policy.properties;
  // Premium inspection, logging and the explicit proxy of the sample point at resources outside this estate.
  for (const key of ["insights", "explicitProxy", "transportSecurity", "intrusionDetection", "threatIntelWhitelist"]) delete pp[key];
  pp.sku = { tier: "Standard" };
  pp.firewalls = [{ id: firewallId }];
  pp.dnsSettings = { servers: [], enableProxy: true, requireProxyForNetworkRules: false };
  const rcgId = `${policyId}/ruleCollectionGroups/rcg-unrelated`;
  pp.ruleCollectionGroups = [{ id: rcgId }];
  const rcg = template("FirewallPolicyRuleCollectionGroupGet.json");
  rcg.id = rcgId;
  rcg.name = "rcg-unrelated";
  rcg.type = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
  rcg.properties.priority = 300;
  rcg.properties.ruleCollections = [
    {
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: "allow-example",
      priority: 200,
      action: { type: "Allow" },
      rules: [
        { ruleType: "ApplicationRule", name: "example-org", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: [VWAN.vnetPrefix], sourceIpGroups: [], targetFqdns: [VWAN.allowedFqdn], fqdnTags: [], webCategories: [], targetUrls: [] },
      ],
    },
  ];

  // --- the hub's child lists
  const policies = [
    { name: "PublicTraffic", destinations: ["Internet"], nextHop: firewallId },
    ...(opts.privateTraffic ? [{ name: "PrivateTraffic", destinations: ["PrivateTraffic"], nextHop: firewallId }] : []),
  ];
  const connection: ArmResource = {
    id: connectionId,
    name: VWAN.connection,
    type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
    etag: ETAG,
    properties: {
      provisioningState: "Succeeded",
      remoteVirtualNetwork: { id: vnetId },
      allowHubToRemoteVnetTransit: true,
      allowRemoteVnetToUseHubVnetGateways: true,
      // "Propagate default route": the spoke learns the hub's 0.0.0.0/0 (here, routing intent's).
      enableInternetSecurity: true,
      routingConfiguration: {
        associatedRouteTable: { id: defaultRouteTableId },
        propagatedRouteTables: { labels: ["default"], ids: [{ id: defaultRouteTableId }] },
        vnetRoutes: { staticRoutes: [] },
      },
    },
  };
  const route = (name: string, destinations: string[]) => ({ name, destinationType: "CIDR", destinations, nextHopType: "ResourceId", nextHop: firewallId });
  const routeTable = (id: string, name: string, labels: string[], routes: unknown[], associated: string[]): ArmResource => ({
    id,
    name,
    type: "Microsoft.Network/virtualHubs/hubRouteTables",
    etag: ETAG,
    properties: { provisioningState: "Succeeded", routes, labels, associatedConnections: associated, propagatingConnections: associated },
  });
  const defaultRoutes = [route("_policy_PublicTraffic", ["0.0.0.0/0"]), ...(opts.privateTraffic ? [route("_policy_PrivateTraffic", PRIVATE_RANGES)] : [])];
  const routingIntent: ArmResource = {
    id: routingIntentId,
    name: VWAN.routingIntent,
    type: "Microsoft.Network/virtualHubs/routingIntent",
    etag: ETAG,
    properties: { provisioningState: "Succeeded", routingPolicies: policies },
  };

  s.lists.virtualNetworks.push(vnet);
  s.lists.networkSecurityGroups.push(nsg);
  s.lists.virtualHubs.push(hub);
  s.lists.azureFirewalls.push(fw);
  s.lists.firewallPolicies.push(policy);
  s.children[`${policyId}/ruleCollectionGroups`] = [rcg];
  s.children[`${hubId}/hubVirtualNetworkConnections`] = [connection];
  s.children[`${hubId}/hubRouteTables`] = [
    routeTable(defaultRouteTableId, "defaultRouteTable", ["default"], defaultRoutes, [connectionId]),
    routeTable(noneRouteTableId, "noneRouteTable", ["none"], [], []),
  ];
  s.children[`${hubId}/routingIntent`] = [routingIntent];
  return { subscriptionId: s.subscriptionId, hubId, firewallId, policyId, vnetId, subnetId, connectionId, defaultRouteTableId, noneRouteTableId, routingIntentId };
}
