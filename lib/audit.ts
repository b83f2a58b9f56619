// The engine's one entry point: (snapshot, profile) → report. Pure: no I/O, same answer for the CLI,
// the web app and the tests.
import type { Profile, Role, Snapshot, Subnet } from "./model/types";
import { Estate } from "./nsg/estate";
import { placementNotes, resolvePlacement, resolveRoles, serversJudgedFromSubnet, unmatchedProfileRefs } from "./snapshot/profile";
import { unmatchedProfileGap } from "./snapshot/gaps";
import { applyPartialRead, mayHideProfileEntries, partialReadNote } from "./partial-read";
import { assertSubnetHasPrefix } from "./snapshot/subnet-prefix";
import { RULES } from "./rules";
import type { CheckEnv } from "./rules/types";
import { statusRank } from "./rules/status-rank";
import { PriorityAllocator } from "./fixes/priority";
import { ResourceNames } from "./fixes/resource-names";
import { type Checked, type Verified, verifyAll } from "./fixes/verify";
import { forgetDerived } from "./fixes/apply";
import { renderPlan, renderRefusal } from "./fixes/render";
import { serverScopeNote } from "./fixes/own-side";
import { takeNoFixReason } from "./fixes/no-fix";
import type { Finding, ReadError, Report, ReportGaps, SubnetReport, SubnetStatus } from "./report/types";
import { findingId } from "./finding-id";
import { effectiveRouteRows } from "./path/routes";
import { describeNextHop } from "./path/next-hop";
import { subnetOutbound } from "./path/outbound";

export interface AuditOptions {
  generatedAt?: string;
  /** Share links are `${linkPrefix}/findings/<id>`; the web app passes `/scans/<scanId>`. */
  linkPrefix?: string;
  profileName?: string;
  /** Role overrides by subnet key (lower-cased id), applied over the profile; `null` removes a role. */
  roleOverrides?: ReadonlyMap<string, Role | null>;
  /** Deployment overrides by subnet key, for subnets given a role in the dashboard. */
  deploymentOverrides?: ReadonlyMap<string, string>;
  sources?: string[];
  /**
   * The calls a live read could not make (CONTRACT §2 exit 3, §3 `errors`): the snapshot is part of the estate. Then no
   * finding passes (each `pass` is `warn`, naming the failed calls; `warn`/`fail` say the verdict may change, see
   * lib/partial-read.ts), and a profile entry matching nothing read is left out and listed in `gaps.unresolved`
   * instead of being an input error. Pass them wherever they exist; absent or empty: a complete read.
   */
  readErrors?: ReadError[];
  /**
   * Called between units of work (each subnet checked, each finding's fixes verified, each 64 findings written up),
   * where nothing half-built is in hand: the CLI collects garbage there to hold the heap to a budget
   * (cli/heap-budget.ts). It must not touch the audit's data; absent, nothing is called.
   */
  checkpoint?: () => void;
}

/**
 * The read errors an audit is judged with: the caller's, else those saved with the snapshot (a partial read's `--save`);
 * undefined for a complete read (an empty list counts as none).
 */
export function readErrorsOf(snapshot: Snapshot, opts: Pick<AuditOptions, "readErrors">): ReadError[] | undefined {
  const errors = opts.readErrors?.length ? opts.readErrors : snapshot.readErrors;
  return errors?.length ? errors : undefined;
}

/** Where the default route sends traffic, as a clause: "0.0.0.0/0 goes to Azure Firewall fw-hub", "… is dropped: …". */
function defaultRouteWords(row: { nextHop?: string; nextHopType: string; nextHopIpAddress?: string }): string {
  const hop = row.nextHop ?? `${row.nextHopType}${row.nextHopIpAddress ? ` ${row.nextHopIpAddress}` : ""}`;
  const [lead, rest] = [hop.slice(0, hop.indexOf(": ") + 2), hop.slice(hop.indexOf(": ") + 2)];
  if (lead === "outside the audit: ") return `0.0.0.0/0 goes to ${rest}, outside the audit`;
  if (lead === "dropped: ") return `0.0.0.0/0 is dropped: ${rest}`;
  if (lead === "cannot be judged: ") return `where 0.0.0.0/0 goes cannot be judged: ${rest}`;
  return `0.0.0.0/0 goes to ${hop}`;
}

