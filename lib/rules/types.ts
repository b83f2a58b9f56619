// What every rule module exports: its metadata (Prowler-style) and a pure check over the estate.
import type { Role, Subnet } from "../model/types";
import type { Estate } from "../nsg/estate";
import type { PriorityAllocator } from "../fixes/priority";
import type { ResourceNames } from "../fixes/resource-names";
import type { FixPlan } from "../fixes/types";
import type { Evidence, Fix, FindingStatus } from "../report/types";

export interface RuleMeta {
  id: string;
  title: string;
  roles: Role[];
  severity: "high" | "medium" | "low";
  /** The sentence of the CycleCloud page this rule enforces. */
  requirement: string;
  references: string[];
  /** Rules outside CONTRACT §4's table may only warn or inform, never fail. */
  contract: boolean;
  /**
   * Advice whose status is the intended consequence of a lockdown (GitHub staging, packages): a fix
   * that locks egress down may raise it, and that does not count against the fix.
   */
  advisory?: boolean;
  /**
   * What the rule needs of the NSGs: traffic `allow`ed (required flows) or `deny`ed (lockdown).
   * Adding an Allow rule never denies a packet that was allowed, and adding a Deny never allows one,
   * so fix verification re-runs only the findings a change could make worse. Unset: always re-run.
   */
  requires?: "allow" | "deny";
}

export interface CheckEnv {
  estate: Estate;
  /**
   * False while re-verifying a fix: only the status is read, so checks may skip their detail and
   * evidence, and no plans are made (no priorities reserved).
   */
  plan: boolean;
  allocator: PriorityAllocator;
  /** Rule names already proposed per NSG in this audit, so pasted fixes don't collide. */
  ruleNames: Map<string, Set<string>>;
  /** Names of the NSGs, NAT gateways, public IPs, routes and rule collections fixes create (lib/fixes/resource-names.ts). */
  resourceNames: ResourceNames;
  /** The caller's checkpoint between units of work (AuditOptions.checkpoint); checks themselves never call it. */
  checkpoint?: () => void;
}

export interface CheckOutcome {
  status: FindingStatus;
  detail: string;
  evidence: Evidence[];
  /** Changes that would make this finding pass; verified by re-evaluation before they are shown. */
  plans: FixPlan[];
  /** Procedures that are not changes to the estate (staging files by hand, an image); shown as they are. */
  guidance: Fix[];
  /** Why no fix can be offered, in one sentence (a planner that gives up says why; see lib/fixes/no-fix.ts). */
  noFixReason?: string;
  /** Keys (NSGs, subnets) this outcome depends on. */
  touched: Set<string>;
  /**
   * Subnet keys at the other ends of the finding's flows (a check between role subnets: its peers). Its fixes change
   * their traffic on purpose, so a fix's note does not list them as other subnets it reaches.
   */
  flowEnds?: string[];
}

export interface RuleCheck extends RuleMeta {
  check(env: CheckEnv, subnet: Subnet): CheckOutcome;
}

export const SEED_URL = "https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network";
