// A storage private endpoint behind two Azure Firewalls (CONTRACT §4.1 stage 3): the spoke routes the endpoint's
// VNet to hub firewall fw, and fw's AzureFirewallSubnet routes it on to fw2 in a second hub. Azure sends it to fw2,
// whose rules decide too; the audit does not follow a second firewall, so the way is `warn` (flow query: `partial`),
// as for any other flow with "a second firewall on the way" — never a pass on fw's rules alone.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { loadSnapshot } from "../snapshot";
import { estate, finding, id } from "../../test/helpers/estate-builder";
import { queryFlow } from "./query";

const PE_SUBNET = `${id("virtualNetworks", "pev")}/subnets/pe`;
const ACCOUNT = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sta";

/** spoke/hpc → fw (hub, 10.100.0.4) by an application rule for blob → (chain) fw2 (hub2, 10.200.0.4) → pe-a at 10.2.6.4. */
function build(chain: boolean) {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/hpc", "10.1.8.0/22", { defaultOutboundAccess: false, routeTable: "rt" })
    .routeTable("rt", [{ name: "to-pev", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .vnet("pev", ["10.2.0.0/16"]).subnet("pev/pe", "10.2.6.0/24")
    .vnet("hub", ["10.100.0.0/24"]).subnet("hub/AzureFirewallSubnet", "10.100.0.0/26", chain ? { routeTable: "rt-fw" } : {})
    .vnet("hub2", ["10.200.0.0/24"]).subnet("hub2/AzureFirewallSubnet", "10.200.0.0/26")
    .routeTable("rt-fw", [{ name: "to-fw2", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.200.0.4" }])
    .peer("hub", "spoke").peer("hub", "pev").peer("spoke", "pev").peer("hub", "hub2").peer("hub2", "pev")
    .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
    .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: [{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }] }] }])
    // fw2 allows nothing for blob: what it does is not followed, so it must not be taken as allowing either.
    .firewall("fw2", "hub2", "10.200.0.4", { policy: "fwp2" })
    .policy("fwp2", [{ name: "rcg", priority: 100, collections: [{ name: "other", priority: 100, rules: [{ kind: "application", name: "other", src: ["10.100.0.0/26"], fqdns: ["nothing.example.com"] }] }] }])
    .extra(
      { id: id("privateEndpoints", "pe-a"), name: "pe-a", type: "Microsoft.Network/privateEndpoints", properties: { subnet: { id: PE_SUBNET }, networkInterfaces: [{ id: id("networkInterfaces", "pe-a.nic") }], privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: ACCOUNT, groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }] } },
      { id: id("networkInterfaces", "pe-a.nic"), name: "pe-a.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: id("privateEndpoints", "pe-a") }, ipConfigurations: [{ name: "c", properties: { subnet: { id: PE_SUBNET }, privateIPAddress: "10.2.6.4" } }] } },
    );
  const all = b.resources() as { name: string; properties: { subnets?: { name: string; properties: Record<string, unknown> }[] } }[];
  // Without RouteTableEnabled the endpoint's /32 system route beats the spoke's route to the firewall.
  all.find((r) => r.name === "pev")!.properties.subnets!.find((s) => s.name === "pe")!.properties.privateEndpointNetworkPolicies = "RouteTableEnabled";
  const snapshot = loadSnapshot([{ name: "estate.json", value: all }]);
  const report = audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
  const answer = queryFlow(snapshot, { from: "spoke/hpc", to: "10.2.6.4", protocol: "tcp", port: "443" });
  return { se: finding(report, "spoke/hpc", "NODE-SE-STORAGE"), answer };
}

describe("private endpoint through a chain of Azure Firewalls", () => {
  it("passes through one firewall whose subnet delivers to the endpoint (the control)", () => {
    const { se, answer } = build(false);
    expect(se.status).toBe("pass");
    expect(answer.verdict).toBe("allowed");
  });

  it("warns, naming the second firewall, when the firewall's subnet routes the endpoint on to another firewall", () => {
    const { se } = build(true);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("fw2");
    expect(se.detail).toContain("second firewall");
    expect(se.detail).toContain("route to-fw2");
  });

  it("answers the flow query partial, naming the second firewall, as the audit does", () => {
    const { answer } = build(true);
    expect(answer.verdict).toBe("partial");
    expect(answer.parts.join(" ")).toMatch(/cannot be judged — .*Azure Firewall fw2 \(a second firewall on the way/);
  });
});
