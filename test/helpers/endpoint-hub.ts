// The estate the tests of a storage private endpoint behind an Azure Firewall share (firewall SNAT, the firewall's and
// the client's DNS, classic firewall settings): one topology, each test adding its policy, NSG, zone links and records.
import { type EstateBuilder, SUB, estate, id } from "./estate-builder";

export const PEV_SUBNET = `${id("virtualNetworks", "pev")}/subnets/pe`;
export const ZONE = `${id("x", "y").replace(/\/x\/y$/, "")}/privateDnsZones/privatelink.blob.core.windows.net`;
export const STA = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sta`;

/**
 * Spoke 10.1.0.0/16 (cc, and hpc routing the endpoint VNet pev's 10.2.0.0/16 to hub firewall fw at 10.100.0.4),
 * pev/pe 10.2.6.0/24, hub with AzureFirewallSubnet 10.100.0.0/26, all three peered; blob private endpoint pe-a of
 * account sta at 10.2.6.4 with its NIC. `pevNsg` names an NSG on pev/pe (the test adds it with `nsg`); `policy` names
 * fw's firewall policy (the test adds it with `policy`), else fw is classic.
 */
export function endpointHub(opts: { pevNsg?: string; policy?: string } = {}): EstateBuilder {
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/hpc", "10.1.8.0/22", { defaultOutboundAccess: false, routeTable: "rt" })
    .routeTable("rt", [{ name: "to-pev", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .vnet("pev", ["10.2.0.0/16"])
    .subnet("pev/pe", "10.2.6.0/24", opts.pevNsg ? { nsg: opts.pevNsg } : {})
    .vnet("hub", ["10.100.0.0/24"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .peer("hub", "spoke")
    .peer("hub", "pev")
    .peer("spoke", "pev")
    .firewall("fw", "hub", "10.100.0.4", opts.policy ? { policy: opts.policy } : {})
    .extra(
      {
        id: id("privateEndpoints", "pe-a"),
        name: "pe-a",
        type: "Microsoft.Network/privateEndpoints",
        properties: {
          subnet: { id: PEV_SUBNET },
          networkInterfaces: [{ id: id("networkInterfaces", "pe-a.nic") }],
          privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: STA, groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }],
        },
      },
      { id: id("networkInterfaces", "pe-a.nic"), name: "pe-a.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: id("privateEndpoints", "pe-a") }, ipConfigurations: [{ name: "c", properties: { subnet: { id: PEV_SUBNET }, privateIPAddress: "10.2.6.4" } }] } },
    );
}

/** Account sta with public network access disabled: only its private endpoint serves it. */
export const privateOnlyAccount = { id: STA, name: "sta", type: "Microsoft.Storage/storageAccounts", properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" } } };

/** Links of the privatelink.blob zone to `vnets`. */
export const zoneLinks = (vnets: string[]) =>
  vnets.map((v) => ({ id: `${ZONE}/virtualNetworkLinks/l-${v}`, name: `l-${v}`, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", properties: { virtualNetwork: { id: id("virtualNetworks", v) }, virtualNetworkLinkState: "Completed" } }));

/** The zone's A record `name` → `ips` (no `aRecords` at all without `ips`). */
export const aRecord = (name: string, ips: string[] | null | undefined) => ({ id: `${ZONE}/A/${name}`, name, type: "Microsoft.Network/privateDnsZones/A", properties: ips ? { ttl: 10, aRecords: ips.map((ipv4Address) => ({ ipv4Address })) } : {} });
