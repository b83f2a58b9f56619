// Which linked private DNS zone Azure DNS of a VNet answers a name from, and what it answers: the longest linked zone
// holding the name decides; NXDOMAIN without a record, the public fallback only for a Private Link zone's link.
// https://learn.microsoft.com/azure/dns/private-dns-overview
// https://learn.microsoft.com/azure/dns/private-dns-fallback
import { describe, expect, it } from "vitest";
import { Estate } from "../nsg/estate";
import { type EstateBuilder, id, spokePair } from "../../test/helpers/estate-builder";
import { authorityFor, isPrivateLinkZone, zoneAnswer } from "./linked-zones";

const zoneId = (zone: string) => id("privateDnsZones", zone);
const zone = (name: string) => ({ id: zoneId(name), name, type: "Microsoft.Network/privateDnsZones", location: "global", properties: {} });
const link = (zoneName: string, vnet: string, resolutionPolicy?: string) => ({
  id: `${zoneId(zoneName)}/virtualNetworkLinks/l-${vnet}`,
  name: `l-${vnet}`,
  type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
  properties: { virtualNetwork: { id: id("virtualNetworks", vnet) }, virtualNetworkLinkState: "Completed", ...(resolutionPolicy ? { resolutionPolicy } : {}) },
});
const a = (zoneName: string, name: string, ips: string[]) => ({ id: `${zoneId(zoneName)}/A/${name}`, name, type: "Microsoft.Network/privateDnsZones/A", properties: { ttl: 10, aRecords: ips.map((ipv4Address) => ({ ipv4Address })) } });
const cname = (zoneName: string, name: string, target: string) => ({ id: `${zoneId(zoneName)}/CNAME/${name}`, name, type: "Microsoft.Network/privateDnsZones/CNAME", properties: { ttl: 10, cnameRecord: { cname: target } } });
const estateOf = (b: EstateBuilder) => new Estate(b.snapshot(), new Map());
const ccVnet = (b: EstateBuilder) => [...b.snapshot().vnets.values()].find((v) => v.name === "cc")!.key;

describe("which linked zone answers a name", () => {
  it("Private Link zones are the ones with a privatelink label", () => {
    expect(isPrivateLinkZone("privatelink.blob.core.windows.net")).toBe(true);
    expect(isPrivateLinkZone("p1.privatelink.blob.storage.azure.net")).toBe(true);
    expect(isPrivateLinkZone("blob.core.windows.net")).toBe(false);
    expect(isPrivateLinkZone("azure.com")).toBe(false);
  });

  it("the longest linked zone holding the name decides; a longer zone not linked to the VNet is not asked", () => {
    const b = spokePair().extra(zone("azure.com"), link("azure.com", "cc"), zone("management.azure.com"), link("management.azure.com", "compute"));
    const e = estateOf(b);
    expect(authorityFor(e, "management.azure.com", ccVnet(b))).toMatchObject({ zone: { name: "azure.com" }, record: "management" });
    b.extra(link("management.azure.com", "cc"));
    expect(authorityFor(estateOf(b), "Management.Azure.com.", ccVnet(b))).toMatchObject({ zone: { name: "management.azure.com" }, record: "@" });
    expect(authorityFor(estateOf(b), "login.microsoftonline.com", ccVnet(b))).toBeUndefined();
  });

  it("no record → NXDOMAIN (NxDomainRedirect only helps a Private Link zone); a record → its addresses; a CNAME out of the zones → public DNS; a wildcard answers too", () => {
    const b = spokePair().extra(zone("azure.com"), link("azure.com", "cc", "NxDomainRedirect"), a("azure.com", "myapp", ["10.1.0.50"]));
    const nx = zoneAnswer(estateOf(b), "management.azure.com", ccVnet(b));
    expect(nx.kind).toBe("nxdomain");
    expect(nx.kind === "nxdomain" && nx.why).toContain("resolutionPolicy NxDomainRedirect applies to Private Link zones only");
    expect(zoneAnswer(estateOf(b), "myapp.azure.com", ccVnet(b))).toMatchObject({ kind: "address", addresses: ["10.1.0.50"] });
    b.extra(cname("azure.com", "management", "management.trafficmanager.net"));
    expect(zoneAnswer(estateOf(b), "management.azure.com", ccVnet(b))).toMatchObject({ kind: "public" });
    b.extra(a("azure.com", "*", ["10.1.0.60"]));
    expect(zoneAnswer(estateOf(b), "dc.applicationinsights.azure.com", ccVnet(b))).toMatchObject({ kind: "address", addresses: ["10.1.0.60"] });
  });

  it("a zone that is not a Private Link zone, listed without any record set: cannot be judged; a Private Link zone's NxDomainRedirect falls back", () => {
    const b = spokePair().extra(zone("azure.com"), link("azure.com", "cc"));
    expect(zoneAnswer(estateOf(b), "management.azure.com", ccVnet(b)).kind).toBe("unknown");
    const pl = spokePair().extra(zone("privatelink.azure.com"), link("privatelink.azure.com", "cc", "NxDomainRedirect"), a("privatelink.azure.com", "other", ["10.1.0.7"]));
    expect(zoneAnswer(estateOf(pl), "management.privatelink.azure.com", ccVnet(pl)).kind).toBe("public");
  });
});
