// The flow query's URL form: parameters read once with errors naming the parameter; the prefilled query of a
// finding; the matrix's deployments for a `roles`-only profile.
import { describe, expect, it } from "vitest";
import { findingFlowQuery } from "@/components/query/finding-query";
import { matrixDeployments, parseMatrixOptions } from "@/lib/path/query-matrix";
import { asParamError, flowQueryParams, flowQuerySearch, parseFlowQuery } from "@/lib/path/query-params";
import { InputError } from "@/lib/errors";
import type { Report, SubnetReport } from "@/lib/report/types";

const subnet = (vnet: string, name: string, role: SubnetReport["role"], deployment?: string): SubnetReport => ({
  id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`,
  name,
  vnet,
  role,
  status: "pass",
  findings: [],
  ...(deployment ? { deployment } : {}),
});

describe("parseFlowQuery", () => {
  it("reads the first value of each parameter, defaults tcp, and round-trips through the URL", () => {
    const q = parseFlowQuery(flowQueryParams(new URLSearchParams("from=a/b&to=Storage&port=443&port=80")));
    expect(q).toEqual({ from: "a/b", to: "Storage", protocol: "tcp", port: "443" });
    expect(parseFlowQuery(flowQueryParams(new URLSearchParams(flowQuerySearch(q))))).toEqual(q);
    expect(parseFlowQuery({ from: "a/b", to: "Internet", protocol: "ANY" })).toEqual({ from: "a/b", to: "Internet", protocol: "any" });
  });

  it("names the parameter that is missing or malformed", () => {
    expect(() => parseFlowQuery({ to: "x", port: "1" })).toThrow(/^from: missing/);
    expect(() => parseFlowQuery(flowQueryParams({ from: "a/b", to: "   ", port: "1" }))).toThrow(/^to: missing/);
    expect(() => parseFlowQuery({ from: "a/b", to: "x", protocol: "gre", port: "1" })).toThrow(/^protocol: expected tcp, udp, icmp or any, got "gre"/);
    expect(() => parseFlowQuery({ from: "a/b", to: "x", protocol: "udp" })).toThrow(/^port: missing/);
    expect(() => parseFlowQuery({ from: "a/b", to: "x", port: "70000" })).toThrow(/^port: expected a port/);
  });

  it("reads app in any case for tcp, round-trips it, and refuses another value or another protocol naming app", () => {
    const q = parseFlowQuery(flowQueryParams(new URLSearchParams("from=a/b&to=1.2.3.4&port=443&app=HTTPS")));
    expect(q).toEqual({ from: "a/b", to: "1.2.3.4", protocol: "tcp", port: "443", app: "https" });
    expect(flowQuerySearch(q)).toBe("from=a%2Fb&to=1.2.3.4&protocol=tcp&port=443&app=https");
    expect(parseFlowQuery(flowQueryParams(new URLSearchParams(flowQuerySearch(q))))).toEqual(q);
    // A blank app (the form's "not known") is not given.
    expect(parseFlowQuery(flowQueryParams(new URLSearchParams("from=a/b&to=x&port=5672&app=")))).not.toHaveProperty("app");
    expect(() => parseFlowQuery({ from: "a/b", to: "x", port: "5672", app: "amqp" })).toThrow(/^app: expected http, https or other, got "amqp"$/);
    for (const protocol of ["udp", "icmp", "ANY"]) {
      expect(() => parseFlowQuery({ from: "a/b", to: "x", protocol, port: "53", app: "other" }), protocol).toThrow(`app: names what TCP traffic speaks, so it needs protocol tcp, not ${protocol.toLowerCase()}`);
    }
  });

  it("turns the engine's flag names into parameter names and leaves other errors alone", () => {
    expect((asParamError(new InputError("--from/--to", "", "ambiguous")) as Error).message).toBe("from/to: ambiguous");
    const other = new Error("boom");
    expect(asParamError(other)).toBe(other);
  });
});

describe("findingFlowQuery", () => {
  const report = { subnets: [subnet("hub", "cc", "cyclecloud", "prod"), subnet("spoke", "compute", "cluster", "prod"), subnet("dev", "cc-dev", "cyclecloud", "dev"), subnet("dev", "compute-dev", "cluster", "dev")] };
  it("prefills the service of an egress rule", () => {
    expect(findingFlowQuery("CC-EGRESS-ARM", report.subnets[2], report)).toEqual({ from: "dev/cc-dev", to: "management.azure.com", protocol: "tcp", port: "443", app: "https" });
  });
  it("pairs role subnets within the finding's deployment only", () => {
    expect(findingFlowQuery("NODE-EGRESS-AMQP", report.subnets[3], report)).toEqual({ from: "dev/compute-dev", to: "dev/cc-dev", protocol: "tcp", port: "5672", app: "other" });
    expect(findingFlowQuery("CC-INGRESS-HTTPS", report.subnets[0], report)).toEqual({ from: "spoke/compute", to: "hub/cc", protocol: "tcp", port: "9443", app: "https" });
  });
  it("prefills only the source for a rule about a subnet property", () => {
    expect(findingFlowQuery("NET-NSG-ATTACHED", report.subnets[1], report)).toEqual({ from: "spoke/compute" });
  });
  it("behind the deployment's HTTPS proxy, asks CycleCloud's flow to the proxy; the lockdown stays direct", () => {
    const proxied = { ...report, deployments: [{ name: "dev", cyclecloud: [], cluster: [], returnProxy: [], cyclecloudServer: [], proxy: { address: "10.9.0.4", port: 3128 } }] };
    expect(findingFlowQuery("CC-EGRESS-ARM", report.subnets[2], proxied)).toEqual({ from: "dev/cc-dev", to: "10.9.0.4", protocol: "tcp", port: "3128" });
    expect(findingFlowQuery("CC-EGRESS-LOCKDOWN", report.subnets[2], proxied)).toEqual({ from: "dev/cc-dev", to: "Internet", protocol: "any" });
    // Another deployment's CycleCloud has no proxy.
    expect(findingFlowQuery("CC-EGRESS-ARM", report.subnets[0], proxied)).toEqual({ from: "hub/cc", to: "management.azure.com", protocol: "tcp", port: "443", app: "https" });
  });
});

describe("the matrix's deployments and ports", () => {
  it("groups a roles-only report into one default deployment and uses full ids for ambiguous refs", () => {
    const twin = { ...subnet("hub", "cc", "cluster"), id: "/subscriptions/t/resourceGroups/rg2/providers/Microsoft.Network/virtualNetworks/hub/subnets/cc" };
    const report = { subnets: [subnet("hub", "cc", "cyclecloud"), twin, subnet("x", "none", null)] } as unknown as Report;
    const [only, ...rest] = matrixDeployments(report);
    expect(rest).toEqual([]);
    expect(only.name).toBe("default");
    expect(only.cyclecloud.map((s) => s.ref)).toEqual([report.subnets[0].id]);
    expect(only.cluster.map((s) => s.ref)).toEqual([twin.id]);
  });
  it("defaults to TCP 5672 and 9443 and refuses a bad port naming it", () => {
    expect(parseMatrixOptions({})).toEqual({ protocol: "tcp", ports: ["5672", "9443"] });
    expect(parseMatrixOptions({ ports: ["22,443", "22"] }).ports).toEqual(["22", "443"]);
    expect(parseMatrixOptions({ protocol: "icmp", ports: ["1"] })).toEqual({ protocol: "icmp", ports: ["*"] });
    expect(() => parseMatrixOptions({ ports: ["x"] })).toThrow(/^port: /);
  });
  it("refuses app, which one column's protocol would misjudge for the others; a blank one is not given", () => {
    expect(() => parseMatrixOptions({ app: "https" })).toThrow(/^app: not taken by the matrix: one application protocol for every port would misjudge the others/);
    expect(parseMatrixOptions({ app: " " })).toEqual({ protocol: "tcp", ports: ["5672", "9443"] });
  });
});
