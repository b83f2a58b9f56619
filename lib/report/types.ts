// The report of CONTRACT §3. Every renderer (json, csv, sarif, md, pdf), the CLI and the web app read this one model.
import type { Access, Direction, Role } from "../model/types";

/** What the engine decided for a finding (CONTRACT §3). */
export type Verdict = "pass" | "warn" | "fail" | "info";
/** A finding's status: its verdict, or `exempt` when an exemption (accepted risk, CONTRACT §2) covers it. */
export type FindingStatus = Verdict | "exempt";
export type SubnetStatus = "pass" | "warn" | "fail" | "unscoped";
/** `powershell`: the az CLI written for PowerShell; `shell`: commands run on a VM (not the portal). */
export type FixKind = "az-cli" | "bicep" | "terraform" | "portal" | "shell" | "powershell";

/** The stage of CONTRACT §4.1 an evidence entry belongs to. */
export type PathStage = "admin-rule" | "nsg" | "route" | "firewall" | "outbound";

/**
 * What decided at one stage of a flow's path (CONTRACT §3, §4.1). NSG entries keep the contract's
 * fields (`nsg`, `rule`, `priority`, `access`, `direction`) and may omit `stage`; other stages set
 * `stage` and their own fields. Renderers switch on `evidenceStage(e)`.
 */
export type Evidence = NsgEvidence | AdminRuleEvidence | RouteEvidence | FirewallEvidence | OutboundEvidence;

export interface AdminRuleEvidence {
  stage: "admin-rule";
  networkManager: string;
  configuration: string;
  collection: string;
  rule: string;
  /** The admin rule's id. */
  id: string;
  priority: number;
  access: "Allow" | "Deny" | "AlwaysAllow";
  direction: Direction;
}

export interface RouteEvidence {
  stage: "route";
  /** Route table id, or null for a system route. */
  routeTable: string | null;
  /** Route name (`drop-default`), or the system route's label (`Default`). */
  route: string;
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
  /** What the next hop turned out to be: an Azure Firewall's id, "dropped", "outside the audit". */
  nextHop?: string;
  source: "User" | "Default" | "VirtualNetworkGateway";
}

export interface FirewallEvidence {
  stage: "firewall";
  firewall: string;
  policy?: string;
  ruleCollectionGroup?: string;
  ruleCollection?: string;
  /** The deciding rule; absent when nothing matched (Azure Firewall denies by default). */
  rule?: string;
  action: "Allow" | "Deny";
  kind?: "network" | "application";
  /** The FQDN the decision was about, for application rules and FQDN destinations. */
  fqdn?: string;
  /** ARM ids, as the input spells them, of the firewall, its policy and the deciding rule's group (`firewall`, `policy`, `ruleCollectionGroup` are names). */
  firewallId?: string;
  policyId?: string;
  ruleCollectionGroupId?: string;
}

export interface OutboundEvidence {
  stage: "outbound";
  /** `nat-gateway`, `public-ip`, `load-balancer`, `default-outbound-access`, `firewall-public-ip`, `none`, `unknown` (input missing). */
  method: string;
  /** The resource giving the path (NAT gateway, public IP, load balancer), when there is one. */
  resource?: string;
  detail?: string;
}

export function evidenceStage(e: Evidence): PathStage {
  return "stage" in e && e.stage ? e.stage : "nsg";
}

export interface NsgEvidence {
  stage?: "nsg";
  nsg: string;
  rule: string;
  priority: number;
  access: Access;
  direction: Direction;
  /** Extension: which NSG level decided (`nic` or `subnet`), the NIC when NIC-level, and whether a default rule decided. */
  level?: "nic" | "subnet";
  nic?: string;
  isDefault?: boolean;
}

export interface Fix {
  kind: FixKind;
  text: string;
}

export interface Finding {
  rule: string;
  status: FindingStatus;
  title: string;
  detail: string;
  evidence: Evidence[];
  fixes: Fix[];
  /** Extension: for a `fail`/`warn` finding with no fix, why none can be offered (one sentence). */
  noFixReason?: string;
  link: string;
  /** Extension: stable id of (subnet, rule), used by share links. */
  id?: string;
  /** Extension: the seed sentence this rule enforces. */
  requirement?: string;
  severity?: "high" | "medium" | "low";
  /** Extension (CONTRACT §2): the engine's verdict, kept here when `status` is `exempt`. */
  verdict?: Verdict;
  /** Extension (CONTRACT §2): the exemption that makes this finding `exempt` (lib/gates/exemptions.ts). */
  exemption?: AppliedExemption;
  /** Extension: an exemption that matched but no longer applies (expired, or the verdict got worse). */
  exemptionLapsed?: AppliedExemption & { why: "expired" | "worse" };
  /** Extension (CONTRACT §2, `--baseline`): how this finding compares with the same finding id in the baseline report. */
  change?: FindingChangeKind;
}

