// The flow query answers from the same engine as the audit: a query mirroring a finding gives the same verdict.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../audit";
import { loadSnapshot, parseJsonFile, parseProfile } from "../snapshot";
import type { Snapshot } from "../model/types";
import { SEED_RULES, SUB, estate, id } from "../../test/helpers/estate-builder";
import { queryFlow } from "./query";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const CASES = path.resolve(__dirname, "../../../shared/cases");

function loadDir(dir: string): { snapshot: Snapshot; profile: ReturnType<typeof parseProfile> } {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !/^(profile.*|expect)\.json$/.test(f));
  const snapshot = loadSnapshot(files.map((f) => ({ name: f, value: parseJsonFile(f, fs.readFileSync(path.join(dir, f), "utf8")) })));
  const profile = parseProfile("profile.json", JSON.parse(fs.readFileSync(path.join(dir, "profile.json"), "utf8")));
  return { snapshot, profile };
}

const STATUS_OF = { allowed: "pass", blocked: "fail", partial: "warn" } as const;
const SERVICES: [string, string][] = [["CC-EGRESS-ARM", "AzureResourceManager"], ["CC-EGRESS-AAD", "AzureActiveDirectory"], ["CC-EGRESS-MONITOR", "AzureMonitor"]];

describe("queryFlow mirrors the audit", () => {
  const estates = [DEMO, ...(fs.existsSync(CASES) ? fs.readdirSync(CASES).map((c) => path.join(CASES, c)).filter((d) => fs.statSync(d).isDirectory()) : [])];
  for (const dir of estates) {
    it(`CycleCloud egress to each service tag in ${path.basename(dir)}`, () => {
      const { snapshot, profile } = loadDir(dir);
      const report = audit(snapshot, profile);
      let compared = 0;
      for (const s of report.subnets.filter((x) => x.role === "cyclecloud")) {
        for (const [rule, tag] of SERVICES) {
          const f = s.findings.find((x) => x.rule === rule)!;
          const q = queryFlow(snapshot, { from: s.id, to: tag, protocol: "tcp", port: "443" });
          expect(STATUS_OF[q.verdict], `${s.name} ${rule}`).toBe(f.status);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }

  it("names the firewall, the route and the missing FQDN for the demo's dev CycleCloud", () => {
    const { snapshot } = loadDir(DEMO);
    const q = queryFlow(snapshot, { from: "vnet-dev-spoke/snet-cyclecloud-dev", to: "management.azure.com", protocol: "tcp", port: "443" });
    expect(q.verdict).toBe("blocked");
    expect(q.stages.map((s) => s.stage)).toEqual(["nsg", "route", "firewall"]);
    expect(q.parts[0]).toContain("no rule matched for management.azure.com");
    expect(q.parts[0]).toContain("(AzureResourceManager)");
  });

  it("names the source as vnet/subnet in its text and keeps the subnet's id in the structured fields", () => {
    const { snapshot } = loadDir(DEMO);
    const subnet = [...snapshot.subnets.values()].find((s) => s.name === "snet-cyclecloud-dev")!;
    const q = queryFlow(snapshot, { from: subnet.id, to: "vnet-hub/snet-cyclecloud", protocol: "tcp", port: "9443" });
    expect(q.from).toMatchObject({ subnet: subnet.id, subnetName: "vnet-dev-spoke/snet-cyclecloud-dev", label: "vnet-dev-spoke/snet-cyclecloud-dev" });
    expect(q.from.endpointId).toBeUndefined();
    const hub = [...snapshot.subnets.values()].find((s) => s.name === "snet-cyclecloud" && s.vnetName === "vnet-hub")!;
    expect(q.to).toEqual({ what: "vnet-hub/snet-cyclecloud", subnet: hub.id, subnetName: "vnet-hub/snet-cyclecloud" });
    expect(q.parts[0]).toMatch(/^Outbound at vnet-dev-spoke\/snet-cyclecloud-dev to vnet-hub\/snet-cyclecloud: /);
    for (const text of [q.from.label, ...q.parts, ...q.notes]) expect(text).not.toMatch(/\/subscriptions\//i);
  });

  it("checks both ends for a destination inside the estate, from one NIC", () => {
    const { snapshot } = loadDir(DEMO);
    const nic = [...snapshot.nics.values()].find((n) => n.name === "nic-compute-01")!;
    const q = queryFlow(snapshot, { from: nic.id, to: "10.10.1.4", protocol: "tcp", port: "9443" });
    expect(q.verdict).toBe("allowed");
    expect(q.parts).toHaveLength(2);
    expect(new Set(q.stages.map((s) => s.side))).toEqual(new Set(["source", "destination"]));
    // The NIC by name in the text, its id and its subnet's id in the structured fields.
    expect(q.from).toMatchObject({ subnetName: "vnet-hpc-spoke/snet-compute", endpoint: "NIC nic-compute-01", endpointId: nic.id, label: "vnet-hpc-spoke/snet-compute (NIC nic-compute-01)" });
    expect(q.from.subnet).toBe(snapshot.subnets.get(nic.ipConfigurations[0].subnetKey!)!.id);
    expect(q.to.subnetName).toBe("vnet-hub/snet-cyclecloud");
    expect(q.parts[0]).toMatch(/^Outbound at vnet-hpc-spoke\/snet-compute \(NIC nic-compute-01\) to 10\.10\.1\.4: /);
    expect(q.parts[1]).toMatch(/^Inbound at vnet-hub\/snet-cyclecloud: /);
  });

  it("names a scale set source by name in its text and keeps its id in the structured fields", () => {
    const snapshot = estate().vnet("vnet-hpc", ["10.1.0.0/16"]).subnet("vnet-hpc/snet-nodes", "10.1.1.0/24").subnet("vnet-hpc/snet-cc", "10.1.2.0/24").scaleSet("hpc-nodes", "vnet-hpc/snet-nodes").snapshot();
    const vmss = [...snapshot.scaleSets!.values()][0];
    const q = queryFlow(snapshot, { from: vmss.id, to: "vnet-hpc/snet-cc", protocol: "tcp", port: "9443" });
    expect(q.from).toMatchObject({ subnetName: "vnet-hpc/snet-nodes", endpoint: "scale set hpc-nodes", endpointId: vmss.id, label: "vnet-hpc/snet-nodes (scale set hpc-nodes)" });
    expect(q.parts[0]).toMatch(/^Outbound at vnet-hpc\/snet-nodes \(scale set hpc-nodes\) to vnet-hpc\/snet-cc: /);
    // Instances take any address of the subnet: the scale set's addresses are its subnet's prefix.
    expect(q.from.addresses).toBe("10.1.1.0/24");
  });

  it("shows a NIC source's own private IP as its addresses, not its subnet's prefix", () => {
    const snapshot = estate()
      .vnet("vnet-hpc", ["10.1.0.0/16"])
      .subnet("vnet-hpc/snet-nodes", "10.1.1.0/24")
      .subnet("vnet-hpc/snet-cc", "10.1.2.0/24")
      .nic("nic-node-01", "vnet-hpc/snet-nodes", { ip: "10.1.1.7" })
      .nic("nic-node-02", "vnet-hpc/snet-nodes")
      .snapshot();
    const nic = (name: string) => [...snapshot.nics.values()].find((n) => n.name === name)!;
    const q = queryFlow(snapshot, { from: nic("nic-node-01").id, to: "vnet-hpc/snet-cc", protocol: "tcp", port: "9443" });
    expect(q.from).toMatchObject({ endpoint: "NIC nic-node-01", addresses: "10.1.1.7" });
    // A NIC the input gives no address for may hold any of its subnet's.
    expect(queryFlow(snapshot, { from: nic("nic-node-02").id, to: "vnet-hpc/snet-cc", protocol: "tcp", port: "9443" }).from.addresses).toBe("10.1.1.0/24");
    // A subnet source keeps its prefixes.
    expect(queryFlow(snapshot, { from: "vnet-hpc/snet-nodes", to: "vnet-hpc/snet-cc", protocol: "tcp", port: "9443" }).from.addresses).toBe("10.1.1.0/24");
  });

  it("an address no NIC of its subnet holds is not vouched for, as a source or as a destination", () => {
    const snapshot = estate()
      .vnet("vnet-hpc", ["10.1.0.0/16"])
      .subnet("vnet-hpc/snet-nodes", "10.1.1.0/24")
      .subnet("vnet-hpc/snet-cc", "10.1.2.0/24")
      .nic("nic-node-01", "vnet-hpc/snet-nodes", { ip: "10.1.1.7" })
      .nic("nic-cc", "vnet-hpc/snet-cc", { ip: "10.1.2.4" })
      .snapshot();
    const from = queryFlow(snapshot, { from: "10.1.1.9", to: "vnet-hpc/snet-cc", protocol: "tcp", port: "9443" });
    expect(from.verdict).toBe("partial");
    // Nothing denies it: "not known", as the audit says, not "partly blocked".
    expect(from.parts[0]).toMatch(/: not known: /);
    expect(from.parts[0]).toContain("no NIC or scale set of vnet-hpc/snet-nodes in the input holds 10.1.1.9");
    const to = queryFlow(snapshot, { from: "10.1.1.7", to: "10.1.2.9", protocol: "tcp", port: "9443" });
    expect(to.verdict).toBe("partial");
    expect(to.parts[1]).toContain("holds 10.1.2.9");
    // Part of a range held, part not: the unheld part is not vouched for either.
    const mixed = queryFlow(snapshot, { from: "10.1.1.7", to: "10.1.2.4/31", protocol: "tcp", port: "9443" });
    expect(mixed.verdict).toBe("partial");
    expect(mixed.parts[1]).toContain("holds 10.1.2.5");
    // The NICs' own addresses are judged as before.
    expect(queryFlow(snapshot, { from: "10.1.1.7", to: "10.1.2.4", protocol: "tcp", port: "9443" }).verdict).toBe("allowed");
  });

  it("refuses what it cannot read with an error naming the flag", () => {
    const { snapshot } = loadDir(DEMO);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/nope", to: "1.2.3.4", protocol: "tcp", port: "1" })).toThrow(/^--from: /);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/snet-cyclecloud", to: "not a thing!", protocol: "tcp", port: "1" })).toThrow(/^--to: /);
    expect(() => queryFlow(snapshot, { from: "vnet-hub/snet-cyclecloud", to: "1.2.3.4", protocol: "tcp", port: "99999" })).toThrow(/^--port: /);
  });
});

describe("a query to a private endpoint that carries no traffic", () => {
  /** Private endpoint pe-x in spoke/pe for storage account sthpc's blob, its connection in `status` under `key`. */
  const endpoint = (status: string, key: string, provisioningState = "Succeeded") => {
    const pe = id("privateEndpoints", "pe-x");
    const nic = id("networkInterfaces", "pe-x.nic");
    const subnet = `${id("virtualNetworks", "spoke")}/subnets/pe`;
    const account = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sthpc`;
    return [
      { id: pe, name: "pe-x", type: "Microsoft.Network/privateEndpoints", properties: { provisioningState, subnet: { id: subnet }, networkInterfaces: [{ id: nic }], [key]: [{ name: "c", properties: { privateLinkServiceId: account, groupIds: ["blob"], privateLinkServiceConnectionState: { status } } }] } },
      { id: nic, name: "pe-x.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: pe }, ipConfigurations: [{ name: "c", properties: { subnet: { id: subnet }, privateIPAddress: "10.1.6.4" } }] } },
    ];
  };
  const world = (...resources: unknown[]) => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/hpc", "10.1.8.0/22").subnet("spoke/pe", "10.1.6.0/24").extra(...resources).snapshot();
  const toEndpoint = (s: Snapshot) => queryFlow(s, { from: "spoke/hpc", to: "10.1.6.4", protocol: "tcp", port: "443" });

  it("is allowed when the connection is Approved and the endpoint provisioned", () => {
    expect(toEndpoint(world(...endpoint("Approved", "privateLinkServiceConnections"))).verdict).toBe("allowed");
  });

  for (const [status, key, state] of [["Rejected", "privateLinkServiceConnections", "Succeeded"], ["Pending", "manualPrivateLinkServiceConnections", "Succeeded"], ["Approved", "privateLinkServiceConnections", "Failed"]]) {
    it(`is blocked, as the audit counts it, with the connection ${status} and the endpoint ${state}`, () => {
      const answer = toEndpoint(world(...endpoint(status, key, state)));
      expect(answer.verdict).toBe("blocked");
      expect(answer.parts.join(" ")).toContain(`Private endpoint pe-x carries no traffic: ${status === "Approved" ? `it is in state ${state}` : `its connection to sthpc is ${status}, not Approved`}.`);
    });
  }
});

describe("a query to a storage account's name", () => {
  // CONTRACT §4.1 "Destinations by FQDN": a name the audit maps to a service tag is that tag at the NSGs and routes.
  const pe = id("privateEndpoints", "pe-sthpc");
  const nic = id("networkInterfaces", "pe-sthpc.nic");
  const peSubnet = `${id("virtualNetworks", "spoke")}/subnets/pe`;
  const account = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sthpc`;
  const endpoint = [
    { id: pe, name: "pe-sthpc", type: "Microsoft.Network/privateEndpoints", properties: { provisioningState: "Succeeded", subnet: { id: peSubnet }, networkInterfaces: [{ id: nic }], privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: account, groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }] } },
    { id: nic, name: "pe-sthpc.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: pe }, ipConfigurations: [{ name: "c", properties: { subnet: { id: peSubnet }, privateIPAddress: "10.1.6.4" } }] } },
  ];
  const zone = `/subscriptions/${SUB}/resourceGroups/rg-test/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
  const dns = [
    { id: `${zone}/virtualNetworkLinks/l-spoke`, name: "l-spoke", type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", properties: { virtualNetwork: { id: id("virtualNetworks", "spoke") }, virtualNetworkLinkState: "Completed" } },
    { id: `${zone}/A/sthpc`, name: "sthpc", type: "Microsoft.Network/privateDnsZones/A", properties: { ttl: 10, aRecords: [{ ipv4Address: "10.1.6.4" }] } },
  ];
  /** spoke/cc allows Storage on 443 and blocks the Internet (the seed's NSG); `denyPe`: it also denies the endpoint's subnet. */
  const world = (opts: { denyPe?: boolean }, ...resources: unknown[]) =>
    estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { nsg: "nsg-cc" })
      .subnet("spoke/pe", "10.1.6.0/24")
      .nsg("nsg-cc", [...SEED_RULES, ...(opts.denyPe ? [{ name: "DenyPe", priority: 150, direction: "Outbound" as const, access: "Deny" as const, dst: "10.1.6.0/24", ports: "443" }] : [])])
      .extra(...resources)
      .snapshot();
  const ask = (s: Snapshot, to: string) => queryFlow(s, { from: "spoke/cc", to, protocol: "tcp", port: "443" });

  it("is judged as service tag Storage at the NSG, as --to Storage is, for every storage service name", () => {
    const s = world({});
    for (const name of ["sthpc.blob.core.windows.net", "sthpc.file.core.windows.net", "STHPC.dfs.core.windows.net", "*.queue.core.windows.net"]) {
      const q = ask(s, name);
      expect(q.verdict, name).toBe("allowed");
      expect(q.stages.find((x) => x.stage === "nsg"), name).toMatchObject({ rule: "AllowAzureStorage" });
    }
    expect(ask(s, "Storage").verdict).toBe("allowed");
    // A name no tag holds stays the Internet outside the tags, which the seed's NSG blocks.
    expect(ask(s, "sthpc.blob.core.windows.net.example.com").verdict).toBe("blocked");
  });

  it("without private DNS zones, a name a private endpoint serves is judged both ways: partial when they differ", () => {
    const q = ask(world({ denyPe: true }, ...endpoint), "sthpc.blob.core.windows.net");
    expect(q.verdict).toBe("partial");
    expect(q.parts.some((p) => p.includes("private endpoint pe-sthpc") && p.includes("DenyPe"))).toBe(true);
    expect(q.notes.join(" ")).toContain("the input gives no private DNS zones");
    // Both ways allowed: allowed.
    expect(ask(world({}, ...endpoint), "sthpc.blob.core.windows.net").verdict).toBe("allowed");
  });

  it("where the source's private DNS zone gives the endpoint, the name is the endpoint alone", () => {
    const q = ask(world({ denyPe: true }, ...endpoint, ...dns), "sthpc.blob.core.windows.net");
    expect(q.verdict).toBe("blocked");
    expect(q.notes.join(" ")).toContain("resolves to private endpoint pe-sthpc");
    // Another account's name is not that endpoint: its public address, through the tag.
    expect(ask(world({ denyPe: true }, ...endpoint, ...dns), "other.blob.core.windows.net").verdict).toBe("allowed");
  });
});

describe("a query whose destination is of a family the source does not have", () => {
  it("is bad input naming --to, not an empty 'allowed'", () => {
    const snapshot = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/hpc", "10.1.8.0/22").snapshot();
    expect(() => queryFlow(snapshot, { from: "spoke/hpc", to: "::/0", protocol: "any" })).toThrow("::/0 is IPv6 and the source (10.1.8.0/22) has no address of that family");
    expect(queryFlow(snapshot, { from: "spoke/hpc", to: "20.1.2.3/32", protocol: "any" }).verdict).toBe("allowed");
  });
});

describe("a query on a partial live read", () => {
  const resources = () => estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/hpc", "10.1.8.0/22").subnet("spoke/cc", "10.1.1.0/24").resources();
  const failed = [{ subscription: SUB, operation: "networkManagers.listAll", code: "AuthorizationFailed", message: "no" }];
  const ask = (snapshot: Snapshot, opts?: Parameters<typeof queryFlow>[3]) => queryFlow(snapshot, { from: "spoke/hpc", to: "spoke/cc", protocol: "tcp", port: "5672" }, undefined, opts);

  it("is never allowed, as no finding passes then: the saved read errors or the scan's make it partial, naming the failed call", () => {
    const complete = loadSnapshot([{ name: "estate.json", value: { value: resources() } }]);
    expect(ask(complete).verdict).toBe("allowed");
    // A saved partial read (`--save` keeps `readErrors` beside `resources`).
    const saved = loadSnapshot([{ name: "estate.json", value: { resources: resources(), readErrors: failed } }]);
    const q = ask(saved);
    expect(q.verdict).toBe("partial");
    expect(q.notes.join(" ")).toContain("Allowed on what was read, but part of the live read failed (networkManagers.listAll in subscription");
    // A stored scan passes its report's errors.
    expect(ask(complete, { readErrors: failed }).verdict).toBe("partial");
    // A blocked answer stays blocked, and says it may change.
    const denied = loadSnapshot([{ name: "estate.json", value: { resources: estate().vnet("spoke", ["10.1.0.0/16"]).nsg("deny", [{ name: "DenyAmqp", priority: 100, direction: "Outbound", access: "Deny", ports: "5672" }]).subnet("spoke/hpc", "10.1.8.0/22", { nsg: "deny" }).subnet("spoke/cc", "10.1.1.0/24").resources(), readErrors: failed } }]);
    const b = ask(denied);
    expect(b.verdict).toBe("blocked");
    expect(b.notes.join(" ")).toContain("Part of the live read failed");
  });
});
