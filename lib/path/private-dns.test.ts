// A storage private endpoint is used only by name (CONTRACT §4.2): the client's resolver must give it the endpoint's
// address. Through an Azure Firewall's DNS proxy the firewall's own resolution decides, and a firewall without the
// proxy answers no DNS; the zone's A record must point at the endpoint; a record missing is fixed by adding it.
// https://learn.microsoft.com/azure/firewall/dns-settings
// https://learn.microsoft.com/azure/private-link/private-endpoint-dns
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { InputError } from "../errors";
import { loadSnapshot } from "../snapshot";
import { finding, id } from "../../test/helpers/estate-builder";
import { ZONE, aRecord, endpointHub, privateOnlyAccount, zoneLinks } from "../../test/helpers/endpoint-hub";
import { queryFlow } from "./query";

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
  const b = endpointHub(opts.classic ? {} : { policy: "fwp" }).extra(privateOnlyAccount);
  if (!opts.classic) b.policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: opts.rules ?? blobApp }] }], { snatPrivateRanges: ALWAYS_SNAT });
  b.extra(...zoneLinks(opts.zoneLinks ?? ["spoke", "hub"]));
  const records = opts.records === undefined ? { sta: ["10.2.6.4"] } : opts.records;
  for (const [name, ips] of Object.entries(records ?? {})) b.extra(aRecord(name, ips));
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

