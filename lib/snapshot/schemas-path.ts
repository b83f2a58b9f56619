// Zod schemas for the resources that decide where a packet goes (CONTRACT §4.1): NAT gateways,
// public IPs, load balancers, Azure Firewall (classic rules), firewall policies, their rule
// collection groups and IP groups. As in schemas.ts, each describes a node's *properties* (ARM
// `properties`, or the node itself in the flattened form); sub-resources are validated by the reader.
// Where `az` (Python SDK names) and ARM / the JavaScript SDK spell a field differently
// (`privateIpAddress` / `privateIPAddress`), both keys are listed and the reader takes either.
import { z } from "zod";
import { isAddressPrefix, isPortRange } from "./field-values";
import { ipAddress, isUnset, leaf, optionalWhere, resourceRef, resourceRefList, stringWhere } from "./schemas";

const text = z.string().nullish();
const ref = resourceRef;
const refList = resourceRefList;
const nodes = z.array(z.unknown()).nullish();
const strings = z.array(z.string()).nullish();

/** `sku` sits at the top level of load balancers and public IPs, under properties for firewalls and policies. */
export const skuShape = z.object({ name: text, tier: text, capacity: z.number().nullish() }).nullish();

/**
 * A NAT gateway's public IPs and prefixes, per address family: `publicIpAddresses` / `publicIpPrefixes` hold IPv4,
 * `publicIpAddressesV6` / `publicIpPrefixesV6` IPv6 (StandardV2). ARM, `az` and the JavaScript SDK spell them alike.
 * https://learn.microsoft.com/javascript/api/@azure/arm-network/natgatewaypropertiesformat
 */
export const natGatewayProps = z.object({ publicIpAddresses: refList, publicIpPrefixes: refList, publicIpAddressesV6: refList, publicIpPrefixesV6: refList });

/** A virtual network gateway's type, forced-tunnelling default site and IP configurations (whose subnet names its VNet). */
export const virtualNetworkGatewayProps = z.object({ gatewayType: text, gatewayDefaultSite: ref, ipConfigurations: nodes });
export const gatewayIpConfigurationProps = z.object({ subnet: ref });

/** `publicIPAddressVersion` as ARM spells it, `publicIpAddressVersion` as `az` does. */
export const publicIpProps = z.object({ ipAddress, ipConfiguration: ref, publicIPAddressVersion: text, publicIpAddressVersion: text });

export const loadBalancerProps = z.object({
  frontendIPConfigurations: nodes,
  frontendIpConfigurations: nodes,
  backendAddressPools: nodes,
  outboundRules: nodes,
  loadBalancingRules: nodes,
});
/** A load-balancing rule, for its outbound SNAT: its frontend, pools, protocol and `disableOutboundSnat`. */
export const loadBalancingRuleProps = z.object({
  frontendIPConfiguration: ref,
  frontendIpConfiguration: ref,
  backendAddressPool: ref,
  backendAddressPools: refList,
  protocol: text,
  disableOutboundSnat: z.boolean().nullish(),
});
export const frontendProps = z.object({
  privateIPAddress: ipAddress,
  privateIpAddress: ipAddress,
  publicIPAddress: ref,
  publicIpAddress: ref,
  publicIPPrefix: ref,
  publicIpPrefix: ref,
  subnet: ref,
});
export const outboundRuleProps = z.object({
  backendAddressPool: ref,
  frontendIPConfigurations: refList,
  frontendIpConfigurations: refList,
  protocol: text,
});

export const firewallIpConfigProps = z.object({
  privateIPAddress: ipAddress,
  privateIpAddress: ipAddress,
  subnet: ref,
  publicIPAddress: ref,
  publicIpAddress: ref,
});

const hubAddresses = z.object({ privateIPAddress: ipAddress, privateIpAddress: ipAddress }).nullish();

