// The engine's one entry point: (snapshot, profile) → report. Pure: no I/O, same answer for the CLI,
// the web app and the tests.
import type { Profile, Role, Snapshot, Subnet } from "./model/types";
import { Estate } from "./nsg/estate";
import { resolveRoles } from "./snapshot/profile";
import { RULES } from "./rules";
import type { CheckEnv } from "./rules/types";
import { statusRank } from "./rules/status-rank";
import { PriorityAllocator } from "./fixes/priority";
import { type Checked, verifyPlans } from "./fixes/verify";
import { renderPlan } from "./fixes/render";
import type { Finding, Report, SubnetReport, SubnetStatus } from "./report/types";
import { findingId } from "./finding-id";

export interface AuditOptions {
  generatedAt?: string;
  /** Share links are `${linkPrefix}/findings/<id>`; the web app passes `/scans/<scanId>`. */
  linkPrefix?: string;
  profileName?: string;
  /** Role overrides by subnet key (lower-cased id), applied over the profile; `null` removes a role. */
  roleOverrides?: ReadonlyMap<string, Role | null>;
  sources?: string[];
}

/** Runs every rule that applies to each role's subnet. */
function runChecks(env: CheckEnv, subnets: Iterable<Subnet>): Checked[] {
  const out: Checked[] = [];
  for (const subnet of subnets) {
    const role = env.estate.roles.get(subnet.key);
    if (!role) continue;
    for (const rule of RULES) if (rule.roles.includes(role)) out.push({ subnet, rule, outcome: rule.check(env, subnet) });
  }
  return out;
}

function effectiveRoles(snapshot: Snapshot, profile: Profile, opts: AuditOptions = {}): Map<string, Role> {
  const roles = resolveRoles(snapshot, profile, opts.profileName ?? "profile");
  for (const [key, role] of opts.roleOverrides ?? []) {
    if (!snapshot.subnets.has(key)) continue;
    if (role) roles.set(key, role);
    else roles.delete(key);
  }
  return roles;
}

export function audit(snapshot: Snapshot, profile: Profile, opts: AuditOptions = {}): Report {
  const roles = effectiveRoles(snapshot, profile, opts);
  const env: CheckEnv = { estate: new Estate(snapshot, roles), plan: true, allocator: new PriorityAllocator(), ruleNames: new Map() };
  const checked = runChecks(env, snapshot.subnets.values());
  const verified = verifyPlans(env, checked);
  const linkPrefix = opts.linkPrefix ?? "";

  const bySubnet = new Map<string, Finding[]>();
  checked.forEach((c, i) => {
    const id = findingId(c.subnet.key, c.rule.id);
    const finding: Finding = {
      rule: c.rule.id,
      status: c.outcome.status,
      title: c.rule.title,
      detail: c.outcome.detail,
      evidence: c.outcome.evidence,
      fixes: [...verified[i].flatMap((plan) => renderPlan(snapshot, plan)), ...c.outcome.guidance],
      link: `${linkPrefix}/findings/${id}`,
      id,
      requirement: c.rule.requirement,
      severity: c.rule.severity,
    };
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
    });
  }
  return {
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    summary,
    subnets,
    ...(snapshot.capturedAt ? { capturedAt: snapshot.capturedAt } : {}),
    ...(opts.sources ? { sources: opts.sources } : {}),
  };
}
