// Readers for the resources that carry little structure: route tables, NICs, ASGs, private endpoints.
// Field spellings of ARM / the JavaScript SDK (`privateIPAddress`) and of `az` (`privateIpAddress`) are both read.
import type {
  ApplicationSecurityGroup,
  NetworkInterface,
  NicIpConfiguration,
  PrivateEndpoint,
  PrivateLinkConnection,
  Route,
  RouteTable,
} from "@/lib/model/types";
import { canonicalNextHopType } from "./field-values";
import { scaleSetKeyOf } from "./arm-id";
import { type ResourceBase, child, refKey, refKeys } from "./read-common";
import {
  ipConfigurationProps,
  nicProps,
  privateEndpointIpConfigurationProps,
  privateEndpointProps,
  privateLinkConnectionProps,
  routeProps,
  routeTableProps,
} from "./schemas";
import { type ArmNode, type JsonPath, nodeName, parseWith, readNode, requireListed } from "./validate";

function readRoute(value: unknown, file: string, at: JsonPath): Route {
  const node = readNode(value, file, at);
  const p = parseWith(routeProps, node.props, file, node.propsAt);
  const route: Route = {
    name: nodeName(node, file, at, ""),
    addressPrefix: p.addressPrefix!,
    nextHopType: canonicalNextHopType(p.nextHopType)!,
  };
  if (p.nextHopIpAddress) route.nextHopIpAddress = p.nextHopIpAddress;
  return route;
}

export function readRouteTable(node: ArmNode, base: ResourceBase, file: string): RouteTable {
  const p = parseWith(routeTableProps, node.props, file, node.propsAt);
  requireListed(node, "routes", file, "az network route-table list");
  return {
    id: base.id,
    key: base.key,
    name: base.name,
    resourceGroup: base.resourceGroup,
    subscriptionId: base.subscriptionId,
    routes: (p.routes ?? []).map((route, i) => readRoute(route, file, child(node.propsAt, "routes", i))),
    ...(typeof p.disableBgpRoutePropagation === "boolean" ? { disableBgpRoutePropagation: p.disableBgpRoutePropagation } : {}),
  };
}

function readIpConfiguration(value: unknown, file: string, at: JsonPath): NicIpConfiguration {
  const node = readNode(value, file, at);
  const p = parseWith(ipConfigurationProps, node.props, file, node.propsAt);
  const config: NicIpConfiguration = { name: nodeName(node, file, at, ""), asgKeys: refKeys(p.applicationSecurityGroups) };
  const subnetKey = refKey(p.subnet);
  if (subnetKey) config.subnetKey = subnetKey;
  const privateIp = p.privateIPAddress || p.privateIpAddress;
  if (privateIp) config.privateIpAddress = privateIp;
  const publicIpKey = refKey(p.publicIPAddress ?? p.publicIpAddress);
  if (publicIpKey) config.publicIpKey = publicIpKey;
  if (p.loadBalancerBackendAddressPools?.length) config.lbBackendPoolKeys = refKeys(p.loadBalancerBackendAddressPools);
  const version = ipVersion(p.privateIPAddressVersion ?? p.privateIpAddressVersion);
  if (version) config.privateIpAddressVersion = version;
  return config;
}

/** `IPv4` or `IPv6` in any case; another value or none: undefined (Azure's default, IPv4, applies), as public IPs are read. */
export function ipVersion(value: string | null | undefined): "IPv4" | "IPv6" | undefined {
  const v = value?.toLowerCase();
  return v === "ipv4" ? "IPv4" : v === "ipv6" ? "IPv6" : undefined;
}

