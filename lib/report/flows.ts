// The overview's picture of the flows the seed requires: CycleCloud ↔ cluster subnets ↔ return proxy ↔ Azure services
// and the Internet. Each edge gathers the findings (contract rule ids) that judge that flow; its colour is the worst.
import type { Finding, FindingStatus, Report, SubnetReport } from "./types";
import { pushTo } from "../collections";

export type FlowNodeKind = "cyclecloud" | "cluster" | "returnProxy" | "service" | "internet";
export type EdgeStatus = FindingStatus | "unknown";

export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  label: string;
  sublabel?: string;
  subnetId?: string;
  /** How many subnets a grouped node stands for ("+4 more cluster subnets"). */
  count?: number;
}

export interface FlowFinding {
  rule: string;
  status: FindingStatus;
  link: string;
  subnet: string;
}

export interface FlowEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  /** Flows that must be blocked (Internet egress) read "pass" when they are blocked. */
  mustBeBlocked?: boolean;
  status: EdgeStatus;
  /** The findings that judge whether the flow passes; the edge's colour is the worst of them. */
  findings: FlowFinding[];
  /**
   * Recommendations about the same edge (a service endpoint for private access, informational notes): listed with
   * the edge but never colouring it, so a passing flow is not drawn "partly blocked" because of advice (issue 11).
   */
  advice: FlowFinding[];
  /** The worst finding's link: where a click on the edge goes. */
  link?: string;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  hiddenClusters: number;
}

export const SERVICES = [
  { id: "svc:storage", label: "Azure Storage", rule: "CC-EGRESS-STORAGE" },
  { id: "svc:aad", label: "Azure AD", rule: "CC-EGRESS-AAD" },
  { id: "svc:monitor", label: "Azure Monitor", rule: "CC-EGRESS-MONITOR" },
  { id: "svc:arm", label: "Azure Resource Manager", rule: "CC-EGRESS-ARM" },
] as const;

const RANK: Record<EdgeStatus, number> = { fail: 0, warn: 1, pass: 2, info: 3, exempt: 3, unknown: 4 };

/** Rules that recommend something about a flow rather than decide it: private access to Storage by service endpoint. */
export const ADVICE_RULES: ReadonlySet<string> = new Set(["CC-SE-STORAGE", "NODE-SE-STORAGE"]);

/** Splits an edge's findings into those that decide the flow and those that only advise about it. */
function splitAdvice(findings: FlowFinding[]): { findings: FlowFinding[]; advice: FlowFinding[] } {
  const decide = findings.filter((f) => !ADVICE_RULES.has(f.rule));
  const advice = findings.filter((f) => ADVICE_RULES.has(f.rule));
  // With no finding deciding the flow, advice is all there is to judge the edge by.
  return decide.length ? { findings: decide, advice } : { findings: advice, advice: [] };
}

function worst(findings: FlowFinding[]): { status: EdgeStatus; link?: string } {
  if (!findings.length) return { status: "unknown" };
  const sorted = [...findings].sort((a, b) => RANK[a.status] - RANK[b.status]);
  return { status: sorted[0].status, link: sorted[0].link };
}

function pick(subnet: SubnetReport, rules: readonly string[]): FlowFinding[] {
  return subnet.findings
    .filter((f: Finding) => rules.includes(f.rule))
    .map((f) => ({ rule: f.rule, status: f.status, link: f.link, subnet: subnet.name }));
}

const STATUS_ORDER = { fail: 0, warn: 1, pass: 2, unscoped: 3 } as const;

