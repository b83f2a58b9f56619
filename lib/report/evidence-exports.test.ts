// Every stage of the path (CONTRACT §4.1) reaches the CSV and SARIF exports as one phrase per evidence entry.
import { describe, expect, it } from "vitest";
import { pathSampleReport } from "./__fixtures__/sample-report";
import { parseCsv } from "./__fixtures__/parse-csv";
import { renderCsv } from "./csv";
import { describeEvidence } from "./meta";
import { renderSarif } from "./sarif";
import type { Evidence } from "./types";

const report = pathSampleReport();
const arm = report.subnets[0].findings.find((f) => f.rule === "CC-EGRESS-ARM")!;

describe("describeEvidence", () => {
  it("says what decided at each stage, in Network Watcher's and Azure Firewall's words", () => {
    expect(arm.evidence.map(describeEvidence)).toEqual([
      "Security admin rule allow-azure-443 (priority 10, Allow Outbound) in collection rc-egress / configuration cfg-baseline of network manager avnm-central",
      "nsg-cyclecloud/AllowAzureRM (103, Allow Outbound, subnet)",
      "Route rt-hub/to-firewall (User): 0.0.0.0/0 → next hop VirtualAppliance 10.0.1.4 (azfw-hub)",
      "Azure Firewall azfw-hub, policy fwp-hub: no rule matched: denied (application rule, management.azure.com)",
    ]);
    const outbound: Evidence = { stage: "outbound", method: "none", detail: "private subnet" };
    expect(describeEvidence(outbound)).toBe("Outbound: No outbound path (private subnet)");
    const system: Evidence = { stage: "route", routeTable: null, route: "Default", addressPrefix: "0.0.0.0/0", nextHopType: "None", source: "Default" };
    expect(describeEvidence(system)).toBe("System route Default (Default): 0.0.0.0/0 → next hop None");
  });
});

describe("CSV and SARIF with path evidence", () => {
  it("put every stage's phrase in deciding_rules / decidingRules", () => {
    const rows = parseCsv(renderCsv(report));
    const header = rows[0];
    const row = rows.find((r) => r[header.indexOf("rule")] === "CC-EGRESS-ARM")!;
    expect(row[header.indexOf("deciding_rules")]).toBe(arm.evidence.map(describeEvidence).join("; "));
    const sarif = JSON.parse(renderSarif(report));
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "CC-EGRESS-ARM");
    expect(result.properties.decidingRules).toEqual(arm.evidence.map(describeEvidence));
  });
});
