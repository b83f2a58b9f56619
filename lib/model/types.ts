// The normalised estate every check reads. Built once by lib/snapshot from any input shape;
// ids keep their input spelling in `id`, and `key` is the lower-cased id used for every lookup
// (ARM ids are case-insensitive).

export type Direction = "Inbound" | "Outbound";
export type Access = "Allow" | "Deny";
export type Protocol = "Tcp" | "Udp" | "Icmp" | "Esp" | "Ah" | "*";

export interface SecurityRule {
  name: string;
  priority: number;
  direction: Direction;
  access: Access;
  protocol: Protocol;
  /** Singular and plural ARM fields merged: `sourceAddressPrefix` + `sourceAddressPrefixes`. Empty when only ASGs are used. */
  sourceAddressPrefixes: readonly string[];
  destinationAddressPrefixes: readonly string[];
  sourcePortRanges: readonly string[];
  destinationPortRanges: readonly string[];
  /** Lower-cased ids of application security groups. */
  sourceAsgKeys: readonly string[];
  destinationAsgKeys: readonly string[];
  /** True for Azure's built-in rules (65000+), whether listed in the input or added by the loader. */
  isDefault: boolean;
}

export interface Nsg {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location?: string;
  /** Custom rules, as listed. */
  securityRules: SecurityRule[];
  /** Azure's six default rules; always present (added when the input omits them). */
  defaultSecurityRules: SecurityRule[];
  /**
   * The NSG's own back-references, as its listing prints them (`subnets[].id`, `networkInterfaces[].id`), lower-cased;
   * undefined when the input leaves the field out. Azure applies the subnet's and the NIC's `networkSecurityGroup`, so
   * these only tell when exports taken at different times disagree (lib/snapshot/nsg-association.ts).
   */
  listedSubnetKeys?: string[];
  listedNicKeys?: string[];
}

export interface ServiceEndpoint {
  service: string;
  locations: string[];
  provisioningState?: string;
}

export interface Subnet {
  id: string;
  key: string;
  name: string;
  vnetKey: string;
  vnetName: string;
  subscriptionId: string;
  resourceGroup: string;
  addressPrefixes: string[];
  nsgKey?: string;
  routeTableKey?: string;
  serviceEndpoints: ServiceEndpoint[];
  delegations: string[];
  /** NICs with an ip configuration in this subnet (derived from the NICs). */
  nicKeys: string[];
  /** Private endpoints placed in this subnet (derived from the private endpoints and the subnet's own list). */
  privateEndpointKeys: string[];
  /** `natGateway.id`, lower-cased. */
  natGatewayKey?: string;
  /** `defaultOutboundAccess` as read; undefined when the input does not say (Azure's default: true). */
  defaultOutboundAccess?: boolean;
  /**
   * `privateEndpointNetworkPolicies` in Azure's spelling; undefined when the input does not say (Azure's default:
   * `Disabled`). Whether the subnet's NSG (`Enabled`, `NetworkSecurityGroupEnabled`) and route table (`Enabled`,
   * `RouteTableEnabled`) apply to its private endpoints.
   * https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy
   */
  privateEndpointNetworkPolicies?: "Enabled" | "Disabled" | "NetworkSecurityGroupEnabled" | "RouteTableEnabled";
  /** `serviceEndpointPolicies[].id`, lower-cased. */
  serviceEndpointPolicyKeys?: string[];
  /**
   * NIC keys named by the subnet's own `ipConfigurations[]` back-references (`.../networkInterfaces/<nic>/ipConfigurations/x`,
   * scale-set instance NICs included), so a NIC missing from the input can be reported.
   */
  ipConfigurationNicKeys?: string[];
  /** Scale sets whose network profile places instances here (derived). */
  scaleSetKeys?: string[];
  /** The subnet's properties object exactly as read (ARM form), for whole-resource fixes that must repeat every writable property. */
  armProperties?: Record<string, unknown>;
  /**
   * Set when the input gives the subnet no address prefix at all (no `addressPrefix`, `addressPrefixes` or IPAM
   * allocation): where it was read, so giving it a role or naming it in a query is refused naming the file and path.
   */
  missingPrefixAt?: { file: string; path: string };
}

