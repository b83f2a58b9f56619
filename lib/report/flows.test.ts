import { describe, expect, it } from "vitest";
import { buildDeploymentFlowGraphs, buildFlowGraph } from "./flows";
import type { Report } from "./types";
import { sampleReport } from "./__fixtures__/sample-report";

describe("buildFlowGraph", () => {
  const graph = buildFlowGraph(sampleReport());
  const edge = (from: string, to: string) => graph.edges.find((e) => e.from.includes(from) && e.to.includes(to))!;

  it("draws CycleCloud, each cluster subnet, the return proxy, the four services and the Internet", () => {
    expect(graph.nodes.map((n) => n.kind).sort()).toEqual(["cluster", "cyclecloud", "internet", "returnProxy", "service", "service", "service", "service"]);
  });

  it("colours each edge by the worst finding that judges it and links to that finding", () => {
    const storage = edge("subnets/cyclecloud", "svc:storage");
    expect(storage.status).toBe("fail");
    expect(storage.link).toBe("/scans/s1/findings/f-cc-storage");
    expect(edge("subnets/cyclecloud", "svc:aad").status).toBe("pass");
    expect(edge("subnets/compute", "subnets/cyclecloud").status).toBe("warn");
    expect(edge("subnets/cyclecloud", "subnets/proxy").status).toBe("pass");
    // No finding in the report judges it: shown as unknown, never as passing.
    expect(edge("subnets/cyclecloud", "svc:monitor").status).toBe("unknown");
    expect(edge("subnets/cyclecloud", "internet").mustBeBlocked).toBe(true);
  });

  it("groups cluster subnets beyond the limit into one node", () => {
    const big: Report = sampleReport();
    const cluster = big.subnets[1];
    for (let i = 0; i < 9; i++) big.subnets.push({ ...cluster, id: `${cluster.id}-${i}`, name: `c${i}` });
    const g = buildFlowGraph(big, 5);
    expect(g.nodes.filter((n) => n.kind === "cluster")).toHaveLength(5);
    expect(g.hiddenClusters).toBe(6);
    expect(g.nodes.find((n) => n.id === "cluster:rest")?.count).toBe(6);
  });

  it("does not colour a passing flow 'partly blocked' because of a recommendation on the same edge (issue 11)", () => {
    const report = sampleReport();
    const cc = report.subnets[0];
    cc.findings[0].status = "pass";
    cc.findings.push({ id: "f-cc-se", rule: "CC-SE-STORAGE", status: "warn", title: "No service endpoint", detail: "", evidence: [], fixes: [], link: "/scans/s1/findings/f-cc-se" });
    const storage = buildFlowGraph(report).edges.find((e) => e.from.includes("subnets/cyclecloud") && e.to === "svc:storage")!;
    expect(storage.status).toBe("pass");
    expect(storage.findings.map((f) => f.rule)).toEqual(["CC-EGRESS-STORAGE"]);
    expect(storage.advice.map((f) => [f.rule, f.status])).toEqual([["CC-SE-STORAGE", "warn"]]);
    // A failing flow still fails, whatever the advice says.
    cc.findings[0].status = "fail";
    expect(buildFlowGraph(report).edges.find((e) => e.id === storage.id)!.status).toBe("fail");
  });

  it("draws one graph per deployment, with flows only inside each", () => {
    const report = sampleReport();
    const [cc, cluster, proxy] = report.subnets;
    const cc2 = { ...cc, id: `${cc.id}-dev`, name: "cyclecloud-dev", findings: [] };
    const cluster2 = { ...cluster, id: `${cluster.id}-dev`, name: "compute-dev" };
    for (const s of [cc, cluster, proxy]) s.deployment = "prod";
    cc2.deployment = cluster2.deployment = "dev";
    report.subnets.push(cc2, cluster2);
    report.deployments = [
      { name: "prod", cyclecloud: [], cluster: [], returnProxy: [], cyclecloudServer: [] },
      { name: "dev", cyclecloud: [], cluster: [], returnProxy: [], cyclecloudServer: [] },
    ];
    const groups = buildDeploymentFlowGraphs(report);
    expect(groups.map((g) => g.deployment)).toEqual(["prod", "dev"]);
    const dev = groups[1].graph;
    expect(dev.nodes.filter((n) => n.subnetId).map((n) => n.label).sort()).toEqual(["compute-dev", "cyclecloud-dev"]);
    // No edge of one deployment reaches a subnet of the other.
    const prodIds = new Set(groups[0].graph.nodes.filter((n) => n.subnetId).map((n) => n.id));
    expect(dev.edges.some((e) => prodIds.has(e.from) || prodIds.has(e.to))).toBe(false);
    expect(groups[0].graph.edges.some((e) => e.to === `subnet:${cc2.id.toLowerCase()}`)).toBe(false);
  });

  it("keeps one graph of the whole report when there is one deployment or none", () => {
    expect(buildDeploymentFlowGraphs(sampleReport())).toHaveLength(1);
    expect(buildDeploymentFlowGraphs(sampleReport())[0].deployment).toBeNull();
  });
});