/** A range the firewall does not SNAT: a CIDR, or `IANAPrivateRanges` (RFC 1918 and RFC 6598). */
const isSnatRange = (s: string) => s.trim().toLowerCase() === "ianaprivateranges" || (isAddressPrefix(s.trim()) && /^[\d.:a-f]+(\/\d+)?$/i.test(s.trim()));
/** An IP address (no prefix length, no tag): a DNS server. */
const isIpAddress = (s: string) => /^[\d.:a-f]+$/i.test(s) && isAddressPrefix(s);
/** A comma-separated list whose non-empty items each pass `ok`; "" and null are unset. */
const commaList = (expected: string, ok: (item: string) => boolean) =>
  leaf<string | null | undefined>(expected, optionalWhere((s) => s.split(",").every((x) => x.trim() === "" || ok(x.trim())))).optional();

/**
 * A classic firewall's (no `firewallPolicy`) settings, as `az network firewall update` and ARM templates write them:
 * `Network.DNS.Servers` (comma-separated IPs), `Network.DNS.EnableProxy` ("true"/"false"),
 * `Network.SNAT.PrivateRanges` (comma-separated CIDRs or IANAPrivateRanges). Other keys are not read.
 * https://learn.microsoft.com/azure/firewall/dns-settings, https://learn.microsoft.com/azure/firewall/snat-private-range
 */
const classicAdditionalProperties = z
  .object({
    "Network.DNS.Servers": commaList("comma-separated IP addresses", isIpAddress),
    "Network.DNS.EnableProxy": leaf<string | boolean | null | undefined>('"true" or "false"', (v) => isUnset(v) || typeof v === "boolean" || (typeof v === "string" && /^(true|false)$/i.test(v.trim()))).optional(),
    "Network.SNAT.PrivateRanges": commaList("comma-separated CIDRs or IANAPrivateRanges", isSnatRange),
  })
  .nullish();

export const firewallProps = z.object({
  sku: skuShape,
  additionalProperties: classicAdditionalProperties,
  ipConfigurations: nodes,
  managementIpConfiguration: z.unknown().nullish(),
  hubIPAddresses: hubAddresses,
  hubIpAddresses: hubAddresses,
  firewallPolicy: ref,
  threatIntelMode: text,
  networkRuleCollections: nodes,
  applicationRuleCollections: nodes,
  virtualHub: ref,
});

const snatRange = leaf<string>("a CIDR or IANAPrivateRanges", stringWhere((s) => isSnatRange(s)));

export const firewallPolicyProps = z.object({
  basePolicy: ref,
  dnsSettings: z.object({ enableProxy: z.boolean().nullish(), servers: z.array(ipAddress).nullish() }).nullish(),
  snat: z.object({ privateRanges: z.array(snatRange).nullish() }).nullish(),
  threatIntelMode: text,
  ruleCollectionGroups: nodes,
  sku: skuShape,
});

/** Azure Firewall and firewall policy rule collections and groups: 100-65000. */
export const isCollectionPriority = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 100 && v <= 65000;
const collectionPriority = leaf<number | null | undefined>("100-65000", (v) => v === undefined || v === null || isCollectionPriority(v)).optional();

export const ruleCollectionGroupProps = z.object({ priority: collectionPriority, ruleCollections: nodes });

const ACTIONS = new Map([
  ["allow", "Allow"],
  ["deny", "Deny"],
  ["dnat", "Dnat"],
] as const);
/** `Allow`, `Deny`, and `Dnat` (classic) or `DNAT` (policy), in any case. */
export function canonicalFirewallAction(text: string): "Allow" | "Deny" | "Dnat" | undefined {
  return ACTIONS.get(text.toLowerCase() as "allow");
}
const action = z
  .object({ type: leaf<string>("Allow, Deny or DNAT", stringWhere((s) => canonicalFirewallAction(s) !== undefined)) })
  .nullish();

/** A collection of a policy's rule collection group (`ruleCollectionType`, `action`, `priority`, `rules`). */
export const policyRuleCollectionProps = z.object({
  ruleCollectionType: text,
  priority: collectionPriority,
  action,
  rules: nodes,
});
/** A classic firewall's network or application rule collection. */
export const classicRuleCollectionProps = z.object({ priority: collectionPriority, action, rules: nodes });