export interface Peering {
  name: string;
  remoteVnetKey?: string;
  remoteAddressPrefixes: string[];
  allowVirtualNetworkAccess: boolean;
  peeringState?: string;
  allowForwardedTraffic?: boolean;
  allowGatewayTransit?: boolean;
  useRemoteGateways?: boolean;
  /**
   * Set for a subnet peering (`peerCompleteVnets: false`): the subnets of this VNet (`local`) and of the remote one
   * (`remote`) that it joins, by name as the peering lists them. lib/path/subnet-peering.ts says what it carries.
   */
  subnets?: { local: string[]; remote: string[] };
  /** `enableOnlyIPv6Peering`: only the IPv6 space is peered. */
  onlyIpv6?: boolean;
}

export interface VirtualNetwork {
  id: string;
  key: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  addressPrefixes: string[];
  subnetKeys: string[];
  peerings: Peering[];
  /** `dhcpOptions.dnsServers`; empty: Azure-provided DNS. */
  dnsServers?: string[];
}

export interface Route {
  name: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
}

export interface RouteTable {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  routes: Route[];
  disableBgpRoutePropagation?: boolean;
}

export interface NicIpConfiguration {
  name: string;
  subnetKey?: string;
  privateIpAddress?: string;
  asgKeys: string[];
  publicIpKey?: string;
  /** Load balancer backend pools (`.../loadBalancers/<lb>/backendAddressPools/<pool>`), lower-cased. */
  lbBackendPoolKeys?: string[];
  /** `privateIPAddressVersion`, when given (Azure's default: IPv4). */
  privateIpAddressVersion?: "IPv4" | "IPv6";
}

export interface NetworkInterface {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  nsgKey?: string;
  ipConfigurations: NicIpConfiguration[];
  enableIpForwarding?: boolean;
  /** Set on a private endpoint's NIC. */
  privateEndpointKey?: string;
  /** Set on a scale-set instance NIC (id under `Microsoft.Compute/virtualMachineScaleSets/<vmss>/...`). */
  scaleSetKey?: string;
  /** `virtualMachine.id`, lower-cased, when given. */
  virtualMachineKey?: string;
  /**
   * `primary`, when given: whether this is its VM's primary NIC, the one Azure gives the default gateway
   * (lib/nsg/secondary-nic.ts). https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface-vm
   */
  primary?: boolean;
  /**
   * `dnsSettings.dnsServers`: the NIC's own DNS servers, which replace its VNet's; absent or empty: the VNet's.
   * https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface#change-dns-servers
   */
  dnsServers?: string[];
}

export interface ApplicationSecurityGroup {
  id: string;
  key: string;
  name: string;
}

export interface PrivateLinkConnection {
  name: string;
  targetId: string;
  groupIds: string[];
  status?: string;
}

export interface PrivateEndpoint {
  id: string;
  key: string;
  name: string;
  subnetKey?: string;
  provisioningState?: string;
  connections: PrivateLinkConnection[];
  /** The endpoint's NIC(s), `networkInterfaces[].id`, lower-cased. */
  nicKeys?: string[];
  /** Addresses known from `customDnsConfigs[].ipAddresses` or `ipConfigurations[].privateIPAddress`. */
  ipAddresses?: string[];
  /** FQDNs from `customDnsConfigs[].fqdn`. */
  fqdns?: string[];
}

/** One entry of a ServiceTags_Public file: `Storage`, `Storage.WestEurope`, ... */
export interface ServiceTagPrefixes {
  name: string;
  region?: string;
  addressPrefixes: string[];
}

/**
 * A virtual network gateway (`Microsoft.Network/virtualNetworkGateways`): what decides where a VNet's Internet-bound
 * traffic goes is its forced-tunnelling default site (`gatewayDefaultSite`, a local network gateway): with one, the
 * VNet's subnets send 0.0.0.0/0 to the gateway unless their route table says otherwise.
 * https://learn.microsoft.com/azure/vpn-gateway/site-to-site-tunneling
 */
export interface VirtualNetworkGateway {
  id: string;
  key: string;
  name: string;
  /** `Vpn` or `ExpressRoute`, as given. */
  gatewayType?: string;
  /** The VNet of its `GatewaySubnet` (from `ipConfigurations[].subnet`), lower-cased. */
  vnetKey?: string;
  /** `gatewayDefaultSite.id`, lower-cased. */
  defaultSiteKey?: string;
}

