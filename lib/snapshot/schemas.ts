// Zod schemas for the fields of each resource and sub-resource, built once at module load
// (zod 4 compiles object schemas on first use; rebuilding them per call would be slow).
// Each schema describes the *properties* of a node: `node.properties` in the ARM REST form,
// the node itself in the flattened form that `az` and the SDKs print. The reader picks which.
import { readingStored } from "./stored-read";
import { z } from "zod";
import { describeValue } from "./describe-value";
import * as values from "./field-values";

// Bound once: the checks below run for every rule field, and module bindings compiled to
// CommonJS (tsx, the CLI) are property getters on every call.
const { canonicalAccess, canonicalDirection, canonicalProtocol, isAddressPrefix, isCidr, isPortRange } = values;

/**
 * A field that passes `ok`, reported as `expected <what>, got <value>` when it does not. Leaves
 * only validate: the readers canonicalise (case, singular + plural) from the validated input, so
 * the fast path for security rules (fast-rule.ts) can build the very same model without zod.
 */
export function leaf<T>(expected: string, ok: (value: unknown) => boolean) {
  return z.custom<T>(ok, {
    error: (issue) => {
      const note = values.leadingZeroNote(issue.input);
      return `expected ${expected}, got ${describeValue(issue.input)}${note ? `: ${note}` : ""}`;
    },
  });
}

/** Azure prints null, nothing or "" for a field that is not set. */
export const isUnset = (value: unknown): value is null | undefined | "" =>
  value === undefined || value === null || value === "";
export const stringWhere = (ok: (s: string) => boolean) => (v: unknown) => typeof v === "string" && ok(v);
export const optionalWhere = (ok: (s: string) => boolean) => (v: unknown) => isUnset(v) || (typeof v === "string" && ok(v));

export const isPriority = (min: number, max: number) => (v: unknown) =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
export const isDirection = stringWhere((s) => canonicalDirection(s) !== undefined);
export const isAccess = stringWhere((s) => canonicalAccess(s) !== undefined);
export const isProtocol = stringWhere((s) => canonicalProtocol(s) !== undefined);
export const isOptionalAddressPrefix = optionalWhere(isAddressPrefix);
export const isOptionalPortRange = optionalWhere(isPortRange);

const priority = (min: number, max: number) => leaf<number>(`${min}-${max}`, isPriority(min, max));
const direction = leaf<string>("Inbound or Outbound", isDirection);
const access = leaf<string>("Allow or Deny", isAccess);
const protocol = leaf<string>("one of Tcp, Udp, Icmp, Esp, Ah, *", isProtocol);

// Optional leaves: `.optional()` lets the key be absent; the check itself lets null and "" through.
const addressPrefix = leaf<string | null>("a CIDR, an IP address, * or a service tag", isOptionalAddressPrefix).optional();
const portRange = leaf<string | null>("a port 0-65535, a range N-M or *", isOptionalPortRange).optional();
const CIDR = "a CIDR such as 10.0.0.0/24";
const cidr = leaf<string | null>(CIDR, optionalWhere(isCidr)).optional();
const requiredCidr = leaf<string>(CIDR, stringWhere(isCidr));
const routePrefix = leaf<string>("a CIDR or a service tag", stringWhere(isAddressPrefix));

const text = z.string().nullish();
/**
 * One IP address, v4 or v6, no prefix length (`10.0.0.4`), or unset (null, "" or absent): every address field the
 * readers take (NIC, private endpoint and firewall private IPs, public IPs, a route's next hop, DNS servers). ARM
 * refuses anything else there, so `10.0.0.999` or `nope` is an edited or damaged export; read as text it would become a
 * next hop or a target no packet reaches, and a verdict built on it.
 */
