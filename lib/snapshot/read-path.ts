// Readers for what gives a subnet its way out (CONTRACT §4.1 "Outbound path"): NAT gateways,
// public IP addresses and load balancers with their outbound rules
// (https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
import type { LoadBalancer, NatGateway, PublicIpAddress, VirtualNetworkGateway } from "@/lib/model/types";
import { keyOf, parentVnetOf } from "./arm-id";
import { type ResourceBase, child, refKey, refKeys } from "./read-common";
import { frontendProps, gatewayIpConfigurationProps, loadBalancerProps, loadBalancingRuleProps, natGatewayProps, outboundRuleProps, publicIpProps, skuShape, virtualNetworkGatewayProps } from "./schemas-path";
import { type ArmNode, type JsonPath, nodeName, parseWith, readNode } from "./validate";

/** `sku.name` from the top level (load balancers, public IPs), validated where it sits. */
function skuName(node: ArmNode, file: string, at: JsonPath): string | undefined {
  const sku = node.raw.sku ?? (node.props !== node.raw ? node.props.sku : undefined);
  if (sku === undefined || sku === null) return undefined;
  return parseWith(skuShape, sku, file, [...at, "sku"])?.name ?? undefined;
}

/**
 * A NAT gateway and the public IPs and prefixes it translates to, per address family: IPv4 from `publicIpAddresses`
 * and `publicIpPrefixes`, IPv6 (a StandardV2 gateway) from `publicIpAddressesV6` and `publicIpPrefixesV6`.
 * https://learn.microsoft.com/azure/nat-gateway/nat-overview
 * https://learn.microsoft.com/javascript/api/@azure/arm-network/natgatewaypropertiesformat
 */
export function readNatGateway(node: ArmNode, base: ResourceBase, file: string): NatGateway {
  const p = parseWith(natGatewayProps, node.props, file, node.propsAt);
  const nat: NatGateway = { id: base.id, key: base.key, name: base.name, publicIpKeys: refKeys(p.publicIpAddresses), publicIpPrefixKeys: refKeys(p.publicIpPrefixes) };
  const v6 = refKeys(p.publicIpAddressesV6);
  const v6Prefixes = refKeys(p.publicIpPrefixesV6);
  if (v6.length) nat.publicIpV6Keys = v6;
  if (v6Prefixes.length) nat.publicIpPrefixV6Keys = v6Prefixes;
  return nat;
}

/**
 * A virtual network gateway: its type, its VNet (the parent of its IP configurations' `GatewaySubnet`) and its
 * forced-tunnelling default site. https://learn.microsoft.com/azure/vpn-gateway/site-to-site-tunneling
 */
export function readVirtualNetworkGateway(node: ArmNode, base: ResourceBase, file: string): VirtualNetworkGateway {
  const p = parseWith(virtualNetworkGatewayProps, node.props, file, node.propsAt);
  const gw: VirtualNetworkGateway = { id: base.id, key: base.key, name: base.name };
  if (p.gatewayType) gw.gatewayType = p.gatewayType;
  const site = refKey(p.gatewayDefaultSite);
  if (site) gw.defaultSiteKey = site;
  for (const [i, config] of (p.ipConfigurations ?? []).entries()) {
    const c = readNode(config, file, child(node.propsAt, "ipConfigurations", i));
    const subnet = refKey(parseWith(gatewayIpConfigurationProps, c.props, file, c.propsAt).subnet);
    const vnet = subnet ? parentVnetOf(subnet) : undefined;
    if (vnet) {
      gw.vnetKey = vnet.key;
      break;
    }
  }
  return gw;
}

/** A public IP address: its address when allocated, SKU, and the ip configuration it is attached to. */
export function readPublicIp(node: ArmNode, base: ResourceBase, file: string, at: JsonPath): PublicIpAddress {
  const p = parseWith(publicIpProps, node.props, file, node.propsAt);
  const ip: PublicIpAddress = { id: base.id, key: base.key, name: base.name };
  if (p.ipAddress) ip.ipAddress = p.ipAddress;
  const sku = skuName(node, file, at);
  if (sku) ip.sku = sku;
  const configKey = refKey(p.ipConfiguration);
  if (configKey) ip.ipConfigurationKey = configKey;
  const version = (p.publicIPAddressVersion ?? p.publicIpAddressVersion)?.toLowerCase();
  if (version === "ipv4" || version === "ipv6") ip.version = version === "ipv4" ? "IPv4" : "IPv6";
  return ip;
}

