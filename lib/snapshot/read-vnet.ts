import type { Peering, ServiceEndpoint, Subnet, VirtualNetwork } from "@/lib/model/types";
import { idParts, keyOf, lastSegment, parentVnetOf } from "./arm-id";
import { type ResourceBase, child, mergeSingularPlural, refKey, refKeys } from "./read-common";
import { delegationProps, peeringProps, serviceEndpointProps, subnetProps, vnetProps } from "./schemas";
import { type ArmNode, type JsonPath, inputError, nodeName, parseWith, readNode } from "./validate";
import { expectedMessage } from "./describe-value";

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
    addressPrefixes: mergeSingularPlural(p.addressPrefix, p.addressPrefixes),
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
  return subnet;
}

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
  return peering;
}

export function readVnet(node: ArmNode, base: ResourceBase, file: string): VnetRecord {
  const p = parseWith(vnetProps, node.props, file, node.propsAt);
  const parent = { key: base.key, name: base.name };
  return {
    vnet: {
      ...base,
      addressPrefixes: mergeSingularPlural(undefined, p.addressSpace?.addressPrefixes),
      peerings: (p.virtualNetworkPeerings ?? []).map((peering, i) =>
        readPeering(peering, file, child(node.propsAt, "virtualNetworkPeerings", i)),
      ),
    },
    subnets: (p.subnets ?? []).map((subnet, i) => readSubnet(subnet, file, child(node.propsAt, "subnets", i), parent)),
  };
}