/**
 * A Virtual WAN hub (`Microsoft.Network/virtualHubs`): the VNets connected to it learn routes from it, and its routing
 * intent or route tables may send their Internet and private traffic to a security solution in the hub (an Azure
 * Firewall). https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
export interface VirtualHub {
  id: string;
  key: string;
  name: string;
  /** `addressPrefix`: the hub's own space (its router and firewall live there). */
  addressPrefix?: string;
  /** `azureFirewall.id`, lower-cased: a secured hub's firewall. */
  firewallKey?: string;
  /** `virtualWan.id`, lower-cased: hubs of one virtual WAN share route table labels. */
  virtualWanKey?: string;
}

/**
 * A VNet's connection to a virtual hub (`virtualHubs/hubVirtualNetworkConnections`). The connection learns the routes of
 * its associated route table; it propagates its VNet's space to the route tables it names (ids or labels); it learns
 * 0.0.0.0/0 from the hub only with `enableInternetSecurity`. Without `routingConfiguration` Azure associates and
 * propagates to the hub's `defaultRouteTable` (label `default`).
 * https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
export interface HubVirtualNetworkConnection {
  id: string;
  key: string;
  name: string;
  hubKey: string;
  /** `remoteVirtualNetwork.id`, lower-cased. */
  remoteVnetKey?: string;
  /** `enableInternetSecurity` ("propagate default route"); absent: read as true, the portal's default and the reading that sends the default route to the hub. */
  enableInternetSecurity: boolean;
  /** `routingConfiguration.associatedRouteTable.id`, lower-cased; absent: the hub's defaultRouteTable. */
  associatedRouteTableKey?: string;
  /** `routingConfiguration.propagatedRouteTables`: ids (lower-cased) and labels; both absent: defaultRouteTable. */
  propagatedRouteTableKeys?: string[];
  propagatedLabels?: string[];
  /**
   * `routingConfiguration.vnetRoutes.staticRoutes`: prefixes the hub sends to an address in this VNet (an NVA), which
   * the connections that learn from the route tables this one propagates to learn too, unless
   * `staticRoutesConfig.propagateStaticRoutes` is false.
   */
  staticRoutes?: { name: string; addressPrefixes: string[]; nextHopIpAddress?: string }[];
  propagateStaticRoutes?: boolean;
  provisioningState?: string;
}

/** One route of a virtual hub route table: CIDR destinations and a resource as next hop. */
export interface HubRoute {
  name: string;
  /** `destinationType`: `CIDR` (the only kind that names addresses), `ResourceId` or `Service`. */
  destinationType?: string;
  destinations: string[];
  /** `nextHop` (its `nextHopType` is `ResourceId`): a resource id (a firewall, a VNet connection), lower-cased. */
  nextHopKey?: string;
}

/** A virtual hub route table (`virtualHubs/hubRouteTables`). https://learn.microsoft.com/azure/virtual-wan/how-to-virtual-hub-routing */
export interface HubRouteTable {
  id: string;
  key: string;
  name: string;
  hubKey: string;
  labels: string[];
  routes: HubRoute[];
}

/**
 * A virtual hub's routing intent (`virtualHubs/routingIntent`): routing policies sending `Internet` and/or
 * `PrivateTraffic` to a next hop in the hub. https://learn.microsoft.com/azure/virtual-wan/how-to-routing-policies
 */
export interface RoutingIntent {
  id: string;
  key: string;
  name: string;
  hubKey: string;
  policies: { name: string; destinations: string[]; nextHopKey?: string }[];
}

export interface NatGateway {
  id: string;
  key: string;
  name: string;
  /** `publicIpAddresses`: IPv4 public IPs in ARM ("public ip addresses V4"). */
  publicIpKeys: string[];
  /** `publicIpPrefixes`: IPv4 prefixes in ARM. */
  publicIpPrefixKeys: string[];
  /** `publicIpAddressesV6` (StandardV2 only); absent when the input holds none. */
  publicIpV6Keys?: string[];
  /** `publicIpPrefixesV6` (StandardV2 only); absent when the input holds none. */
  publicIpPrefixV6Keys?: string[];
}

