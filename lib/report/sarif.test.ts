import { describe, expect, it } from "vitest";
import { renderSarif } from "./sarif";
import { CC_SUBNET, CLUSTER_SUBNET, sampleReport } from "./__fixtures__/sample-report";

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
});
