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
  sourceAddressPrefixes: string[];
  destinationAddressPrefixes: string[];
  sourcePortRanges: string[];
  destinationPortRanges: string[];
  /** Lower-cased ids of application security groups. */
  sourceAsgKeys: string[];
  destinationAsgKeys: string[];
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
}

export interface Peering {
  name: string;
  remoteVnetKey?: string;
  remoteAddressPrefixes: string[];
  allowVirtualNetworkAccess: boolean;
  peeringState?: string;
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
}

export interface NicIpConfiguration {
  name: string;
  subnetKey?: string;
  privateIpAddress?: string;
  asgKeys: string[];
}

export interface NetworkInterface {
  id: string;
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  nsgKey?: string;
  ipConfigurations: NicIpConfiguration[];
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
}

/** One entry of a ServiceTags_Public file: `Storage`, `Storage.WestEurope`, ... */
export interface ServiceTagPrefixes {
  name: string;
  region?: string;
  addressPrefixes: string[];
}

export interface Snapshot {
  vnets: Map<string, VirtualNetwork>;
  subnets: Map<string, Subnet>;
  nsgs: Map<string, Nsg>;
  routeTables: Map<string, RouteTable>;
  nics: Map<string, NetworkInterface>;
  asgs: Map<string, ApplicationSecurityGroup>;
  privateEndpoints: Map<string, PrivateEndpoint>;
  /** Real prefixes, when supplied; keyed by lower-cased tag name (`storage`, `storage.westeurope`). */
  serviceTags?: Map<string, ServiceTagPrefixes>;
  capturedAt?: string;
}

export type Role = "cyclecloud" | "cluster" | "returnProxy";

export interface Profile {
  roles: { cyclecloud: string[]; cluster: string[]; returnProxy: string[] };
}
