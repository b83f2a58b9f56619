// Any private DNS zone linked to a VNet is authoritative there for every name under it: a zone named after a public
// domain (`azure.com`, `blob.core.windows.net`) answers NXDOMAIN for every name it holds no record for, and the public
// fallback (NxDomainRedirect) is for Private Link zones only. The CycleCloud page's names must therefore resolve.
// https://learn.microsoft.com/azure/dns/private-dns-overview
// https://learn.microsoft.com/azure/dns/private-dns-fallback
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import { describe, expect, it } from "vitest";
import { type CollectionSpec, type EstateBuilder, SEED_RULES, SUB, estate, finding, id, spokePair } from "../../test/helpers/estate-builder";
import { aRecord as plRecord, endpointHub, privateOnlyAccount, zoneLinks as plLinks } from "../../test/helpers/endpoint-hub";
import { audit } from "../audit";
import { loadSnapshot } from "../snapshot";
import { parseProfile } from "../snapshot/parse-profile";
import { queryFlow } from "./query";
import { a, cname, link, zone, zoneId } from "../../test/helpers/private-dns-zones";


const CC = "cc/snet-cc";
const NODES = "compute/snet-compute";
/** The NIC of private endpoint pe-locker (in cc/pe, 10.1.9.4), as `az network nic list` prints it. */
const peLockerNic = { id: id("networkInterfaces", "pe-locker.nic"), name: "pe-locker.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: id("privateEndpoints", "pe-locker") }, ipConfigurations: [{ name: "c", properties: { subnet: { id: `${id("virtualNetworks", "cc")}/subnets/pe` }, privateIPAddress: "10.1.9.4" } }] } };
const run = (b: EstateBuilder, storageAccount?: string) => b.auditProfile({ roles: { cyclecloud: [CC], cluster: [NODES] }, ...(storageAccount ? { storageAccount } : {}) });

describe("CC-EGRESS-ARM / AAD / MONITOR with a zone named after a public domain", () => {
  it("azure.com linked to CycleCloud's VNet without management: ARM fails naming the zone and its link, with no network fix; linked elsewhere: pass", () => {
    const hidden = finding(run(spokePair().extra(zone("azure.com"), link("azure.com", "cc"), a("azure.com", "myapp", ["10.1.0.50"]))), CC, "CC-EGRESS-ARM");
    expect(hidden.status).toBe("fail");
    expect(hidden.detail).toContain("management.azure.com does not resolve");
    expect(hidden.detail).toContain("private DNS zone azure.com (linked to cc by l-cc, not a Private Link zone)");
    expect(hidden.detail).toContain("NXDOMAIN");
    expect(hidden.noFixReason).toContain("remove the link l-cc of azure.com to cc");
    expect(finding(run(spokePair().extra(zone("azure.com"), link("azure.com", "compute"), a("azure.com", "myapp", ["10.1.0.50"]))), CC, "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("one of the monitor names hidden (azure.com): warn, the others still resolve", () => {
    const f = finding(run(spokePair().extra(zone("azure.com"), link("azure.com", "cc"), a("azure.com", "myapp", ["10.1.0.50"]))), CC, "CC-EGRESS-MONITOR");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("dc.applicationinsights.azure.com does not resolve");
    expect(f.detail).not.toContain("dc.services.visualstudio.com does not resolve");
  });

  it("microsoftonline.com whose record sets the input does not give: warn (cannot be judged), not pass", () => {
    const f = finding(run(spokePair().extra(zone("microsoftonline.com"), link("microsoftonline.com", "cc"))), CC, "CC-EGRESS-AAD");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("the input gives none of its record sets");
  });

  it("microsoftonline.com exported with its SOA only: its record sets were given, login has none (fail), and nothing says to export them", () => {
    const soa = { id: `${zoneId("microsoftonline.com")}/SOA/@`, name: "@", type: "Microsoft.Network/privateDnsZones/SOA", properties: { ttl: 3600, soaRecord: { host: "azureprivatedns.net", email: "azureprivatedns-host.microsoft.com" } } };
    const f = finding(run(spokePair().extra(zone("microsoftonline.com"), link("microsoftonline.com", "cc"), soa)), CC, "CC-EGRESS-AAD");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("NXDOMAIN");
    expect(`${f.detail} ${f.noFixReason ?? ""}`).not.toContain("record-set list");
  });

  it("an A record for management in azure.com: warn, the machines connect to that address instead", () => {
    const f = finding(run(spokePair().extra(zone("azure.com"), link("azure.com", "cc"), a("azure.com", "management", ["10.1.0.50"]))), CC, "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("answers management.azure.com with 10.1.0.50");
  });

  it("a custom DNS server the input cannot see: the zone link to CycleCloud's VNet is not what it resolves with (pass)", () => {
    const b = spokePair().extra(zone("azure.com"), link("azure.com", "cc"), a("azure.com", "myapp", ["10.1.0.50"]));
    const all = b.resources() as { name: string; properties: Record<string, unknown> }[];
    all.find((r) => r.name === "cc")!.properties.dhcpOptions = { dnsServers: ["192.0.2.53"] };
    const r = audit(loadSnapshot([{ name: "estate.json", value: all }]), { roles: { cyclecloud: [CC], cluster: [NODES], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    expect(finding(r, CC, "CC-EGRESS-ARM").detail).not.toContain("NXDOMAIN");
  });
});

describe("Storage with blob.core.windows.net linked (the locker's name)", () => {
  const blob = "blob.core.windows.net";
  const withSe = () => spokePair({ serviceEndpoints: [{ service: "Microsoft.Storage" }] });
  /** The locker's blob private endpoint pe-locker (10.1.9.4, in cc/pe), and blob.core.windows.net giving its name that address. */
  const withEndpointInBlobZone = () =>
    withSe()
      .subnet("cc/pe", "10.1.9.0/24")
      .storagePrivateEndpoint("pe-locker", "cc/pe", { account: "stlocker01" })
      .extra(peLockerNic, zone(blob), link(blob, "cc"), a(blob, "stlocker01", ["10.1.9.4"]));

  it("the profile's account without a record: CC-EGRESS-STORAGE and NODE-EGRESS-STORAGE fail, CC-SE-STORAGE warns, the query is blocked", () => {
    const b = withSe().extra(zone(blob), link(blob, "cc"), link(blob, "compute"), a(blob, "otheraccount", ["10.1.2.9"]));
    const r = run(b, "stlocker01");
    const egress = finding(r, CC, "CC-EGRESS-STORAGE");
    expect(egress.status).toBe("fail");
    expect(egress.detail).toContain("stlocker01.blob.core.windows.net does not resolve");
    expect(egress.detail).toContain("zone blob.core.windows.net (linked to cc by l-cc, not a Private Link zone)");
    expect(finding(r, NODES, "NODE-EGRESS-STORAGE").status).toBe("fail");
    const se = finding(r, CC, "CC-SE-STORAGE");
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("stlocker01 (its blob name does not resolve from this subnet");
    const q = queryFlow(b.snapshot(), { from: CC, to: "stlocker01.blob.core.windows.net", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("blocked");
    expect(q.parts.join(" ")).toContain("does not resolve");
    // Another account the zone holds resolves.
    expect(queryFlow(b.snapshot(), { from: CC, to: "otheraccount.blob.core.windows.net", protocol: "tcp", port: "443" }).verdict).not.toBe("blocked");
  });

  it("no profile account: a zone holding no account at all fails; one holding some accounts warns (which one CycleCloud uses is not known)", () => {
    const none = finding(run(withSe().extra(zone(blob), link(blob, "cc"), cname(blob, "@", "x.example"))), CC, "CC-EGRESS-STORAGE");
    expect(none.status).toBe("fail");
    expect(none.detail).toContain("every storage account's blob name");
    const some = finding(run(withSe().extra(zone(blob), link(blob, "cc"), a(blob, "otheraccount", ["10.1.2.9"]))), CC, "CC-EGRESS-STORAGE");
    expect(some.status).toBe("warn");
    expect(some.detail).toContain("it holds otheraccount");
  });

  it("the zone's record for the account is a CNAME into a linked privatelink zone holding the endpoint: the endpoint is used, nothing is hidden", () => {
    const b = withSe()
      .subnet("cc/pe", "10.1.9.0/24")
      .storagePrivateEndpoint("pe-locker", "cc/pe", { account: "stlocker01" })
      .extra(
        peLockerNic,
        { id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/stlocker01`, name: "stlocker01", type: "Microsoft.Storage/storageAccounts", location: "westeurope", properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } } },
        zone(blob),
        link(blob, "cc"),
        cname(blob, "stlocker01", "stlocker01.privatelink.blob.core.windows.net"),
        zone("privatelink.blob.core.windows.net"),
        link("privatelink.blob.core.windows.net", "cc"),
        a("privatelink.blob.core.windows.net", "stlocker01", ["10.1.9.4"]),
      );
    const r = run(b, "stlocker01");
    expect(finding(r, CC, "CC-EGRESS-STORAGE").detail).not.toContain("does not resolve");
    expect(finding(r, CC, "CC-EGRESS-STORAGE").status).toBe("pass");
    // An A record in blob.core.windows.net for the endpoint's address reaches the account too.
    const direct = withEndpointInBlobZone();
    expect(finding(run(direct, "stlocker01"), CC, "CC-EGRESS-STORAGE").status).toBe("pass");
    const q = queryFlow(direct.snapshot(), { from: CC, to: "stlocker01.blob.core.windows.net", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("allowed");
    expect(q.notes.join(" ")).toContain("resolves to private endpoint pe-locker");
  });

  it("the zone gives the account's blob name the address of its file private endpoint: the blob service is not there (warn, not pass)", () => {
    const withEndpoint = (groupIds: string[]) => {
      const b = withEndpointInBlobZone();
      const all = b.resources() as { name: string; properties: { privateLinkServiceConnections?: { properties: { groupIds: string[] } }[] } }[];
      all.find((r) => r.name === "pe-locker")!.properties.privateLinkServiceConnections![0].properties.groupIds = groupIds;
      return audit(loadSnapshot([{ name: "estate.json", value: all }]), parseProfile("profile.json", { roles: { cyclecloud: [CC], cluster: [NODES] }, storageAccount: "stlocker01" }), { generatedAt: "2026-01-01T00:00:00.000Z" });
    };
    expect(finding(withEndpoint(["blob"]), CC, "CC-EGRESS-STORAGE").status).toBe("pass");
    const f = finding(withEndpoint(["file"]), CC, "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("answers stlocker01.blob.core.windows.net with 10.1.9.4, not the service's public addresses");
  });
});

describe("the private endpoint's name through zones named after public domains", () => {
  type Resource = { name: string; type: string; properties: Record<string, unknown> };
  const hub = (extra: unknown[]) => {
    const b = endpointHub({ policy: "fwp" }).extra(privateOnlyAccount);
    b.policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: [{ kind: "application" as const, name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }] }] }], { snatPrivateRanges: ["255.255.255.255/32"] });
    b.extra(...plLinks(["spoke", "hub"]), plRecord("sta", ["10.2.6.4"]), ...extra);
    const all = b.resources() as Resource[];
    const pev = all.find((r) => r.name === "pev")!;
    pev.properties.subnets = (pev.properties.subnets as { properties: Record<string, unknown> }[]).map((s) => ({ ...s, properties: { ...s.properties, privateEndpointNetworkPolicies: "RouteTableEnabled" } }));
    return finding(audit(loadSnapshot([{ name: "estate.json", value: all }]), { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "spoke/hpc", "NODE-SE-STORAGE");
  };

  it("core.windows.net linked to the client's VNet answers sta's name before the privatelink zone could: not usable by name", () => {
    expect(hub([]).status).toBe("pass");
    const f = hub([zone("core.windows.net"), link("core.windows.net", "spoke"), a("core.windows.net", "other.blob", ["10.9.9.9"])]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("zone core.windows.net, linked to spoke by l-spoke, holds no record for sta.blob");
    expect(f.detail).toContain("not a Private Link zone");
  });

  it("blob.core.windows.net linked only to the firewall's VNet: the firewall resolving for its application rule gets NXDOMAIN", () => {
    const f = hub([zone("blob.core.windows.net"), link("blob.core.windows.net", "hub"), a("blob.core.windows.net", "other", ["10.9.9.9"])]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("Azure Firewall fw");
    expect(f.detail).toContain("zone blob.core.windows.net, linked to hub by l-hub, holds no record for sta");
  });
});

describe("an Azure Firewall's application rule resolves the name itself", () => {
  const seedApp: CollectionSpec = { name: "cyclecloud", priority: 300, rules: [{ kind: "application", name: "seed-names", src: ["10.1.0.0/16"], fqdns: ["management.azure.com", "login.microsoftonline.com"] }] };
  /** Spoke cc routing everything to hub firewall fw (10.100.0.4), whose policy allows the names by application rule. */
  const hubAndSpoke = (opts: { servers?: string[] } = {}) => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "nsg-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .peer("hub", "spoke")
      .routeTable("rt", [{ name: "to-firewall", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
      .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [{ name: "rcg", priority: 200, collections: [seedApp] }]);
    if (!opts.servers) return b;
    const all = b.resources() as { name: string; properties: Record<string, unknown> }[];
    all.find((r) => r.name === "fwp")!.properties.dnsSettings = { servers: opts.servers };
    return all;
  };
  const arm = (r: ReturnType<EstateBuilder["audit"]>) => finding(r, "spoke/cc", "CC-EGRESS-ARM");
  const zoneOnHub = [zone("azure.com"), link("azure.com", "hub"), a("azure.com", "myapp", ["10.100.0.50"])];

  it("azure.com linked to the firewall's VNet only: ARM fails naming the firewall; the query is blocked", () => {
    expect(arm((hubAndSpoke() as EstateBuilder).audit({ cyclecloud: ["spoke/cc"] })).status).toBe("pass");
    const b = (hubAndSpoke() as EstateBuilder).extra(...zoneOnHub);
    const f = arm(b.audit({ cyclecloud: ["spoke/cc"] }));
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("Azure Firewall fw, whose application rule lets it through, resolves management.azure.com itself with Azure DNS of hub");
    expect(f.detail).toContain("zone azure.com (linked to hub by l-hub");
    expect(finding(b.audit({ cyclecloud: ["spoke/cc"] }), "spoke/cc", "CC-EGRESS-AAD").status).toBe("pass");
    const q = queryFlow(b.snapshot(), { from: "spoke/cc", to: "management.azure.com", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("blocked");
    expect(q.parts.join(" ")).toContain("Azure Firewall fw");
  });

  it("a firewall whose policy's custom DNS server is in a VNet of the input (a Private Resolver inbound endpoint in hub): the zones linked to that VNet decide", () => {
    const all = hubAndSpoke({ servers: ["10.100.0.132"] }) as unknown[];
    const r = audit(loadSnapshot([{ name: "estate.json", value: [...all, ...zoneOnHub] }]), { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    expect(arm(r).status).toBe("fail");
    expect(arm(r).detail).toContain("resolves management.azure.com itself through the custom DNS servers of its DNS settings");
    expect(arm(r).detail).toContain("10.100.0.132 (in hub): private DNS zone azure.com (linked to hub by l-hub");
  });

  it("the machines ask the firewall's DNS proxy, which forwards to a server in hub: the zone linked to hub hides the name; a second server outside the input makes it warn", () => {
    const proxied = (servers: string[]) => {
      const all = hubAndSpoke({ servers }) as { name: string; type: string; properties: Record<string, unknown> }[];
      (all.find((r) => r.name === "fwp")!.properties.dnsSettings as Record<string, unknown>).enableProxy = true;
      all.find((r) => r.name === "spoke" && r.type === "Microsoft.Network/virtualNetworks")!.properties.dhcpOptions = { dnsServers: ["10.100.0.4"] };
      return audit(loadSnapshot([{ name: "estate.json", value: [...all, ...zoneOnHub] }]), { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    };
    const aad = (r: ReturnType<typeof proxied>) => finding(r, "spoke/cc", "CC-EGRESS-AAD");
    // login.microsoftonline.com is under no zone of the input: the proxy's servers are not in its way.
    expect(aad(proxied(["10.100.0.132"])).status).toBe("pass");
    const f = arm(proxied(["10.100.0.132"]));
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("Azure Firewall fw, whose DNS proxy forwards to 10.100.0.132 (in hub)");
    expect(f.detail).toContain("NXDOMAIN");
    const two = arm(proxied(["10.100.0.132", "192.0.2.53"]));
    expect(two.status).toBe("warn");
    expect(two.detail).toContain("192.0.2.53 is not in its way");
  });

  it("a firewall resolving with its policy's custom DNS servers: what they answer is not seen, not held against the name", () => {
    const all = hubAndSpoke({ servers: ["192.0.2.53"] }) as unknown[];
    const r = audit(loadSnapshot([{ name: "estate.json", value: [...all, ...zoneOnHub] }]), { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
    expect(arm(r).detail).not.toContain("NXDOMAIN");
  });
});

// The flow query judges a storage name where the source's DNS resolves it (storageNameTargets); the check judged the
// account's public path even where the privatelink zone gives the name its private endpoint, which an NSG denies.
// https://learn.microsoft.com/azure/storage/common/storage-private-endpoints
describe("the profile's account's blob name resolves to its private endpoint", () => {
  const endpointEstate = (ccRules: Parameters<EstateBuilder["nsg"]>[1]) =>
    spokePair()
      .nsg("nsg-cc", ccRules)
      .subnet("cc/pe", "10.1.9.0/24")
      .storagePrivateEndpoint("pe-locker", "cc/pe", { account: "stlocker01" })
      .extra(
        peLockerNic,
        { id: `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/stlocker01`, name: "stlocker01", type: "Microsoft.Storage/storageAccounts", location: "westeurope", properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } } },
        zone("privatelink.blob.core.windows.net"),
        link("privatelink.blob.core.windows.net", "cc"),
        a("privatelink.blob.core.windows.net", "stlocker01", ["10.1.9.4"]),
      );
  const denyPe = { name: "DenyPeSubnet", priority: 100, direction: "Outbound" as const, access: "Deny" as const, protocol: "*", dst: "10.1.9.0/24" };

  it("an NSG rule denies the endpoint: CC-EGRESS-STORAGE fails as the query is blocked, naming the endpoint and the rule", () => {
    const b = endpointEstate([denyPe, ...SEED_RULES.map((r) => ({ ...r, priority: r.priority + 10 }))]);
    const f = finding(run(b, "stlocker01"), CC, "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("stlocker01.blob.core.windows.net resolves for cc/snet-cc to private endpoint pe-locker");
    expect(f.detail).toContain("denied by DenyPeSubnet (100) in nsg-cc");
    expect(f.noFixReason).toContain("private endpoint");
    expect(queryFlow(b.snapshot(), { from: CC, to: "stlocker01.blob.core.windows.net", protocol: "tcp", port: "443" }).verdict).toBe("blocked");
  });

  it("nothing denies the endpoint: pass, saying the endpoint serves it", () => {
    const f = finding(run(endpointEstate([...SEED_RULES]), "stlocker01"), CC, "CC-EGRESS-STORAGE");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("private endpoint pe-locker serves it");
  });
});
