import { describe, expect, it } from "vitest";
import { compareWithBaseline, parseBaseline } from "./baseline";
import { gatingFindings } from "./gate";
import { applyExemptions, parseExemptions } from "./exemptions";
import { CC, NODES, gateReport } from "./__fixtures__/gate-report";
import type { Report } from "../report/types";

const find = (r: Report, subnet: string, rule: string) => r.subnets.find((s) => s.id === subnet)!.findings.find((f) => f.rule === rule)!;
const rules = (list: ReturnType<typeof gatingFindings>) => list.map((g) => g.finding.rule);

describe("compareWithBaseline", () => {
  it("marks new, worse, same and better by finding id, and counts the gone", () => {
    const baseline = gateReport({ "CC-GITHUB-STAGING": "fail", "NODE-EGRESS-AMQP": "pass" });
    baseline.subnets[1].findings.pop(); // NODE-PACKAGES was not there yet
    baseline.subnets[0].findings.push({ ...baseline.subnets[0].findings[0], id: "00000000000000aa", rule: "CC-EGRESS-ARM" });
    const out = compareWithBaseline(gateReport(), baseline, { file: "base.json" });
    expect(find(out, CC, "CC-EGRESS-STORAGE").change).toBe("same");
    expect(find(out, CC, "CC-GITHUB-STAGING").change).toBe("better");
    expect(find(out, NODES, "NODE-EGRESS-AMQP").change).toBe("worse");
    expect(find(out, NODES, "NODE-PACKAGES").change).toBe("new");
    expect(out.baseline).toEqual({ generatedAt: baseline.generatedAt, file: "base.json", new: 1, worse: 1, same: 2, better: 1, gone: 1 });
  });

  it("finds baseline findings by the id the engine would give when the baseline has none", () => {
    const baseline = gateReport();
    for (const s of baseline.subnets) for (const f of s.findings) delete f.id;
    const out = compareWithBaseline(gateReport(), baseline);
    expect(out.subnets.flatMap((s) => s.findings.map((f) => f.change))).toEqual(["same", "same", "same", "same", "same"]);
  });

  it("treats a lapsed exemption as worse and a new exemption as better", () => {
    const who = { reason: "r", owner: "o" };
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", ...who, expires: "2026-01-31" }]);
    const january = applyExemptions(gateReport(), ex, "2026-01-15");
    const february = applyExemptions(gateReport(), ex, "2026-02-01");
    expect(find(compareWithBaseline(february, january), CC, "CC-GITHUB-STAGING").change).toBe("worse");
    expect(find(compareWithBaseline(january, gateReport()), CC, "CC-GITHUB-STAGING").change).toBe("better");
  });

  it.each([
    ["not an object", [], /^b\.json: expected an object/],
    ["no subnets", { summary: {} }, /^b\.json: subnets: expected an array/],
    ["a bad status", { subnets: [{ id: "x", findings: [{ rule: "R", status: "broken" }] }] }, /^b\.json: subnets\[0\]\.findings\[0\]\.status: /],
    ["a SARIF log", { version: "2.1.0", runs: [] }, /^b\.json: is a SARIF log/],
  ])("refuses %s, naming the file and path", (_what, value, message) => {
    expect(() => parseBaseline("b.json", value)).toThrow(message);
  });
});

describe("gatingFindings", () => {
  const report = gateReport();

  it("gates on fail by default and on warn too with failOn warn", () => {
    expect(rules(gatingFindings(report))).toEqual(["CC-EGRESS-STORAGE"]);
    expect(rules(gatingFindings(report, { failOn: "warn" }))).toEqual(["CC-EGRESS-STORAGE", "CC-GITHUB-STAGING", "NODE-EGRESS-AMQP"]);
  });

  it("never gates on exempt findings", () => {
    const ex = parseExemptions("ex.json", [{ rule: "CC-GITHUB-STAGING", subnet: "vnet-hub/cyclecloud", reason: "r", owner: "o", expires: "2099-01-01" }]);
    expect(rules(gatingFindings(applyExemptions(report, ex, "2026-01-01"), { failOn: "warn" }))).toEqual(["CC-EGRESS-STORAGE", "NODE-EGRESS-AMQP"]);
  });

  it("with a baseline, gates only on new or worse findings at the threshold", () => {
    const baseline = gateReport({ "NODE-EGRESS-AMQP": "pass" });
    const compared = compareWithBaseline(report, baseline);
    expect(rules(gatingFindings(compared, { baseline: true }))).toEqual([]); // the fail is old; the new warn is below the threshold
    expect(rules(gatingFindings(compared, { baseline: true, failOn: "warn" }))).toEqual(["NODE-EGRESS-AMQP"]);
    const worse = compareWithBaseline(gateReport({ "CC-GITHUB-STAGING": "fail" }), report);
    expect(rules(gatingFindings(worse, { baseline: true }))).toEqual(["CC-GITHUB-STAGING"]);
  });
});
