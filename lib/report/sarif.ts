// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html), the format code-scanning tools read.
// Subnets are not files, so each result points at a logical location, the subnet's ARM id, and at the input file as its
// physical location (code-scanning tools such as GitHub's need one per result): the line where the deciding resource
// is written when the snapshot text is at hand (the CLI), else the file alone, with no region, never a made-up line 1.
// Fingerprints come from the finding id (subnet id lower-cased + rule), so a finding keeps its alert across runs, and
// exempt findings are results with an accepted suppression (SARIF §3.35), as code scanning shows dismissed alerts.
import type { AdminRuleEvidence, Evidence, Finding, FindingChangeKind, FirewallEvidence, NsgEvidence, OutboundEvidence, Report, RouteEvidence, SubnetReport } from "./types";
import { evidenceStage } from "./types";
import { childKey, resourceKey } from "./source-positions";
import type { ChildTarget, ResourceTargets, SourcePosition, SourcePositions } from "./source-positions";
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

/**
 * A resource a result may point at: an id (`{ id }`) or a sub-resource written by name inside `parent` (and, for a
 * firewall rule, inside its rule collection `within`).
 */
type LocationCandidate = { id: string } | { parent: string; name: string; within?: string };

/** Where one evidence entry may be written: the element itself (rule, route), then what holds it (NSG, route table, policy). */
interface EvidencePlaces {
  element: LocationCandidate[];
  holder: LocationCandidate[];
}

function nsgPlaces(e: NsgEvidence): EvidencePlaces {
  // An NSG rule is `<nsg>/securityRules/<name>` (or `defaultSecurityRules`) when written with its id, else a
  // `{ "name": ... }` in the NSG's rule list; a default rule the input does not list is shown at its NSG.
  return { element: [{ id: `${e.nsg}/securityRules/${e.rule}` }, { id: `${e.nsg}/defaultSecurityRules/${e.rule}` }, { parent: e.nsg, name: e.rule }], holder: [{ id: e.nsg }] };
}

function firewallPlaces(e: FirewallEvidence): EvidencePlaces {
  const element: LocationCandidate[] = [];
  // A policy's rule sits in a rule collection of its rule collection group; a classic firewall's in one of its own
  // collections. Ids are in reports since firewall evidence carries them (older reports name the firewall only).
  const parent = e.ruleCollectionGroupId ?? (e.policy ? undefined : e.firewallId);
  if (e.rule && parent) {
    if (e.ruleCollection) element.push({ parent, name: e.rule, within: e.ruleCollection });
    element.push({ parent, name: e.rule });
  }
  // No rule matched: what denied is the policy (or classic firewall) as a whole.
  const holder = [e.ruleCollectionGroupId, e.policyId, e.firewallId].flatMap((id) => (id ? [{ id }] : []));
  return { element, holder };
}

function places(e: Evidence): EvidencePlaces {
  switch (evidenceStage(e)) {
    case "nsg":
      return nsgPlaces(e as NsgEvidence);
    case "admin-rule": {
      const a = e as AdminRuleEvidence;
      if (!a.id) return { element: [], holder: [] };
      const collection = a.id.replace(/\/rules\/[^/]+$/i, "");
      return { element: [{ id: a.id }], holder: collection !== a.id ? [{ id: collection }] : [] };
    }
    case "route": {
      const r = e as RouteEvidence;
      // A system route is written nowhere.
      if (!r.routeTable) return { element: [], holder: [] };
      return { element: [{ id: `${r.routeTable}/routes/${r.route}` }, { parent: r.routeTable, name: r.route }], holder: [{ id: r.routeTable }] };
    }
    case "firewall":
      return firewallPlaces(e as FirewallEvidence);
    case "outbound": {
      const o = e as OutboundEvidence;
      return { element: [], holder: o.resource?.startsWith("/") ? [{ id: o.resource }] : [] };
    }
  }
}

