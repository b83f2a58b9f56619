// Readers for where rules and nodes live (CONTRACT §4.2): VM scale sets (the NIC level of every
// instance, running or not), Azure Virtual Network Manager security admin rules, storage account
// network rules, private DNS zones and their links and A records, service endpoint policies.
import type {
  AdminRule,
  AdminRuleCollection,
  ConnectivityConfiguration,
  NetworkGroup,
  NetworkManager,
  PrivateDnsZone,
  SecurityAdminConfiguration,
  ScaleSet,
  ScaleSetNicConfiguration,
  ServiceEndpointPolicy,
  StorageAccount,
} from "@/lib/model/types";
import { keyOf, lastSegment, parentId } from "./arm-id";
import { canonicalDirection } from "./field-values";
import { type ResourceBase, child, refKey, refKeys } from "./read-common";
import {
  adminRuleCollectionProps,
  adminRuleProps,
  canonicalAdminAccess,
  canonicalAdminProtocol,
  canonicalOrchestrationMode,
  aRecordSetProps,
  cnameRecordSetProps,
  connectivityConfigurationProps,
  dnsLinkProps,
  isTrue,
  networkManagerProps,
  securityAdminConfigurationProps,
  scaleSetIpConfigProps,
  scaleSetNicConfigProps,
  scaleSetProps,
  serviceEndpointPolicyDefinitionProps,
  serviceEndpointPolicyProps,
  staticMemberProps,
  storageAccountProps,
} from "./schemas-placement";
import { skuShape } from "./schemas-path";
import { type ArmNode, type JsonPath, inputError, nodeName, parseWith, readNode } from "./validate";
import { describeValue, expectedMessage } from "./describe-value";
import { ipVersion } from "./read-others";

/** The parent resource's key (`levels` `/<type>/<name>` pairs up), for child resources that name their parent only in their id. */
export const parentKeyOf = (id: string, levels = 1): string => keyOf(parentId(id, levels) ?? "");

function readScaleSetNicConfig(value: unknown, file: string, at: JsonPath): ScaleSetNicConfiguration {
  const node = readNode(value, file, at);
  const p = parseWith(scaleSetNicConfigProps, node.props, file, node.propsAt);
  const config: ScaleSetNicConfiguration = {
    name: nodeName(node, file, at, ""),
    ipConfigurations: (p.ipConfigurations ?? []).map((ipValue, i) => {
      const ipAt = child(node.propsAt, "ipConfigurations", i);
      const ipNode = readNode(ipValue, file, ipAt);
      const ip = parseWith(scaleSetIpConfigProps, ipNode.props, file, ipNode.propsAt);
      const publicIp = ip.publicIPAddressConfiguration ?? ip.publicIpAddressConfiguration;
      const out: ScaleSet["nicConfigurations"][number]["ipConfigurations"][number] = {
        name: nodeName(ipNode, file, ipAt, ""),
        asgKeys: refKeys(ip.applicationSecurityGroups),
        lbBackendPoolKeys: refKeys(ip.loadBalancerBackendAddressPools),
        hasPublicIp: publicIp !== undefined && publicIp !== null,
      };
      // ARM creates no scale set whose IP configuration names no subnet: each instance's NIC joins that subnet. Read
      // without one, the configuration (and the NIC NSG whose deny decides a flow) would silently belong nowhere.
      // https://learn.microsoft.com/rest/api/compute/virtual-machine-scale-sets/get#virtualmachinescalesetipconfiguration
      const subnetKey = refKey(ip.subnet);
      if (!subnetKey) throw inputError(file, [...ipNode.propsAt, "subnet"], `expected the subnet its instances' NICs join ({"id": "<subnet id>"}), got ${describeValue(ip.subnet)}`);
      out.subnetKey = subnetKey;
      const version = ipVersion(ip.privateIPAddressVersion ?? ip.privateIpAddressVersion);
      if (version) out.privateIpAddressVersion = version;
      const publicVersion = ipVersion(publicIpConfigurationVersion(publicIp));
      if (publicVersion) out.publicIpAddressVersion = publicVersion;
      return out;
    }),
  };
  const nsgKey = refKey(p.networkSecurityGroup);
  if (nsgKey) config.nsgKey = nsgKey;
  if (typeof p.primary === "boolean") config.primary = p.primary;
  const forwarding = p.enableIPForwarding ?? p.enableIpForwarding;
  if (typeof forwarding === "boolean") config.enableIpForwarding = forwarding;
  const dnsServers = (p.dnsSettings?.dnsServers ?? []).map((s) => s?.trim() ?? "").filter(Boolean);
  if (dnsServers.length) config.dnsServers = dnsServers;
  return config;
}

