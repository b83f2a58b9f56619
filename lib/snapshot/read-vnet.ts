import type { Peering, ServiceEndpoint, Subnet, VirtualNetwork } from "@/lib/model/types";
import { idParts, keyOf, lastSegment, nicKeyOfIpConfiguration, parentVnetOf } from "./arm-id";
import { type ResourceBase, child, mergeSingularPlural, refKey, refKeys } from "./read-common";
import { type SubnetProps, delegationProps, peeringProps, serviceEndpointProps, subnetProps, vnetProps } from "./schemas";
import { formatJsonPath } from "@/lib/errors";
import { type ArmNode, type JsonPath, inputError, nodeName, parseWith, readNode, requireListed } from "./validate";
import { expectedMessage } from "./describe-value";
import { canonicalPrivateEndpointNetworkPolicies } from "./field-values";

export interface VnetRecord {
  vnet: Omit<VirtualNetwork, "subnetKeys">;
  subnets: Subnet[];
}

function readServiceEndpoint(value: unknown, file: string, at: JsonPath): ServiceEndpoint {
  const node = readNode(value, file, at);
  const p = parseWith(serviceEndpointProps, node.props, file, node.propsAt);
  const endpoint: ServiceEndpoint = { service: p.service, locations: p.locations ?? [] };
  if (p.provisioningState) endpoint.provisioningState = p.provisioningState;
  return endpoint;
}

function readDelegation(value: unknown, file: string, at: JsonPath): string | undefined {
  const node = readNode(value, file, at);
  return parseWith(delegationProps, node.props, file, node.propsAt).serviceName ?? undefined;
}

/**
 * A subnet, embedded in its VNet (`parent` given) or standalone, in which case its VNet is
 * named from the id, since the VNet itself may be absent from the input.
 */
export function readSubnet(
  value: unknown,
  file: string,
  at: JsonPath,
  parent?: { key: string; name: string },
): Subnet {
  const node = readNode(value, file, at);
  const id = node.raw.id;
  if (typeof id !== "string") throw inputError(file, [...at, "id"], expectedMessage("string", id));
  const name = nodeName(node, file, at, lastSegment(id));
  const p = parseWith(subnetProps, node.props, file, node.propsAt);
  const vnet = parent ?? parentVnetOf(id) ?? { key: "", name: "" };
  const parts = idParts(id);
  const resourceGroup = typeof node.raw.resourceGroup === "string" ? node.raw.resourceGroup : "";
  const subnet: Subnet = {
    id,
    key: keyOf(id),
    name,
    vnetKey: vnet.key,
    vnetName: vnet.name,
    subscriptionId: parts.subscriptionId,
    resourceGroup: parts.resourceGroup || resourceGroup,
    addressPrefixes: addressPrefixesOf(p),
    serviceEndpoints: (p.serviceEndpoints ?? []).map((e, i) =>
      readServiceEndpoint(e, file, child(node.propsAt, "serviceEndpoints", i)),
    ),
    delegations: (p.delegations ?? [])
      .map((d, i) => readDelegation(d, file, child(node.propsAt, "delegations", i)))
      .filter((service): service is string => !!service),
    nicKeys: [],
    // The subnet's own list; the loader keeps only endpoints present in the input and adds
    // those that name this subnet.
    privateEndpointKeys: refKeys(p.privateEndpoints),
  };
  const nsgKey = refKey(p.networkSecurityGroup);
  if (nsgKey) subnet.nsgKey = nsgKey;
  const routeTableKey = refKey(p.routeTable);
  if (routeTableKey) subnet.routeTableKey = routeTableKey;
  const natGatewayKey = refKey(p.natGateway);
  if (natGatewayKey) subnet.natGatewayKey = natGatewayKey;
  if (typeof p.defaultOutboundAccess === "boolean") subnet.defaultOutboundAccess = p.defaultOutboundAccess;
  // Absent (older API versions, Resource Graph rows without it) means Azure's default, Disabled: left undefined.
  const pePolicies = p.privateEndpointNetworkPolicies ? canonicalPrivateEndpointNetworkPolicies(p.privateEndpointNetworkPolicies) : undefined;
  if (pePolicies) subnet.privateEndpointNetworkPolicies = pePolicies;
  if (p.serviceEndpointPolicies?.length) subnet.serviceEndpointPolicyKeys = refKeys(p.serviceEndpointPolicies);
  if (p.ipConfigurations?.length) {
    const nicKeys = new Set<string>();
    for (const config of p.ipConfigurations) {
      const nicKey = nicKeyOfIpConfiguration(config.id);
      if (nicKey) nicKeys.add(nicKey);
    }
    if (nicKeys.size) subnet.ipConfigurationNicKeys = [...nicKeys];
  }
  if (subnet.addressPrefixes.length === 0) subnet.missingPrefixAt = { file, path: formatJsonPath([...node.propsAt, "addressPrefix"]) };
  subnet.armProperties = armPropertiesOf(node);
  return subnet;
}