export const isOptionalIpAddress = optionalWhere((s) => values.isIpAddress(s.trim()));
export const ipAddress = leaf<string | null>("an IP address such as 10.0.0.4", isOptionalIpAddress).optional();
/**
 * A NIC IP configuration's `privateIPAddress`: an address, or the prefix Azure assigned an IP configuration that asks
 * for one (`privateIPAddressPrefixLength`; ARM then prints `172.20.2.16/28`, as in Microsoft's NetworkInterfaceGet
 * example).
 */
const nicPrivateAddress = leaf<string | null>(
  "an IP address such as 10.0.0.4 (or a prefix such as 10.0.0.16/28 with privateIPAddressPrefixLength)",
  optionalWhere((s) => values.isIpAddress(s.trim()) || values.isCidr(s.trim())),
).optional();
/**
 * A reference's `id`: a non-blank string. `{"id": ""}` names no resource, and reading it as one would drop the NSG,
 * route table or ASG it stands for without a word (a subnet whose NSG is `""` would be judged as having none).
 */
export const isResourceId = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
export const resourceId = leaf<string>("a resource id such as /subscriptions/…/providers/Microsoft.Network/…", isResourceId);
/** `{ "id": "<resource id>" }`, absent or null; shared by every schema module so an empty id is refused everywhere. */
export const resourceRef = z.object({ id: resourceId }).nullish();
export const resourceRefList = z.array(z.object({ id: resourceId })).nullish();
const ref = resourceRef;
const refList = resourceRefList;
/** Sub-resources are validated one by one by the reader, which knows their form. */
const nodes = z.array(z.unknown()).nullish();

/** Top-level fields shared by every resource, in either form. */
export const resourceEnvelope = z.object({
  // Every resource has an id; `""` would be keyed as "" and stand for no resource at all (a stored scan read before
  // this check still opens: stored-read.ts).
  id: leaf<string>("a resource id such as /subscriptions/…/providers/Microsoft.Network/…", (v) => typeof v === "string" && (readingStored() || v.trim() !== "")),
  name: text,
  type: z.string(),
  location: text,
  resourceGroup: text,
});

/**
 * The field to name when a security rule lacks one side of its match, or undefined when it has all four: a source
 * (`sourceAddressPrefix`, `sourceAddressPrefixes` or `sourceApplicationSecurityGroups`), a destination (likewise), and
 * source and destination port ranges (singular or plural). ARM's schema marks only priority, protocol, access and
 * direction as required, but ARM refuses to create a rule without the others and every listing (`az network nsg
 * list`, the REST GET, Resource Graph) prints them; a rule missing one would match nothing here and fail open.
 * https://learn.microsoft.com/rest/api/virtualnetwork/security-rules/create-or-update#securityrule
 * Blank values (`""`, null) count as absent, as the readers drop them. Shared by zod and the fast path (fast-rule.ts).
 */
export function missingRuleField(p: Record<string, unknown>): string | undefined {
  if (!someValue(p.sourceAddressPrefix, p.sourceAddressPrefixes, p.sourceApplicationSecurityGroups)) return "sourceAddressPrefix";
  if (!someValue(p.destinationAddressPrefix, p.destinationAddressPrefixes, p.destinationApplicationSecurityGroups)) return "destinationAddressPrefix";
  if (!someValue(p.sourcePortRange, p.sourcePortRanges)) return "sourcePortRange";
  if (!someValue(p.destinationPortRange, p.destinationPortRanges)) return "destinationPortRange";
  return undefined;
}

function someValue(single: unknown, plural: unknown, refs?: unknown): boolean {
  if (single) return true;
  if (Array.isArray(plural)) for (let i = 0; i < plural.length; i++) if (plural[i]) return true;
  return Array.isArray(refs) && refs.length > 0;
}

const MISSING_RULE_FIELD: Record<string, string> = {
  sourceAddressPrefix: "missing: a rule needs sourceAddressPrefix, sourceAddressPrefixes or sourceApplicationSecurityGroups (* for any)",
  destinationAddressPrefix: "missing: a rule needs destinationAddressPrefix, destinationAddressPrefixes or destinationApplicationSecurityGroups (* for any)",
  sourcePortRange: "missing: a rule needs sourcePortRange or sourcePortRanges (* for any)",
  destinationPortRange: "missing: a rule needs destinationPortRange or destinationPortRanges (* for any)",
};

