// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format code-scanning tools read.
// Subnets are not files, so each result points at a logical location: the subnet's ARM id.
import type { Finding, Report, SubnetReport } from "./types";
import { absoluteLink, describeEvidence } from "./meta";
import type { ReportMeta } from "./meta";
import pkg from "../../package.json";

export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  defaultConfiguration: { level: "error" | "warning" | "note" };
}

function ruleName(id: string): string {
  // SARIF wants a PascalCase-ish identifier; "CC-EGRESS-STORAGE" → "CcEgressStorage".
  return id
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

function collectRules(report: Report): SarifRule[] {
  const byId = new Map<string, Finding>();
  for (const subnet of report.subnets) for (const f of subnet.findings) if (!byId.has(f.rule) || (!byId.get(f.rule)!.requirement && f.requirement)) byId.set(f.rule, f);
  return [...byId.keys()].sort().map((id) => {
    const sample = byId.get(id)!;
    const rule: SarifRule = {
      id,
      name: ruleName(id),
      shortDescription: { text: sample.requirement ?? id },
      defaultConfiguration: { level: sample.severity === "low" ? "note" : sample.severity === "medium" ? "warning" : "error" },
    };
    if (sample.requirement) rule.fullDescription = { text: sample.requirement };
    return rule;
  });
}

function result(subnet: SubnetReport, f: Finding, ruleIndex: number, meta: ReportMeta) {
  return {
    ruleId: f.rule,
    ruleIndex,
    level: f.status === "fail" ? "error" : "warning",
    message: { text: `${f.title}. ${f.detail}` },
    locations: [
      {
        logicalLocations: [{ fullyQualifiedName: subnet.id, name: subnet.name, kind: "resource" }],
        message: { text: `${subnet.vnet}/${subnet.name}` },
      },
    ],
    // Lets code-scanning UIs follow one finding across runs.
    partialFingerprints: { "lockdownFinding/v1": f.id ?? `${subnet.id.toLowerCase()}|${f.rule}` },
    properties: {
      subnetStatus: subnet.status,
      role: subnet.role,
      link: absoluteLink(f.link, meta.baseUrl),
      decidingRules: f.evidence.map(describeEvidence),
      fixKinds: f.fixes.map((x) => x.kind),
    },
  };
}

export function renderSarif(report: Report, meta: ReportMeta = {}): string {
  const rules = collectRules(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.subnets.flatMap((subnet) =>
    subnet.findings.filter((f) => f.status === "fail" || f.status === "warn").map((f) => result(subnet, f, index.get(f.rule)!, meta)),
  );
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "Lockdown Auditor",
            semanticVersion: pkg.version,
            informationUri: "https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network",
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: !(report.errors && report.errors.length),
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: (report.errors ?? []).map((e) => ({
              level: "error",
              message: { text: `${e.subscription}: ${e.operation}: ${e.code}: ${e.message}` },
            })),
          },
        ],
        automationDetails: meta.scanId ? { id: `lockdown/${meta.scanId}` } : undefined,
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
