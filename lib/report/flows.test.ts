import { describe, expect, it } from "vitest";
import { buildFlowGraph } from "./flows";
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
});
