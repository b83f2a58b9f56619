// The resources of the generated estate that decide where a packet goes and where rules and nodes
// live (CONTRACT §1.1, §4.1, §4.2), each cloned from a real ARM example body (arm-templates/) and
// re-labelled. Per subscription: a NAT gateway and its public IP on the CycleCloud subnet, a storage
// account that admits that subnet, three CycleCloud-style scale sets (Uniform with instances,
// Uniform at capacity 0, Flexible with one instance: a VM naming it and an ordinary NIC), and the VMs. In the hub (subscription 0): an Azure Firewall with a policy, its
// rule collection groups and an IP group, a load balancer with an outbound rule, an Azure Virtual
// Network Manager whose security admin rules apply to every VNet, and the blob private DNS zone linked
// to every VNet with an A record per storage account.
import { ETAG, namesOf, rid, template, vnetIdOf, type ArmResource, type Names } from "./scenario-common";

const NET = "Microsoft.Network";

/** The subscription-wide lists this module fills. */
export const PATH_LIST_TYPES = [
  "natGateways",
  "publicIPAddresses",
  "loadBalancers",
  "azureFirewalls",
  "firewallPolicies",
  "ipGroups",
  "networkManagers",
  "virtualMachineScaleSets",
  "virtualMachines",
  "storageAccounts",
  "privateDnsZones",
  "serviceEndpointPolicies",
  // Empty in a generated estate (a hub-and-spoke of peered VNets); a test adds a Virtual WAN hub and its child lists.
  "virtualHubs",
] as const;
export type PathListType = (typeof PATH_LIST_TYPES)[number];

export const PATH_LIST_PROVIDERS: Record<PathListType, string> = {
  natGateways: NET,
  publicIPAddresses: NET,
  loadBalancers: NET,
  azureFirewalls: NET,
  firewallPolicies: NET,
  ipGroups: NET,
  networkManagers: NET,
  virtualMachineScaleSets: "Microsoft.Compute",
  virtualMachines: "Microsoft.Compute",
  storageAccounts: "Microsoft.Storage",
  privateDnsZones: NET,
  serviceEndpointPolicies: NET,
  virtualHubs: NET,
};

export interface PathContext {
  index: number;
  subscriptions: number;
  regions: readonly string[];
  n: Names;
  subnetId: (j: number) => string;
  /** The subnet the scale sets' instances join (a cluster subnet when there is one). */
  clusterSubnet: number;
  computeNsgId: string;
  storageId: string;
}

export interface PathResources {
  lists: Record<PathListType, ArmResource[]>;
  /** Child collections, by their list path (`<parent id>/<child type>`), empty ones included. */
  children: Record<string, ArmResource[]>;
  /** NICs of Flexible scale set instances: ordinary NICs, which `networkInterfaces.listAll` returns with the others. */
  nics: ArmResource[];
}

export const natGatewayIdOf = (n: Names, index: number) => rid(n, NET, `natGateways/nat-hpc-${index}`);
/** The hub firewall's private IP: the next hop of the spokes' default routes. */
export const HUB_FIREWALL_IP = "10.0.255.4";
export const HUB_FIREWALL_SUBNET_PREFIX = "10.0.255.0/26";
export const hubFirewallId = (hub: Names) => rid(hub, NET, "azureFirewalls/fw-hub");

function publicIp(n: Names, name: string, address: string, attachedTo?: { ipConfiguration?: string; natGateway?: string }): ArmResource {
  const pip = template("PublicIpAddressGet.json");
  pip.id = rid(n, NET, `publicIPAddresses/${name}`);
  pip.name = name;
  pip.location = n.region;
  pip.sku = { name: "Standard", tier: "Regional" };
  const p = pip.properties;
  // The sample's DDoS plan lives in another estate.
  delete p.ddosSettings;
  p.publicIPAllocationMethod = "Static";
  p.ipAddress = address;
  if (attachedTo?.ipConfiguration) p.ipConfiguration = { id: attachedTo.ipConfiguration };
  else delete p.ipConfiguration;
  if (attachedTo?.natGateway) p.natGateway = { id: attachedTo.natGateway };
  return pip;
}

