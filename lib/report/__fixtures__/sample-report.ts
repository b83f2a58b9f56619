// A hand-made report in the shape lib/audit produces: one subnet per role, every status, and the awkward
// characters (commas, quotes, newlines, formula prefixes) a renderer must survive.
import type { Report } from "../types";

const SUB = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hpc/providers/Microsoft.Network";
export const CC_SUBNET = `${SUB}/virtualNetworks/vnet-hub/subnets/cyclecloud`;
export const CLUSTER_SUBNET = `${SUB}/virtualNetworks/vnet-hub/subnets/compute`;
export const PROXY_SUBNET = `${SUB}/virtualNetworks/vnet-hub/subnets/proxy`;
export const OTHER_SUBNET = `${SUB}/virtualNetworks/vnet-spoke/subnets/=HYPERLINK("x")`;
const CC_NSG = `${SUB}/networkSecurityGroups/nsg-cyclecloud`;
const CLUSTER_NSG = `${SUB}/networkSecurityGroups/nsg-compute`;

export function sampleReport(linkPrefix = "/scans/s1"): Report {
  return {
    generatedAt: "2025-11-20T10:00:00.000Z",
    capturedAt: "2025-11-20T09:55:00.000Z",
    sources: ["vnets.json", "nsgs.json"],
    summary: { subnets: 4, pass: 1, warn: 1, fail: 1, unscoped: 1 },
    subnets: [
      {
        id: CC_SUBNET,
        name: "cyclecloud",
        vnet: "vnet-hub",
        role: "cyclecloud",
        status: "fail",
        subscriptionId: "00000000-1111-2222-3333-444444444444",
        resourceGroup: "rg-hpc",
        addressPrefixes: ["10.0.0.0/24"],
        nsg: CC_NSG,
        routeTable: null,
        serviceEndpoints: [],
        nics: [{ id: `${SUB}/networkInterfaces/cc-nic`, name: "cc-nic", nsg: null }],
        findings: [
          {
            id: "f-cc-storage",
            rule: "CC-EGRESS-STORAGE",
            status: "fail",
            title: "CycleCloud cannot reach Azure Storage on TCP 443",
            detail: "Outbound TCP 443 to Storage from cyclecloud is denied by rule BlockOutbound (4000), \"Internet\" deny, before any allow.",
            requirement: "Azure CycleCloud must be able to access Azure Storage accounts.",
            severity: "high",
            evidence: [
              { nsg: CC_NSG, rule: "AllowHttpsIn", priority: 200, access: "Allow", direction: "Inbound", level: "subnet" },
              { nsg: CC_NSG, rule: "BlockOutbound", priority: 4000, access: "Deny", direction: "Outbound", level: "subnet" },
            ],
            fixes: [
              { kind: "az-cli", text: "az network nsg rule create -g rg-hpc --nsg-name nsg-cyclecloud -n AllowAzureStorage --priority 100 --direction Outbound --access Allow --protocol Tcp --destination-address-prefixes Storage --destination-port-ranges 443" },
              { kind: "bicep", text: "resource rule 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01' = {\n  name: 'nsg-cyclecloud/AllowAzureStorage'\n}" },
              { kind: "terraform", text: "resource \"azurerm_network_security_rule\" \"allow_storage\" {\n  priority = 100\n}" },
              { kind: "portal", text: "1. Open nsg-cyclecloud.\n2. Add an outbound rule: priority 100, TCP 443, destination Storage, Allow." },
            ],
            link: `${linkPrefix}/findings/f-cc-storage`,
          },
          {
            id: "f-cc-aad",
            rule: "CC-EGRESS-AAD",
            status: "pass",
            title: "CycleCloud reaches Azure AD on TCP 443",
            detail: "Allowed by AllowActiveDirectory (101).",
            evidence: [{ nsg: CC_NSG, rule: "AllowActiveDirectory", priority: 101, access: "Allow", direction: "Outbound", level: "subnet" }],
            fixes: [],
            link: `${linkPrefix}/findings/f-cc-aad`,
          },
          {
            id: "f-cc-github",
            rule: "CC-GITHUB-STAGING",
            status: "info",
            title: "GitHub is not reachable: stage projects by hand",
            detail: "-Outbound 443 to the Internet is blocked; projects must be staged.",
            evidence: [],
            fixes: [{ kind: "portal", text: "Download the release artifacts on another machine and copy them to /opt/cycle_server/work/staging/projects." }],
            link: `${linkPrefix}/findings/f-cc-github`,
          },
        ],
      },
      {
        id: CLUSTER_SUBNET,
        name: "compute",
        vnet: "vnet-hub",
        role: "cluster",
        status: "warn",
        addressPrefixes: ["10.0.1.0/24"],
        nsg: CLUSTER_NSG,
        routeTable: `${SUB}/routeTables/rt-compute`,
        serviceEndpoints: ["Microsoft.Storage"],
        nics: [],
        findings: [
          {
            id: "f-node-amqp",
            rule: "NODE-EGRESS-AMQP",
            status: "warn",
            title: "Cluster nodes reach CycleCloud AMQP only in part",
            detail: "Outbound TCP 5672 to 10.0.0.0/24 is allowed for 10.0.0.0/25, denied for 10.0.0.128/25, by DenyHalf (300).",
            evidence: [{ nsg: CLUSTER_NSG, rule: "DenyHalf", priority: 300, access: "Deny", direction: "Outbound", level: "nic", nic: "node-nic-1" }],
            fixes: [{ kind: "az-cli", text: "az network nsg rule create --priority 299 ..." }],
            link: `${linkPrefix}/findings/f-node-amqp`,
          },
          {
            id: "f-node-storage",
            rule: "NODE-EGRESS-STORAGE",
            status: "pass",
            title: "Cluster nodes reach Azure Storage",
            detail: "Allowed by AllowInternetOutBound (65001).",
            evidence: [{ nsg: CLUSTER_NSG, rule: "AllowInternetOutBound", priority: 65001, access: "Allow", direction: "Outbound", level: "subnet", isDefault: true }],
            fixes: [],
            link: `${linkPrefix}/findings/f-node-storage`,
          },
        ],
      },
      {
        id: PROXY_SUBNET,
        name: "proxy",
        vnet: "vnet-hub",
        role: "returnProxy",
        status: "pass",
        findings: [
          {
            id: "f-rp-ssh",
            rule: "RP-SSH",
            status: "pass",
            title: "CycleCloud reaches the return proxy on SSH",
            detail: "Allowed both ends.",
            evidence: [],
            fixes: [],
            link: `${linkPrefix}/findings/f-rp-ssh`,
          },
        ],
      },
      { id: OTHER_SUBNET, name: '=HYPERLINK("x")', vnet: "vnet-spoke", role: null, status: "unscoped", findings: [] },
    ],
  };
}

