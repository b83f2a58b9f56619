// Zod schemas for where rules and nodes live (CONTRACT §4.2): scale sets, Azure Virtual Network
// Manager (groups, static members, security admin rule collections and rules), storage account
// network rules and private DNS zone links. Each describes a node's *properties* in either form.
import { z } from "zod";
import { canonicalDirection, isAddressPrefix, isIpv4Address, isPortRange } from "./field-values";
import { ipAddress, leaf, optionalWhere, resourceId, resourceRef, resourceRefList, stringWhere } from "./schemas";

const text = z.string().nullish();
const ref = resourceRef;
const refList = resourceRefList;
const nodes = z.array(z.unknown()).nullish();

export const canonicalOrchestrationMode = (s: string): "Uniform" | "Flexible" | undefined =>
  s.toLowerCase() === "uniform" ? "Uniform" : s.toLowerCase() === "flexible" ? "Flexible" : undefined;

export const scaleSetProps = z.object({
  orchestrationMode: leaf<string | null | undefined>(
    "Uniform or Flexible",
    (v) => v === undefined || v === null || (typeof v === "string" && canonicalOrchestrationMode(v) !== undefined),
  ).optional(),
  virtualMachineProfile: z
    .object({ networkProfile: z.object({ networkInterfaceConfigurations: nodes }).nullish() })
    .nullish(),
});
export const scaleSetNicConfigProps = z.object({
  networkSecurityGroup: ref,
  primary: z.boolean().nullish(),
  enableIPForwarding: z.boolean().nullish(),
  enableIpForwarding: z.boolean().nullish(),
  // The instances' DNS servers, which replace the VNet's as a NIC's own do.
  dnsSettings: z.object({ dnsServers: z.array(ipAddress).nullish() }).nullish(),
  ipConfigurations: nodes,
});
export const scaleSetIpConfigProps = z.object({
  subnet: ref,
  applicationSecurityGroups: refList,
  loadBalancerBackendAddressPools: refList,
  publicIPAddressConfiguration: z.unknown().nullish(),
  publicIpAddressConfiguration: z.unknown().nullish(),
  privateIPAddressVersion: z.string().nullish(),
  privateIpAddressVersion: z.string().nullish(),
});

/**
 * A VM's reference to one of its NICs and whether it is the primary one: ARM (GET, template export, Resource Graph)
 * nests the flag as `properties.primary`; `az vm list` and the Azure SDK (the live read) print it on the entry itself
 * (`primary`, beside `deleteOption`). https://learn.microsoft.com/rest/api/compute/virtual-machines/get#networkinterfacereference
 */
const vmNicRef = z.object({
  id: resourceId,
  primary: z.boolean().nullish(),
  properties: z.object({ primary: z.boolean().nullish() }).nullish(),
});

/**
 * A virtual machine, for what ties it to a scale set and its NICs: `virtualMachineScaleSet.id` (set on a Flexible scale
 * set's instances) and `networkProfile.networkInterfaces[]` (id and `primary`). Everything else of the VM is left unread.
 * https://learn.microsoft.com/rest/api/compute/virtual-machines/get
 */
export const virtualMachineProps = z.object({
  virtualMachineScaleSet: ref,
  networkProfile: z.object({ networkInterfaces: z.array(vmNicRef).nullish() }).nullish(),
});

export const staticMemberProps = z.object({ resourceId: z.string() });

/** A deployment status list entry (no id): the configurations deployed to a region and the state of that deployment. */
export const deploymentStatusEntry = z.object({
  configurationIds: z.array(z.string()),
  deploymentStatus: z.string(),
  deploymentType: z.string().nullish(),
  region: z.string(),
  commitTime: z.string().nullish(),
  /** The network manager whose list holds the entry: the live read adds it (Azure's entries name none). */
  networkManagerId: z.string().regex(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkManagers\/[^/]+$/i, "expected a network manager id such as /subscriptions/…/providers/Microsoft.Network/networkManagers/avnm").nullish(),
});