function scaleSet(c: PathContext, name: string, mode: "Uniform" | "Flexible", capacity: number): ArmResource {
  // No saved example holds a scale set GET (NOTES-path.md): built by hand with the fields of
  // https://learn.microsoft.com/rest/api/compute/virtual-machine-scale-sets/get (2024-11-01).
  const id = rid(c.n, "Microsoft.Compute", `virtualMachineScaleSets/${name}`);
  const ipConfiguration: Record<string, unknown> = {
    name: "ipconfig1",
    properties: {
      primary: true,
      subnet: { id: c.subnetId(c.clusterSubnet) },
      privateIPAddressVersion: "IPv4",
      applicationSecurityGroups: [],
      loadBalancerBackendAddressPools: [],
      loadBalancerInboundNatPools: [],
    },
  };
  return {
    id,
    name,
    type: "Microsoft.Compute/virtualMachineScaleSets",
    location: c.n.region,
    sku: { name: "Standard_HB120rs_v3", tier: "Standard", capacity },
    properties: {
      provisioningState: "Succeeded",
      orchestrationMode: mode,
      ...(mode === "Uniform" ? { upgradePolicy: { mode: "Manual" }, overprovision: false, singlePlacementGroup: true } : { platformFaultDomainCount: 1, singlePlacementGroup: false }),
      uniqueId: `00000000-0000-4000-8000-${String(c.index).padStart(8, "0")}${mode === "Uniform" ? "0001" : "0002"}`,
      virtualMachineProfile: {
        osProfile: { computerNamePrefix: name, adminUsername: "cyclecloud", linuxConfiguration: { disablePasswordAuthentication: true } },
        storageProfile: { imageReference: { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest" }, osDisk: { createOption: "FromImage", caching: "ReadWrite", managedDisk: { storageAccountType: "Premium_LRS" } } },
        networkProfile: {
          ...(mode === "Flexible" ? { networkApiVersion: "2020-11-01" } : {}),
          networkInterfaceConfigurations: [
            {
              name: `${name}-nic`,
              properties: {
                primary: true,
                enableAcceleratedNetworking: true,
                enableIPForwarding: false,
                networkSecurityGroup: { id: c.computeNsgId },
                dnsSettings: { dnsServers: [] },
                ipConfigurations: [ipConfiguration],
              },
            },
          ],
        },
      },
    },
  };
}

/**
 * A VM as `virtualMachines.listAll` answers it: its NICs (`networkProfile.networkInterfaces`) and, for a Flexible scale
 * set's instance, `virtualMachineScaleSet`. No saved example holds a VM GET: built by hand with the fields of
 * https://learn.microsoft.com/rest/api/compute/virtual-machines/get (2024-11-01).
 */
export function virtualMachine(n: Names, name: string, nicIds: string[], scaleSetId?: string): ArmResource {
  return {
    id: rid(n, "Microsoft.Compute", `virtualMachines/${name}`),
    name,
    type: "Microsoft.Compute/virtualMachines",
    location: n.region,
    properties: {
      provisioningState: "Succeeded",
      vmId: `00000000-0000-4000-8000-${name.length.toString().padStart(4, "0")}${n.octet.toString().padStart(8, "0")}`,
      hardwareProfile: { vmSize: "Standard_HB120rs_v3" },
      ...(scaleSetId ? { virtualMachineScaleSet: { id: scaleSetId } } : {}),
      storageProfile: { imageReference: { publisher: "microsoft-dsvm", offer: "ubuntu-hpc", sku: "2204", version: "latest" }, osDisk: { osType: "Linux", createOption: "FromImage", caching: "ReadWrite", managedDisk: { storageAccountType: "Premium_LRS" } }, dataDisks: [] },
      osProfile: { computerName: name.replace(/_/g, "-"), adminUsername: "cyclecloud", linuxConfiguration: { disablePasswordAuthentication: true } },
      networkProfile: { networkInterfaces: nicIds.map((id, i) => ({ id, properties: { primary: i === 0 } })) },
    },
  };
}

/** One instance of a Flexible scale set: its VM (naming the scale set) and its NIC, an ordinary one in the cluster subnet. */
function flexibleInstance(c: PathContext, vmss: ArmResource): { vm: ArmResource; nic: ArmResource } {
  const vmName = `${vmss.name}_0a1b2c3d`;
  const nicName = `${vmName}-${vmss.name}-nic`;
  const nicId = rid(c.n, NET, `networkInterfaces/${nicName}`);
  const vm = virtualMachine(c.n, vmName, [nicId], vmss.id);
  const nic: ArmResource = {
    id: nicId,
    name: nicName,
    type: "Microsoft.Network/networkInterfaces",
    location: c.n.region,
    properties: {
      provisioningState: "Succeeded",
      ipConfigurations: [
        {
          name: "ipconfig1",
          id: `${nicId}/ipConfigurations/ipconfig1`,
          type: "Microsoft.Network/networkInterfaces/ipConfigurations",
          properties: { provisioningState: "Succeeded", privateIPAddress: `10.${c.n.octet}.${c.clusterSubnet}.20`, privateIPAllocationMethod: "Dynamic", privateIPAddressVersion: "IPv4", subnet: { id: c.subnetId(c.clusterSubnet) }, primary: true },
        },
      ],
      networkSecurityGroup: { id: c.computeNsgId },
      enableIPForwarding: false,
      virtualMachine: { id: vm.id },
      vnetEncryptionSupported: false,
      nicType: "Standard",
    },
  };
  return { vm, nic };
}

/** The NICs `listVirtualMachineScaleSetNetworkInterfaces` returns for a Uniform scale set's instances. */
function instanceNics(c: PathContext, vmss: ArmResource, count: number): ArmResource[] {
  const sample = template<{ value: ArmResource[] }>("VmssNetworkInterfaceList.json").value[0];
  return Array.from({ length: count }, (_, k) => {
    const nic = structuredClone(sample);
    const nicName = `${vmss.name}-nic`;
    const vmId = `${vmss.id}/virtualMachines/${k}`;
    nic.id = `${vmId}/networkInterfaces/${nicName}`;
    nic.name = nicName;
    // ARM's list answer names the type; the saved example leaves it out.
    nic.type = "Microsoft.Network/networkInterfaces";
    nic.location = c.n.region;
    const p = nic.properties;
    const ipConfig = (p.ipConfigurations as ArmResource[])[0];
    ipConfig.id = `${nic.id}/ipConfigurations/ipconfig1`;
    ipConfig.name = "ipconfig1";
    const ip = ipConfig.properties;
    ip.privateIPAddress = `10.${c.n.octet}.${c.clusterSubnet}.${10 + k}`;
    ip.subnet = { id: c.subnetId(c.clusterSubnet) };
    delete ip.publicIPAddress;
    ip.loadBalancerBackendAddressPools = [];
    ip.loadBalancerInboundNatRules = [];
    p.networkSecurityGroup = { id: c.computeNsgId };
    p.virtualMachine = { id: vmId };
    p.macAddress = `00-0D-3A-00-${c.n.octet.toString(16).padStart(2, "0").toUpperCase()}-${k.toString(16).padStart(2, "0").toUpperCase()}`;
    return nic;
  });
}

/**
 * A service endpoint policy admitting the subscription's storage account, attached to no subnet: the live read lists
 * it (and the audit's verdicts stay those of the estate without it).
 */
function serviceEndpointPolicy(c: PathContext): ArmResource {
  const policy = template("ServiceEndpointPolicyGet.json");
  policy.id = rid(c.n, NET, `serviceEndpointPolicies/sep-hpc-${c.index}`);
  policy.name = `sep-hpc-${c.index}`;
  policy.location = c.n.region;
  const definitions = (policy.properties as { serviceEndpointPolicyDefinitions: { id: string; properties: { serviceResources: string[] } }[] }).serviceEndpointPolicyDefinitions;
  for (const d of definitions) {
    d.id = `${policy.id}/serviceEndpointPolicyDefinitions/${d.id.split("/").pop()}`;
    d.properties.serviceResources = [c.storageId];
  }
  return policy;
}

function storageAccount(c: PathContext): ArmResource {
  const name = /storageAccounts\/([^/]+)$/.exec(c.storageId)![1];
  const text = JSON.stringify(template("StorageAccountGetProperties.json"))
    .replaceAll("sto8596", name)
    .replaceAll("res9407", c.n.rg)
    .replaceAll("{subscription-id}", c.n.sub)
    .replaceAll("eastus2(stage)", c.n.region);
  const account = JSON.parse(text) as ArmResource;
  account.id = c.storageId;
  const p = account.properties;
  p.primaryLocation = c.n.region;
  p.publicNetworkAccess = "Enabled";
  // Only the CycleCloud subnet (which has the Microsoft.Storage service endpoint) is admitted.
  p.networkAcls = {
    bypass: "AzureServices",
    defaultAction: "Deny",
    ipRules: [],
    virtualNetworkRules: [{ id: c.subnetId(0), action: "Allow", state: "Succeeded" }],
    resourceAccessRules: [],
  };
  return account;
}

function hubResources(hub: Names, subscriptions: number, regions: readonly string[]): PathResources {
  const lists = emptyLists();
  const children: Record<string, ArmResource[]> = {};
  const vnetIds = Array.from({ length: subscriptions }, (_, k) => vnetIdOf(k));
  const fwId = hubFirewallId(hub);
  const fwIpConfigId = `${fwId}/ipConfigurations/fw-ipconfig`;
  const policyId = rid(hub, NET, "firewallPolicies/fwp-hub");
  const ipGroupId = rid(hub, NET, "ipGroups/ipg-hpc-vnets");
  const lbId = rid(hub, NET, "loadBalancers/lb-hub");
  const pipFwId = rid(hub, NET, "publicIPAddresses/pip-fw-hub");
  const pipLbId = rid(hub, NET, "publicIPAddresses/pip-lb-hub");

  lists.publicIPAddresses.push(publicIp(hub, "pip-fw-hub", "20.40.0.4", { ipConfiguration: fwIpConfigId }), publicIp(hub, "pip-lb-hub", "20.40.0.5", { ipConfiguration: `${lbId}/frontendIPConfigurations/fe-lb` }));

  // --- Azure Firewall: its policy decides (the classic collections are empty once a policy is set)
  const fw = template("AzureFirewallGet.json");
  fw.id = fwId;
  fw.name = "fw-hub";
  fw.location = hub.region;
  Object.assign(fw.properties, {
    sku: { name: "AZFW_VNet", tier: "Standard" },
    ipConfigurations: [
      {
        name: "fw-ipconfig",
        id: fwIpConfigId,
        etag: ETAG,
        properties: {
          provisioningState: "Succeeded",
          privateIPAddress: HUB_FIREWALL_IP,
          subnet: { id: rid(hub, NET, "virtualNetworks/vnet-hpc-0/subnets/AzureFirewallSubnet") },
          publicIPAddress: { id: pipFwId },
        },
      },
    ],
    applicationRuleCollections: [],
    natRuleCollections: [],
    networkRuleCollections: [],
    firewallPolicy: { id: policyId },
  });
  lists.azureFirewalls.push(fw);

  const policy = template("FirewallPolicyGet.json");
  policy.id = policyId;
  policy.name = "fwp-hub";
  policy.location = hub.region;
  const pp = policy.properties;
  // Premium inspection, logging and the explicit proxy of the sample point at resources outside this estate.
  for (const key of ["insights", "explicitProxy", "transportSecurity", "intrusionDetection", "threatIntelWhitelist"]) delete pp[key];
  pp.sku = { tier: "Standard" };
  pp.firewalls = [{ id: fwId }];
  pp.dnsSettings = { servers: [], enableProxy: true, requireProxyForNetworkRules: false };
  const rcgPlatform = `${policyId}/ruleCollectionGroups/rcg-azure-platform`;
  const rcgFqdns = `${policyId}/ruleCollectionGroups/rcg-cyclecloud-fqdns`;
  pp.ruleCollectionGroups = [{ id: rcgPlatform }, { id: rcgFqdns }];
  lists.firewallPolicies.push(policy);

  const platform = template("FirewallPolicyRuleCollectionGroupWithIpGroupsGet.json");
  platform.id = rcgPlatform;
  platform.name = "rcg-azure-platform";
  platform.type = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
  platform.properties.priority = 200;
  platform.properties.ruleCollections = [
    {
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: "allow-azure-platform",
      priority: 100,
      action: { type: "Allow" },
      rules: [
        { ruleType: "NetworkRule", name: "storage-and-entra-443", ipProtocols: ["TCP"], sourceAddresses: [], sourceIpGroups: [ipGroupId], destinationAddresses: ["Storage", "AzureActiveDirectory"], destinationIpGroups: [], destinationFqdns: [], destinationPorts: ["443"] },
      ],
    },
  ];
  const fqdns = template("FirewallPolicyRuleCollectionGroupGet.json");
  fqdns.id = rcgFqdns;
  fqdns.name = "rcg-cyclecloud-fqdns";
  fqdns.type = "Microsoft.Network/firewallPolicies/ruleCollectionGroups";
  fqdns.properties.priority = 300;
  // Azure Monitor's FQDNs are missing on purpose: the path audit names the gap.
  fqdns.properties.ruleCollections = [
    {
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: "allow-cyclecloud-fqdns",
      priority: 200,
      action: { type: "Allow" },
      rules: [
        { ruleType: "ApplicationRule", name: "arm-and-entra", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: [], sourceIpGroups: [ipGroupId], targetFqdns: ["management.azure.com", "login.microsoftonline.com"], fqdnTags: [], webCategories: [], targetUrls: [] },
      ],
    },
  ];
  children[`${policyId}/ruleCollectionGroups`] = [platform, fqdns];

  const ipGroup = template("IpGroupsGet.json");
  ipGroup.id = ipGroupId;
  ipGroup.name = "ipg-hpc-vnets";
  ipGroup.location = hub.region;
  ipGroup.properties.ipAddresses = vnetIds.map((_, k) => `10.${k % 256}.0.0/16`);
  ipGroup.properties.firewalls = [];
  ipGroup.properties.firewallPolicies = [{ id: policyId }];
  lists.ipGroups.push(ipGroup);

  // --- a Standard public load balancer with an outbound rule (the sample's own shape)
  const lb = JSON.parse(
    JSON.stringify(template("LoadBalancerCreateWithOutboundRules.json"))
      .replaceAll("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb", lbId)
      .replaceAll("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/publicIPAddresses/pip", pipLbId),
  ) as ArmResource;
  lb.name = "lb-hub";
  lb.location = hub.region;
  lists.loadBalancers.push(lb);

  // --- Azure Virtual Network Manager: one group holding every VNet, one admin rule denying SSH from the Internet
  const nm = template("NetworkManagerGet.json");
  const nmId = rid(hub, NET, "networkManagers/nm-hpc");
  nm.id = nmId;
  nm.name = "nm-hpc";
  nm.location = hub.region;
  nm.properties.networkManagerScopeAccesses = ["SecurityAdmin"];
  nm.properties.networkManagerScopes = { managementGroups: [], subscriptions: vnetIds.map((_, k) => `/subscriptions/${namesOf(k, regions).sub}`) };
  lists.networkManagers.push(nm);

  const group = template("NetworkManagerGroupGet.json");
  const groupId = `${nmId}/networkGroups/ng-hpc-vnets`;
  group.id = groupId;
  group.name = "ng-hpc-vnets";
  children[`${nmId}/networkGroups`] = [group];
  children[`${groupId}/staticMembers`] = vnetIds.map((vnetId, k) => {
    const member = template("NetworkManagerStaticMemberGet.json");
    member.id = `${groupId}/staticMembers/sm-vnet-hpc-${k}`;
    member.name = `sm-vnet-hpc-${k}`;
    // As in the sample, ARM spells the member's type segment in lower case.
    member.properties.resourceId = vnetId.replace("/virtualNetworks/", "/virtualnetworks/");
    return member;
  });

  const configuration = template("NetworkManagerSecurityAdminConfigurationGet.json");
  const configurationId = `${nmId}/securityAdminConfigurations/sac-hpc`;
  configuration.id = configurationId;
  configuration.name = "sac-hpc";
  children[`${nmId}/securityAdminConfigurations`] = [configuration];
  // No connectivity configuration: the VNets are joined by their peerings alone (test/live/connected-groups-live.test.ts adds one).
  children[`${nmId}/connectivityConfigurations`] = [];
  const collection = template("NetworkManagerAdminRuleCollectionGet.json");
  const collectionId = `${configurationId}/ruleCollections/rc-hpc-baseline`;
  collection.id = collectionId;
  collection.name = "rc-hpc-baseline";
  collection.properties.appliesToGroups = [{ networkGroupId: groupId }];
  children[`${configurationId}/ruleCollections`] = [collection];
  const rule = template("NetworkManagerAdminRuleGet.json");
  rule.id = `${collectionId}/rules/deny-ssh-from-internet`;
  rule.name = "deny-ssh-from-internet";
  Object.assign(rule.properties, {
    description: "No SSH from the Internet into any HPC VNet",
    priority: 100,
    sources: [{ addressPrefix: "Internet", addressPrefixType: "ServiceTag" }],
  });
  children[`${collectionId}/rules`] = [rule];

  // --- the blob private DNS zone, linked to every VNet, one A record per storage account's endpoint
  const zone = template("PrivateZoneGet.json");
  const zoneName = "privatelink.blob.core.windows.net";
  const zoneId = rid(hub, NET, `privateDnsZones/${zoneName}`);
  zone.id = zoneId;
  zone.name = zoneName;
  Object.assign(zone.properties, { numberOfRecordSets: vnetIds.length + 1, numberOfVirtualNetworkLinks: vnetIds.length, numberOfVirtualNetworkLinksWithRegistration: 0 });
  lists.privateDnsZones.push(zone);
  const linkSample = template<{ value: ArmResource[] }>("VirtualNetworkLinkList.json").value[0];
  children[`${zoneId}/virtualNetworkLinks`] = vnetIds.map((vnetId, k) => {
    const link = structuredClone(linkSample);
    link.id = `${zoneId}/virtualNetworkLinks/link-vnet-hpc-${k}`;
    link.name = `link-vnet-hpc-${k}`;
    Object.assign(link.properties, { registrationEnabled: false, resolutionPolicy: "Default", virtualNetwork: { id: vnetId }, virtualNetworkLinkState: "Completed" });
    return link;
  });
  // No saved example holds a record set: built by hand from
  // https://learn.microsoft.com/rest/api/dns/privatednszones/record-sets/list-by-type (2024-06-01).
  children[`${zoneId}/A`] = vnetIds.map((_, k) => ({
    id: `${zoneId}/A/sthpc${k}`,
    name: `sthpc${k}`,
    type: "Microsoft.Network/privateDnsZones/A",
    etag: "00000000-0000-0000-0000-000000000000",
    properties: { ttl: 10, fqdn: `sthpc${k}.${zoneName}.`, isAutoRegistered: false, aRecords: [{ ipv4Address: `10.${k % 256}.0.5` }] },
  }));
  // One alias, as record-sets/list-by-type shows a CNAME set: another name for the first account.
  children[`${zoneId}/CNAME`] = [
    {
      id: `${zoneId}/CNAME/sthpc-alias`,
      name: "sthpc-alias",
      type: "Microsoft.Network/privateDnsZones/CNAME",
      etag: "00000000-0000-0000-0000-000000000000",
      properties: { ttl: 10, fqdn: `sthpc-alias.${zoneName}.`, isAutoRegistered: false, cnameRecord: { cname: `sthpc0.${zoneName}` } },
    },
  ];
  return { lists, children, nics: [] };
}

function emptyLists(): Record<PathListType, ArmResource[]> {
  return Object.fromEntries(PATH_LIST_TYPES.map((t) => [t, [] as ArmResource[]])) as Record<PathListType, ArmResource[]>;
}

/** The path resources of one subscription (and, for subscription 0, the hub's). */
export function buildPathResources(c: PathContext): PathResources {
  const hub = c.index === 0 ? hubResources(c.n, c.subscriptions, c.regions) : { lists: emptyLists(), children: {}, nics: [] };
  const { lists, children } = hub;

  const natId = natGatewayIdOf(c.n, c.index);
  const pipName = `pip-nat-${c.index}`;
  const nat = template("NatGatewayGet.json");
  nat.id = natId;
  nat.name = `nat-hpc-${c.index}`;
  nat.location = c.n.region;
  Object.assign(nat.properties, { publicIpAddresses: [{ id: rid(c.n, NET, `publicIPAddresses/${pipName}`) }], publicIpPrefixes: [], subnets: [{ id: c.subnetId(0) }] });
  lists.natGateways.push(nat);
  lists.publicIPAddresses.push(publicIp(c.n, pipName, `20.50.${c.index % 256}.${10 + (Math.floor(c.index / 256) % 200)}`, { natGateway: natId }));

  lists.storageAccounts.push(storageAccount(c));
  lists.serviceEndpointPolicies.push(serviceEndpointPolicy(c));

  // CycleCloud node arrays: one running (Uniform, 3 instances), one at rest, one Flexible with one instance (a VM
  // naming the scale set, and its ordinary NIC).
  const running = scaleSet(c, `vmss-hpc-${c.index}`, "Uniform", 3);
  const atRest = scaleSet(c, `vmss-htc-${c.index}`, "Uniform", 0);
  const flexible = scaleSet(c, `vmss-flex-${c.index}`, "Flexible", 1);
  lists.virtualMachineScaleSets.push(running, atRest, flexible);
  children[`${running.id}/networkInterfaces`] = instanceNics(c, running, 3);
  const instance = flexibleInstance(c, flexible);
  lists.virtualMachines.push(instance.vm);
  return { lists, children, nics: [instance.nic] };
}
