// A storage private endpoint is used only by name (CONTRACT §4.2): the client's resolver must give it the endpoint's
// address. Through an Azure Firewall's DNS proxy the firewall's own resolution decides, and a firewall without the
// proxy answers no DNS; the zone's A record must point at the endpoint; a record missing is fixed by adding it.
// https://learn.microsoft.com/azure/firewall/dns-settings
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { InputError } from "../errors";
import { loadSnapshot } from "../snapshot";
import { estate, finding, id } from "../../test/helpers/estate-builder";
import { queryFlow } from "./query";

const ZONE = `${id("x", "y").replace(/\/x\/y$/, "")}/privateDnsZones/privatelink.blob.core.windows.net`;
const STA = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sta";
const PEV_SUBNET = `${id("virtualNetworks", "pev")}/subnets/pe`;
const blobApp = [{ kind: "application" as const, name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }];
// A network rule to the endpoint, with a policy that always SNATs, so only DNS decides.
const toPe = [{ kind: "network" as const, name: "to-pe", src: ["10.1.0.0/16"], dst: ["10.2.6.4"], ports: ["443"] }];
const ALWAYS_SNAT = ["255.255.255.255/32"];

type Resource = { name: string; type: string; properties: Record<string, unknown> };
interface Opts {
  rules?: typeof blobApp | typeof toPe;
  zoneLinks?: string[];
  /** A record sets: name → addresses (undefined addresses: listed by name only); null: none in the input. */
  records?: Record<string, string[] | undefined> | null;
  /** The policy's dnsSettings; `classic` instead: the firewall's additionalProperties, no policy. */
  dns?: { enableProxy?: boolean; servers?: string[] };
  classic?: Record<string, string>;
  spokeDns?: string[];
}