export interface PublicIpAddress {
  id: string;
  key: string;
  name: string;
  ipAddress?: string;
  sku?: string;
  /** What it is attached to (`ipConfiguration.id`), lower-cased. */
  ipConfigurationKey?: string;
  /** `publicIPAddressVersion`; undefined when the input does not say (Azure's default: IPv4). */
  version?: "IPv4" | "IPv6";
}

export interface LoadBalancer {
  id: string;
  key: string;
  name: string;
  /** `Basic`, `Standard`, `Gateway`. */
  sku?: string;
  frontendIpConfigurations: { key: string; name: string; publicIpKey?: string; publicIpPrefixKey?: string; subnetKey?: string }[];
  backendPoolKeys: string[];
  outboundRules: { name: string; backendPoolKey?: string; frontendKeys: string[]; protocol?: string }[];
  /** Load-balancing rules that SNAT outbound traffic through their frontend (`disableOutboundSnat` false or unset). */
  snatRules?: { name: string; backendPoolKeys: string[]; frontendKey?: string; protocol?: string }[];
}

/** One rule collection of an Azure Firewall (classic) or of a firewall policy's rule collection group. */
export interface FirewallRuleCollection {
  name: string;
  /** 100-65000; a collection without one sorts last. */
  priority: number;
  action: "Allow" | "Deny" | "Dnat";
  kind: "network" | "application" | "nat";
  rules: FirewallRule[];
  /**
   * A policy collection as read (ARM form: `ruleCollectionType`, `name`, `priority`, `action`, `rules[]` with every
   * field, read by the audit or not: `terminateTLS`, `httpHeadersToInsert`, `description`, NAT rules ...). A fix that
   * redeploys the whole rule collection group repeats it verbatim. Collections a fix adds, and those of classic
   * firewalls, have none. https://learn.microsoft.com/azure/templates/microsoft.network/firewallpolicies/rulecollectiongroups
   */
  raw?: Record<string, unknown>;
}

export type FirewallRule = FirewallNetworkRule | FirewallApplicationRule | FirewallNatRule;

export interface FirewallNetworkRule {
  kind: "network";
  name: string;
  /** `TCP`, `UDP`, `ICMP`, `Any`, as written. */
  protocols: string[];
  sourceAddresses: string[];
  sourceIpGroupKeys: string[];
  /** CIDRs, ranges `a-b`, `*` and service tags. */
  destinationAddresses: string[];
  destinationIpGroupKeys: string[];
  destinationFqdns: string[];
  destinationPorts: string[];
}

export interface FirewallApplicationRule {
  kind: "application";
  name: string;
  /** `{type: "Http"|"Https"|"Mssql", port}`. */
  protocols: { type: string; port: number }[];
  sourceAddresses: string[];
  sourceIpGroupKeys: string[];
  targetFqdns: string[];
  fqdnTags: string[];
  webCategories: string[];
  targetUrls: string[];
  /**
   * `terminateTLS` (Premium): the firewall decrypts what the rule allows and re-signs it with its intermediate CA,
   * which the client must trust. https://learn.microsoft.com/azure/firewall/premium-certificates
   */
  terminateTls?: boolean;
}

export interface FirewallNatRule {
  kind: "nat";
  name: string;
}

export interface AzureFirewall {
  id: string;
  key: string;
  name: string;
  /** `AZFW_VNet` or `AZFW_Hub`. */
  skuName?: string;
  /** The next-hop addresses: `ipConfigurations[].privateIPAddress`, or `hubIPAddresses.privateIPAddress`. */
  privateIpAddresses: string[];
  /** Subnets of its ip configurations (AzureFirewallSubnet), lower-cased. */
  subnetKeys: string[];
  publicIpKeys: string[];
  hasManagementIpConfiguration: boolean;
  policyKey?: string;
  threatIntelMode?: string;
  /** Classic collections (only when no policy is set). */
  networkRuleCollections: FirewallRuleCollection[];
  applicationRuleCollections: FirewallRuleCollection[];
  virtualHubKey?: string;
  /**
   * A classic firewall's own settings (`additionalProperties`; with `policyKey` set only the policy's count):
   * `Network.DNS.Servers` (custom DNS servers; absent: Azure-provided DNS), `Network.DNS.EnableProxy`, and
   * `Network.SNAT.PrivateRanges` (undefined: Azure's default, IANAPrivateRanges).
   * https://learn.microsoft.com/azure/firewall/dns-settings, https://learn.microsoft.com/azure/firewall/snat-private-range
   */
  dnsServers?: string[];
  dnsProxyEnabled?: boolean;
  snatPrivateRanges?: string[];
  /** `provisioningState` as read (`Succeeded`, `Failed`, ...); undefined when the input does not say. */
  provisioningState?: string;
}