/** Runs every rule that applies to each role's subnet. */
function runChecks(env: CheckEnv, subnets: Iterable<Subnet>): Checked[] {
  const out: Checked[] = [];
  for (const subnet of subnets) {
    env.checkpoint?.();
    const role = env.estate.roles.get(subnet.key);
    if (!role) continue;
    for (const rule of RULES) {
      if (!rule.roles.includes(role)) continue;
      const outcome = rule.check(env, subnet);
      // A planner that gave up said why; keep it with the finding it was planning for.
      const reason = takeNoFixReason(env.allocator);
      if (reason && outcome.plans.length === 0 && !outcome.noFixReason) outcome.noFixReason = reason;
      out.push({ subnet, rule, outcome });
    }
  }
  return out;
}

function effectiveRoles(snapshot: Snapshot, profile: Profile, opts: AuditOptions = {}): Map<string, Role> {
  const roles = resolveRoles(snapshot, profile, opts.profileName ?? "profile", { partialRead: mayHideProfileEntries(readErrorsOf(snapshot, opts)) });
  for (const [key, role] of opts.roleOverrides ?? []) {
    if (!snapshot.subnets.has(key)) continue;
    if (role) roles.set(key, role);
    else roles.delete(key);
    if (role) assertSubnetHasPrefix(snapshot.subnets.get(key)!, `it is given role ${role}`);
  }
  return roles;
}

/** Every finding's outcome with its verified fix plans: what `audit` renders, and what `fixAll` bundles. */
export interface PlannedAudit {
  env: CheckEnv;
  roles: Map<string, Role>;
  checked: Checked[];
  verified: Verified;
}

/**
 * Runs every check and plans and verifies its fixes, keeping the planning state (the fix-all bundle plans on it).
 * `names`: the names new resources were given so far, shared by the fix-all bundle's planning rounds so that a
 * subject planned again keeps its name (lib/fixes/resource-names.ts); a fresh set by default.
 */
export function planAudit(snapshot: Snapshot, profile: Profile, opts: AuditOptions = {}, names = new ResourceNames()): PlannedAudit {
  const roles = effectiveRoles(snapshot, profile, opts);
  const placement = resolvePlacement(snapshot, profile, opts.profileName ?? "profile", roles, opts.deploymentOverrides, { partialRead: mayHideProfileEntries(readErrorsOf(snapshot, opts)) });
  const env: CheckEnv = { estate: new Estate(snapshot, roles, placement), plan: true, allocator: new PriorityAllocator(), ruleNames: new Map(), resourceNames: names, checkpoint: opts.checkpoint };
  const checked = runChecks(env, snapshot.subnets.values());
  return { env, roles, checked, verified: verifyAll(env, checked) };
}

/**
 * A finding's detail, saying that the CycleCloud server it judges was judged from the subnet alone (`unseen`, from
 * serversJudgedFromSubnet) where it rests on flows (its evidence names NSG rules or path stages) and does not say so
 * already: the server's own NIC, with its NSG, public IP and pools, was not in the input (CONTRACT §4.1 stage 4).
 */
function withUnseenServer(c: Checked, unseen: string | undefined): string {
  const detail = c.outcome.detail;
  if (!unseen || c.outcome.evidence.length === 0 || detail.includes("judged from the subnet alone")) return detail;
  return `${detail}${/[.!?]$/.test(detail) ? "" : "."} ${unseen}.`;
}

/** Why a failing or warning finding has no fix, in one sentence; undefined when it has one or needs none. */
function noFixReason(snapshot: Snapshot, c: Checked, plans: Verified["plans"][number], refused: string | undefined, hasFix: boolean): string | undefined {
  if (hasFix || (c.outcome.status !== "fail" && c.outcome.status !== "warn")) return undefined;
  if (c.outcome.guidance.length) return undefined;
  const unrenderable = c.outcome.plans.map((p) => renderRefusal(snapshot, p)).find(Boolean);
  return unrenderable ?? c.outcome.noFixReason ?? refused ?? (plans.length ? undefined : "No change to an NSG, route, firewall or outbound path was found that makes this pass without making another finding worse.");
}

