// Which linked private DNS zone Azure DNS of a VNet answers a name from, and what it answers: the longest linked zone
// holding the name decides; NXDOMAIN without a record, the public fallback only for a Private Link zone's link.
// https://learn.microsoft.com/azure/dns/private-dns-overview
// https://learn.microsoft.com/azure/dns/private-dns-fallback
import { describe, expect, it, vi } from "vitest";
import { Estate } from "../nsg/estate";
import { type EstateBuilder, spokePair } from "../../test/helpers/estate-builder";
import { anyLinkedZoneHolds, authorityFor, isPrivateLinkZone, zoneAnswer } from "./linked-zones";
import { nameProblem } from "./zone-overrides";
import { a, cname, link, zone, zoneId } from "../../test/helpers/private-dns-zones";

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

  it("a zone exported with only its SOA, or AAAA and TXT sets: its record sets were given, so a name without an A or CNAME set there gets no address", () => {
    const other = (zoneName: string, type: string, name: string) => ({ id: `${zoneId(zoneName)}/${type}/${name}`, name, type: `Microsoft.Network/privateDnsZones/${type}`, properties: { ttl: 3600 } });
    const soa = spokePair().extra(zone("azure.com"), link("azure.com", "cc"), other("azure.com", "SOA", "@"));
    const nx = zoneAnswer(estateOf(soa), "management.azure.com", ccVnet(soa));
    expect(nx.kind).toBe("nxdomain");
    expect(nx.kind === "nxdomain" && nx.why).not.toContain("record-set list");
    const aaaa = spokePair().extra(zone("core.windows.net"), link("core.windows.net", "cc"), other("core.windows.net", "AAAA", "sta.blob"), other("core.windows.net", "TXT", "foo"));
    const only = zoneAnswer(estateOf(aaaa), "sta.blob.core.windows.net", ccVnet(aaaa));
    expect(only.kind).toBe("nxdomain");
    expect(only.kind === "nxdomain" && only.why).toContain("holds only AAAA record set for sta.blob, no A or CNAME record set");
    expect(zoneAnswer(estateOf(aaaa), "other.blob.core.windows.net", ccVnet(aaaa)).kind).toBe("nxdomain");
  });
});

// 10,000 subnets, 300 storage accounts' blob names and 60 Private Link zones linked to every VNet took 36.8 s (9.1 s
// before zones other than Private Link zones were followed): a scan of every zone's links per VNet, and an entry per
// subnet and name. What each lookup may build is what these tests hold to.
describe("linked zones at scale", () => {
  const wide = () => {
    const b = spokePair().subnet("cc/snet-b", "10.1.2.0/24");
    for (let i = 0; i < 20; i++) b.extra(zone(`privatelink.svc${i}.core.windows.net`), link(`privatelink.svc${i}.core.windows.net`, "cc"), link(`privatelink.svc${i}.core.windows.net`, "compute"));
    return b;
  };
  const keysBuilt = (e: Estate) => {
    const keys: string[] = [];
    const memo = e.memo.bind(e);
    vi.spyOn(e, "memo").mockImplementation(((key: string, build: () => unknown, deps?: readonly (string | undefined)[]) => {
      keys.push(key);
      return memo(key, build, deps);
    }) as Estate["memo"]);
    return keys;
  };

  it("every VNet's linked zones come from one index built once, not a scan of the zones per VNet", () => {
    const b = wide();
    const e = estateOf(b);
    const keys = keysBuilt(e);
    const vnets = [...b.snapshot().vnets.keys()];
    for (const v of vnets) expect(authorityFor(e, "sta.privatelink.svc3.core.windows.net", v)).toMatchObject({ zone: { name: "privatelink.svc3.core.windows.net" }, record: "sta" });
    expect(new Set(keys.filter((k) => k.startsWith("linked-private-dns-zone"))).size).toBe(1);
  });

  it("a name no linked zone holds returns at once, with no entry per subnet; subnets asking the same resolvers share one", () => {
    const b = wide().extra(zone("blob.core.windows.net"), link("blob.core.windows.net", "cc"), a("blob.core.windows.net", "other", ["10.1.0.9"]));
    const e = estateOf(b);
    const keys = keysBuilt(e);
    const subnets = [...e.snapshot.subnets.values()].filter((s) => s.vnetKey === ccVnet(b));
    expect(subnets.length).toBe(2);
    expect(anyLinkedZoneHolds(e, "management.azure.com")).toBe(false);
    for (const s of subnets) expect(nameProblem(e, s, "management.azure.com")).toBeUndefined();
    expect(keys.filter((k) => k.startsWith("zone-override|"))).toEqual([]);
    const hidden = subnets.map((s) => nameProblem(e, s, "sta.blob.core.windows.net"));
    expect(hidden.every((p) => p?.sure)).toBe(true);
    expect(new Set(keys.filter((k) => k.startsWith("zone-override|"))).size).toBe(1);
  });
});