export interface FirewallPolicy {
  id: string;
  key: string;
  name: string;
  basePolicyKey?: string;
  dnsProxyEnabled: boolean;
  /**
   * `dnsSettings.servers`: the custom DNS servers the firewall resolves names with; absent or empty: Azure-provided
   * DNS of its own VNet. https://learn.microsoft.com/azure/firewall/dns-settings
   */
  dnsServers?: string[];
  threatIntelMode?: string;
  ruleCollectionGroupKeys: string[];
  tier?: string;
  /**
   * `snat.privateRanges`: destinations the firewall does not SNAT by network rule (CIDRs, `IANAPrivateRanges`);
   * undefined when the input does not say (Azure's default, `IANAPrivateRanges`).
   * https://learn.microsoft.com/azure/firewall/snat-private-range
   */
  snatPrivateRanges?: string[];
  /** `provisioningState` as read; undefined when the input does not say. */
  provisioningState?: string;
}

export interface RuleCollectionGroup {
  id: string;
  key: string;
  name: string;
  /** The policy the group belongs to (from its id). */
  policyKey: string;
  priority: number;
  ruleCollections: FirewallRuleCollection[];
  /** `provisioningState` as read; undefined when the input does not say (lib/snapshot/firewall-state.ts). */
  provisioningState?: string;
}

export interface IpGroup {
  id: string;
  key: string;
  name: string;
  ipAddresses: string[];
}

export interface ScaleSetIpConfiguration {
  name: string;
  subnetKey?: string;
  asgKeys: string[];
  lbBackendPoolKeys: string[];
  hasPublicIp: boolean;
  /** `privateIPAddressVersion`, when given (Azure's default: IPv4). */
  privateIpAddressVersion?: "IPv4" | "IPv6";
  /** The public IP configuration's `publicIPAddressVersion`, when given (Azure's default: IPv4). */
  publicIpAddressVersion?: "IPv4" | "IPv6";
}

export interface ScaleSetNicConfiguration {
  name: string;
  /** `primary`, when given: the instances' primary NIC, which alone gets the default gateway (lib/nsg/secondary-nic.ts). */
  primary?: boolean;
  nsgKey?: string;
  enableIpForwarding?: boolean;
  /** `dnsSettings.dnsServers`: the instances' own DNS servers, which replace the VNet's; absent: the VNet's. */
  dnsServers?: string[];
  ipConfigurations: ScaleSetIpConfiguration[];
}

export interface ScaleSet {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  orchestrationMode: "Uniform" | "Flexible";
  /**
   * Set when the input did not state `orchestrationMode` (ARM always returns it today; an older or hand-written export):
   * `orchestrationMode` then reads Uniform, but where the mode decides (default outbound access) both are judged.
   */
  orchestrationModeDefaulted?: true;
  capacity?: number;
  /** `virtualMachineProfile.networkProfile.networkInterfaceConfigurations[]`: the NIC level of every instance, running or not. */
  nicConfigurations: ScaleSetNicConfiguration[];
}

/**
 * A virtual machine (`Microsoft.Compute/virtualMachines`), read for two things only: whether it is an instance of a
 * scale set (a Flexible scale set's instances are ordinary VMs whose NICs are ordinary NICs) and which of its NICs is
 * primary. Its NICs are known from `networkProfile.networkInterfaces[]` and from each NIC's `virtualMachine.id`.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
 */
export interface VirtualMachine {
  id: string;
  key: string;
  name: string;
  /** `virtualMachineScaleSet.id`, lower-cased, when the VM is a scale set instance. */
  scaleSetKey?: string;
  /** `networkProfile.networkInterfaces[].id`, lower-cased. */
  nicKeys: string[];
  /**
   * `networkProfile.networkInterfaces[].primary` by NIC key, where given (ARM: `properties.primary`): the VM's own word
   * on which NIC gets the default gateway, for NICs exported without theirs (lib/nsg/secondary-nic.ts).
   * https://learn.microsoft.com/rest/api/compute/virtual-machines/get#networkinterfacereference
   */
  primaryByNic?: Map<string, boolean>;
}