const load = (all: Resource[]) => loadSnapshot([{ name: "estate.json", value: all }]);
const egress = (snapshot: ReturnType<typeof loadSnapshot>) => finding(audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "spoke/hpc", "NODE-EGRESS-STORAGE");
/** A VNet holding a custom DNS server (its address space only). */
const dnsVnet = (name: string, prefix: string): Resource & { id: string } => ({ id: id("virtualNetworks", name), name, type: "Microsoft.Network/virtualNetworks", properties: { addressSpace: { addressPrefixes: [prefix] }, subnets: [] } });
const storage = (snapshot: ReturnType<typeof loadSnapshot>) => finding(audit(snapshot, { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "spoke/hpc", "NODE-SE-STORAGE");
const query = (snapshot: ReturnType<typeof loadSnapshot>) => queryFlow(snapshot, { from: "spoke/hpc", to: "10.2.6.4", protocol: "tcp", port: "443" });

describe("a client VNet whose DNS server is an Azure Firewall", () => {
  it("resolves through the firewall's DNS proxy, which forwards to custom servers: cannot be judged (warn), not the firewall VNet's zone links", () => {
    const se = storage(hub({ rules: toPe, zoneLinks: ["hub"], dns: { enableProxy: true, servers: ["10.50.0.4"] }, spokeDns: ["10.100.0.4"] }).snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("DNS server 10.100.0.4 is Azure Firewall fw");
    expect(se.detail).toContain("custom DNS servers 10.50.0.4");
  });

  it("the proxy forwards to a custom server in a VNet of the input (a Private Resolver inbound endpoint): that VNet's zone link decides", () => {
    const linkedThere = hub({ rules: toPe, zoneLinks: ["dnsv"], dns: { enableProxy: true, servers: ["10.50.0.4"] }, spokeDns: ["10.100.0.4"] }).all;
    expect(storage(load([...linkedThere, dnsVnet("dnsv", "10.50.0.0/24")])).status).toBe("pass");
    const linkedElsewhere = hub({ rules: toPe, zoneLinks: ["hub"], dns: { enableProxy: true, servers: ["10.50.0.4"] }, spokeDns: ["10.100.0.4"] }).all;
    const se = storage(load([...linkedElsewhere, dnsVnet("dnsv", "10.50.0.0/24")]));
    expect(se.status).not.toBe("pass");
    expect(se.detail).toContain("10.50.0.4 (in dnsv) resolves with Azure DNS of dnsv");
    expect(se.detail).toContain("none gives the private endpoint");
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

// A VM asks any of its VNet's DNS servers (dhcpOptions.dnsServers); a custom server resolves with Azure DNS of its own
// VNet, which sees only the zones linked to that VNet.
// https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances
// https://learn.microsoft.com/azure/dns/private-dns-privatednszone
describe("a client VNet with several DNS servers", () => {
  it("a firewall whose proxy gives the endpoint and a server in a VNet without the zone, in either order: cannot be judged (warn), naming which gives what", () => {
    for (const spokeDns of [["10.100.0.4", "10.50.0.4"], ["10.50.0.4", "10.100.0.4"]]) {
      const { all } = hub({ rules: toPe, zoneLinks: ["hub"], dns: { enableProxy: true }, spokeDns });
      const se = storage(load([...all, dnsVnet("dnsv", "10.50.0.0/24")]));
      expect(se.status).toBe("warn");
      expect(se.detail).toContain("cannot be judged");
      expect(se.detail).toContain("10.100.0.4 (Azure Firewall fw) gives the private endpoint");
      expect(se.detail).toContain("10.50.0.4 (in dnsv): zone privatelink.blob.core.windows.net is not linked to dnsv");
    }
  });

  it("a server in the linked client VNet and a firewall whose VNet has no link: warn, and egress is not failed on the second server alone", () => {
    const { snapshot } = hub({ rules: toPe, zoneLinks: ["spoke"], dns: { enableProxy: true }, spokeDns: ["10.1.0.10", "10.100.0.4"] });
    const se = storage(snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("10.1.0.10 (in spoke) gives the private endpoint");
    expect(se.detail).toContain("link privatelink.blob.core.windows.net to hub");
    expect(egress(snapshot).status).toBe("warn");
    // Both servers resolving through a linked VNet: a pass.
    expect(storage(hub({ rules: toPe, zoneLinks: ["spoke", "hub"], dns: { enableProxy: true }, spokeDns: ["10.1.0.10", "10.100.0.4"] }).snapshot).status).toBe("pass");
  });

  it("no server gives the endpoint: the name does not resolve, naming each server", () => {
    const { all } = hub({ rules: toPe, zoneLinks: ["spoke", "hub"], spokeDns: ["10.50.0.4", "10.60.0.4"] });
    const se = storage(load([...all, dnsVnet("dnsv", "10.50.0.0/24"), dnsVnet("dnsw", "10.60.0.0/24")]));
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("none of the VNet's DNS servers 10.50.0.4, 10.60.0.4 gives the private endpoint");
    expect(se.detail).toContain("not linked to dnsw");
  });
});

describe("A record sets, zones of one name, CNAME records", () => {
  // Azure DNS answers with every address of a record set, and clients use any of them.
  // https://learn.microsoft.com/azure/dns/dns-zones-records#record-sets
  it("an A record with the endpoint's address and a stray one: warn naming the stray address, and the query through the firewall's own DNS is not allowed", () => {
    const { snapshot } = hub({ records: { sta: ["10.2.6.4", "10.2.6.9"] } });
    const se = storage(snapshot);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("holds 10.2.6.9 besides the private endpoint's address 10.2.6.4");
    expect(se.detail).toContain("remove 10.2.6.9");
    expect(query(snapshot).verdict).toBe("partial");
  });

  it("two privatelink.blob zones (a leftover without links listed first): the zone linked to the VNet decides", () => {
    const { all } = hub({});
    const leftover = { id: ZONE.replace("/resourceGroups/rg-test/", "/resourceGroups/rg-old/"), name: "privatelink.blob.core.windows.net", type: "Microsoft.Network/privateDnsZones", properties: {} };
    expect(leftover.id).not.toBe(ZONE);
    const snapshot = load([leftover, ...all]);
    const se = storage(snapshot);
    expect(se.status).toBe("pass");
    expect(query(snapshot).verdict).toBe("allowed");
    // The leftover linked to spoke instead: spoke resolves with it, which lacks the record.
    const link = { id: `${leftover.id}/virtualNetworkLinks/l-spoke`, name: "l-spoke", type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", properties: { virtualNetwork: { id: id("virtualNetworks", "spoke") } } };
    const record = { id: `${leftover.id}/A/other`, name: "other", type: "Microsoft.Network/privateDnsZones/A", properties: { aRecords: [{ ipv4Address: "10.2.6.7" }] } };
    const moved = hub({ zoneLinks: ["hub"] }).all;
    expect(storage(load([leftover, link, record, ...moved])).detail).toContain("holds no A record for sta");
  });

  it("a CNAME sta → other in the zone, other an A record for the endpoint: followed (pass); a CNAME the input does not let it follow: cannot be judged, not 'add an A record'", () => {
    const cname = (target: string): Resource & { id: string } => ({ id: `${ZONE}/CNAME/sta`, name: "sta", type: "Microsoft.Network/privateDnsZones/CNAME", properties: { ttl: 10, cnameRecord: { cname: target } } });
    const followed = load([...hub({ records: { other: ["10.2.6.4"] } }).all, cname("other.privatelink.blob.core.windows.net.")]);
    expect(storage(followed).status).toBe("pass");
    expect(query(followed).verdict).toBe("allowed");
    const stale = storage(load([...hub({ records: { other: ["10.2.6.9"] } }).all, cname("other.privatelink.blob.core.windows.net")]));
    expect(stale.detail).toContain("CNAME record sta points at other.privatelink.blob.core.windows.net, and zone privatelink.blob.core.windows.net's A record other points at 10.2.6.9");
    const away = load([...hub({ records: { other: ["10.2.6.4"] } }).all, cname("sta.blob.contoso.example")]);
    const se = storage(away);
    expect(se.status).toBe("warn");
    expect(se.detail).toContain("CNAME record sta points at sta.blob.contoso.example");
    expect(se.detail).toContain("cannot be judged");
    expect(se.detail).not.toContain("add an A record");
    expect(query(away).verdict).toBe("partial");
  });
});