const ruleShape = (min: number, max: number) =>
  z.object({
    priority: priority(min, max),
    direction,
    access,
    protocol,
    sourceAddressPrefix: addressPrefix,
    sourceAddressPrefixes: z.array(addressPrefix).nullish(),
    destinationAddressPrefix: addressPrefix,
    destinationAddressPrefixes: z.array(addressPrefix).nullish(),
    sourcePortRange: portRange,
    sourcePortRanges: z.array(portRange).nullish(),
    destinationPortRange: portRange,
    destinationPortRanges: z.array(portRange).nullish(),
    sourceApplicationSecurityGroups: refList,
    destinationApplicationSecurityGroups: refList,
  }).check((ctx) => {
    const field = missingRuleField(ctx.value as Record<string, unknown>);
    if (field) ctx.issues.push({ code: "custom", message: MISSING_RULE_FIELD[field], path: [field], input: ctx.value });
  });
export const customRuleProps = ruleShape(100, 4096);
export const defaultRuleProps = ruleShape(65000, 65500);
export type RuleProps = z.infer<typeof customRuleProps>;

export const nsgProps = z.object({ securityRules: nodes, defaultSecurityRules: nodes });

export const subnetProps = z.object({
  addressPrefix: cidr,
  addressPrefixes: z.array(cidr).nullish(),
  // A subnet allocated from an IPAM pool (Azure Virtual Network Manager) may print its prefixes only here.
  // https://learn.microsoft.com/javascript/api/@azure/arm-network/ipampoolprefixallocation
  ipamPoolPrefixAllocations: z.array(z.object({ allocatedAddressPrefixes: z.array(cidr).nullish() })).nullish(),
  networkSecurityGroup: ref,
  routeTable: ref,
  serviceEndpoints: nodes,
  delegations: nodes,
  privateEndpoints: refList,
  natGateway: ref,
  defaultOutboundAccess: z.boolean().nullish(),
  privateEndpointNetworkPolicies: leaf<string | null>(
    "one of Enabled, Disabled, NetworkSecurityGroupEnabled, RouteTableEnabled",
    optionalWhere((s) => values.canonicalPrivateEndpointNetworkPolicies(s) !== undefined),
  ).optional(),
  serviceEndpointPolicies: refList,
  ipConfigurations: refList,
});
export type SubnetProps = z.infer<typeof subnetProps>;

export const serviceEndpointProps = z.object({
  service: z.string(),
  locations: z.array(z.string()).nullish(),
  provisioningState: text,
});

export const delegationProps = z.object({ serviceName: text });

const dnsServer = ipAddress;
const addressSpace = z.object({ addressPrefixes: z.array(requiredCidr).nullish() }).nullish();

export const vnetProps = z.object({
  addressSpace,
  subnets: nodes,
  virtualNetworkPeerings: nodes,
  // Azure takes only IP addresses here (a prefix such as 10.100.0.4/32 is refused), and the DNS checks compare them
  // with firewalls' and VNets' addresses. https://learn.microsoft.com/azure/virtual-network/manage-virtual-network#change-dns-servers
  dhcpOptions: z.object({ dnsServers: z.array(dnsServer).nullish() }).nullish(),
});

export const peeringProps = z.object({
  remoteVirtualNetwork: ref,
  allowVirtualNetworkAccess: z.boolean().nullish(),
  remoteAddressSpace: addressSpace,
  remoteVirtualNetworkAddressSpace: addressSpace,
  peeringState: text,
  allowForwardedTraffic: z.boolean().nullish(),
  allowGatewayTransit: z.boolean().nullish(),
  useRemoteGateways: z.boolean().nullish(),
  peerCompleteVnets: z.boolean().nullish(),
  localSubnetNames: z.array(z.string()).nullish(),
  remoteSubnetNames: z.array(z.string()).nullish(),
  enableOnlyIPv6Peering: z.boolean().nullish(),
});

