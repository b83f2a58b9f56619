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