/** A sub-resource's key: its own id, or `<parent>/<field>/<name>` when an export leaves the id out. */
function childKey(node: ArmNode, parentKey: string, field: string, name: string): string {
  return typeof node.raw.id === "string" ? keyOf(node.raw.id) : `${parentKey}/${field.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * A load balancer: SKU, frontends (public IP or subnet), backend pool keys and outbound rules
 * (https://learn.microsoft.com/azure/load-balancer/outbound-rules).
 */
export function readLoadBalancer(node: ArmNode, base: ResourceBase, file: string, at: JsonPath): LoadBalancer {
  const p = parseWith(loadBalancerProps, node.props, file, node.propsAt);
  const frontendField = p.frontendIPConfigurations ? "frontendIPConfigurations" : "frontendIpConfigurations";
  const lb: LoadBalancer = {
    id: base.id,
    key: base.key,
    name: base.name,
    frontendIpConfigurations: (p.frontendIPConfigurations ?? p.frontendIpConfigurations ?? []).map((value, i) => {
      const fat = child(node.propsAt, frontendField, i);
      const fe = readNode(value, file, fat);
      const name = nodeName(fe, file, fat, "");
      const f = parseWith(frontendProps, fe.props, file, fe.propsAt);
      const frontend: LoadBalancer["frontendIpConfigurations"][number] = { key: childKey(fe, base.key, "frontendIPConfigurations", name), name };
      const publicIpKey = refKey(f.publicIPAddress ?? f.publicIpAddress);
      if (publicIpKey) frontend.publicIpKey = publicIpKey;
      const prefixKey = refKey(f.publicIPPrefix ?? f.publicIpPrefix);
      if (prefixKey) frontend.publicIpPrefixKey = prefixKey;
      const subnetKey = refKey(f.subnet);
      if (subnetKey) frontend.subnetKey = subnetKey;
      return frontend;
    }),
    backendPoolKeys: (p.backendAddressPools ?? []).map((value, i) => {
      const bat = child(node.propsAt, "backendAddressPools", i);
      const pool = readNode(value, file, bat);
      return childKey(pool, base.key, "backendAddressPools", nodeName(pool, file, bat, ""));
    }),
    outboundRules: (p.outboundRules ?? []).map((value, i) => {
      const oat = child(node.propsAt, "outboundRules", i);
      const rule = readNode(value, file, oat);
      const o = parseWith(outboundRuleProps, rule.props, file, rule.propsAt);
      const out: LoadBalancer["outboundRules"][number] = {
        name: nodeName(rule, file, oat, ""),
        frontendKeys: refKeys(o.frontendIPConfigurations ?? o.frontendIpConfigurations),
      };
      const poolKey = refKey(o.backendAddressPool);
      if (poolKey) out.backendPoolKey = poolKey;
      if (o.protocol) out.protocol = o.protocol;
      return out;
    }),
  };
  const snatRules = (p.loadBalancingRules ?? []).flatMap((value, i) => {
    const rat = child(node.propsAt, "loadBalancingRules", i);
    const rule = readNode(value, file, rat);
    const r = parseWith(loadBalancingRuleProps, rule.props, file, rule.propsAt);
    if (r.disableOutboundSnat === true) return [];
    const frontendKey = refKey(r.frontendIPConfiguration ?? r.frontendIpConfiguration);
    const pools = [...refKeys(r.backendAddressPools), ...(refKey(r.backendAddressPool) ? [refKey(r.backendAddressPool)!] : [])];
    return [{ name: nodeName(rule, file, rat, ""), backendPoolKeys: [...new Set(pools)], ...(frontendKey ? { frontendKey } : {}), ...(r.protocol ? { protocol: r.protocol } : {}) }];
  });
  if (snatRules.length) lb.snatRules = snatRules;
  const sku = skuName(node, file, at);
  if (sku) lb.sku = sku;
  return lb;
}