export const routeTableProps = z.object({ routes: nodes, disableBgpRoutePropagation: z.boolean().nullish() });
const nextHopType = leaf<string>(
  "one of VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None",
  stringWhere((s) => values.canonicalNextHopType(s) !== undefined),
);
/**
 * A route table route. `nextHopIpAddress` is required with `VirtualAppliance` (ARM refuses such a route without it,
 * "the next hop IP address must be specified"): read without it, the route would send its prefix to no appliance and
 * be judged a drop, which a lockdown check counts as blocked. https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#user-defined
 */
export const routeProps = z.object({ addressPrefix: routePrefix, nextHopType, nextHopIpAddress: ipAddress }).check((ctx) => {
  const { nextHopType: type, nextHopIpAddress: address } = ctx.value;
  // A blank or malformed address is refused by its own check (`ipAddress`).
  if (values.canonicalNextHopType(type) === "VirtualAppliance" && isUnset(address) && !readingStored()) {
    ctx.issues.push({
      code: "custom",
      message: `${address === undefined ? "missing" : `expected an IP address such as 10.0.0.4, got ${describeValue(address)}`}: a route with nextHopType VirtualAppliance needs the appliance's address (Azure refuses the route without it)`,
      path: ["nextHopIpAddress"],
      input: ctx.value,
    });
  }
});

// `az` prints `enableIpForwarding`, `privateIpAddress`, `publicIpAddress` (its Python SDK's names);
// ARM and the JavaScript SDK spell them `...IP...`. Both are read.
export const nicProps = z.object({
  networkSecurityGroup: ref,
  ipConfigurations: nodes,
  enableIPForwarding: z.boolean().nullish(),
  enableIpForwarding: z.boolean().nullish(),
  privateEndpoint: ref,
  virtualMachine: ref,
  // Whether this is its VM's primary NIC (the NIC's own flag; its IP configurations' `primary` is another one).
  primary: z.boolean().nullish(),
  dnsSettings: z.object({ dnsServers: z.array(ipAddress).nullish() }).nullish(),
});
export const ipConfigurationProps = z.object({
  subnet: ref,
  privateIPAddress: nicPrivateAddress,
  privateIpAddress: nicPrivateAddress,
  applicationSecurityGroups: refList,
  publicIPAddress: ref,
  publicIpAddress: ref,
  loadBalancerBackendAddressPools: refList,
  privateIPAddressVersion: text,
  privateIpAddressVersion: text,
});

export const privateEndpointProps = z.object({
  subnet: ref,
  provisioningState: text,
  privateLinkServiceConnections: nodes,
  manualPrivateLinkServiceConnections: nodes,
  networkInterfaces: refList,
  customDnsConfigs: z
    .array(z.object({ fqdn: text, ipAddresses: z.array(ipAddress).nullish() }))
    .nullish(),
  ipConfigurations: nodes,
});
export const privateEndpointIpConfigurationProps = z.object({ privateIPAddress: ipAddress, privateIpAddress: ipAddress });
export const privateLinkConnectionProps = z.object({
  privateLinkServiceId: text,
  groupIds: z.array(z.string()).nullish(),
  privateLinkServiceConnectionState: z.object({ status: text }).nullish(),
});

export const serviceTagEntryProps = z.object({
  region: text,
  addressPrefixes: z.array(requiredCidr).nullish(),
});

export const profileSchema = z.object({
  roles: z
    .object({
      cyclecloud: z.array(z.string()).nullish(),
      cluster: z.array(z.string()).nullish(),
      returnProxy: z.array(z.string()).nullish(),
    })
    .nullish(),
});
