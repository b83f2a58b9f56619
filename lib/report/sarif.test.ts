import { describe, expect, it } from "vitest";
import { artifactUri, renderSarif, sarifFingerprint } from "./sarif";
import { CC_SUBNET, CLUSTER_SUBNET, sampleReport } from "./__fixtures__/sample-report";
import { findingId } from "../finding-id";
import type { Report } from "./types";

describe("renderSarif", () => {
  const report = sampleReport();
  const log = JSON.parse(renderSarif(report, { scanId: "s1", baseUrl: "https://audit.example" }));
  const run = log.runs[0];

  it("is a SARIF 2.1.0 log with one run and a named driver", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe("Lockdown Auditor");
  });

  it("lists every rule id once, sorted, and results point at them by index", () => {
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    const expected = [...new Set(report.subnets.flatMap((s) => s.findings.map((f) => f.rule)))].sort();
    expect(ids).toEqual(expected);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
  });

  it("has one result per fail or warn finding, error for fail and warning for warn, located at the subnet", () => {
    const expected = report.subnets.flatMap((s) => s.findings.filter((f) => f.status === "fail" || f.status === "warn"));
    expect(run.results).toHaveLength(expected.length);
    const storage = run.results.find((r: { ruleId: string }) => r.ruleId === "CC-EGRESS-STORAGE");
    expect(storage.level).toBe("error");
    expect(storage.locations[0].logicalLocations[0].fullyQualifiedName).toBe(CC_SUBNET);
    expect(storage.properties.link).toBe("https://audit.example/scans/s1/findings/f-cc-storage");
    const amqp = run.results.find((r: { ruleId: string }) => r.ruleId === "NODE-EGRESS-AMQP");
    expect(amqp.level).toBe("warning");
    expect(amqp.locations[0].logicalLocations[0].fullyQualifiedName).toBe(CLUSTER_SUBNET);
    expect(run.results.some((r: { ruleId: string }) => r.ruleId === "CC-EGRESS-AAD")).toBe(false);
  });

  it("reports read errors as failed execution", () => {
    const partial = { ...report, errors: [{ subscription: "sub-2", operation: "networkSecurityGroups.listAll", code: "AuthorizationFailed", message: "no" }] };
    const inv = JSON.parse(renderSarif(partial)).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications[0].message.text).toContain("AuthorizationFailed");
  });

  type Result = { ruleId: string; partialFingerprints: Record<string, string>; suppressions?: { kind: string; status: string; justification: string }[]; level: string; baselineState?: string; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] };
  const resultsOf = (r: Report, meta = {}): Result[] => JSON.parse(renderSarif(r, meta)).runs[0].results;
  const fingerprints = (r: Report, meta = {}) => Object.fromEntries(resultsOf(r, meta).map((x) => [x.ruleId, x.partialFingerprints["lockdownFinding/v1"]]));

  it("fingerprints a finding by its finding id (subnet id lower-cased + rule), the same across runs, scans and id case", () => {
    const first = fingerprints(report, { scanId: "s1" });
    expect(first["CC-EGRESS-STORAGE"]).toBe(findingId(CC_SUBNET.toLowerCase(), "CC-EGRESS-STORAGE"));
    expect(first["NODE-EGRESS-AMQP"]).toBe(sarifFingerprint(CLUSTER_SUBNET, "NODE-EGRESS-AMQP"));
    // Another run: another time, scan, link prefix, ids missing, the subnet id in other case.
    const later = sampleReport("/scans/s2");
    later.generatedAt = "2026-02-01T00:00:00.000Z";
    for (const s of later.subnets) {
      s.id = s.id.toUpperCase();
      for (const f of s.findings) delete f.id;
    }
    expect(fingerprints(later, { scanId: "s2" })).toEqual(first);
    // Different subnets or rules never share a fingerprint.
    expect(new Set(Object.values(first)).size).toBe(Object.keys(first).length);
    expect(sarifFingerprint(CC_SUBNET, "CC-EGRESS-AAD")).not.toBe(sarifFingerprint(CLUSTER_SUBNET, "CC-EGRESS-AAD"));
  });

  it("keeps an exempt finding as a result with an accepted suppression, at its verdict's level", () => {
    const exempted = sampleReport();
    Object.assign(exempted.subnets[1].findings[0], {
      status: "exempt",
      verdict: "warn",
      exemption: { reason: "lab only", owner: "ops@contoso.com", expires: "2026-06-30", match: { rule: "NODE-EGRESS-AMQP", subnet: "vnet-hub/compute" }, verdict: "warn" },
    });
    const results = resultsOf(exempted);
    expect(results).toHaveLength(resultsOf(report).length);
    const amqp = results.find((r) => r.ruleId === "NODE-EGRESS-AMQP")!;
    expect(amqp.level).toBe("warning");
    expect(amqp.suppressions).toEqual([{ kind: "external", status: "accepted", justification: "lab only (owner ops@contoso.com, expires 2026-06-30)" }]);
    expect(results.find((r) => r.ruleId === "CC-EGRESS-STORAGE")!.suppressions).toBeUndefined();
  });

  it("states the baseline comparison in SARIF's terms", () => {
    const compared = sampleReport();
    compared.subnets[0].findings[0].change = "new";
    compared.subnets[1].findings[0].change = "worse";
    const results = resultsOf(compared);
    expect(results.find((r) => r.ruleId === "CC-EGRESS-STORAGE")!.baselineState).toBe("new");
    expect(results.find((r) => r.ruleId === "NODE-EGRESS-AMQP")!.baselineState).toBe("updated");
    expect(resultsOf(report)[0].baselineState).toBeUndefined();
  });

  it("points each result at the input file as its physical location, with no made-up region when the text is not at hand", () => {
    expect(resultsOf(report)[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "vnets.json" } });
    expect(artifactUri("./estate/vnets.json")).toBe("estate/vnets.json");
    expect(artifactUri("estate\\my vnets.json")).toBe("estate/my%20vnets.json");
    expect(artifactUri("/home/runner/work/x/vnets.json")).toBe("file:///home/runner/work/x/vnets.json");
    expect(resultsOf({ ...report, sources: undefined })[0].locations[0].physicalLocation).toBeUndefined();
  });
});