const FIREWALL = `${SUB}/azureFirewalls/azfw-hub`;
const FIREWALL_POLICY = `${SUB}/firewallPolicies/fwp-hub`;
const ROUTE_TABLE = `${SUB}/routeTables/rt-hub`;
const NETWORK_MANAGER = `${SUB}/networkManagers/avnm-central`;
export const PATH_DEPLOYMENT = "prod-weu";

/**
 * sampleReport with the path model of CONTRACT §4.1 filled in, as the engine reports it: a CycleCloud finding decided
 * by an admin rule, an NSG, a route to a hub Azure Firewall and "no rule matched: denied"; a cluster finding through
 * a firewall application rule and a NAT gateway; effective routes, outbound methods, a scale set, a deployment, gaps.
 */
export function pathSampleReport(linkPrefix = "/scans/s1"): Report {
  const report = sampleReport(linkPrefix);
  const [cc, cluster, proxy] = report.subnets;
  for (const s of [cc, cluster, proxy]) s.deployment = PATH_DEPLOYMENT;
  report.deployments = [
    { name: PATH_DEPLOYMENT, cyclecloud: ["vnet-hub/cyclecloud"], cluster: ["vnet-hub/compute"], returnProxy: ["vnet-hub/proxy"], cyclecloudServer: [], proxy: undefined },
  ];
  report.gaps = {
    ignoredTypes: [{ type: "Microsoft.Compute/virtualMachines", count: 3 }],
    unresolved: [{ from: CLUSTER_SUBNET, kind: "networkSecurityGroup", ref: `${SUB}/networkSecurityGroups/nsg-missing`, hint: "add `az network nsg list`" }],
  };
  cc.routeTable = ROUTE_TABLE;
  cc.outbound = { method: "firewall-public-ip", resource: FIREWALL, detail: "Internet-bound traffic leaves through azfw-hub's public IP." };
  cc.effectiveRoutes = [
    { source: "Default", state: "Active", addressPrefix: "10.0.0.0/16", nextHopType: "VnetLocal" },
    { source: "User", state: "Active", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.1.4", routeTable: ROUTE_TABLE, route: "to-firewall", nextHop: FIREWALL },
    { source: "Default", state: "Invalid", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" },
  ];
  cc.findings.push({
    id: "f-cc-arm",
    rule: "CC-EGRESS-ARM",
    status: "fail",
    title: "CycleCloud cannot reach Azure Resource Manager (TCP 443)",
    detail: "Outbound HTTPS to management.azure.com is routed to azfw-hub (route to-firewall), where no rule allows it: denied.",
    severity: "high",
    evidence: [
      { stage: "admin-rule", networkManager: NETWORK_MANAGER, configuration: "cfg-baseline", collection: "rc-egress", rule: "allow-azure-443", id: `${NETWORK_MANAGER}/securityAdminConfigurations/cfg-baseline/ruleCollections/rc-egress/rules/allow-azure-443`, priority: 10, access: "Allow", direction: "Outbound" },
      { nsg: CC_NSG, rule: "AllowAzureRM", priority: 103, access: "Allow", direction: "Outbound", level: "subnet" },
      { stage: "route", routeTable: ROUTE_TABLE, route: "to-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.1.4", nextHop: FIREWALL, source: "User" },
      { stage: "firewall", firewall: FIREWALL, policy: FIREWALL_POLICY, action: "Deny", kind: "application", fqdn: "management.azure.com" },
    ],
    fixes: [{ kind: "az-cli", text: "az network firewall policy rule-collection-group collection add-filter-collection -g rg-hpc --policy-name fwp-hub --rcg-name rcg-cyclecloud -n allow-arm --collection-priority 200 --action Allow --rule-name arm --rule-type ApplicationRule --protocols Https=443 --source-addresses 10.0.0.0/24 --target-fqdns management.azure.com" }],
    link: `${linkPrefix}/findings/f-cc-arm`,
  });
  cluster.outbound = { method: "nat-gateway", resource: `${SUB}/natGateways/natgw-compute`, detail: "NAT gateway natgw-compute with 1 public IP." };
  cluster.scaleSets = [{ id: `${SUB.replace("Microsoft.Network", "Microsoft.Compute")}/virtualMachineScaleSets/vmss-hpc`, name: "vmss-hpc", nsg: CLUSTER_NSG, orchestrationMode: "Uniform" }];
  cluster.effectiveRoutes = [
    { source: "Default", state: "Active", addressPrefix: "10.0.0.0/16", nextHopType: "VnetLocal" },
    { source: "Default", state: "Active", addressPrefix: "Storage", nextHopType: "VirtualNetworkServiceEndpoint" },
    { source: "Default", state: "Active", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" },
  ];
  const storage = cluster.findings.find((f) => f.rule === "NODE-EGRESS-STORAGE")!;
  storage.evidence = [
    ...storage.evidence,
    { stage: "route", routeTable: null, route: "Default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet", source: "Default" },
    { stage: "firewall", firewall: FIREWALL, policy: FIREWALL_POLICY, ruleCollectionGroup: "rcg-cyclecloud", ruleCollection: "allow-azure", rule: "storage-blob", action: "Allow", kind: "application", fqdn: "*.blob.core.windows.net" },
    { stage: "outbound", method: "nat-gateway", resource: `${SUB}/natGateways/natgw-compute` },
  ];
  return report;
}
