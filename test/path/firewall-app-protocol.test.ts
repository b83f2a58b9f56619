// Application rules "apply only to HTTP, HTTPS and MSSQL" (CONTRACT §4.1 stage 5), each on the ports its protocol type
// lists: AMQP to CycleCloud meets none of them, and HTTPS meets only their Https ports. An earlier version matched an
// application rule by port alone, so `*` on Https:5672 passed the nodes' AMQP, and Http:443 passed ARM's TLS (found by a
// firewall review). The path property tests draw packets of each protocol against the packet reference.
// https://learn.microsoft.com/azure/firewall/rule-processing
import { describe, expect, it } from "vitest";
import { type CollectionSpec, estate, finding } from "../helpers/estate-builder";
import { queryFlow } from "../../lib/path/query";
import { aRecord, endpointHub, privateOnlyAccount, zoneLinks } from "../helpers/endpoint-hub";

const FW_IP = "10.100.0.4";

type AppRule = { name: string; fqdns: string[]; ports: number[]; types: ("Http" | "Https" | "Mssql")[] };

/** One Allow collection of application rules from 10.0.0.0/8. */
const appRules = (rules: AppRule[]): CollectionSpec[] => [{ name: "app", priority: 100, action: "Allow", rules: rules.map((r) => ({ kind: "application" as const, src: ["10.0.0.0/8"], ...r })) }];

/**
 * CycleCloud in ccvnet, nodes in hpc, both routing everything to the hub's firewall fw, whose policy fwp holds
 * `collections`; `dnsServers` for every VNet.
 */
function hub(collections: CollectionSpec[], opts: { dnsProxy?: boolean; dnsServers?: string[] } = {}) {
  const dns = opts.dnsServers ? { dnsServers: opts.dnsServers } : {};
  return estate()
    .vnet("hub", ["10.100.0.0/24"], dns)
    .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("ccvnet", ["10.1.0.0/16"], dns)
    .subnet("ccvnet/cc", "10.1.0.0/24", { routeTable: "rt" })
    .vnet("hpc", ["10.2.0.0/16"], dns)
    .subnet("hpc/c1", "10.2.1.0/24", { routeTable: "rt" })
    .peer("hub", "ccvnet")
    .peer("hub", "hpc")
    .routeTable("rt", [{ name: "via-fw", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: FW_IP }])
    .firewall("fw", "hub", FW_IP, { policy: "fwp" })
    .policy("fwp", collections.length ? [{ name: "rcg", priority: 200, collections }] : [], opts.dnsProxy ? { dnsProxy: true } : {});
}

const roles = { cyclecloud: ["ccvnet/cc"], cluster: ["hpc/c1"] };
const throughFirewall = (rules: AppRule[]) => hub(appRules(rules)).audit(roles);