/** ARM prints these flags as the strings "True"/"False" (effective-connectivity lists) or as booleans. */
const flag = leaf<boolean | string | null | undefined>("true or false", (v) => v === undefined || v === null || typeof v === "boolean" || (typeof v === "string" && /^(true|false)$/i.test(v))).optional();
export const isTrue = (v: unknown) => v === true || (typeof v === "string" && v.toLowerCase() === "true");

/**
 * A connectivity configuration: its topology, hubs and the groups it applies to.
 * https://learn.microsoft.com/rest/api/networkmanager/connectivity-configurations/get
 */
export const connectivityConfigurationProps = z.object({
  connectivityTopology: leaf<string>("Mesh or HubAndSpoke", (v) => typeof v === "string" && /^(mesh|hubandspoke)$/i.test(v)),
  isGlobal: flag,
  hubs: z.array(z.object({ resourceId: z.string().nullish(), resourceType: z.string().nullish() })).nullish(),
  appliesToGroups: z.array(z.object({ networkGroupId: leaf<string>("a network group id such as /subscriptions/…/networkGroups/…", (v) => typeof v === "string" && v.trim() !== ""), groupConnectivity: z.string().nullish(), isGlobal: flag })).nullish(),
});

/** A network manager's scope: subscription ids and management group ids. */
export const networkManagerProps = z.object({
  networkManagerScopes: z
    .object({
      subscriptions: z.array(z.string()).nullish(),
      managementGroups: z.array(z.string()).nullish(),
      // Read-only: the scopes of other tenants the manager reaches through cross-tenant connections.
      crossTenantScopes: z.array(z.object({ subscriptions: z.array(z.string()).nullish(), managementGroups: z.array(z.string()).nullish() })).nullish(),
    })
    .nullish(),
});

/** A security admin configuration: the services with a network intent policy its rules apply to. */
export const securityAdminConfigurationProps = z.object({
  // A value Azure does not take would silently read as None (its rules kept off a SQL MI or Databricks VNet).
  applyOnNetworkIntentPolicyBasedServices: z.array(z.string().refine((v) => /^(none|all|allowrulesonly)$/i.test(v.trim()), { message: "expected None, All or AllowRulesOnly" })).nullish(),
});

export const adminRuleCollectionProps = z.object({
  appliesToGroups: z.array(z.object({ networkGroupId: z.string() })).nullish(),
});

const ADMIN_ACCESS = new Map([
  ["allow", "Allow"],
  ["deny", "Deny"],
  ["alwaysallow", "AlwaysAllow"],
] as const);
export const canonicalAdminAccess = (s: string) => ADMIN_ACCESS.get(s.toLowerCase() as "allow");
// Admin rules spell "any protocol" `Any`, where NSG rules write `*`.
const ADMIN_PROTOCOLS = new Map([
  ["tcp", "Tcp"],
  ["udp", "Udp"],
  ["icmp", "Icmp"],
  ["esp", "Esp"],
  ["ah", "Ah"],
  ["any", "*"],
  ["*", "*"],
] as const);
export const canonicalAdminProtocol = (s: string) => ADMIN_PROTOCOLS.get(s.toLowerCase() as "tcp");

/** A network group's id, which an admin rule names as an address prefix with `addressPrefixType: NetworkGroup`. */
export const NETWORK_GROUP_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkManagers\/[^/]+\/networkGroups\/[^/]+$/i;
/**
 * `addressPrefixType` of an admin rule's address: ARM's AddressPrefixType enum (IPPrefix, ServiceTag, NetworkGroup),
 * read case-insensitively; ARM refuses any other value, so one in a file is a typo or an edited export.
 * https://learn.microsoft.com/rest/api/networkmanager/admin-rules/create-or-update#addressprefixtype
 */