// Azure Firewall addresses: `*`, an IP, a CIDR, a range `10.0.0.1-10.0.0.9`, or (destinations) a service tag.
function isFirewallAddress(text: string): boolean {
  const dash = text.indexOf("-");
  if (dash > 0 && /^[\d.:a-fA-F]+-[\d.:a-fA-F]+$/.test(text)) {
    return isAddressPrefix(text.slice(0, dash)) && isAddressPrefix(text.slice(dash + 1));
  }
  return isAddressPrefix(text);
}
const address = leaf<string>("*, an IP address, a CIDR, a range a-b or a service tag", stringWhere(isFirewallAddress));
const addresses = z.array(address).nullish();
const port = leaf<string>("a port 0-65535, a range N-M or *", (v) =>
  (typeof v === "string" && isPortRange(v.trim())) || (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535),
);
const NETWORK_PROTOCOLS = new Set(["tcp", "udp", "icmp", "any"]);
const networkProtocol = leaf<string>("one of TCP, UDP, ICMP, Any", stringWhere((s) => NETWORK_PROTOCOLS.has(s.toLowerCase())));

export const networkRuleProps = z.object({
  ruleType: text,
  protocols: z.array(networkProtocol).nullish(),
  ipProtocols: z.array(networkProtocol).nullish(),
  sourceAddresses: addresses,
  sourceIpGroups: strings,
  destinationAddresses: addresses,
  destinationIpGroups: strings,
  destinationFqdns: strings,
  destinationPorts: z.array(port).nullish(),
});

const APP_PROTOCOLS = new Map([
  ["http", "Http"],
  ["https", "Https"],
  ["mssql", "Mssql"],
]);
export const canonicalAppProtocol = (text: string) => APP_PROTOCOLS.get(text.toLowerCase());
const appProtocol = z.object({
  protocolType: leaf<string>("Http, Https or Mssql", stringWhere((s) => APP_PROTOCOLS.has(s.toLowerCase()))),
  port: leaf<number | null | undefined>("a port 1-65535", (v) => v === undefined || v === null || (typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535)).optional(),
});

export const applicationRuleProps = z.object({
  ruleType: text,
  protocols: z.array(appProtocol).nullish(),
  sourceAddresses: addresses,
  sourceIpGroups: strings,
  targetFqdns: strings,
  fqdnTags: strings,
  webCategories: strings,
  targetUrls: strings,
  terminateTLS: z.boolean().nullish(),
});

export const ipGroupProps = z.object({
  ipAddresses: z.array(leaf<string>("an IP address, a CIDR or a range a-b", stringWhere(isFirewallAddress))).nullish(),
});

/**
 * Virtual WAN: a hub's space and firewall; a VNet connection's VNet, default-route propagation and route tables; a hub
 * route table's labels and routes; a routing intent's policies. Hub route destinations are checked by the reader,
 * which knows their `destinationType`. https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
export const virtualHubProps = z.object({ addressPrefix: text, azureFirewall: ref, virtualWan: ref });
export const hubConnectionProps = z.object({
  remoteVirtualNetwork: ref,
  enableInternetSecurity: z.boolean().nullish(),
  provisioningState: text,
  routingConfiguration: z
    .object({
      associatedRouteTable: ref,
      propagatedRouteTables: z.object({ labels: strings, ids: refList }).nullish(),
      vnetRoutes: z
        .object({
          staticRoutes: z.array(z.object({ name: text, addressPrefixes: strings, nextHopIpAddress: ipAddress })).nullish(),
          staticRoutesConfig: z.object({ propagateStaticRoutes: z.boolean().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export const hubRouteTableProps = z.object({
  labels: strings,
  routes: z.array(z.object({ name: text, destinationType: text, destinations: strings, nextHop: text })).nullish(),
});
export const routingIntentProps = z.object({ routingPolicies: z.array(z.object({ name: text, destinations: strings, nextHop: text })).nullish() });
