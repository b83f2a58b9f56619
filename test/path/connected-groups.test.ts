// Azure Virtual Network Manager connectivity configurations: a mesh (or a hub-and-spoke configuration's direct
// connectivity) joins VNets in a connected group, which carries traffic as a peering would once the configuration is
// deployed to the region, which GETs cannot show. Before they were read, the audit dropped CycleCloud ↔ cluster
// traffic between such VNets at the 10/8 None route: a false fail. Now it cannot be judged (warn), naming the
// configuration; traffic to space two members share is dropped, as Azure drops it.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
import { describe, expect, it } from "vitest";
import { Estate } from "../../lib/nsg/estate";
import { effectiveRoutes } from "../../lib/path/routes";
import { loadSnapshot } from "../../lib/snapshot/load-snapshot";
import { InputError } from "../../lib/errors";
import { type EstateBuilder, finding, id, spokePair } from "../helpers/estate-builder";
import { audit as auditSnapshot } from "../../lib/audit";
import { addrCovers } from "../../lib/net/addr-set";

const MANAGER = id("networkManagers", "avnm");

type Config = { topology: "Mesh" | "HubAndSpoke"; isGlobal?: boolean | string; direct?: boolean; hubs?: string[] };

/**
 * cc and compute in one network group (static members), with a connectivity configuration applied to it; `more` adds
 * to the estate (more subnets, NSG rules).
 */
function joined(config: Config | undefined, regions: [string, string] = ["westeurope", "westeurope"], more: (b: EstateBuilder) => void = () => {}) {
  const group = `${MANAGER}/networkGroups/ng-hpc`;
  const b = spokePair();
  more(b);
  b.extra(
    { id: MANAGER, name: "avnm", type: "Microsoft.Network/networkManagers", properties: {} },
    { id: group, name: "ng-hpc", type: "Microsoft.Network/networkManagers/networkGroups", properties: { memberType: "VirtualNetwork" } },
    ...["cc", "compute"].map((v) => ({ id: `${group}/staticMembers/${v}`, name: v, type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: id("virtualNetworks", v) } })),
  );
  if (config) {
    b.extra({
      id: `${MANAGER}/connectivityConfigurations/cc-hpc`,
      name: "cc-hpc",
      type: "Microsoft.Network/networkManagers/connectivityConfigurations",
      properties: {
        connectivityTopology: config.topology,
        isGlobal: config.isGlobal ?? "False",
        hubs: (config.hubs ?? []).map((h) => ({ resourceId: id("virtualNetworks", h), resourceType: "Microsoft.Network/virtualNetworks" })),
        appliesToGroups: [{ networkGroupId: group, groupConnectivity: config.direct ? "DirectlyConnected" : "None", isGlobal: "False", useHubGateway: "False" }],
      },
    });
  }
  const resources = b.resources() as { type: string; name: string; location?: string }[];
  for (const r of resources) if (r.type === "Microsoft.Network/virtualNetworks") r.location = r.name === "cc" ? regions[0] : regions[1];
  return resources;
}

const audit = (resources: unknown[], cyclecloud = ["cc/snet-cc"], cluster = ["compute/snet-compute"]) => {
  const snapshot = loadSnapshot([{ name: "estate.json", value: { value: resources } }]);
  const roles = { cyclecloud, cluster, returnProxy: [] };
  return { snapshot, report: auditSnapshot(snapshot, { roles }, { generatedAt: "2026-01-01T00:00:00.000Z" }) };
};