export interface NetworkGroup {
  id: string;
  key: string;
  name: string;
  networkManagerKey: string;
  /** Static members (and dynamic members the input lists): VNet keys. */
  memberVnetKeys: string[];
}

/**
 * An Azure Virtual Network Manager connectivity configuration (`networkManagers/connectivityConfigurations`). A mesh
 * joins every VNet of its network groups into a connected group; a hub-and-spoke one peers each spoke with the hubs
 * (peerings the VNets list) and, with `groupConnectivity` `DirectlyConnected`, joins the spokes of a group into a
 * connected group. A connected group carries traffic as a peering would, regionally unless global.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
 */
export interface ConnectivityConfiguration {
  id: string;
  key: string;
  name: string;
  networkManagerKey: string;
  topology: "Mesh" | "HubAndSpoke";
  /** `isGlobal` ("True"/"False" or a boolean): the mesh spans regions. */
  isGlobal: boolean;
  /** `hubs[].resourceId` of VNets, lower-cased. */
  hubVnetKeys: string[];
  appliesToGroups: { groupKey: string; directlyConnected: boolean; isGlobal: boolean }[];
}

/**
 * A NIC's effective route table as Azure computed it, given with the NIC's id (the az output names none): the routes
 * a gateway or Route Server learned over BGP are seen nowhere else.
 * https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table
 */
export interface NicEffectiveRouteTable {
  nicId: string;
  nicKey: string;
  /** The file it came from, for words. */
  file: string;
  /** `source` (Default, User, VirtualNetworkGateway), `state` (Active, Invalid), CIDRs, next hop type and addresses. */
  routes: { source: string; state: string; prefixes: string[]; nextHopType: string; nextHopIps: string[]; name?: string }[];
  /** A row says the NIC's subnet disables BGP route propagation: the table shows none of the VNet's learned routes. */
  propagationOff?: boolean;
  /** The rows say whether propagation is disabled (`disableBgpRoutePropagation`, which az prints on every row). */
  propagationStated?: boolean;
  /** Every file it came from (two files for one NIC are united). */
  files?: string[];
}

export interface AdminRuleCollection {
  id: string;
  key: string;
  name: string;
  networkManagerKey: string;
  /** The security admin configuration it belongs to. */
  configurationKey: string;
  configurationName: string;
  appliesToGroupKeys: string[];
}

export interface AdminRule {
  id: string;
  key: string;
  name: string;
  collectionKey: string;
  kind: "Custom" | "Default";
  priority: number;
  direction: Direction;
  access: "Allow" | "Deny" | "AlwaysAllow";
  protocol: Protocol;
  /** `addressPrefix` of `sources[]`/`destinations[]`: CIDRs, `*`, service tags and network group ids (`addressPrefixType: NetworkGroup`). */
  sources: string[];
  destinations: string[];
  sourcePortRanges: string[];
  destinationPortRanges: string[];
}

export interface NetworkManager {
  id: string;
  key: string;
  name: string;
  /**
   * `networkManagerScopes`: the subscriptions (ids, lower case, no `/subscriptions/` prefix) and management groups
   * (names, lower case) whose VNets its configurations can apply to; undefined when the input does not show them.
   * https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope
   */
  scopes?: { subscriptions: string[]; managementGroups: string[] };
}

/**
 * A security admin configuration (`networkManagers/securityAdminConfigurations`): what decides whether its rules apply
 * to a VNet holding a service with a network intent policy (SQL Managed Instance, Azure Databricks).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins#nonapplication-of-security-admin-rules-at-virtual-network-level
 */
export interface SecurityAdminConfiguration {
  id: string;
  key: string;
  name: string;
  /** `applyOnNetworkIntentPolicyBasedServices`, each `None`, `All` or `AllowRulesOnly` as Azure spells them; absent is `None`. */
  applyOnNetworkIntentPolicyBasedServices: string[];
}

