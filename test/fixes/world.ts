// A small estate built directly in the model (no loader), every name chosen by the test, and one change
// of each kind over it: the renderers' inputs for the hostile-name and syntax tests.
import type { FirewallPolicy, Nsg, RouteTable, RuleCollectionGroup, SecurityRule, Snapshot, Subnet, VirtualNetwork, AzureFirewall } from "../../lib/model/types";
import { withDefaultRules } from "../../lib/snapshot/default-rules";
import type { AzCommand } from "../../lib/fixes/az";
import type { Change } from "../../lib/fixes/types";

export interface Names {
  subscription: string;
  resourceGroup: string;
  vnet: string;
  subnet: string;
  nsg: string;
  rule: string;
  routeTable: string;
  route: string;
  policy: string;
  group: string;
  collection: string;
  delegation: string;
}

export const plainNames = (over: Partial<Names> = {}): Names => ({
  subscription: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-hpc",
  vnet: "vnet-hub",
  subnet: "snet-cc",
  nsg: "nsg-cc",
  rule: "DenyStorage",
  routeTable: "rt-cc",
  route: "to-fw",
  policy: "fwp-hub",
  group: "rcg-lockdown",
  collection: "allow-azure",
  delegation: "netapp",
  ...over,
});

export function rule(name: string, over: Partial<SecurityRule> = {}): SecurityRule {
  return {
    name,
    priority: 200,
    direction: "Outbound",
    access: "Deny",
    protocol: "Tcp",
    sourceAddressPrefixes: ["*"],
    destinationAddressPrefixes: ["Storage"],
    sourcePortRanges: ["*"],
    destinationPortRanges: ["443", "8443"],
    sourceAsgKeys: [],
    destinationAsgKeys: [],
    isDefault: false,
    ...over,
  };
}