/** A finding's verified plans as fixes, naming the other subnets each reaches beyond the finding's own flows. */
function renderPlans(estate: Estate, c: Checked, plans: Verified["plans"][number]) {
  if (plans.length === 0) return [];
  return plans.flatMap((plan) => renderPlan(estate.snapshot, plan, c.subnet.key, c.outcome.flowEnds, serverScopeNote(estate, plan)));
}

export function audit(snapshot: Snapshot, profile: Profile, opts: AuditOptions = {}): Report {
  const { env, roles, checked, verified: verifiedAll } = planAudit(snapshot, profile, opts);
  // Every fix is verified: what evaluating flows built is not needed to write the report (the peak of live memory is
  // here, with every finding's fix text being written beside it).
  env.estate.releaseEvaluation();
  forgetDerived(env.estate);
  const verified = verifiedAll.plans;
  const linkPrefix = opts.linkPrefix ?? "";
  // Built once: applying it is one string join per finding (the same single pass that writes the findings).
  const readErrors = readErrorsOf(snapshot, opts);
  const partial = partialReadNote(readErrors);

  const bySubnet = new Map<string, Finding[]>();
  const unseenServers = serversJudgedFromSubnet(env.estate.placement);
  checked.forEach((c, i) => {
    if (i % 64 === 0) opts.checkpoint?.();
    const id = findingId(c.subnet.key, c.rule.id);
    const finding: Finding = {
      rule: c.rule.id,
      status: c.outcome.status,
      title: c.rule.title,
      detail: withUnseenServer(c, unseenServers.get(c.subnet.key)),
      evidence: c.outcome.evidence,
      fixes: [...renderPlans(env.estate, c, verified[i]), ...c.outcome.guidance],
      link: `${linkPrefix}/findings/${id}`,
      id,
      requirement: c.rule.requirement,
      severity: c.rule.severity,
    };
    const reason = noFixReason(snapshot, c, verified[i], verifiedAll.reasons.get(i), finding.fixes.length > 0);
    if (reason) finding.noFixReason = reason;
    if (partial) applyPartialRead(finding, partial);
    // Written out: this finding's plans are let go now rather than after every finding's text exists (~30 MB on the bench).
    verified[i] = [];
    c.outcome.plans = [];
    const list = bySubnet.get(c.subnet.key) ?? [];
    list.push(finding);
    bySubnet.set(c.subnet.key, list);
  });

  const summary = { subnets: 0, pass: 0, warn: 0, fail: 0, unscoped: 0 };
  const subnets: SubnetReport[] = [];
  for (const s of snapshot.subnets.values()) {
    const role = roles.get(s.key) ?? null;
    const findings = bySubnet.get(s.key) ?? [];
    const worst = findings.reduce((m, f) => Math.max(m, statusRank(f.status)), 0);
    const status: SubnetStatus = role ? (["pass", "warn", "fail"] as const)[worst] : "unscoped";
    summary.subnets++;
    summary[status]++;
    const nsg = s.nsgKey ? snapshot.nsgs.get(s.nsgKey) : undefined;
    subnets.push({
      id: s.id,
      name: s.name,
      vnet: s.vnetName,
      role,
      status,
      findings,
      subscriptionId: s.subscriptionId,
      resourceGroup: s.resourceGroup,
      addressPrefixes: s.addressPrefixes,
      nsg: nsg?.id ?? s.nsgKey ?? null,
      routeTable: s.routeTableKey ? (snapshot.routeTables.get(s.routeTableKey)?.id ?? s.routeTableKey) : null,
      serviceEndpoints: s.serviceEndpoints.map((e) => e.service),
      nics: s.nicKeys.flatMap((k) => {
        const nic = snapshot.nics.get(k);
        return nic ? [{ id: nic.id, name: nic.name, nsg: nic.nsgKey ? (snapshot.nsgs.get(nic.nsgKey)?.id ?? nic.nsgKey) : null }] : [];
      }),
      ...pathFacts(env.estate, s, role !== null),
    });
  }
  const serverNotes = placementNotes(env.estate.placement);
  return {
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    summary,
    subnets,
    ...(readErrors ? { errors: readErrors } : {}),
    ...(snapshot.capturedAt ? { capturedAt: snapshot.capturedAt } : {}),
    ...(opts.sources ? { sources: opts.sources } : {}),
    ...reportGaps(snapshot, unmatchedProfileRefs(env.estate.placement).map((u) => unmatchedProfileGap(opts.profileName ?? "profile", u))),
    ...subscriptionNames(snapshot, subnets),
    ...(profile.deployments?.length
      ? {
          deployments: profile.deployments.map((d) => ({
            name: d.name,
            ...d.roles,
            cyclecloudServer: d.cyclecloudServer,
            ...(d.proxy ? { proxy: d.proxy } : {}),
            ...(d.storageAccount ? { storageAccount: d.storageAccount } : {}),
            ...(serverNotes.get(d.name) ? { serverNotes: serverNotes.get(d.name) } : {}),
          })),
        }
      : {}),
  };
}