export interface StorageAccount {
  id: string;
  key: string;
  name: string;
  publicNetworkAccess?: string;
  defaultAction?: "Allow" | "Deny";
  virtualNetworkRules: { subnetKey: string; state?: string }[];
  /** `networkAcls.ipRules[].value`: public addresses or ranges the account admits when `defaultAction` is `Deny`. */
  ipRules: string[];
  /** The account's region (`location`, lower case, no spaces): a subnet's Storage service endpoint carries its traffic only for its `locations`. */
  location?: string;
}

/**
 * A service endpoint policy (`Microsoft.Network/serviceEndpointPolicies`): with one on a subnet, traffic over the
 * subnet's Microsoft.Storage service endpoint reaches only the storage accounts its definitions list (by account,
 * resource group or subscription id); several policies on a subnet allow the union.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview
 */
export interface ServiceEndpointPolicy {
  id: string;
  key: string;
  name: string;
  /** `serviceEndpointPolicyDefinitions[]`: the service (`Microsoft.Storage`) and its `serviceResources` ids as written. */
  definitions: { name: string; service: string; serviceResources: string[] }[];
}

export interface PrivateDnsZone {
  id: string;
  key: string;
  name: string;
  /**
   * `virtualNetworkLinks` (child resources), by linked VNet key; `resolutionPolicy` as read (`Default`, or
   * `NxDomainRedirect`: a name the zone lacks is asked of public DNS instead of answered NXDOMAIN).
   * https://learn.microsoft.com/azure/dns/private-dns-fallback
   */
  links: { name: string; vnetKey: string; state?: string; resolutionPolicy?: string }[];
  /** Relative names of the zone's A record sets (`mystorage`), lower-cased. */
  aRecords: string[];
  /**
   * `properties.aRecords[].ipv4Address` of each A record set whose addresses the input gives, by relative name
   * (lower-cased); a set listed without them is absent here. https://learn.microsoft.com/azure/private-link/private-endpoint-dns
   */
  aRecordAddresses?: Map<string, string[]>;
  /**
   * CNAME record sets (`Microsoft.Network/privateDnsZones/CNAME`): relative name (lower-cased) → `cnameRecord.cname`
   * (lower-cased, no trailing dot; undefined when the input lists the set without it).
   * https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/get
   */
  cnameRecords?: Map<string, string | undefined>;
  /**
   * Record sets of the other types (`SOA`, `AAAA`, `TXT`, `MX`, `PTR`, `SRV`): relative name (lower-cased) → their
   * types. Not answers to an A query, but evidence that the zone's record sets were exported: a name without an A or
   * CNAME set there is one the zone lacks. https://learn.microsoft.com/azure/dns/private-dns-privatednszone
   */
  otherRecordSets?: Map<string, string[]>;
}

/** What the input held that the audit does not read, and references it could not resolve. */
export interface InputGaps {
  /** Ignored resource type (as written) → count. */
  ignoredTypes: Map<string, number>;
  /** A reference to a resource the input does not hold: who refers, to what kind, the id, and the listing that would supply it. */
  unresolved: { from: string; kind: string; ref: string; hint: string }[];
  /** Unresolved references beyond the listed ones (the list is capped at 1,000). */
  unresolvedOmitted?: number;
}