export function readNic(node: ArmNode, base: ResourceBase, file: string): NetworkInterface {
  const p = parseWith(nicProps, node.props, file, node.propsAt);
  const nic: NetworkInterface = {
    id: base.id,
    key: base.key,
    name: base.name,
    resourceGroup: base.resourceGroup,
    subscriptionId: base.subscriptionId,
    ipConfigurations: (p.ipConfigurations ?? []).map((config, i) =>
      readIpConfiguration(config, file, child(node.propsAt, "ipConfigurations", i)),
    ),
  };
  const nsgKey = refKey(p.networkSecurityGroup);
  if (nsgKey) nic.nsgKey = nsgKey;
  const forwarding = p.enableIPForwarding ?? p.enableIpForwarding;
  if (typeof forwarding === "boolean") nic.enableIpForwarding = forwarding;
  const privateEndpointKey = refKey(p.privateEndpoint);
  if (privateEndpointKey) nic.privateEndpointKey = privateEndpointKey;
  const virtualMachineKey = refKey(p.virtualMachine);
  if (virtualMachineKey) nic.virtualMachineKey = virtualMachineKey;
  if (typeof p.primary === "boolean") nic.primary = p.primary;
  const dnsServers = (p.dnsSettings?.dnsServers ?? []).map((s) => s?.trim() ?? "").filter(Boolean);
  if (dnsServers.length) nic.dnsServers = dnsServers;
  // `az vmss nic list` prints a Uniform scale set's instance NICs under the compute resource:
  // `.../virtualMachineScaleSets/<vmss>/virtualMachines/<n>/networkInterfaces/<nic>`.
  const scaleSetKey = scaleSetKeyOf(base.key);
  if (scaleSetKey) nic.scaleSetKey = scaleSetKey;
  return nic;
}

export function readAsg(_node: ArmNode, base: ResourceBase): ApplicationSecurityGroup {
  return { id: base.id, key: base.key, name: base.name };
}

function readConnection(value: unknown, file: string, at: JsonPath): PrivateLinkConnection | undefined {
  const node = readNode(value, file, at);
  const p = parseWith(privateLinkConnectionProps, node.props, file, node.propsAt);
  // A connection without a target says nothing about what the endpoint reaches.
  if (!p.privateLinkServiceId) return undefined;
  const connection: PrivateLinkConnection = {
    name: nodeName(node, file, at, ""),
    targetId: p.privateLinkServiceId,
    groupIds: p.groupIds ?? [],
  };
  const status = p.privateLinkServiceConnectionState?.status;
  if (status) connection.status = status;
  return connection;
}

export function readPrivateEndpoint(node: ArmNode, base: ResourceBase, file: string): PrivateEndpoint {
  const p = parseWith(privateEndpointProps, node.props, file, node.propsAt);
  const connections: PrivateLinkConnection[] = [];
  for (const field of ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"] as const) {
    (p[field] ?? []).forEach((value, i) => {
      const connection = readConnection(value, file, child(node.propsAt, field, i));
      if (connection) connections.push(connection);
    });
  }
  const endpoint: PrivateEndpoint = { id: base.id, key: base.key, name: base.name, connections };
  const subnetKey = refKey(p.subnet);
  if (subnetKey) endpoint.subnetKey = subnetKey;
  if (p.provisioningState) endpoint.provisioningState = p.provisioningState;
  if (p.networkInterfaces?.length) endpoint.nicKeys = refKeys(p.networkInterfaces);
  const addresses: string[] = [];
  const fqdns: string[] = [];
  for (const config of p.customDnsConfigs ?? []) {
    if (config.fqdn && !fqdns.includes(config.fqdn)) fqdns.push(config.fqdn);
    for (const address of config.ipAddresses ?? []) if (address && !addresses.includes(address)) addresses.push(address);
  }
  (p.ipConfigurations ?? []).forEach((value, i) => {
    const at = child(node.propsAt, "ipConfigurations", i);
    const config = readNode(value, file, at);
    const c = parseWith(privateEndpointIpConfigurationProps, config.props, file, config.propsAt);
    const address = c.privateIPAddress || c.privateIpAddress;
    if (address && !addresses.includes(address)) addresses.push(address);
  });
  if (addresses.length) endpoint.ipAddresses = addresses;
  if (fqdns.length) endpoint.fqdns = fqdns;
  return endpoint;
}