/**
 * What the subnet page shows beyond findings: its deployment, the scale sets placing instances in it,
 * and, for subnets with a role, its effective routes and outbound method (like Network Watcher's
 * effective routes and next hop).
 */
function pathFacts(estate: Estate, s: Subnet, audited: boolean): Partial<SubnetReport> {
  const { snapshot } = estate;
  const scaleSets = estate.scaleSetsIn(s);
  const facts: Partial<SubnetReport> = {};
  if (audited) facts.deployment = estate.deploymentOf(s);
  if (scaleSets.length) {
    facts.scaleSets = scaleSets.map((v) => {
      const nsgKey = v.nicConfigurations.find((c) => c.nsgKey)?.nsgKey;
      return { id: v.id, name: v.name, nsg: nsgKey ? (snapshot.nsgs.get(nsgKey)?.id ?? nsgKey) : null, orchestrationMode: v.orchestrationModeDefaulted ? "unknown" : v.orchestrationMode };
    });
  }
  if (audited) {
    facts.effectiveRoutes = effectiveRouteRows(estate, s, (r) => describeNextHop(estate, s, r));
    const out = subnetOutbound(estate, s);
    // The method serves only what is routed to the Internet: say so where the default route goes elsewhere (a firewall).
    const byDefault = facts.effectiveRoutes.find((r) => r.addressPrefix === "0.0.0.0/0" && (r.state ?? "Active") === "Active");
    const elsewhere = byDefault && byDefault.nextHopType !== "Internet" ? ` It carries only traffic routed to the Internet: ${defaultRouteWords(byDefault)}.` : "";
    const detail = elsewhere ? `${out.detail}${/[.!?]$/.test(out.detail) ? "" : "."}${elsewhere}` : out.detail;
    facts.outbound = { method: out.method, ...(out.resource ? { resource: out.resource } : {}), detail };
  }
  return facts;
}

/** Display names of the subscriptions the report's subnets are in, where the input named them. */
function subscriptionNames(snapshot: Snapshot, subnets: SubnetReport[]): Pick<Report, "subscriptions"> {
  const names = snapshot.subscriptionNames;
  if (!names?.size) return {};
  const ids = new Set(subnets.map((s) => s.subscriptionId).filter((id): id is string => !!id));
  const out = [...ids].flatMap((id) => (names.has(id.toLowerCase()) ? [{ id, name: names.get(id.toLowerCase())! }] : []));
  return out.length ? { subscriptions: out } : {};
}

/**
 * The input's ignored types and unresolved references (CONTRACT §1.1), when there are any. `profileGaps` (profile
 * entries a partial read left out) come first: they are few, and they explain why a role is missing.
 */
function reportGaps(snapshot: Snapshot, profileGaps: ReportGaps["unresolved"]): Pick<Report, "gaps"> {
  const g = snapshot.gaps;
  if ((!g || (g.ignoredTypes.size === 0 && g.unresolved.length === 0)) && profileGaps.length === 0) return {};
  return {
    gaps: {
      ignoredTypes: [...(g?.ignoredTypes ?? [])].map(([type, count]) => ({ type, count })),
      unresolved: profileGaps.length ? [...profileGaps, ...(g?.unresolved ?? [])] : (g?.unresolved ?? []),
      ...(g?.unresolvedOmitted ? { unresolvedOmitted: g.unresolvedOmitted } : {}),
    },
  };
}