/** `new`: not in the baseline; `worse`/`better`: its status ranks higher/lower (fail > warn > pass = info = exempt); `same` otherwise. */
export type FindingChangeKind = "new" | "worse" | "same" | "better";

/** What an exemption selects: one finding, a rule on a subnet, or a rule on a deployment's subnets. */
export type ExemptionMatch = { finding: string } | { rule: string; subnet: string } | { rule: string; deployment: string };

/** An exemption as it applies to a finding: who accepted the risk, why, until when, and the verdict it was granted for. */
export interface AppliedExemption {
  reason: string;
  owner: string;
  /** `YYYY-MM-DD`; the exemption applies through that day (UTC). */
  expires: string;
  match: ExemptionMatch;
  /** The verdict the exemption was granted for; a worse verdict makes it lapse. */
  verdict: Verdict;
}

export interface SubnetReport {
  id: string;
  name: string;
  vnet: string;
  role: Role | null;
  status: SubnetStatus;
  findings: Finding[];
  /** Extensions. */
  subscriptionId?: string;
  resourceGroup?: string;
  addressPrefixes?: string[];
  nsg?: string | null;
  routeTable?: string | null;
  serviceEndpoints?: string[];
  nics?: { id: string; name: string; nsg: string | null }[];
  /** The deployment (CONTRACT §1.2) the subnet's role belongs to; `default` for a `roles`-only profile. */
  deployment?: string | null;
  /**
   * Scale sets whose instances live here (their network profile is part of the traffic class); `orchestrationMode`
   * is `Uniform`, `Flexible`, or `unknown` when the input leaves it out (then both are judged where they differ).
   */
  scaleSets?: { id: string; name: string; nsg: string | null; orchestrationMode: string }[];
  /** The subnet's effective routes as Network Watcher lists them, longest prefix first. */
  effectiveRoutes?: EffectiveRouteRow[];
  /** How the subnet reaches public addresses (CONTRACT §4.1 stage 4). */
  outbound?: { method: string; resource?: string; detail: string };
}

/** One row of a subnet's effective route table. */
export interface EffectiveRouteRow {
  source: "User" | "Default" | "VirtualNetworkGateway";
  /** CIDR, or a service tag for a tag route (`Storage`). */
  addressPrefix: string;
  nextHopType: string;
  nextHopIpAddress?: string;
  /** Route table id and route name for a user route; the route's words (hub, policy or hub route) for a learned one. */
  routeTable?: string;
  route?: string;
  /** What the next hop is, when the audit can tell: an Azure Firewall's name, "no such address: dropped", … */
  nextHop?: string;
  /** `Active`, or `Invalid` when a more specific or preferred route wins for the whole prefix. */
  state?: "Active" | "Invalid";
}

/** What the input held that the audit ignored, and what it referred to but did not hold (CONTRACT §1.1). */
export interface ReportGaps {
  ignoredTypes: { type: string; count: number }[];
  unresolved: { from: string; kind: string; ref: string; hint: string }[];
  /** How many more unresolved references there were beyond the listed ones. */
  unresolvedOmitted?: number;
}

export interface ReadError {
  subscription: string;
  operation: string;
  code: string;
  message: string;
}

export interface Report {
  generatedAt: string;
  /** `pass`/`warn`/`fail`/`unscoped` count subnets; `exempt` (present once exemptions were applied) counts exempt findings. */
  summary: { subnets: number; pass: number; warn: number; fail: number; unscoped: number; exempt?: number };
  subnets: SubnetReport[];
  errors?: ReadError[];
  /** Extension: what the reader says about how far the report can be trusted (a Resource Graph read, lib/azure/resource-graph.ts). */
  notes?: string[];
  /** Extension: when the estate was read, and from where. */
  capturedAt?: string;
  sources?: string[];
  /** Extension: ignored types and unresolved references (CONTRACT §1.1). */
  gaps?: ReportGaps;
  /** Extension (CONTRACT §2, `--baseline`): the report compared against and how many findings changed. */
  baseline?: { generatedAt?: string; file?: string; new: number; worse: number; same: number; better: number; gone: number };
  /** Extension: display names of the subscriptions the subnets are in, when the input named them (live read). */
  subscriptions?: { id: string; name: string }[];
  /** Extension: the deployments of the profile. */
  deployments?: {
    name: string;
    cyclecloud: string[];
    cluster: string[];
    returnProxy: string[];
    cyclecloudServer: string[];
    proxy?: { address: string; port: number };
    storageAccount?: string;
    /** How the CycleCloud server was read, where the audit judged it by part of what the profile names (a VM's NICs in its CycleCloud subnet). */
    serverNotes?: string[];
  }[];
}
