// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format code-scanning tools read.
// Subnets are not files, so each result points at a logical location, the subnet's ARM id, and at the input file as its
// physical location (code-scanning tools such as GitHub's need one per result): the line where the deciding resource
// is written when the snapshot text is at hand (the CLI), else the file alone, with no region, never a made-up line 1.
// Fingerprints come from the finding id (subnet id lower-cased + rule), so a finding keeps its alert across runs, and
// exempt findings are results with an accepted suppression (SARIF §3.35), as code scanning shows dismissed alerts.
import type { Finding, FindingChangeKind, NsgEvidence, Report, SubnetReport } from "./types";
import { evidenceStage } from "./types";
import { childKey, resourceKey } from "./source-positions";
import type { ResourceTargets, SourcePosition, SourcePositions } from "./source-positions";
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

/** A resource a result may point at: an id (`{ id }`) or a sub-resource written by name inside `parent`. */
type LocationCandidate = { id: string } | { parent: string; name: string };

function nsgRuleCandidates(e: NsgEvidence): LocationCandidate[] {
  // An NSG rule is `<nsg>/securityRules/<name>` (or `defaultSecurityRules`) when written with its id, else a
  // `{ "name": ... }` in the NSG's rule list.
  return [{ id: `${e.nsg}/securityRules/${e.rule}` }, { id: `${e.nsg}/defaultSecurityRules/${e.rule}` }, { parent: e.nsg, name: e.rule }];
}

/**
 * Where a finding is best shown in the snapshot, most specific first: the deciding NSG rule (a `Deny` on the path
 * first: it is what stopped the packet; else the first rule that let it through), then the other stages' rules (a
 * security admin rule, a user route, an Azure Firewall rule), then the NSG itself (a default rule the input does not
 * list), then the subnet.
 */
export function locationCandidates(subnet: SubnetReport, f: Finding): LocationCandidate[] {
  const nsg = f.evidence.filter((e): e is NsgEvidence => evidenceStage(e) === "nsg");
  const ordered = [...nsg.filter((e) => e.access === "Deny"), ...nsg.filter((e) => e.access !== "Deny")];
  const out: LocationCandidate[] = ordered.flatMap(nsgRuleCandidates);
  for (const e of f.evidence) {
    const stage = evidenceStage(e);
    if (stage === "admin-rule" && "id" in e && e.id) out.push({ id: e.id });
    else if (stage === "route" && "routeTable" in e && e.routeTable) out.push({ id: `${e.routeTable}/routes/${e.route}` }, { parent: e.routeTable, name: e.route });
    else if (stage === "firewall" && "firewall" in e && e.rule) {
      if (e.policy && e.ruleCollectionGroup) out.push({ parent: `${e.policy}/ruleCollectionGroups/${e.ruleCollectionGroup}`, name: e.rule });
      out.push({ parent: e.firewall, name: e.rule });
    }
  }
  for (const e of ordered) out.push({ id: e.nsg });
  out.push({ id: subnet.id });
  return out;
}

/** The results of `renderSarif` that will want a position: what `locateResources` should look for. */
export function sarifLocationTargets(report: Report): ResourceTargets {
  const ids = new Set<string>();
  const children = new Map<string, { parent: string; name: string }>();
  for (const subnet of report.subnets) {
    for (const f of subnet.findings) {
      if (!isSarifResult(f)) continue;
      for (const c of locationCandidates(subnet, f)) {
        if ("id" in c) ids.add(c.id);
        else children.set(childKey(c.parent, c.name), c);
      }
    }
  }
  return { ids, children: children.values() };
}

function locate(candidates: LocationCandidate[], found: SourcePositions): SourcePosition | undefined {
  for (const c of candidates) {
    const at = found.positions.get("id" in c ? resourceKey(c.id) : childKey(c.parent, c.name));
    if (at) return at;
  }
  return undefined;
}

/** SARIF's physicalLocation (§3.29): the file and, when known, the region of the deciding resource's `"id"`/`"name"`. */
function physicalLocation(subnet: SubnetReport, f: Finding, artifact: string | undefined, found: SourcePositions | undefined) {
  const at = found && locate(locationCandidates(subnet, f), found);
  if (at) {
    const { startLine, startColumn, endLine, endColumn } = at;
    return { artifactLocation: { uri: artifactUri(found.sources[at.source]) }, region: { startLine, startColumn, endLine, endColumn } };
  }
  // Without a region the location is the whole file (SARIF §3.29.4), which is true; line 1 would not be.
  return artifact ? { artifactLocation: { uri: artifact } } : undefined;
}

function isSarifResult(f: Finding): boolean {
  return f.status === "fail" || f.status === "warn" || (f.status === "exempt" && !!f.exemption);
}

function result(subnet: SubnetReport, f: Finding, ruleIndex: number, meta: ReportMeta, artifact: string | undefined) {
  const verdict = f.status === "exempt" ? f.verdict : f.status;
  const physical = physicalLocation(subnet, f, artifact, meta.sourcePositions);
  return {
    ruleId: f.rule,
    ruleIndex,
    level: verdict === "fail" ? "error" : "warning",
    message: { text: `${f.title}. ${f.detail}` },
    locations: [
      {
        ...(physical ? { physicalLocation: physical } : {}),
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

/**
 * The report as a SARIF 2.1.0 log (one result per `fail`/`warn` finding and per exempt one, suppressed). With
 * `meta.sourcePositions` (from `locateResources` over the snapshot files' text, for `sarifLocationTargets(report)`)
 * each result points at the line and column where its deciding resource is written; without, at the first file.
 */
export function renderSarif(report: Report, meta: ReportMeta = {}): string {
  const rules = collectRules(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const artifact = report.sources?.length ? artifactUri(report.sources[0]) : undefined;
  // One result per fail or warn; an exempt finding is still a result, suppressed, so its alert shows as dismissed.
  const results = report.subnets.flatMap((subnet) =>
    subnet.findings
      .filter(isSarifResult)
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