/** Did this entry stop the packet: an NSG or admin rule that denies, a route that drops it, a firewall that denies. */
function denies(e: Evidence): boolean {
  switch (evidenceStage(e)) {
    case "nsg":
    case "admin-rule":
      return (e as NsgEvidence | AdminRuleEvidence).access === "Deny";
    case "route": {
      const r = e as RouteEvidence;
      // Next hop None, or one that turned out to drop it (lib/path/evaluate.ts writes "dropped: why").
      return r.nextHopType.toLowerCase() === "none" || (r.nextHop ?? "").startsWith("dropped");
    }
    case "firewall":
      return (e as FirewallEvidence).action === "Deny";
    default:
      return false;
  }
}

/**
 * Where a finding is best shown in the snapshot, most specific first. When something on the path denied, the stage
 * that denied decides: its element (the NSG `Deny` rule, the security admin rule, the route with next hop `None`, the
 * firewall rule), then what holds it (the NSG of a default rule, the route table, the firewall policy or classic
 * firewall when no rule matched), in path order; then what handed the packet on to it, nearest first. When nothing
 * denied (a finding about what is allowed): the NSG rules that let it through, the other stages' elements, then
 * their holders. The subnet comes last.
 */
export function locationCandidates(subnet: SubnetReport, f: Finding): LocationCandidate[] {
  const entries = f.evidence.map((e) => ({ e, deny: denies(e), ...places(e) }));
  const denied = entries.filter((x) => x.deny);
  const elements = (xs: typeof entries) => xs.flatMap((x) => x.element);
  const holders = (xs: typeof entries) => xs.flatMap((x) => x.holder);
  if (denied.length) {
    // The deciding stage, its element then what holds it, before anything upstream of it (nearest first).
    const upstream = entries.filter((x) => !x.deny).reverse();
    return [...elements(denied), ...holders(denied), ...elements(upstream), ...holders(upstream), { id: subnet.id }];
  }
  const ordered = [...entries.filter((x) => evidenceStage(x.e) === "nsg"), ...entries.filter((x) => evidenceStage(x.e) !== "nsg")];
  return [...elements(ordered), ...holders(ordered), { id: subnet.id }];
}

/** The results of `renderSarif` that will want a position: what `locateResources` should look for. */
export function sarifLocationTargets(report: Report): ResourceTargets {
  const ids = new Set<string>();
  const children = new Map<string, ChildTarget>();
  for (const subnet of report.subnets) {
    for (const f of subnet.findings) {
      if (!isSarifResult(f)) continue;
      for (const c of locationCandidates(subnet, f)) {
        if ("id" in c) ids.add(c.id);
        else children.set(childKey(c.parent, c.name, c.within), c);
      }
    }
  }
  return { ids, children: children.values() };
}

function locate(candidates: LocationCandidate[], found: SourcePositions): SourcePosition | undefined {
  for (const c of candidates) {
    const at = found.positions.get("id" in c ? resourceKey(c.id) : childKey(c.parent, c.name, c.within));
    if (at) return at;
  }
  return undefined;
}

/** SARIF's physicalLocation (§3.29): the file and, when known, the region of the deciding resource's `"id"`/`"name"`. */
function physicalLocation(subnet: SubnetReport, f: Finding, artifact: string | undefined, found: SourcePositions | undefined, filesOnly = false) {
  const at = found && locate(locationCandidates(subnet, f), found);
  if (at) {
    const { startLine, startColumn, endLine, endColumn } = at;
    const uri = artifactUri(found.sources[at.source]);
    return filesOnly ? { artifactLocation: { uri } } : { artifactLocation: { uri }, region: { startLine, startColumn, endLine, endColumn } };
  }
  // Without a region the location is the whole file (SARIF §3.29.4), which is true; line 1 would not be.
  return artifact ? { artifactLocation: { uri: artifact } } : undefined;
}

function isSarifResult(f: Finding): boolean {
  return f.status === "fail" || f.status === "warn" || (f.status === "exempt" && !!f.exemption);
}

function result(subnet: SubnetReport, f: Finding, ruleIndex: number, meta: ReportMeta, artifact: string | undefined) {
  const verdict = f.status === "exempt" ? f.verdict : f.status;
  const physical = physicalLocation(subnet, f, artifact, meta.sourcePositions, meta.filesOnly);
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
