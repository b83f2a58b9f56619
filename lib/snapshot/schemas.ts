// Zod schemas for the fields of each resource and sub-resource, built once at module load
// (zod 4 compiles object schemas on first use; rebuilding them per call would be slow).
// Each schema describes the *properties* of a node: `node.properties` in the ARM REST form,
// the node itself in the flattened form that `az` and the SDKs print. The reader picks which.
import { z } from "zod";
import { describeValue } from "./describe-value";
import {
  canonicalAccess,
  canonicalDirection,
  canonicalProtocol,
  isAddressPrefix,
  isCidr,
  isPortRange,
} from "./field-values";

/**
 * A field checked by `check`, with the one-line message users see: `expected <what>, got <value>`.
 * Optional leaves read null, undefined and "" (all of which Azure prints for "not set") as absent.
 */
function leaf<T>(expected: string, check: (value: unknown) => T | undefined, optional: boolean) {
  return z.unknown().transform((value, ctx): T | undefined => {
    if (optional && (value === undefined || value === null || value === "")) return undefined;
    const out = check(value);
    if (out === undefined) {
      ctx.issues.push({ code: "custom", message: `expected ${expected}, got ${describeValue(value)}`, input: value });
      return z.NEVER;
    }
    return out;
  });
}

const asString = <T>(f: (s: string) => T | undefined) => (v: unknown) => (typeof v === "string" ? f(v) : undefined);
const when = (ok: (s: string) => boolean) => asString((s) => (ok(s) ? s : undefined));

export const priority = (min: number, max: number) =>
  leaf(`${min}-${max}`, (v) => (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : undefined), false);
const direction = leaf("Inbound or Outbound", asString(canonicalDirection), false);
const access = leaf("Allow or Deny", asString(canonicalAccess), false);
const protocol = leaf("one of Tcp, Udp, Icmp, Esp, Ah, *", asString(canonicalProtocol), false);

const ADDRESS = "a CIDR, an IP address, * or a service tag";
const PORT = "a port 0-65535, a range N-M or *";
const addressPrefix = leaf(ADDRESS, when(isAddressPrefix), true);
const portRange = leaf(PORT, when(isPortRange), true);
const cidr = leaf("a CIDR such as 10.0.0.0/24", when(isCidr), true);
const requiredCidr = leaf("a CIDR such as 10.0.0.0/24", when(isCidr), false);
const routePrefix = leaf("a CIDR or a service tag", when(isAddressPrefix), false);

const text = z.string().nullish();
const ref = z.object({ id: z.string() }).nullish();
const refList = z.array(z.object({ id: z.string() })).nullish();
/** Sub-resources are validated one by one by the reader, which knows their form. */
const nodes = z.array(z.unknown()).nullish();

/** Top-level fields shared by every resource, in either form. */
export const resourceEnvelope = z.object({
  id: z.string(),
  name: text,
  type: z.string(),
  location: text,
  resourceGroup: text,
});

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
  });
export const customRuleProps = ruleShape(100, 4096);
export const defaultRuleProps = ruleShape(65000, 65500);
export type RuleProps = z.infer<typeof customRuleProps>;

export const nsgProps = z.object({ securityRules: nodes, defaultSecurityRules: nodes });

export const subnetProps = z.object({
  addressPrefix: cidr,
  addressPrefixes: z.array(cidr).nullish(),
  networkSecurityGroup: ref,
  routeTable: ref,
  serviceEndpoints: nodes,
  delegations: nodes,
  privateEndpoints: refList,
});
export type SubnetProps = z.infer<typeof subnetProps>;

export const serviceEndpointProps = z.object({
  service: z.string(),
  locations: z.array(z.string()).nullish(),
  provisioningState: text,
});

export const delegationProps = z.object({ serviceName: text });

const addressSpace = z.object({ addressPrefixes: z.array(requiredCidr).nullish() }).nullish();

export const vnetProps = z.object({ addressSpace, subnets: nodes, virtualNetworkPeerings: nodes });

export const peeringProps = z.object({
  remoteVirtualNetwork: ref,
  allowVirtualNetworkAccess: z.boolean().nullish(),
  remoteAddressSpace: addressSpace,
  remoteVirtualNetworkAddressSpace: addressSpace,
  peeringState: text,
});

export const routeTableProps = z.object({ routes: nodes });
export const routeProps = z.object({ addressPrefix: routePrefix, nextHopType: z.string(), nextHopIpAddress: text });

export const nicProps = z.object({ networkSecurityGroup: ref, ipConfigurations: nodes });
export const ipConfigurationProps = z.object({
  subnet: ref,
  privateIPAddress: text,
  applicationSecurityGroups: refList,
});

export const privateEndpointProps = z.object({
  subnet: ref,
  provisioningState: text,
  privateLinkServiceConnections: nodes,
  manualPrivateLinkServiceConnections: nodes,
});
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