/** `publicIPAddressConfiguration.properties.publicIPAddressVersion` (or `az`'s `publicIpAddressVersion`, flattened or not), when a string. */
function publicIpConfigurationVersion(config: unknown): string | undefined {
  if (!config || typeof config !== "object") return undefined;
  const c = config as Record<string, unknown>;
  const props = c.properties && typeof c.properties === "object" ? (c.properties as Record<string, unknown>) : c;
  const v = props.publicIPAddressVersion ?? props.publicIpAddressVersion;
  return typeof v === "string" ? v : undefined;
}

/**
 * A scale set, Uniform or Flexible (absent: read as Uniform with `orchestrationModeDefaulted`, and judged both ways
 * where the mode decides, lib/path/outbound.ts). Its network
 * profile is what every instance's NICs get
 * (https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-networking).
 */
export function readScaleSet(node: ArmNode, base: ResourceBase, file: string, at: JsonPath): ScaleSet {
  const p = parseWith(scaleSetProps, node.props, file, node.propsAt);
  const profileAt = [...node.propsAt, "virtualMachineProfile", "networkProfile"];
  const scaleSet: ScaleSet = {
    id: base.id,
    key: base.key,
    name: base.name,
    resourceGroup: base.resourceGroup,
    subscriptionId: base.subscriptionId,
    orchestrationMode: p.orchestrationMode ? canonicalOrchestrationMode(p.orchestrationMode)! : "Uniform",
    ...(p.orchestrationMode ? {} : { orchestrationModeDefaulted: true as const }),
    nicConfigurations: (p.virtualMachineProfile?.networkProfile?.networkInterfaceConfigurations ?? []).map((value, i) =>
      readScaleSetNicConfig(value, file, child(profileAt, "networkInterfaceConfigurations", i)),
    ),
  };
  const sku = node.raw.sku;
  if (sku !== undefined && sku !== null) {
    const capacity = parseWith(skuShape, sku, file, [...at, "sku"])?.capacity;
    if (typeof capacity === "number") scaleSet.capacity = capacity;
  }
  return scaleSet;
}

/**
 * A Virtual Network Manager: its identity (its groups and configurations name it in their ids) and, where the input
 * shows it, its scope (`networkManagerScopes`, with its `crossTenantScopes`): subscriptions as bare lower-case ids,
 * management groups as lower-case names. https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope
 */
