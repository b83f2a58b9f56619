// A classic Azure Firewall (no firewallPolicy) keeps its DNS and SNAT settings in `additionalProperties`
// ("Network.DNS.Servers", "Network.DNS.EnableProxy", "Network.SNAT.PrivateRanges"), as `az network firewall update`
// and ARM templates write them; with a policy only the policy's count (CONTRACT §4.1 stage 5). And a firewall whose
// AzureFirewallSubnet is not in the input still resolves with Azure DNS of the VNet its subnet id names.
// https://learn.microsoft.com/azure/firewall/dns-settings
// https://learn.microsoft.com/azure/firewall/snat-private-range
import { describe, expect, it } from "vitest";
import { inputErrorMessage as messageOf } from "../../test/helpers/input-error";
import { audit } from "../audit";
import { loadSnapshot } from "../snapshot";
import { finding, id } from "../../test/helpers/estate-builder";
import { aRecord, endpointHub, privateOnlyAccount, zoneLinks } from "../../test/helpers/endpoint-hub";
import { flattenResource } from "../../test/snapshot/flatten";
import { queryFlow } from "./query";

// Hand-built ARM JSON, read and edited as written (subnets, properties) without a schema per fixture.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const FW = id("azureFirewalls", "fw").toLowerCase();

const blobApp = [{ name: "storage", properties: { priority: 100, action: { type: "Allow" }, rules: [{ name: "blob", sourceAddresses: ["10.1.0.0/16"], protocols: [{ protocolType: "Https", port: 443 }], targetFqdns: ["*.blob.core.windows.net"] }] } }];
const toPe = (dst: Json) => [{ name: "to-pe", properties: { priority: 100, action: { type: "Allow" }, rules: [{ name: "to-pe", protocols: ["TCP"], sourceAddresses: ["10.1.0.0/16"], destinationPorts: ["443"], ...dst }] } }];
const allowFwSubnetOnly = [
  { name: "AllowIn", priority: 100, direction: "Inbound" as const, access: "Allow" as const, src: "10.100.0.0/26", ports: "443" },
  { name: "DenyRest", priority: 200, direction: "Inbound" as const, access: "Deny" as const, ports: "443" },
];

/**
 * Spoke 10.1.0.0/16 routes pev (10.2.0.0/16) to hub firewall fw (10.100.0.4 in hub/AzureFirewallSubnet 10.100.0.0/26);
 * blob endpoint pe-a of account sta (public access disabled) at 10.2.6.4, its A record in privatelink.blob… linked
 * to `zoneLinks`. The firewall is classic (its collections `app` / `net`, settings `extra`) unless `policy` is set.
 */