export interface Snapshot {
  /**
   * Read from the store's copy of a scan already audited (LoadOptions `stored`): checks of the profile against the
   * input added since that audit (lib/snapshot/profile.ts) say what they find instead of refusing, so the scan can
   * still be re-audited and its fixes bundled.
   */
  stored?: true;
  vnets: Map<string, VirtualNetwork>;
  subnets: Map<string, Subnet>;
  nsgs: Map<string, Nsg>;
  routeTables: Map<string, RouteTable>;
  nics: Map<string, NetworkInterface>;
  asgs: Map<string, ApplicationSecurityGroup>;
  privateEndpoints: Map<string, PrivateEndpoint>;
  natGateways?: Map<string, NatGateway>;
  virtualNetworkGateways?: Map<string, VirtualNetworkGateway>;
  virtualHubs?: Map<string, VirtualHub>;
  hubConnections?: Map<string, HubVirtualNetworkConnection>;
  hubRouteTables?: Map<string, HubRouteTable>;
  routingIntents?: Map<string, RoutingIntent>;
  publicIps?: Map<string, PublicIpAddress>;
  loadBalancers?: Map<string, LoadBalancer>;
  firewalls?: Map<string, AzureFirewall>;
  firewallPolicies?: Map<string, FirewallPolicy>;
  ruleCollectionGroups?: Map<string, RuleCollectionGroup>;
  ipGroups?: Map<string, IpGroup>;
  scaleSets?: Map<string, ScaleSet>;
  /** Virtual machines, when the input lists them (`az vm list`): what ties a Flexible scale set's instance NICs to it. */
  virtualMachines?: Map<string, VirtualMachine>;
  networkManagers?: Map<string, NetworkManager>;
  networkGroups?: Map<string, NetworkGroup>;
  adminRuleCollections?: Map<string, AdminRuleCollection>;
  securityAdminConfigurations?: Map<string, SecurityAdminConfiguration>;
  connectivityConfigurations?: Map<string, ConnectivityConfiguration>;
  /**
   * A network manager's deployment status list (`az network manager list-deploy-status`, entries with no id): which
   * configurations (ids or names, lower-cased) are deployed to which region (lower case, no spaces), and how far.
   * https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status
   */
  deploymentStatuses?: { configurations: string[]; status: string; type?: string; region: string; manager?: string; commitTime?: string }[];
  /** NICs' effective route tables as Azure computed them, by NIC key (`az network nic show-effective-route-table`). */
  effectiveRouteTables?: Map<string, NicEffectiveRouteTable>;
  /** Subnet key → why a NIC's effective route table disputes the input's routes of that subnet (lib/snapshot/route-disputes.ts). */
  routeDisputes?: Map<string, string>;
  adminRules?: Map<string, AdminRule>;
  storageAccounts?: Map<string, StorageAccount>;
  privateDnsZones?: Map<string, PrivateDnsZone>;
  serviceEndpointPolicies?: Map<string, ServiceEndpointPolicy>;
  gaps?: InputGaps;
  /** Subscription display names by lower-cased subscription id, when the input listed them. */
  subscriptionNames?: Map<string, string>;
  /** Real prefixes, when supplied; keyed by lower-cased tag name (`storage`, `storage.westeurope`). */
  serviceTags?: Map<string, ServiceTagPrefixes>;
  capturedAt?: string;
  /**
   * The calls the live read behind a saved snapshot could not make (`readErrors` beside `resources`): the snapshot is
   * part of the estate, and an audit of it is judged as the live one was (lib/partial-read.ts).
   */
  readErrors?: { subscription: string; operation: string; code: string; message: string }[];
  /**
   * How the live read behind a saved snapshot was made (`readMethod` beside `resources`): `resourceGraph` gives its
   * reports Resource Graph's permission note (lib/live/read-notes.ts), however often the snapshot is audited again.
   */
  readMethod?: "listAll" | "resourceGraph";
  /**
   * Some source was a Resource Graph export (`{"data": [...]}`, `az graph query`): it has Resource Graph's blind spot
   * (rows the exporting identity may not read are absent without an error), so its reports carry the same note.
   */
  resourceGraphExport?: boolean;
  /**
   * What the input itself shows to be stale or doubtful, for the report's `notes`: exports that disagree on an NSG's
   * association (lib/snapshot/nsg-association.ts), service tags no rule could hold (lib/snapshot/unknown-tags.ts), a
   * firewall or policy in provisioning state Failed (lib/snapshot/firewall-state.ts).
   */
  inputNotes?: string[];
}

export type Role = "cyclecloud" | "cluster" | "returnProxy";

/** An HTTPS proxy CycleCloud uses for its Azure egress (CONTRACT §1.2). */
export interface ProxySetting {
  address: string;
  port: number;
}

/** One CycleCloud installation: its subnets by role, its server, its proxy. */
export interface Deployment {
  name: string;
  roles: { cyclecloud: string[]; cluster: string[]; returnProxy: string[] };
  /** NIC ids, VM ids or IP addresses of the CycleCloud VM. */
  cyclecloudServer: string[];
  proxy?: ProxySetting;
  /** The storage account CycleCloud uses (its locker): an account id or name (CONTRACT §1.2). */
  storageAccount?: string;
}

export interface Profile {
  /** Every deployment's roles together (what the single-deployment form `roles` says). */
  roles: { cyclecloud: string[]; cluster: string[]; returnProxy: string[] };
  /** Always at least one when roles are given; `roles` alone is one deployment named `default`. */
  deployments?: Deployment[];
}
