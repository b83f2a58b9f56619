// A route's next hop is remembered per route and VNet (nextHop); its words name the VNet as each subnet spells it.
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { Estate } from "../nsg/estate";
import { loadSnapshot, parseProfile } from "../snapshot";
import { estate, finding, id } from "../../test/helpers/estate-builder";
import { queryFlow } from "./query";

/**
 * Two subnets of one VNet sending everything to an address no subnet holds, where a standalone subnet listing spells
 * the VNet `VNET-A` in one subnet's id (ARM ids compare case-insensitively, so it is the same VNet).
 */
function mixedCase() {
  const b = estate()
    .vnet("vnet-a", ["10.1.0.0/16"])
    .subnet("vnet-a/snet-cc", "10.1.1.0/24", { routeTable: "rt-a" })
    .subnet("vnet-a/snet-cluster", "10.1.2.0/24", { routeTable: "rt-a" })
    .routeTable("rt-a", [{ name: "default-nva", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.77.0.4" }]);
  const listed = {
    id: `${id("virtualNetworks", "VNET-A")}/subnets/snet-cluster`,
    name: "snet-cluster",
    type: "Microsoft.Network/virtualNetworks/subnets",
    properties: { addressPrefix: "10.1.2.0/24", routeTable: { id: id("routeTables", "rt-a") } },
  };
  return loadSnapshot([{ name: "estate.json", value: { value: [...b.resources(), listed] } }]);
}

describe("next hops", () => {
  it("name each subnet's VNet as its own id spells it, whichever subnet asked first", () => {
    const snapshot = mixedCase();
    const report = audit(snapshot, parseProfile("profile.json", { roles: { cyclecloud: ["vnet-a/snet-cc"], cluster: ["VNET-A/snet-cluster"] } }));
    expect(finding(report, "vnet-a/snet-cc", "CC-EGRESS-ARM").detail).toContain("which no subnet of vnet-a or of a connected peering holds");
    expect(finding(report, "VNET-A/snet-cluster", "NODE-EGRESS-STORAGE").detail).toContain("which no subnet of VNET-A or of a connected peering holds");

    // The dashboard and the HTTP API answer queries from one estate per scan: an earlier query must not change a later one.
    const said = (e: Estate, from: string) => JSON.stringify(queryFlow(snapshot, { from, to: "Storage", protocol: "tcp", port: "443" }, e)).match(/no subnet of \S+ or/)?.[0];
    const alone = said(new Estate(snapshot, new Map()), "vnet-a/snet-cc");
    const shared = new Estate(snapshot, new Map());
    expect(said(shared, "VNET-A/snet-cluster")).toBe("no subnet of VNET-A or");
    expect(said(shared, "vnet-a/snet-cc")).toBe(alone);
    expect(alone).toBe("no subnet of vnet-a or");
  });
});

describe("a next hop in AzureFirewallSubnet at an address no firewall of the input has", () => {
  const typo = (ip: string) =>
    estate()
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .firewall("fw-hub", "hub", "10.100.0.4")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/compute", "10.1.8.0/22", { routeTable: "rt-spoke" })
      .peer("spoke", "hub")
      .routeTable("rt-spoke", [{ name: "default-to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip }]);

  it("with the subnet's firewall in the input at another address: warn, naming that firewall, its address and the route to check", () => {
    const f = finding(typo("10.100.0.5").audit({ cluster: ["spoke/compute"] }), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("no Azure Firewall of the input has 10.100.0.5");
    expect(f.detail).toContain("firewall fw-hub in hub/AzureFirewallSubnet is at 10.100.0.4");
    expect(f.detail).toContain("check the next hop of route default-to-fw in rt-spoke");
    // It does not claim the firewall is missing from the input.
    expect(f.detail).not.toContain("is not in the input");
  });

  it("with no firewall of the input in that subnet: warn, the firewall is not in the input (add it), as before", () => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/compute", "10.1.8.0/22", { routeTable: "rt-spoke" })
      .peer("spoke", "hub")
      .routeTable("rt-spoke", [{ name: "default-to-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.5" }]);
    const f = finding(b.audit({ cluster: ["spoke/compute"] }), "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("an Azure Firewall at 10.100.0.5 in hub/AzureFirewallSubnet is not in the input (add `az network firewall list`)");
  });
});