export function readNetworkManager(node: ArmNode, base: ResourceBase, file: string): NetworkManager {
  const scopes = parseWith(networkManagerProps, node.props, file, node.propsAt).networkManagerScopes;
  const manager: NetworkManager = { id: base.id, key: base.key, name: base.name };
  if (scopes) {
    // A subscription or management group of another tenant reached through a cross-tenant connection is in scope as
    // one of the manager's own tenant is (https://learn.microsoft.com/azure/virtual-network-manager/concept-cross-tenant).
    const all = [scopes, ...(scopes.crossTenantScopes ?? [])];
    manager.scopes = {
      subscriptions: all.flatMap((x) => x.subscriptions ?? []).map((s) => s.trim().replace(/^\/?subscriptions\//i, "").replace(/\/+$/, "").toLowerCase()),
      managementGroups: all.flatMap((x) => x.managementGroups ?? []).map((g) => lastSegment(g.trim().replace(/\/+$/, "")).toLowerCase()),
    };
  }
  return manager;
}

/** A security admin configuration: which services with a network intent policy its rules apply to (absent: `None`). */
export function readSecurityAdminConfiguration(node: ArmNode, base: ResourceBase, file: string): SecurityAdminConfiguration {
  const p = parseWith(securityAdminConfigurationProps, node.props, file, node.propsAt);
  return { id: base.id, key: base.key, name: base.name, applyOnNetworkIntentPolicyBasedServices: (p.applyOnNetworkIntentPolicyBasedServices ?? []).map((v) => v.trim()) };
}

/** A network group; its static members are attached after loading. */
export function readNetworkGroup(_node: ArmNode, base: ResourceBase): NetworkGroup {
  return { id: base.id, key: base.key, name: base.name, networkManagerKey: parentKeyOf(base.id), memberVnetKeys: [] };
}

/** A static member: which group (from its id) holds which VNet (`resourceId`). */
export function readStaticMember(node: ArmNode, base: ResourceBase, file: string): { groupId: string; vnetKey: string } {
  const p = parseWith(staticMemberProps, node.props, file, node.propsAt);
  return { groupId: parentId(base.id) ?? "", vnetKey: keyOf(p.resourceId) };
}

/** A security admin rule collection and the network groups it applies to. */
export function readAdminRuleCollection(node: ArmNode, base: ResourceBase, file: string): AdminRuleCollection {
  const p = parseWith(adminRuleCollectionProps, node.props, file, node.propsAt);
  return collectionFromId(base.id, base.name, (p.appliesToGroups ?? []).map((g) => keyOf(g.networkGroupId)));
}

/** `.../networkManagers/m/securityAdminConfigurations/c/ruleCollections/rc` → the collection, its configuration and manager. */
export function collectionFromId(id: string, name: string, appliesToGroupKeys: string[]): AdminRuleCollection {
  const configurationId = parentId(id) ?? "";
  return {
    id,
    key: keyOf(id),
    name,
    networkManagerKey: parentKeyOf(id, 2),
    configurationKey: keyOf(configurationId),
    configurationName: lastSegment(configurationId),
    appliesToGroupKeys,
  };
}

const addressesOf = (list: ReadonlyArray<{ addressPrefix: string }> | null | undefined): string[] => {
  const out = (list ?? []).map((item) => item.addressPrefix.trim());
  // An admin rule without sources or destinations applies to any address, as the portal's `*`.
  return out.length ? out : ["*"];
};
const portsOf = (list: ReadonlyArray<string> | null | undefined): string[] => {
  const out = (list ?? []).map((item) => item.trim());
  return out.length ? out : ["*"];
};

/**
 * A security admin rule (`kind` Custom, or Default with its `flag`, whose fields Azure fills in
 * read-only and which are read the same way). Protocol `Any` becomes `*` as in NSG rules
 * (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins).
 */
export function readAdminRule(node: ArmNode, base: ResourceBase, file: string, at: JsonPath): AdminRule {
  const rawKind = node.raw.kind;
  let kind: AdminRule["kind"] = "Custom";
  if (typeof rawKind === "string" && rawKind.toLowerCase() === "default") kind = "Default";
  else if (rawKind !== undefined && rawKind !== null && !(typeof rawKind === "string" && rawKind.toLowerCase() === "custom")) {
    throw inputError(file, [...at, "kind"], expectedMessage("Custom or Default", rawKind));
  }
  const p = parseWith(adminRuleProps, node.props, file, node.propsAt);
  return {
    id: base.id,
    key: base.key,
    name: base.name,
    collectionKey: parentKeyOf(base.id),
    kind,
    priority: p.priority,
    direction: canonicalDirection(p.direction)!,
    access: canonicalAdminAccess(p.access)!,
    protocol: canonicalAdminProtocol(p.protocol)!,
    sources: addressesOf(p.sources),
    destinations: addressesOf(p.destinations),
    sourcePortRanges: portsOf(p.sourcePortRanges),
    destinationPortRanges: portsOf(p.destinationPortRanges),
  };
}

/**
 * A storage account's network rules: `publicNetworkAccess`, `defaultAction`, the subnets of its virtual network
 * rules, its IP rules and its region (https://learn.microsoft.com/azure/storage/common/storage-network-security).
 */
export function readStorageAccount(node: ArmNode, base: ResourceBase, file: string): StorageAccount {
  const p = parseWith(storageAccountProps, node.props, file, node.propsAt);
  const acls = p.networkAcls ?? p.networkRuleSet;
  const account: StorageAccount = {
    id: base.id,
    key: base.key,
    name: base.name,
    virtualNetworkRules: (acls?.virtualNetworkRules ?? [])
      .map((rule) => {
        const subnetId = rule.id || rule.virtualNetworkResourceId;
        const out: StorageAccount["virtualNetworkRules"][number] = { subnetKey: subnetId ? keyOf(subnetId) : "" };
        if (rule.state) out.state = rule.state;
        return out;
      })
      .filter((rule) => rule.subnetKey),
    ipRules: (acls?.ipRules ?? []).map((rule) => rule.value || rule.iPAddressOrRange || rule.ipAddressOrRange).filter((v): v is string => !!v),
  };
  if (base.location) account.location = base.location.toLowerCase().replace(/\s+/g, "");
  if (p.publicNetworkAccess) account.publicNetworkAccess = p.publicNetworkAccess;
  const defaultAction = acls?.defaultAction?.toLowerCase();
  if (defaultAction) account.defaultAction = defaultAction === "allow" ? "Allow" : "Deny";
  return account;
}

/**
 * A service endpoint policy with its definitions (`serviceEndpointPolicyDefinitions[]`, in either form): each
 * definition's service and `serviceResources` ids.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview
 */
export function readServiceEndpointPolicy(node: ArmNode, base: ResourceBase, file: string): ServiceEndpointPolicy {
  const p = parseWith(serviceEndpointPolicyProps, node.props, file, node.propsAt);
  const definitions = (p.serviceEndpointPolicyDefinitions ?? []).map((raw, i) => {
    const at = child(node.propsAt, "serviceEndpointPolicyDefinitions", i);
    const def = readNode(raw, file, at);
    const d = parseWith(serviceEndpointPolicyDefinitionProps, def.props, file, def.propsAt);
    return { name: nodeName(def, file, at, ""), service: d.service ?? "", serviceResources: (d.serviceResources ?? []).map((r) => r.trim()) };
  });
  return { id: base.id, key: base.key, name: base.name, definitions };
}

/** A private DNS zone; its links and A record sets (child resources) are attached after loading. */
export function readPrivateDnsZone(_node: ArmNode, base: ResourceBase): PrivateDnsZone {
  return { id: base.id, key: base.key, name: base.name, links: [], aRecords: [] };
}

/**
 * A zone's A record set: the zone (from the set's id), its relative name (lower-cased) and the IPv4 addresses it
 * answers with, undefined when the input gives none (a listing of names only). Bad `aRecords` is an input error
 * naming the file and path. https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 */
export function readARecordSet(node: ArmNode, base: ResourceBase, file: string): { zoneId: string; name: string; addresses?: string[] } {
  const p = parseWith(aRecordSetProps, node.props, file, node.propsAt);
  const out: { zoneId: string; name: string; addresses?: string[] } = { zoneId: parentId(base.id) ?? "", name: base.name.toLowerCase() };
  if (p.aRecords) out.addresses = p.aRecords.map((r) => r.ipv4Address?.trim() ?? "").filter((a) => a);
  return out;
}

/**
 * A zone's CNAME record set: the zone, its relative name and the name it points at (lower-cased, without a trailing
 * dot), undefined when the input gives no target (a listing of names only). Azure DNS follows it for the client.
 * https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/get
 */
export function readCnameRecordSet(node: ArmNode, base: ResourceBase, file: string): { zoneId: string; name: string; target?: string } {
  const p = parseWith(cnameRecordSetProps, node.props, file, node.propsAt);
  const out: { zoneId: string; name: string; target?: string } = { zoneId: parentId(base.id) ?? "", name: base.name.toLowerCase() };
  const target = p.cnameRecord?.cname?.trim().toLowerCase().replace(/\.$/, "");
  if (target) out.target = target;
  return out;
}

/** A zone's virtual network link: the zone (from the link's id) and the VNet it resolves for. */
export function readDnsLink(node: ArmNode, base: ResourceBase, file: string): { zoneId: string; link: PrivateDnsZone["links"][number] } | undefined {
  const p = parseWith(dnsLinkProps, node.props, file, node.propsAt);
  const vnetKey = refKey(p.virtualNetwork);
  if (!vnetKey) return undefined;
  const link: PrivateDnsZone["links"][number] = { name: base.name, vnetKey };
  if (p.virtualNetworkLinkState) link.state = p.virtualNetworkLinkState;
  if (p.resolutionPolicy) link.resolutionPolicy = p.resolutionPolicy;
  return { zoneId: parentId(base.id) ?? "", link };
}

/**
 * A connectivity configuration: topology, whether it spans regions, hub VNets, and per group whether its spokes are
 * directly connected. https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
 */
export function readConnectivityConfiguration(node: ArmNode, base: ResourceBase, file: string): ConnectivityConfiguration {
  const p = parseWith(connectivityConfigurationProps, node.props, file, node.propsAt);
  return {
    id: base.id,
    key: base.key,
    name: base.name,
    networkManagerKey: parentKeyOf(base.id),
    topology: p.connectivityTopology.toLowerCase() === "mesh" ? "Mesh" : "HubAndSpoke",
    isGlobal: isTrue(p.isGlobal),
    hubVnetKeys: (p.hubs ?? []).flatMap((h) => (h.resourceId && /\/virtualnetworks\//i.test(h.resourceId) ? [keyOf(h.resourceId)] : [])),
    appliesToGroups: (p.appliesToGroups ?? []).map((g) => ({ groupKey: keyOf(g.networkGroupId), directlyConnected: (g.groupConnectivity ?? "").toLowerCase() === "directlyconnected", isGlobal: isTrue(g.isGlobal) })),
  };
}
