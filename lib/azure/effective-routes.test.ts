import { describe, expect, it } from "vitest";
import { bgpDomainNics } from "./effective-routes";

const rg = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network";
const vnetId = (name: string) => `${rg}/virtualNetworks/${name}`;
const subnetId = (vnet: string, name: string) => `${vnetId(vnet)}/subnets/${name}`;

function vnet(name: string, subnets: { name: string; routeTable?: string }[], remoteGatewaysTo?: string, peeringState = "Connected") {
  return {
    id: vnetId(name),
    type: "Microsoft.Network/virtualNetworks",
    properties: {
      subnets: subnets.map((s) => ({ id: subnetId(name, s.name), name: s.name, properties: { ...(s.routeTable ? { routeTable: { id: `${rg}/routeTables/${s.routeTable}` } } : {}) } })),
      virtualNetworkPeerings: remoteGatewaysTo ? [{ name: "to-hub", properties: { useRemoteGateways: true, allowVirtualNetworkAccess: true, peeringState, remoteVirtualNetwork: { id: vnetId(remoteGatewaysTo) } } }] : [],
    },
  };
}

function nic(name: string, vnetName: string, subnet: string, vm = true, id = `${rg}/networkInterfaces/${name}`) {
  return {
    id,
    type: "Microsoft.Network/networkInterfaces",
    properties: {
      ...(vm ? { virtualMachine: { id: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-${name}` } } : {}),
      ipConfigurations: [{ name: "ipconfig1", properties: { subnet: { id: subnetId(vnetName, subnet) } } }],
    },
  };
}

const routeTable = (name: string, off: boolean) => ({ id: `${rg}/routeTables/${name}`, type: "Microsoft.Network/routeTables", properties: { disableBgpRoutePropagation: off, routes: [] } });

describe("which NICs' effective route tables show a BGP domain's learned routes", () => {
  it("asks VMs' NICs of the gateway's VNet first, then of spokes using its gateway; never an unattached NIC, a scale set instance's, or one where propagation is off", () => {
    const resources = [
      vnet("vnet-hub", [{ name: "GatewaySubnet" }, { name: "shared" }]),
      vnet("vnet-spoke", [{ name: "cc" }, { name: "quiet", routeTable: "rt-off" }, { name: "loud", routeTable: "rt-on" }], "vnet-hub"),
      vnet("vnet-alone", [{ name: "cc" }]),
      routeTable("rt-off", true),
      routeTable("rt-on", false),
      nic("nic-spoke-cc", "vnet-spoke", "cc"),
      nic("nic-spoke-quiet", "vnet-spoke", "quiet"),
      nic("nic-spoke-loud", "vnet-spoke", "loud"),
      nic("nic-hub-shared", "vnet-hub", "shared"),
      nic("nic-hub-spare", "vnet-hub", "shared", false),
      nic("nic-0", "vnet-hub", "shared", true, "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/0/networkInterfaces/nic-0"),
      nic("nic-alone", "vnet-alone", "cc"),
    ];
    expect(bgpDomainNics(resources)).toEqual([{ vnetId: vnetId("vnet-hub"), nicIds: [`${rg}/networkInterfaces/nic-hub-shared`, `${rg}/networkInterfaces/nic-spoke-cc`, `${rg}/networkInterfaces/nic-spoke-loud`], statedOnly: [] }]);
  });

  it("reads Resource Graph rows (lower-case types) and a Route Server's VNet alike, and asks at most three NICs per domain", () => {
    const rows = [
      { ...vnet("vnet-rs", [{ name: "RouteServerSubnet" }, { name: "nva" }]), type: "microsoft.network/virtualnetworks" },
      ...["a", "b", "c", "d"].map((n) => ({ ...nic(`nic-${n}`, "vnet-rs", "nva"), type: "microsoft.network/networkinterfaces" })),
    ];
    expect(bgpDomainNics(rows)).toEqual([{ vnetId: vnetId("vnet-rs"), nicIds: ["a", "b", "c"].map((n) => `${rg}/networkInterfaces/nic-${n}`), statedOnly: [] }]);
  });

  it("as the path reads domains: a spoke whose hub is not in the read still asks (named by its peering's remote id); a disconnected peering leaves the spoke its own domain; a hub-connected VNet is its own; a NIC whose route table is unread comes last", () => {
    const resources = [
      vnet("vnet-spoke", [{ name: "cc", routeTable: "rt-unread" }, { name: "loud" }], "vnet-elsewhere"),
      vnet("vnet-cut", [{ name: "cc" }], "vnet-elsewhere", "Disconnected"),
      vnet("vnet-wan", [{ name: "cc" }]),
      vnet("vnet-plain", [{ name: "cc" }]),
      { id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualHubs/hub-weu/hubVirtualNetworkConnections/to-wan", type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", properties: { remoteVirtualNetwork: { id: vnetId("vnet-wan") } } },
      nic("nic-a-unread", "vnet-spoke", "cc"),
      nic("nic-b-loud", "vnet-spoke", "loud"),
      nic("nic-cut", "vnet-cut", "cc"),
      nic("nic-wan", "vnet-wan", "cc"),
      nic("nic-plain", "vnet-plain", "cc"),
    ];
    expect(bgpDomainNics(resources)).toEqual([
      { vnetId: vnetId("vnet-elsewhere"), nicIds: [`${rg}/networkInterfaces/nic-b-loud`, `${rg}/networkInterfaces/nic-a-unread`], statedOnly: [`${rg}/networkInterfaces/nic-a-unread`] },
      { vnetId: vnetId("vnet-cut"), nicIds: [`${rg}/networkInterfaces/nic-cut`], statedOnly: [] },
      { vnetId: vnetId("vnet-wan"), nicIds: [`${rg}/networkInterfaces/nic-wan`], statedOnly: [] },
    ]);
  });

  it("asks nothing where no VNet can hold a gateway, or the domain has no VM's NIC", () => {
    expect(bgpDomainNics([vnet("vnet-a", [{ name: "cc" }]), nic("nic-a", "vnet-a", "cc")])).toEqual([]);
    expect(bgpDomainNics([vnet("vnet-hub", [{ name: "GatewaySubnet" }]), nic("nic-x", "vnet-hub", "GatewaySubnet", false)])).toEqual([]);
  });
});