const ADDRESS_PREFIX_TYPES = ["ipprefix", "servicetag", "networkgroup"];
const adminPrefix = z.object({
  addressPrefix: leaf<string>("a CIDR, an IP address, *, a service tag or a network group id", stringWhere((s) => isAddressPrefix(s) || NETWORK_GROUP_ID.test(s.trim()))),
  addressPrefixType: leaf<string | null>("IPPrefix, ServiceTag or NetworkGroup", optionalWhere((s) => ADDRESS_PREFIX_TYPES.includes(s.trim().toLowerCase()))).optional(),
});
const portRange = leaf<string>("a port 0-65535, a range N-M or *", stringWhere((s) => isPortRange(s.trim())));

export const adminRuleProps = z.object({
  priority: leaf<number>("1-4096", (v) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 4096),
  direction: leaf<string>("Inbound or Outbound", stringWhere((s) => canonicalDirection(s) !== undefined)),
  access: leaf<string>("Allow, Deny or AlwaysAllow", stringWhere((s) => canonicalAdminAccess(s) !== undefined)),
  protocol: leaf<string>("one of Tcp, Udp, Icmp, Esp, Ah, Any", stringWhere((s) => canonicalAdminProtocol(s) !== undefined)),
  sources: z.array(adminPrefix).nullish(),
  destinations: z.array(adminPrefix).nullish(),
  sourcePortRanges: z.array(portRange).nullish(),
  destinationPortRanges: z.array(portRange).nullish(),
});
/** An effective-admin-rules list entry: the rule, plus the groups its collection applies to. */
export const effectiveAdminRuleExtras = z.object({
  ruleCollectionAppliesToGroups: z.array(z.object({ networkGroupId: z.string() })).nullish(),
});

const networkRules = z
  .object({
    defaultAction: leaf<string | null | undefined>(
      "Allow or Deny",
      (v) => v === undefined || v === null || (typeof v === "string" && ["allow", "deny"].includes(v.toLowerCase())),
    ).optional(),
    virtualNetworkRules: z
      .array(z.object({ id: text, virtualNetworkResourceId: text, state: text }))
      .nullish(),
    // ARM writes `value`; the storage SDKs and `az` print `iPAddressOrRange` / `ipAddressOrRange`.
    ipRules: z.array(z.object({ value: text, iPAddressOrRange: text, ipAddressOrRange: text })).nullish(),
  })
  .nullish();
/** ARM names the network rules `networkAcls`; `az` and the SDKs print `networkRuleSet`. */
export const storageAccountProps = z.object({ publicNetworkAccess: text, networkAcls: networkRules, networkRuleSet: networkRules });

/**
 * A service endpoint policy: its definitions (sub-resources, in either form), each naming a service and the resource
 * ids it allows. https://learn.microsoft.com/rest/api/virtualnetwork/service-endpoint-policies/get
 */
export const serviceEndpointPolicyProps = z.object({ serviceEndpointPolicyDefinitions: nodes });
export const serviceEndpointPolicyDefinitionProps = z.object({
  service: text,
  serviceResources: z.array(leaf<string>("a resource id such as /subscriptions/<id>/resourceGroups/<rg>", (v) => typeof v === "string" && v.trim().startsWith("/"))).nullish(),
});

export const dnsLinkProps = z.object({ virtualNetwork: ref, virtualNetworkLinkState: text, resolutionPolicy: text });
/**
 * A private DNS zone's A record set: `aRecords[].ipv4Address` (absent when the listing gives the name only). Azure
 * takes only an IPv4 address there (no prefix length), so anything else is an input error, not a stale record.
 * https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/get
 */
export const aRecordSetProps = z.object({
  aRecords: z.array(z.object({ ipv4Address: leaf<string | null>("an IPv4 address such as 10.2.6.4", optionalWhere((s) => isIpv4Address(s.trim()))).optional() })).nullish(),
});
/** A private DNS zone's CNAME record set: `cnameRecord.cname`, the name it points at (absent in a names-only listing). */
export const cnameRecordSetProps = z.object({ cnameRecord: z.object({ cname: text }).nullish() });