describe("Virtual Network Manager connected groups carry traffic as a peering would, once deployed", () => {
  it("a mesh joins the VNets of its network group: cluster → CycleCloud cannot be judged (warn, was a fail at the 10/8 None route), naming the configuration", () => {
    const { report } = audit(joined({ topology: "Mesh" }));
    const f = finding(report, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("a connected group of connectivity configuration cc-hpc joins the VNets once deployed to their region");
    expect(JSON.stringify(f.evidence)).toContain('"nextHopType":"ConnectedGroup"');
    // Never a pass: the configuration's deployment cannot be read.
    expect(finding(report, "cc/snet-cc", "CC-INGRESS-AMQP").status).toBe("warn");
    // Without the configuration, as before.
    expect(finding(audit(joined(undefined)).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("fail");
  });

  it("a finding's detail says the connected group cannot be judged once: not again for the way, nor per CycleCloud or cluster subnet, nor per piece an NSG rule split", () => {
    const SENTENCE = /a connected group of connectivity configuration cc-hpc joins the VNets once deployed to their region/g;
    const times = (f: { detail: string }) => f.detail.match(SENTENCE)?.length ?? 0;
    // The cluster's outbound flow and its way to CycleCloud meet the same route: its flow says it.
    const one = audit(joined({ topology: "Mesh" })).report;
    for (const rule of ["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]) expect(times(finding(one, "compute/snet-compute", rule)), rule).toBe(1);
    expect(finding(one, "compute/snet-compute", "NODE-EGRESS-AMQP").detail).toContain("Outbound at compute/snet-compute not known: TCP port 5672 to 10.1.1.0/24: cannot be judged: the system route for 10.1.0.0/16: a connected group");
    expect(times(finding(one, "cc/snet-cc", "CC-INGRESS-AMQP"))).toBe(1);
    // Two CycleCloud subnets behind the one route: once, for both prefixes.
    const twoCc = audit(joined({ topology: "Mesh" }, undefined, (b) => b.subnet("cc/snet-cc2", "10.1.2.0/24", { nsg: "nsg-cc" })), ["cc/snet-cc", "cc/snet-cc2"]).report;
    const egress = finding(twoCc, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(egress.status).toBe("warn");
    expect(times(egress)).toBe(1);
    expect(egress.detail).toContain("TCP port 5672 to 10.1.1.0/24, 10.1.2.0/24: cannot be judged");
    // Two cluster subnets whose replies take CycleCloud's one route: one sentence naming both pairs.
    const twoClusters = audit(joined({ topology: "Mesh" }, undefined, (b) => b.subnet("compute/snet-c2", "10.2.2.0/24", { nsg: "nsg-compute" })), ["cc/snet-cc"], ["compute/snet-compute", "compute/snet-c2"]).report;
    const ingress = finding(twoClusters, "cc/snet-cc", "CC-INGRESS-AMQP");
    expect(ingress.status).toBe("warn");
    expect(times(ingress)).toBe(1);
    expect(ingress.detail).toContain("compute/snet-compute, compute/snet-c2 → cc/snet-cc: cannot be judged — replies: at cc/snet-cc, the system route for 10.2.0.0/16");
    // An NSG rule that allows half of CycleCloud's prefix splits the traffic before the route: once, for all of it.
    const split = audit(joined({ topology: "Mesh" }, undefined, (b) => b.addRule("nsg-compute", { name: "AllowHalf", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", dst: "10.1.1.0/25", ports: "5672" }))).report;
    const halves = finding(split, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(times(halves)).toBe(1);
    expect(halves.detail).toContain("TCP port 5672 to 10.1.1.0/24: cannot be judged");
  });

  it("the route is a ConnectedGroup system route naming the configuration, and VirtualNetwork holds the other VNet", () => {
    const { snapshot } = audit(joined({ topology: "Mesh" }));
    const subnet = [...snapshot.subnets.values()].find((s) => s.name === "snet-compute")!;
    const e = new Estate(snapshot, new Map());
    const route = effectiveRoutes(e, subnet).find((r) => r.addressPrefix === "10.1.0.0/16")!;
    expect(route.nextHopType).toBe("ConnectedGroup");
    expect(route.name).toBe("Connected group of connectivity configuration cc-hpc (network manager avnm)");
    const ctx = e.context(subnet);
    expect(addrCovers(ctx.resolve("VirtualNetwork").set, ctx.resolve("10.1.0.0/16").set)).toBe(true);
  });

  it("a regional mesh does not join VNets of two regions; a global one does", () => {
    expect(finding(audit(joined({ topology: "Mesh" }, ["westeurope", "northeurope"])).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("fail");
    expect(finding(audit(joined({ topology: "Mesh", isGlobal: true }, ["westeurope", "northeurope"])).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("warn");
  });

  it("hub-and-spoke joins the spokes only with direct connectivity (its hub peerings are the VNets' own)", () => {
    expect(finding(audit(joined({ topology: "HubAndSpoke", hubs: ["hub"] })).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("fail");
    expect(finding(audit(joined({ topology: "HubAndSpoke", hubs: ["hub"], direct: true })).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("warn");
  });

  it("space two members share is dropped (Azure: routing there is non-deterministic), naming the overlap", () => {
    const resources = joined({ topology: "Mesh" }) as { type: string; name: string; id: string; properties: Record<string, unknown> }[];
    const group = `${MANAGER}/networkGroups/ng-hpc`;
    resources.push(
      { id: id("virtualNetworks", "dup"), name: "dup", type: "Microsoft.Network/virtualNetworks", properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets: [] } },
      { id: `${group}/staticMembers/dup`, name: "dup", type: "Microsoft.Network/networkManagers/networkGroups/staticMembers", properties: { resourceId: id("virtualNetworks", "dup") } },
    );
    const f = finding(audit(resources).report, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("Azure drops traffic to overlapping spaces in a connected group");
  });

  it("az's flattened form and booleans read the same; a topology ARM does not know is refused, naming the file and field", () => {
    const flat = (joined({ topology: "Mesh", isGlobal: true }, ["westeurope", "northeurope"]) as { type: string; properties?: Record<string, unknown> }[]).map((r) =>
      r.type.endsWith("/connectivityConfigurations") ? { ...r, ...r.properties, properties: undefined } : r,
    );
    expect(finding(audit(flat).report, "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("warn");
    const resources = joined({ topology: "Ring" as "Mesh" });
    expect(() => loadSnapshot([{ name: "estate.json", value: { value: resources } }])).toThrow(InputError);
    expect(() => loadSnapshot([{ name: "estate.json", value: { value: resources } }])).toThrow(/estate\.json.*connectivityTopology/);
  });

  it("a configuration whose network group shows no member: the drop at the 10/8 None route says a connected group may join the VNets", () => {
    const resources = (joined({ topology: "Mesh" }) as { type: string }[]).filter((r) => !r.type.endsWith("/staticMembers"));
    const f = finding(audit(resources).report, "compute/snet-compute", "NODE-EGRESS-AMQP");
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("Connectivity configuration cc-hpc (network group ng-hpc) applies to a network group whose members the input does not show");
  });

  it("an empty network group id in a configuration is refused, naming the field", () => {
    const resources = (joined({ topology: "Mesh" }) as unknown as { type: string; properties: { appliesToGroups?: { networkGroupId: string }[] } }[]).map((r) =>
      r.type.endsWith("/connectivityConfigurations") ? { ...r, properties: { ...r.properties, appliesToGroups: [{ ...r.properties.appliesToGroups![0], networkGroupId: "" }] } } : r,
    );
    expect(() => loadSnapshot([{ name: "estate.json", value: { value: resources } }])).toThrow(/appliesToGroups\[0\]\.networkGroupId/);
  });

  it("a configuration's network group missing from the input is listed in the report's gaps, with the listing to add", () => {
    const resources = (joined({ topology: "Mesh" }) as { type: string }[]).filter((r) => !r.type.endsWith("/networkGroups") && !r.type.endsWith("/staticMembers"));
    expect(audit(resources).report.gaps?.unresolved ?? []).toContainEqual(expect.objectContaining({ kind: "networkGroup", hint: expect.stringContaining("az network manager group list --network-manager-name avnm") }));
  });

  it("with the network manager's deployment status list (an export of az network manager list-deploy-status): deployed passes, left out fails, still deploying warns", () => {
    const status = (configurationIds: string[], deploymentStatus = "Deployed") => ({ skipToken: "", value: [{ commitTime: "2026-11-01T00:00:00Z", configurationIds, deploymentStatus, deploymentType: "Connectivity", errorMessage: "", region: "westeurope" }] });
    const run = (extra: unknown) => {
      const snapshot = loadSnapshot([{ name: "estate.json", value: { value: joined({ topology: "Mesh" }) } }, { name: "deploy-status.json", value: extra }]);
      const roles = { cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"], returnProxy: [] };
      return finding(auditSnapshot(snapshot, { roles }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "compute/snet-compute", "NODE-EGRESS-AMQP");
    };
    const configId = `${MANAGER}/connectivityConfigurations/cc-hpc`;
    expect(run(status([configId])).status).toBe("pass");
    // Microsoft's sample names configurations, not ids.
    expect(run(status(["cc-hpc"])).status).toBe("pass");
    // Bare names are no manager's for certain: they never show what was left out. Ids of the same manager do.
    expect(run(status(["another-config"])).status).toBe("warn");
    expect(run(status([`${MANAGER}/connectivityConfigurations/another-config`])).status).toBe("fail");
    // Two exports of the manager's list: the latest commit to the region decides, whatever the file order.
    const at = (configurationIds: string[], commitTime: string) => ({ value: [{ ...status(configurationIds).value[0], commitTime }] });
    const older = at([configId], "2026-10-01T00:00:00Z");
    const newer = at([`${MANAGER}/connectivityConfigurations/another-config`], "2026-11-30T00:00:00Z");
    for (const pair of [[older, newer], [newer, older]]) {
      const snapshot = loadSnapshot([{ name: "estate.json", value: { value: joined({ topology: "Mesh" }) } }, ...pair.map((v, i) => ({ name: `ds-${i}.json`, value: v }))]);
      expect(finding(auditSnapshot(snapshot, { roles: { cyclecloud: ["cc/snet-cc"], cluster: ["compute/snet-compute"], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" }), "compute/snet-compute", "NODE-EGRESS-AMQP").status).toBe("fail");
    }
    expect(run(status([configId], "Deploying")).status).toBe("warn");
    expect(() => loadSnapshot([{ name: "deploy-status.json", value: { value: [{ configurationIds: "cc-hpc", deploymentStatus: "Deployed", region: "westeurope" }] } }])).toThrow(/deploy-status\.json.*configurationIds/);
  });
});