/** spoke/hpc routes 10.2/16 to hub firewall fw (10.100.0.4); blob private endpoint pe-a of sta at 10.2.6.4 in pev. */
function hub(opts: Opts) {
  const b = estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/hpc", "10.1.8.0/22", { defaultOutboundAccess: false, routeTable: "rt" })
    .routeTable("rt", [{ name: "to-pev", prefix: "10.2.0.0/16", hop: "VirtualAppliance", ip: "10.100.0.4" }])
    .vnet("pev", ["10.2.0.0/16"])
    .subnet("pev/pe", "10.2.6.0/24")
    .vnet("hub", ["10.100.0.0/24"])
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .peer("hub", "spoke")
    .peer("hub", "pev")
    .peer("spoke", "pev")
    .firewall("fw", "hub", "10.100.0.4", opts.classic ? {} : { policy: "fwp" })
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
      { id: STA, name: "sta", type: "Microsoft.Storage/storageAccounts", properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" } } },
    );
  if (!opts.classic) b.policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: opts.rules ?? blobApp }] }], { snatPrivateRanges: ALWAYS_SNAT });
  b.extra(
    ...(opts.zoneLinks ?? ["spoke", "hub"]).map((v) => ({ id: `${ZONE}/virtualNetworkLinks/l-${v}`, name: `l-${v}`, type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", properties: { virtualNetwork: { id: id("virtualNetworks", v) }, virtualNetworkLinkState: "Completed" } })),
  );
  const records = opts.records === undefined ? { sta: ["10.2.6.4"] } : opts.records;
  for (const [name, ips] of Object.entries(records ?? {})) b.extra({ id: `${ZONE}/A/${name}`, name, type: "Microsoft.Network/privateDnsZones/A", properties: ips ? { ttl: 10, aRecords: ips.map((ipv4Address) => ({ ipv4Address })) } : {} });
  const all = b.resources() as Resource[];
  all.find((r) => r.name === "pev")!.properties.subnets = (all.find((r) => r.name === "pev")!.properties.subnets as { name: string; properties: Record<string, unknown> }[]).map((s) => ({ ...s, properties: { ...s.properties, privateEndpointNetworkPolicies: "RouteTableEnabled" } }));
  if (opts.dns) all.find((r) => r.name === "fwp")!.properties.dnsSettings = opts.dns;
  if (opts.spokeDns) all.find((r) => r.name === "spoke")!.properties.dhcpOptions = { dnsServers: opts.spokeDns };
  if (opts.classic) {
    const fw = all.find((r) => r.name === "fw")!;
    fw.properties.networkRuleCollections = [{ name: "to-pe", properties: { priority: 100, action: { type: "Allow" }, rules: [{ name: "to-pe", protocols: ["TCP"], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: ["10.2.6.4"], destinationPorts: ["443"] }] } }];
    fw.properties.additionalProperties = { "Network.SNAT.PrivateRanges": ALWAYS_SNAT[0], ...opts.classic };
  }
  return { all, snapshot: loadSnapshot([{ name: "estate.json", value: all }]) };
}

const storage = (snapshot: ReturnType<typeof loadSnapshot>) => finding(audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "spoke/hpc", "NODE-SE-STORAGE");
const query = (snapshot: ReturnType<typeof loadSnapshot>) => queryFlow(snapshot, { from: "spoke/hpc", to: "10.2.6.4", protocol: "tcp", port: "443" });

describe("a client VNet whose DNS server is an Azure Firewall", () => {
  it("resolves through the firewall's DNS proxy, which forwards to custom servers: cannot be judged (warn), not the firewall VNet's zone links", () => {
    const se = storage(hub({ rules: toPe, zoneLinks: ["hub"], dns: { enableProxy: true, servers: ["10.50.0.4"] }, spokeDns: ["10.100.0.4"] }).snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("DNS server 10.100.0.4 is Azure Firewall fw");
    expect(se.detail).toContain("custom DNS servers 10.50.0.4");
  });

  it("with the proxy on and Azure DNS: the firewall VNet's zone link decides, not the client VNet's", () => {
    expect(storage(hub({ rules: toPe, zoneLinks: ["hub"], dns: { enableProxy: true }, spokeDns: ["10.100.0.4"] }).snapshot).status).toBe("pass");
    const se = storage(hub({ rules: toPe, zoneLinks: ["spoke"], dns: { enableProxy: true }, spokeDns: ["10.100.0.4"] }).snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("DNS proxy resolves with Azure DNS of its own VNet");
    expect(se.detail).toContain("link privatelink.blob.core.windows.net to hub");
  });

  it("with the proxy off (policy): the firewall answers no DNS, so the endpoint is not used by name (warn, saying why)", () => {
    const se = storage(hub({ rules: toPe, zoneLinks: ["hub"], spokeDns: ["10.100.0.4"] }).snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("DNS proxy is off");
    expect(se.detail).toContain("does not resolve");
  });

  it("a classic firewall: additionalProperties Network.DNS.EnableProxy decides", () => {
    const off = storage(hub({ classic: { "Network.DNS.EnableProxy": "false" }, zoneLinks: ["hub"], spokeDns: ["10.100.0.4"] }).snapshot);
    expect(off.status).toBe("warn");
    expect(off.detail).toContain("additionalProperties Network.DNS.EnableProxy");
    expect(storage(hub({ classic: { "Network.DNS.EnableProxy": "true" }, zoneLinks: ["hub"], spokeDns: ["10.100.0.4"] }).snapshot).status).toBe("pass");
  });
});

describe("the zone's A record for the account", () => {
  it("pointing at another address than the endpoint's: not reached by name, in the audit and through the firewall's own DNS in the query", () => {
    const { snapshot } = hub({ records: { sta: ["10.2.6.9"] } });
    const se = storage(snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("A record sta points at 10.2.6.9, not at the private endpoint's address 10.2.6.4");
    const q = query(snapshot);
    expect(q.verdict).not.toBe("allowed");
    expect(q.parts.join(" ")).toContain("it gets 10.2.6.9");
    // One of the record's addresses being the endpoint's is enough.
    expect(storage(hub({ records: { sta: ["10.9.9.9", "10.2.6.4"] } }).snapshot).status).toBe("pass");
  });

  it("missing while the zone is linked: the fix says to add the record, not to link the zone", () => {
    const { snapshot } = hub({ records: { other: ["10.2.6.7"] } });
    const text = query(snapshot).parts.join(" ");
    expect(text).toContain("add an A record sta");
    expect(text).not.toContain("(link privatelink.blob.core.windows.net to hub)");
    expect(storage(snapshot).detail).toContain("add an A record sta");
  });

  it("no A record sets in the input at all: the pass says the records were not checked (a name-only set: plain pass)", () => {
    const se = storage(hub({ records: null }).snapshot);
    expect(se.status).toBe("pass");
    expect(se.detail).toContain("the input gives no A record sets of privatelink.blob.core.windows.net");
    // A set listed by name only is not held against the endpoint, and needs no such note.
    const named = storage(hub({ records: { sta: undefined } }).snapshot);
    expect(named.status).toBe("pass");
    expect(named.detail).not.toContain("no A record sets");
  });

  it("aRecords that is not a list of { ipv4Address } is one input error naming the file and path", () => {
    const { all } = hub({});
    all.find((r) => r.type === "Microsoft.Network/privateDnsZones/A")!.properties.aRecords = [{ ipv4Address: 5 }];
    let error: unknown;
    try {
      loadSnapshot([{ name: "estate.json", value: all }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("estate.json");
    expect((error as Error).message).toContain("aRecords");
  });
});