/** Builds the graph; at most `maxClusters` cluster subnets get their own node, worst first, the rest share one. */
export function buildFlowGraph(report: Report, maxClusters = 5): FlowGraph {
  const byRole = (role: string) => report.subnets.filter((s) => s.role === role);
  const ccs = byRole("cyclecloud");
  const clustersAll = byRole("cluster").sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
  const proxies = byRole("returnProxy");

  const shown = clustersAll.length > maxClusters ? clustersAll.slice(0, maxClusters - 1) : clustersAll;
  const rest = clustersAll.slice(shown.length);

  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  const subnetNode = (s: SubnetReport, kind: FlowNodeKind): FlowNode => ({ id: `subnet:${s.id.toLowerCase()}`, kind, label: s.name, sublabel: s.vnet, subnetId: s.id });

  for (const c of ccs) nodes.push(subnetNode(c, "cyclecloud"));
  const clusterGroups: { node: FlowNode; members: SubnetReport[] }[] = shown.map((k) => ({ node: subnetNode(k, "cluster"), members: [k] }));
  if (rest.length) {
    clusterGroups.push({
      node: { id: "cluster:rest", kind: "cluster", label: `+${rest.length} more`, sublabel: "cluster subnets", count: rest.length },
      members: rest,
    });
  }
  for (const g of clusterGroups) nodes.push(g.node);
  for (const p of proxies) nodes.push(subnetNode(p, "returnProxy"));
  for (const svc of SERVICES) nodes.push({ id: svc.id, kind: "service", label: svc.label });
  nodes.push({ id: "internet", kind: "internet", label: "Internet" });

  const addEdge = (edge: Omit<FlowEdge, "status" | "link" | "advice">) => {
    const split = splitAdvice(edge.findings);
    edges.push({ ...edge, ...split, ...worst(split.findings) });
  };

  for (const c of ccs) {
    const from = `subnet:${c.id.toLowerCase()}`;
    for (const svc of SERVICES) {
      const rules = svc.id === "svc:storage" ? [svc.rule, "CC-SE-STORAGE"] : [svc.rule];
      addEdge({ id: `${from}->${svc.id}`, from, to: svc.id, label: "HTTPS 443", findings: pick(c, rules) });
    }
    addEdge({ id: `${from}->internet`, from, to: "internet", label: "must be denied", mustBeBlocked: true, findings: pick(c, ["CC-EGRESS-LOCKDOWN"]) });
    for (const p of proxies) {
      const to = `subnet:${p.id.toLowerCase()}`;
      addEdge({ id: `${from}->${to}`, from, to, label: "SSH 22", findings: pick(p, ["RP-SSH"]) });
    }
  }

  for (const g of clusterGroups) {
    const from = g.node.id;
    const members = (rules: string[]) => g.members.flatMap((k) => pick(k, rules));
    for (const c of ccs) {
      const to = `subnet:${c.id.toLowerCase()}`;
      addEdge({
        id: `${from}->${to}`,
        from,
        to,
        label: "AMQP 5672 · HTTPS 9443",
        findings: [...members(["NODE-EGRESS-AMQP", "NODE-EGRESS-HTTPS"]), ...pick(c, ["CC-INGRESS-AMQP", "CC-INGRESS-HTTPS"])],
      });
    }
    for (const p of proxies) {
      const to = `subnet:${p.id.toLowerCase()}`;
      addEdge({ id: `${from}->${to}`, from, to, label: "TCP 37140", findings: pick(p, ["RP-NODE-HTTPS"]) });
    }
    addEdge({ id: `${from}->svc:storage`, from, to: "svc:storage", label: "HTTPS 443", findings: members(["NODE-EGRESS-STORAGE", "NODE-SE-STORAGE"]) });
    // NOTE: NODE-PACKAGES is advice about how packages arrive, not a flow the seed requires; it stays off the picture.
  }

  return { nodes, edges, hiddenClusters: rest.length };
}

/** One deployment's picture (CONTRACT §1.2): flows are checked only within a deployment, so each is drawn apart. */
export interface DeploymentFlowGraph {
  /** The deployment's name; null for subnets in a role without one (a report made before deployments). */
  deployment: string | null;
  graph: FlowGraph;
}

/**
 * One flow graph per deployment, in the profile's order, then any deployment only the subnets name. A report with one
 * deployment (or none) gives one graph of the whole report. Linear in subnets: each subnet is bucketed once.
 */
export function buildDeploymentFlowGraphs(report: Report, maxClusters = 5): DeploymentFlowGraph[] {
  const buckets = new Map<string | null, SubnetReport[]>();
  for (const d of report.deployments ?? []) buckets.set(d.name, []);
  for (const s of report.subnets) {
    if (!s.role) continue;
    pushTo(buckets, s.deployment ?? null, s);
  }
  const groups = [...buckets].filter(([, subnets]) => subnets.length);
  if (groups.length <= 1) return [{ deployment: groups[0]?.[0] ?? null, graph: buildFlowGraph(report, maxClusters) }];
  return groups.map(([deployment, subnets]) => ({ deployment, graph: buildFlowGraph({ ...report, subnets }, maxClusters) }));
}