/**
 * `addressPrefix` + `addressPrefixes`; when both are absent, the prefixes allocated from IPAM pools
 * (`ipamPoolPrefixAllocations[].allocatedAddressPrefixes`), which is all a pool-allocated subnet may print.
 * https://learn.microsoft.com/javascript/api/@azure/arm-network/ipampoolprefixallocation
 */
function addressPrefixesOf(p: SubnetProps): string[] {
  const own = mergeSingularPlural(p.addressPrefix, p.addressPrefixes);
  if (own.length || !p.ipamPoolPrefixAllocations?.length) return own;
  return mergeSingularPlural(undefined, p.ipamPoolPrefixAllocations.flatMap((a) => a.allocatedAddressPrefixes ?? []));
}

// What a flattened (az) subnet carries besides its properties.
const ENVELOPE_FIELDS = new Set(["id", "name", "type", "etag", "resourceGroup"]);

/**
 * The subnet's properties as read, so a fix that redeploys the whole subnet can repeat every
 * writable property (`privateEndpointNetworkPolicies`, delegations, ...). ARM form: `properties`
 * itself; flattened form: the object without its envelope fields.
 */
function armPropertiesOf(node: ArmNode): Record<string, unknown> {
  if (node.props !== node.raw) return node.props;
  const out: Record<string, unknown> = {};
  for (const field in node.raw) if (!ENVELOPE_FIELDS.has(field)) out[field] = node.raw[field];
  return out;
}

const names = (list: readonly string[] | null | undefined) => (list ?? []).map((n) => n.trim()).filter((n) => n);

function readPeering(value: unknown, file: string, at: JsonPath): Peering {
  const node = readNode(value, file, at);
  const p = parseWith(peeringProps, node.props, file, node.propsAt);
  const current = p.remoteAddressSpace?.addressPrefixes;
  const whole = p.remoteVirtualNetworkAddressSpace?.addressPrefixes;
  const peering: Peering = {
    name: nodeName(node, file, at, ""),
    // `remoteAddressSpace` is what is peered now; the remote VNet's full space is the fallback.
    remoteAddressPrefixes: mergeSingularPlural(undefined, current?.length ? current : whole),
    // ARM's default when the flag is not printed.
    allowVirtualNetworkAccess: p.allowVirtualNetworkAccess ?? true,
  };
  const remoteVnetKey = refKey(p.remoteVirtualNetwork);
  if (remoteVnetKey) peering.remoteVnetKey = remoteVnetKey;
  if (p.peeringState) peering.peeringState = p.peeringState;
  if (typeof p.allowForwardedTraffic === "boolean") peering.allowForwardedTraffic = p.allowForwardedTraffic;
  if (typeof p.allowGatewayTransit === "boolean") peering.allowGatewayTransit = p.allowGatewayTransit;
  if (typeof p.useRemoteGateways === "boolean") peering.useRemoteGateways = p.useRemoteGateways;
  // Subnet peering: only the listed subnets are joined (ARM's default, true, peers the whole VNets).
  // https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
  if (p.peerCompleteVnets === false) peering.subnets = { local: names(p.localSubnetNames), remote: names(p.remoteSubnetNames) };
  if (p.enableOnlyIPv6Peering === true) peering.onlyIpv6 = true;
  return peering;
}

export function readVnet(node: ArmNode, base: ResourceBase, file: string): VnetRecord {
  const p = parseWith(vnetProps, node.props, file, node.propsAt);
  requireListed(node, "subnets", file, "az network vnet list");
  const parent = { key: base.key, name: base.name };
  return {
    vnet: {
      ...base,
      addressPrefixes: mergeSingularPlural(undefined, p.addressSpace?.addressPrefixes),
      peerings: (p.virtualNetworkPeerings ?? []).map((peering, i) =>
        readPeering(peering, file, child(node.propsAt, "virtualNetworkPeerings", i)),
      ),
      ...(p.dhcpOptions?.dnsServers ? { dnsServers: p.dhcpOptions.dnsServers.map((ip) => ip?.trim() ?? "").filter((ip) => ip) } : {}),
    },
    subnets: (p.subnets ?? []).map((subnet, i) => readSubnet(subnet, file, child(node.propsAt, "subnets", i), parent)),
  };
}
