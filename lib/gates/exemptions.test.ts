import { describe, expect, it } from "vitest";
import { InputError } from "../errors";
import { applyExemptions, parseExemptions, unmatchedExemptions } from "./exemptions";
import { CC, NODES, gateReport, idOf } from "./__fixtures__/gate-report";
import type { Report } from "../report/types";

const who = { reason: "projects are staged from a storage account", owner: "hpc-ops@contoso.com", expires: "2026-06-30" };
const find = (r: Report, subnet: string, rule: string) => r.subnets.find((s) => s.id === subnet)!.findings.find((f) => f.rule === rule)!;

describe("parseExemptions", () => {
  it("reads the three selector forms", () => {
    const ex = parseExemptions("ex.json", [
      { finding: idOf(CC, "CC-EGRESS-STORAGE").toUpperCase(), ...who },
      { rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who },
      { rule: "NODE-EGRESS-AMQP", deployment: "lab", ...who, verdict: "warn" },
    ]);
    expect(ex.map((e) => e.match)).toEqual([
      { finding: idOf(CC, "CC-EGRESS-STORAGE") },
      { rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud" },
      { rule: "NODE-EGRESS-AMQP", deployment: "lab" },
    ]);
    expect(ex[2].verdict).toBe("warn");
  });

  it.each([
    ["not an array", { rule: "x" }, /^ex\.json: expected an array/],
    ["no reason", [{ rule: "CC-GITHUB-STAGING", subnet: "a/b", owner: "o", expires: "2026-01-01" }], /^ex\.json: \[0\]\.reason: /],
    ["a bad date", [{ rule: "CC-GITHUB-STAGING", subnet: "a/b", ...who, expires: "2026-02-30" }], /^ex\.json: \[0\]\.expires: expected a real calendar date/],
    ["a day in another form", [{ rule: "CC-GITHUB-STAGING", subnet: "a/b", ...who, expires: "30/06/2026" }], /^ex\.json: \[0\]\.expires: expected a date YYYY-MM-DD/],
    ["a misspelt key", [{ rule: "CC-GITHUB-STAGING", subent: "a/b", ...who }], /^ex\.json: \[0\].*subent/],
    ["a rule without scope", [{ rule: "CC-GITHUB-STAGING", ...who }], /^ex\.json: \[0\]: "rule" needs exactly one of "subnet" or "deployment"/],
    ["an unknown rule", [{ rule: "CC-GITHUB", subnet: "a/b", ...who }], /^ex\.json: \[0\]\.rule: no rule "CC-GITHUB"/],
    ["finding and rule together", [{ finding: "0123456789abcdef", rule: "CC-GITHUB-STAGING", subnet: "a/b", ...who }], /^ex\.json: \[0\]: give either/],
    ["a finding id that is not one", [{ finding: "f-1", ...who }], /^ex\.json: \[0\]\.finding: expected a finding id/],
    ["a bad verdict", [{ finding: "0123456789abcdef", ...who, verdict: "bad" }], /^ex\.json: \[0\]\.verdict: /],
  ])("rejects %s with the file and JSON path", (_what, value, message) => {
    let error: unknown;
    try {
      parseExemptions("ex.json", value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("applyExemptions", () => {
  const report = gateReport();

  it("marks a selected finding exempt, keeps its verdict and the exemption beside it, and recounts", () => {
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "VNET-HUB/CycleCloud", ...who }]);
    const out = applyExemptions(report, ex, "2026-03-01");
    const github = find(out, CC, "CC-GITHUB-STAGING");
    expect(github).toMatchObject({ status: "exempt", verdict: "warn" });
    expect(github.exemption).toEqual({ ...who, match: { rule: "CC-GITHUB-STAGING", subnet: "VNET-HUB/CycleCloud" }, verdict: "warn" });
    expect(out.summary.exempt).toBe(1);
    // The input report is untouched.
    expect(find(report, CC, "CC-GITHUB-STAGING").status).toBe("warn");
  });

  it("ignores exempt findings in the subnet status", () => {
    const ex = parseExemptions("ex.json", [
      { finding: idOf(CC, "CC-EGRESS-STORAGE"), ...who },
      { rule: "CC-GITHUB-STAGING", subnet: CC, ...who },
    ]);
    const out = applyExemptions(report, ex, "2026-03-01");
    expect(out.subnets[0].status).toBe("pass");
    expect(out.summary).toMatchObject({ pass: 1, warn: 1, fail: 0, exempt: 2 });
    const partly = applyExemptions(report, ex.slice(1), "2026-03-01");
    expect(partly.subnets[0].status).toBe("fail");
  });

  it("matches a deployment, and never a subnet without one", () => {
    const ex = parseExemptions("ex.json", [
      { rule: "NODE-EGRESS-AMQP", deployment: "LAB", ...who },
      { rule: "CC-GITHUB-STAGING", deployment: "lab", ...who },
    ]);
    const out = applyExemptions(report, ex, "2026-03-01");
    expect(find(out, NODES, "NODE-EGRESS-AMQP").status).toBe("exempt");
    expect(find(out, CC, "CC-GITHUB-STAGING").status).toBe("warn"); // the CycleCloud subnet has no deployment
    expect(unmatchedExemptions(report, ex).map((e) => e.index)).toEqual([1]);
  });

  it("applies through the expiry day and lapses the day after", () => {
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who }]);
    expect(find(applyExemptions(report, ex, "2026-06-30"), CC, "CC-GITHUB-STAGING").status).toBe("exempt");
    const after = find(applyExemptions(report, ex, "2026-07-01"), CC, "CC-GITHUB-STAGING");
    expect(after.status).toBe("warn");
    expect(after.exemptionLapsed?.why).toBe("expired");
    expect(after.exemption).toBeUndefined();
  });

  it("lapses when the verdict got worse than the recorded grant verdict", () => {
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who, verdict: "warn" }]);
    const worse = applyExemptions(gateReport({ "CC-GITHUB-STAGING": "fail" }), ex, "2026-03-01");
    expect(find(worse, CC, "CC-GITHUB-STAGING")).toMatchObject({ status: "fail", exemptionLapsed: { why: "worse", verdict: "warn" } });
    expect(worse.subnets[0].status).toBe("fail");
  });

  it("without a recorded verdict, takes the first verdict seen from the previous report", () => {
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who }]);
    const first = applyExemptions(report, ex, "2026-03-01"); // granted at warn
    const later = gateReport({ "CC-GITHUB-STAGING": "fail" });
    expect(find(applyExemptions(later, ex, "2026-03-02"), CC, "CC-GITHUB-STAGING").status).toBe("exempt"); // no history: fail is the first seen
    const withHistory = applyExemptions(later, ex, "2026-03-02", { previous: first });
    expect(find(withHistory, CC, "CC-GITHUB-STAGING")).toMatchObject({ status: "fail", exemptionLapsed: { why: "worse", verdict: "warn" } });
    // Once lapsed for being worse, it stays lapsed in the next run too (the grant verdict travels in the report).
    expect(find(applyExemptions(later, ex, "2026-03-03", { previous: withHistory }), CC, "CC-GITHUB-STAGING").status).toBe("fail");
    // A better verdict keeps it: a pass is simply a pass.
    expect(find(applyExemptions(gateReport({ "CC-GITHUB-STAGING": "pass" }), ex, "2026-03-02", { previous: first }), CC, "CC-GITHUB-STAGING").status).toBe("pass");
  });

  it("never exempts a pass or info finding, and is idempotent", () => {
    const ex = parseExemptions("ex.json", [
      { rule: "CC-EGRESS-AAD", subnet: "vnet-hub/cyclecloud", ...who },
      { rule: "NODE-PACKAGES", subnet: "vnet-spoke/compute", ...who },
      { rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who },
    ]);
    const once = applyExemptions(report, ex, "2026-03-01");
    expect(find(once, CC, "CC-EGRESS-AAD").status).toBe("pass");
    expect(find(once, NODES, "NODE-PACKAGES").status).toBe("info");
    expect(applyExemptions(once, ex, "2026-03-01")).toEqual(once);
    // Applying no exemptions to an exempted report restores the verdicts.
    expect(find(applyExemptions(once, [], "2026-03-01"), CC, "CC-GITHUB-STAGING").status).toBe("warn");
  });

  it("refuses a short subnet ref that matches two subnets", () => {
    const twin = structuredClone(report);
    twin.subnets.push({ ...twin.subnets[0], id: twin.subnets[0].id.replace("00000000-1111", "99999999-1111") });
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who }]);
    expect(() => applyExemptions(twin, ex, "2026-03-01", { file: "ex.json" })).toThrow(/^ex\.json: \[0\]\.subnet: "vnet-hub\/cyclecloud" matches 2 subnets/);
  });
});