describe("application rules meet only the protocol they name", () => {
  it("AMQP to CycleCloud meets no application rule, even one for * on Https:5672: denied at the firewall; HTTPS 9443 passes by it", () => {
    const r = throughFirewall([{ name: "cc", fqdns: ["*"], ports: [5672, 9443], types: ["Https", "Https"] }]);
    const amqp = finding(r, "hpc/c1", "NODE-EGRESS-AMQP");
    expect(amqp.status).toBe("fail");
    expect(amqp.detail).toContain("denied at Azure Firewall fw");
    expect(finding(r, "hpc/c1", "NODE-EGRESS-HTTPS").status).toBe("pass");
  });

  it("ARM over HTTPS 443 is not let through by an application rule for Http:443 (or Mssql:443), and is by Https:443", () => {
    for (const type of ["Http", "Mssql"] as const) {
      const arm = finding(throughFirewall([{ name: "arm", fqdns: ["management.azure.com"], ports: [443], types: [type] }]), "ccvnet/cc", "CC-EGRESS-ARM");
      expect(arm.status, type).toBe("fail");
      expect(arm.detail, type).toContain("no rule matched for management.azure.com");
    }
    expect(finding(throughFirewall([{ name: "arm", fqdns: ["management.azure.com"], ports: [443], types: ["Https"] }]), "ccvnet/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("the lockdown, about any traffic by address, still counts an application rule on any of its ports as letting traffic out", () => {
    const lockdown = finding(throughFirewall([{ name: "web", fqdns: ["*"], ports: [8443], types: ["Mssql"] }]), "ccvnet/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).not.toBe("pass");
    expect(lockdown.detail).toContain("TCP port 8443 to Internet addresses outside the CycleCloud page's service tags: leaves");
    expect(lockdown.detail).toContain("application rule web");
  });
});

describe("network rules by FQDN", () => {
  it("take no wildcard: a network rule for *.blob.core.windows.net (DNS proxy on) lets no Storage through, and says why", () => {
    const net: CollectionSpec[] = [{ name: "net", priority: 100, action: "Allow", rules: [{ kind: "network", name: "blob", src: ["10.0.0.0/8"], fqdns: ["*.blob.core.windows.net"], ports: ["443"] }] }];
    const r = hub(net, { dnsProxy: true, dnsServers: [FW_IP] }).audit(roles);
    const storage = finding(r, "ccvnet/cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("fail");
    expect(storage.detail).toContain("Network rule blob names *.blob.core.windows.net: network rules take no wildcard FQDNs");
  });
});

describe("a stopped firewall", () => {
  it("(deallocated: no IP configuration) is named as forwarding nothing, not as missing from the input", () => {
    const b = hub([]);
    const resources = b.resources() as { name: string; properties: Record<string, unknown> }[];
    resources.find((r) => r.name === "fw")!.properties.ipConfigurations = [];
    const arm = finding(estate().extra(...resources).audit(roles), "ccvnet/cc", "CC-EGRESS-ARM");
    expect(arm.status).toBe("warn");
    expect(arm.detail).toContain("firewall fw of the input has no IP configuration (stopped, or deallocated), so it forwards nothing");
  });
});

describe("the flow query, which does not know what its traffic speaks", () => {
  it("counts an application rule on any of its ports, and says it holds only for the protocol the rule names", () => {
    const b = hub(appRules([{ name: "cc", fqdns: ["*"], ports: [5672], types: ["Https"] }]));
    const q = queryFlow(b.snapshot(), { from: "hpc/c1", to: "20.30.40.50", protocol: "tcp", port: "5672" });
    expect(q.notes.join(" ")).toContain("Application rule cc of fw lets it through only if the traffic speaks the protocol the rule names on that port");
  });
});

describe("the private path to a storage endpoint through a firewall", () => {
  it("is HTTPS too: an application rule for the account's blob name on Http:443 lets none of it through", () => {
    const se = (type: "Http" | "Https") => {
      const b = endpointHub({ policy: "fwp" })
        .policy("fwp", [{ name: "rcg", priority: 100, collections: [{ name: "storage", priority: 100, action: "Allow", rules: [{ kind: "application", name: "blob", src: ["10.1.0.0/16"], fqdns: ["*.blob.core.windows.net"], ports: [443], types: [type] }] }] }], { snatPrivateRanges: ["IANAPrivateRanges"] })
        .extra(privateOnlyAccount, aRecord("sta", ["10.2.6.4"]), ...zoneLinks(["spoke", "hub"]));
      // The spoke's route to the endpoint's VNet through the firewall overrides the endpoint's /32 only with route
      // table network policies on the endpoint's subnet.
      const all = b.resources() as { name: string; properties: { subnets?: { name: string; properties: Record<string, unknown> }[] } }[];
      all.find((r) => r.name === "pev")!.properties.subnets!.find((x) => x.name === "pe")!.properties.privateEndpointNetworkPolicies = "RouteTableEnabled";
      return finding(estate().extra(...all).audit({ cyclecloud: ["spoke/cc"], cluster: ["spoke/hpc"] }), "spoke/hpc", "NODE-SE-STORAGE");
    };
    expect(se("Https").status).toBe("pass");
    const http = se("Http");
    expect(http.status).not.toBe("pass");
    expect(http.detail).toContain("TCP 443 to it is blocked");
  });
});

describe("the flow query by name on TCP 443", () => {
  it("is HTTPS, as the audit judges the service: an application rule for Http:443 lets management.azure.com through neither", () => {
    const b = hub(appRules([{ name: "arm", fqdns: ["management.azure.com"], ports: [443], types: ["Http"] }]));
    const q = queryFlow(b.snapshot(), { from: "ccvnet/cc", to: "management.azure.com", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("blocked");
    expect(finding(b.audit(roles), "ccvnet/cc", "CC-EGRESS-ARM").status).toBe("fail");
  });
});

describe("the flow query told what its traffic speaks (app, `npm run query --app`)", () => {
  // By address the query cannot guess the protocol: an application rule for * on Https:443 lets TCP 443 through on
  // any protocol, with a note. Told, it answers for that protocol alone, and the note goes.
  const b = hub(appRules([{ name: "web", fqdns: ["*"], ports: [443], types: ["Https"] }]));
  const ask = (app?: "http" | "https" | "other") => queryFlow(b.snapshot(), { from: "hpc/c1", to: "20.30.40.50", protocol: "tcp", port: "443", ...(app ? { app } : {}) });
  const NOTE = "Application rule web of fw lets it through only if the traffic speaks the protocol the rule names on that port";

  it("HTTPS to an address passes an application rule for * on Https:443; AMQP, SSH or HTTP on 443 meet none of it", () => {
    const unknown = ask();
    expect(unknown.verdict).toBe("allowed");
    expect(unknown.notes.join(" ")).toContain(NOTE);
    const https = ask("https");
    expect(https.verdict).toBe("allowed");
    expect(https.stages.find((s) => s.stage === "firewall")).toMatchObject({ firewall: "fw", rule: "web", kind: "application", action: "Allow" });
    expect(https.notes.join(" ")).not.toContain(NOTE);
    for (const app of ["other", "http"] as const) {
      const q = ask(app);
      expect(q.verdict, app).toBe("blocked");
      expect(q.parts[0], app).toContain("denied at Azure Firewall fw");
      expect(q.stages.find((s) => s.stage === "firewall"), app).toMatchObject({ firewall: "fw", action: "Deny" });
      expect(q.stages.find((s) => s.stage === "firewall"), app).not.toHaveProperty("rule");
      expect(q.notes.join(" "), app).not.toContain(NOTE);
    }
  });

  it("replaces the guess by name: management.azure.com on 443, taken as HTTPS, passes an Http:443 rule when told it is HTTP", () => {
    const http = hub(appRules([{ name: "arm", fqdns: ["management.azure.com"], ports: [443], types: ["Http"] }])).snapshot();
    const q = (app?: "http" | "other") => queryFlow(http, { from: "ccvnet/cc", to: "management.azure.com", protocol: "tcp", port: "443", ...(app ? { app } : {}) });
    expect(q().verdict).toBe("blocked");
    expect(q("http").verdict).toBe("allowed");
    expect(q("other").verdict).toBe("blocked");
  });

  it("is refused, naming --app, for another value or a protocol other than tcp", () => {
    const snapshot = b.snapshot();
    const base = { from: "hpc/c1", to: "20.30.40.50", port: "443" };
    expect(() => queryFlow(snapshot, { ...base, protocol: "tcp", app: "amqp" as "other" })).toThrow('--app: expected http, https or other, got "amqp"');
    for (const protocol of ["udp", "icmp", "any"] as const) expect(() => queryFlow(snapshot, { ...base, protocol, app: "https" }), protocol).toThrow(`--app: names what TCP traffic speaks, so it needs protocol tcp, not ${protocol}`);
  });
});