export function world(n: Names): { snapshot: Snapshot; subnet: Subnet; changes: Change[] } {
  const rg = `/subscriptions/${n.subscription}/resourceGroups/${n.resourceGroup}/providers/Microsoft.Network`;
  const vnetId = `${rg}/virtualNetworks/${n.vnet}`;
  const nsgId = `${rg}/networkSecurityGroups/${n.nsg}`;
  const rtId = `${rg}/routeTables/${n.routeTable}`;
  const policyId = `${rg}/firewallPolicies/${n.policy}`;
  const fwId = `${rg}/azureFirewalls/fw-classic`;
  const existing = rule(n.rule);
  const nsg: Nsg = { id: nsgId, key: nsgId.toLowerCase(), name: n.nsg, resourceGroup: n.resourceGroup, subscriptionId: n.subscription, securityRules: [existing], defaultSecurityRules: withDefaultRules([]) };
  const subnet: Subnet = {
    id: `${vnetId}/subnets/${n.subnet}`,
    key: `${vnetId}/subnets/${n.subnet}`.toLowerCase(),
    name: n.subnet,
    vnetKey: vnetId.toLowerCase(),
    vnetName: n.vnet,
    subscriptionId: n.subscription,
    resourceGroup: n.resourceGroup,
    addressPrefixes: ["10.0.0.0/24"],
    nsgKey: nsg.key,
    routeTableKey: rtId.toLowerCase(),
    serviceEndpoints: [{ service: "Microsoft.KeyVault", locations: ["westeurope"] }],
    delegations: ["Microsoft.Netapp/volumes"],
    nicKeys: [],
    privateEndpointKeys: [],
    armProperties: {
      addressPrefix: "10.0.0.0/24",
      networkSecurityGroup: { id: nsgId },
      routeTable: { id: rtId },
      serviceEndpoints: [{ service: "Microsoft.KeyVault", locations: ["westeurope"], provisioningState: "Succeeded" }],
      delegations: [{ name: n.delegation, id: `${vnetId}/subnets/${n.subnet}/delegations/${n.delegation}`, properties: { serviceName: "Microsoft.Netapp/volumes", actions: ["Microsoft.Network/networkinterfaces/*"], provisioningState: "Succeeded" } }],
      privateEndpointNetworkPolicies: "Disabled",
      defaultOutboundAccess: false,
      provisioningState: "Succeeded",
    },
  };
  const vnet: VirtualNetwork = { id: vnetId, key: vnetId.toLowerCase(), name: n.vnet, subscriptionId: n.subscription, resourceGroup: n.resourceGroup, location: "westeurope", addressPrefixes: ["10.0.0.0/16"], subnetKeys: [subnet.key], peerings: [] };
  const rt: RouteTable = { id: rtId, key: rtId.toLowerCase(), name: n.routeTable, resourceGroup: n.resourceGroup, subscriptionId: n.subscription, routes: [{ name: n.route, addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.9.4" }] };
  const policy: FirewallPolicy = { id: policyId, key: policyId.toLowerCase(), name: n.policy, dnsProxyEnabled: false, ruleCollectionGroupKeys: [] };
  const groupKey = `${policy.key}/rulecollectiongroups/${n.group.toLowerCase()}`;
  const group: RuleCollectionGroup = {
    id: `${policyId}/ruleCollectionGroups/${n.group}`,
    key: groupKey,
    name: n.group,
    policyKey: policy.key,
    priority: 300,
    ruleCollections: [{ name: `${n.collection}-old`, priority: 200, action: "Allow", kind: "network", rules: [{ kind: "network", name: `${n.rule}-net`, protocols: ["TCP"], sourceAddresses: ["10.0.0.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["AzureMonitor"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["443"] }],
      // As read (lib/snapshot/read-firewall.ts keeps it): a whole-group declaration repeats it, fields the model lacks too.
      raw: { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: `${n.collection}-old`, priority: 200, action: { type: "Allow" }, rules: [{ ruleType: "NetworkRule", name: `${n.rule}-net`, description: `${n.rule} note`, ipProtocols: ["TCP"], sourceAddresses: ["10.0.0.0/24"], destinationAddresses: ["AzureMonitor"], destinationPorts: ["443"] }] } }],
  };
  policy.ruleCollectionGroupKeys.push(groupKey);
  const fw: AzureFirewall = { id: fwId, key: fwId.toLowerCase(), name: "fw-classic", privateIpAddresses: ["10.0.9.4"], subnetKeys: [], publicIpKeys: [], hasManagementIpConfiguration: false, networkRuleCollections: [], applicationRuleCollections: [] };
  const snapshot: Snapshot = {
    vnets: new Map([[vnet.key, vnet]]),
    subnets: new Map([[subnet.key, subnet]]),
    nsgs: new Map([[nsg.key, nsg]]),
    routeTables: new Map([[rt.key, rt]]),
    nics: new Map(),
    asgs: new Map(),
    privateEndpoints: new Map(),
    firewallPolicies: new Map([[policy.key, policy]]),
    ruleCollectionGroups: new Map([[groupKey, group]]),
    firewalls: new Map([[fw.key, fw]]),
  };
  const appCollection = {
    name: n.collection,
    priority: 400,
    action: "Allow" as const,
    kind: "application" as const,
    rules: [{ kind: "application" as const, name: n.rule, protocols: [{ type: "Https", port: 443 }], sourceAddresses: ["10.0.0.0/24"], sourceIpGroupKeys: [], targetFqdns: [`${n.rule}.example.com`], fqdnTags: [], webCategories: [], targetUrls: [] }],
  };
  const changes: Change[] = [
    { kind: "add-rule", nsgKey: nsg.key, rule: rule(`${n.rule}-allow`, { access: "Allow", priority: 150, destinationPortRanges: ["443"] }) },
    { kind: "update-rule", nsgKey: nsg.key, before: existing, after: { ...existing, destinationPortRanges: ["8443"] }, why: "The deny is aimed at this traffic." },
    { kind: "add-service-endpoint", subnetKey: subnet.key, service: "Microsoft.Storage" },
    { kind: "delete-rule", nsgKey: nsg.key, rule: existing, why: "Two fixes opened every port it denied." },
    { kind: "attach-new-nsg", subnetKey: subnet.key, nsgName: `${n.nsg}-new`, rules: [rule(`${n.rule}-a`, { access: "Allow", priority: 100 }), rule(`${n.rule}-b`, { priority: 4000, destinationAddressPrefixes: ["Internet"] })] },
    { kind: "add-route", routeTableKey: rt.key, route: { name: `${n.route}-storage`, addressPrefix: "Storage", nextHopType: "Internet" } },
    { kind: "delete-route", routeTableKey: rt.key, routeName: n.route },
    { kind: "attach-nat-gateway", subnetKey: subnet.key, natGatewayName: `natgw-${n.subnet}`, publicIpName: `pip-${n.subnet}` },
    { kind: "add-firewall-rule-collection", policyKey: policy.key, groupName: n.group, collection: appCollection },
    { kind: "add-firewall-rule-collection", firewallKey: fw.key, groupName: "classic", collection: { ...appCollection, name: `${n.collection}-net`, kind: "network", rules: [{ kind: "network", name: n.rule, protocols: ["TCP"], sourceAddresses: ["10.0.0.0/24"], sourceIpGroupKeys: [], destinationAddresses: ["Storage"], destinationIpGroupKeys: [], destinationFqdns: [], destinationPorts: ["443"] }] } },
  ];
  return { snapshot, subnet, changes };
}

/** The argument vector az receives for a command (what bash or PowerShell must hand over). */
export function expectedArgv(cmd: AzCommand): string[] {
  return [...cmd.command, ...cmd.args.flatMap(([flag, ...values]) => (values.length === 1 && values[0].startsWith("-") ? [`${flag}=${values[0]}`] : [flag, ...values]))];
}
