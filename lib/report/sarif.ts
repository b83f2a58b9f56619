// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format code-scanning tools read.
// Subnets are not files, so each result points at a logical location: the subnet's ARM id, and at the input file the
// estate came from as its physical location (code-scanning tools such as GitHub's need one per result).
// Fingerprints come from the finding id (subnet id lower-cased + rule), so a finding keeps its alert across runs, and
// exempt findings are results with an accepted suppression (SARIF §3.35), as code scanning shows dismissed alerts.
import type { Finding, FindingChangeKind, Report, SubnetReport } from "./types";
import { findingId } from "../finding-id";
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

/** The fingerprint code scanning tracks a finding by: its finding id, computed from the subnet id (lower-cased) and rule. */
export function sarifFingerprint(subnetId: string, rule: string): string {
  return findingId(subnetId.toLowerCase(), rule);
}

// SARIF's own vocabulary for a comparison with a baseline (§3.27.24).
const BASELINE_STATE: Record<FindingChangeKind, "new" | "unchanged" | "updated"> = { new: "new", same: "unchanged", worse: "updated", better: "updated" };

/**
 * A snapshot path as a URI: relative (forward slashes, no leading `./`) as given, which upload tools resolve against
 * the checkout, or `file:///...` for an absolute path (which `upload-sarif` makes relative to the checkout).
 */
export function artifactUri(path: string): string {
  const slashed = path.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
  const encoded = slashed
    .split("/")
    .map((p) => (/^[A-Za-z]:$/.test(p) ? p : encodeURIComponent(p)))
    .join("/");
  if (slashed.startsWith("/")) return `file://${encoded}`;
  return /^[A-Za-z]:\//.test(slashed) ? `file:///${encoded}` : encoded;
}

function result(subnet: SubnetReport, f: Finding, ruleIndex: number, meta: ReportMeta, artifact: string | undefined) {
  const verdict = f.status === "exempt" ? f.verdict : f.status;
  return {
    ruleId: f.rule,
    ruleIndex,
    level: verdict === "fail" ? "error" : "warning",
    message: { text: `${f.title}. ${f.detail}` },
    locations: [
      {
        ...(artifact ? { physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: 1 } } } : {}),
        logicalLocations: [{ fullyQualifiedName: subnet.id, name: subnet.name, kind: "resource" }],
        message: { text: `${subnet.vnet}/${subnet.name}` },
      },
    ],
    // Lets code-scanning UIs follow one finding across runs: the same subnet and rule give the same value whatever
    // the scan, the link prefix or the case of the id.
    partialFingerprints: { "lockdownFinding/v1": sarifFingerprint(subnet.id, f.rule) },
    ...(f.exemption
      ? {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: `${f.exemption.reason} (owner ${f.exemption.owner}, expires ${f.exemption.expires})`,
            },
          ],
        }
      : {}),
    ...(f.change ? { baselineState: BASELINE_STATE[f.change] } : {}),
    properties: {
      ...(f.exemption ? { exemption: f.exemption } : {}),
      ...(f.change ? { change: f.change } : {}),
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
  const artifact = report.sources?.length ? artifactUri(report.sources[0]) : undefined;
  // One result per fail or warn; an exempt finding is still a result, suppressed, so its alert shows as dismissed.
  const results = report.subnets.flatMap((subnet) =>
    subnet.findings
      .filter((f) => f.status === "fail" || f.status === "warn" || (f.status === "exempt" && f.exemption))
      .map((f) => result(subnet, f, index.get(f.rule)!, meta, artifact)),
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