function hub(opts: { app?: Json[]; net?: Json[]; extra?: Json; policy?: boolean; zoneLinks?: string[]; nsg?: boolean }): Json[] {
  const b = endpointHub({ ...(opts.nsg ? { pevNsg: "nsg-pev" } : {}), ...(opts.policy ? { policy: "fwp" } : {}) });
  if (opts.policy) b.policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, rules: [{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"] }] }] }]);
  if (opts.nsg) b.nsg("nsg-pev", allowFwSubnetOnly);
  b.extra(privateOnlyAccount, aRecord("sta", ["10.2.6.4"]), ...zoneLinks(opts.zoneLinks ?? ["spoke", "hub"]));
  const all = b.resources() as Json[];
  all.find((r) => r.name === "pev")!.properties.subnets.find((s: Json) => s.name === "pe").properties.privateEndpointNetworkPolicies = opts.nsg ? "Enabled" : "RouteTableEnabled";
  const fw = all.find((r) => r.name === "fw")!;
  if (!opts.policy) {
    fw.properties.applicationRuleCollections = opts.app ?? [];
    fw.properties.networkRuleCollections = opts.net ?? [];
  }
  if (opts.extra) fw.properties.additionalProperties = opts.extra;
  return all;
}

const load = (value: unknown) => loadSnapshot([{ name: "estate.json", value }]);
const se = (value: unknown) => finding(audit(load(value), { roles: { cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "spoke/hpc", "NODE-SE-STORAGE");
const query = (value: unknown) => queryFlow(load(value), { from: "spoke/hpc", to: "10.2.6.4", protocol: "tcp", port: "443" });


describe("reading a classic firewall's additionalProperties", () => {
  const extra = { "Network.DNS.Servers": "10.50.0.4, 10.50.0.5", "Network.DNS.EnableProxy": "true", "Network.SNAT.PrivateRanges": "IANAPrivateRanges,203.0.113.0/24", "Network.FTP.AllowActiveFTP": "true" };

  it("reads DNS servers, DNS proxy and SNAT private ranges from ARM and az (flattened) output; other keys are ignored", () => {
    const arm = hub({ app: blobApp, extra });
    for (const [form, value] of [["arm", { value: arm }], ["az", flattenResource(arm)]] as const) {
      const fw = load(value).firewalls?.get(FW);
      expect(fw?.dnsServers, form).toEqual(["10.50.0.4", "10.50.0.5"]);
      expect(fw?.dnsProxyEnabled, form).toBe(true);
      expect(fw?.snatPrivateRanges, form).toEqual(["IANAPrivateRanges", "203.0.113.0/24"]);
    }
  });

  it("absent or empty settings stay unset (Azure DNS, Azure's default SNAT); EnableProxy \"False\" is off", () => {
    const none = load(hub({ app: blobApp })).firewalls?.get(FW);
    expect([none?.dnsServers, none?.dnsProxyEnabled, none?.snatPrivateRanges]).toEqual([undefined, undefined, undefined]);
    const empty = load(hub({ app: blobApp, extra: { "Network.DNS.Servers": "", "Network.SNAT.PrivateRanges": "", "Network.DNS.EnableProxy": "False" } })).firewalls?.get(FW);
    expect([empty?.dnsServers, empty?.dnsProxyEnabled, empty?.snatPrivateRanges]).toEqual([undefined, false, undefined]);
  });

  it("refuses a bad value with one line naming the file and the setting's JSON path (CLI exit 2)", () => {
    const at = (key: string, value: unknown) => messageOf(() => load(hub({ app: blobApp, extra: { [key]: value } })));
    expect(at("Network.DNS.Servers", "10.50.0.4,dns.corp.example")).toMatch(/^estate\.json: \[\d+\]\.properties\.additionalProperties.*Network\.DNS\.Servers.*: expected comma-separated IP addresses, got "10\.50\.0\.4,dns\.corp\.example"$/);
    expect(at("Network.SNAT.PrivateRanges", "10.0.0.0/8,Internet")).toMatch(/additionalProperties.*Network\.SNAT\.PrivateRanges.*: expected comma-separated CIDRs or IANAPrivateRanges, got "10\.0\.0\.0\/8,Internet"$/);
    expect(at("Network.DNS.EnableProxy", "yes")).toMatch(/additionalProperties.*Network\.DNS\.EnableProxy.*: expected "true" or "false", got "yes"$/);
    expect(at("Network.DNS.Servers", ["10.50.0.4"])).toMatch(/Network\.DNS\.Servers.*: expected comma-separated IP addresses/);
  });
});

describe("a classic firewall's own DNS and SNAT settings in the path to a private endpoint", () => {
  it("custom DNS servers (Network.DNS.Servers): what the firewall resolves for its application rule cannot be judged — warn, query partial", () => {
    const all = hub({ app: blobApp, extra: { "Network.DNS.Servers": "10.50.0.4", "Network.DNS.EnableProxy": "true" } });
    const f = se(all);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("custom DNS servers 10.50.0.4");
    expect(f.detail).toContain("cannot be judged");
    expect(query(all).verdict).toBe("partial");
  });

  it("without custom DNS servers and with the zone linked to the firewall's VNet, the same firewall passes (control)", () => {
    const all = hub({ app: blobApp });
    expect(se(all).status).toBe("pass");
    expect(query(all).verdict).toBe("allowed");
  });

  it("with firewallPolicy set only the policy counts: the firewall's own Network.DNS.Servers is not read as its DNS", () => {
    const all = hub({ policy: true, extra: { "Network.DNS.Servers": "10.50.0.4" } });
    expect(se(all).status).toBe("pass");
    expect(query(all).verdict).toBe("allowed");
  });

  it("Network.SNAT.PrivateRanges 255.255.255.255/32 (always SNAT): the endpoint sees the firewall, so an NSG allowing only AzureFirewallSubnet lets it in", () => {
    const all = hub({ net: toPe({ destinationAddresses: ["10.2.6.4"] }), nsg: true, extra: { "Network.SNAT.PrivateRanges": "255.255.255.255/32" } });
    const f = se(all);
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("hub/AzureFirewallSubnet, 10.100.0.0/26");
    expect(query(all).verdict).toBe("allowed");
  });

  it("Network.SNAT.PrivateRanges 0.0.0.0/0 (never SNAT), like the default for a private address: replies bypass the firewall — blocked", () => {
    for (const extra of [{ "Network.SNAT.PrivateRanges": "0.0.0.0/0" }, undefined]) {
      const all = hub({ net: toPe({ destinationAddresses: ["10.2.6.4"] }), nsg: true, ...(extra ? { extra } : {}) });
      expect(se(all).status).not.toBe("pass");
      expect(query(all).verdict).toBe("blocked");
    }
  });

  it("Network.DNS.EnableProxy \"true\" lets a classic network rule match by destinationFqdns; \"false\" does not", () => {
    const net = toPe({ destinationFqdns: ["sta.blob.core.windows.net"] });
    const on = hub({ net, nsg: true, extra: { "Network.DNS.EnableProxy": "true", "Network.SNAT.PrivateRanges": "255.255.255.255/32" } });
    const off = hub({ net, nsg: true, extra: { "Network.DNS.EnableProxy": "false", "Network.SNAT.PrivateRanges": "255.255.255.255/32" } });
    expect(query(on).verdict).toBe("allowed");
    expect(query(off).verdict).toBe("blocked");
  });
});

describe("the firewall's DNS when its AzureFirewallSubnet is not in the input", () => {
  const withoutFwSubnet = (all: Json[]) => {
    all.find((r) => r.name === "hub")!.properties.subnets = [];
    return all;
  };

  it("the subnet id names the VNet: a zone not linked there still counts — warn, query blocked", () => {
    const all = withoutFwSubnet(hub({ policy: true, zoneLinks: ["spoke"] }));
    const f = se(all);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("is not linked to hub");
    expect(query(all).verdict).toBe("blocked");
  });

  it("the zone linked to that VNet: pass, as with the subnet (control)", () => {
    const all = withoutFwSubnet(hub({ policy: true, zoneLinks: ["spoke", "hub"] }));
    expect(se(all).status).toBe("pass");
    expect(query(all).verdict).toBe("allowed");
  });

  it("no subnet id at all and no virtual hub: cannot be judged — warn, query partial, never pass", () => {
    const all = hub({ policy: true, zoneLinks: ["spoke"] });
    delete all.find((r) => r.name === "fw")!.properties.ipConfigurations[0].properties.subnet;
    const f = se(all);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("cannot be judged");
    expect(query(all).verdict).toBe("partial");
  });
});
