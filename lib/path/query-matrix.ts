// The flow query for every cluster subnet × CycleCloud subnet of each deployment (issue 13 "matrix"): the ports the
// CycleCloud page opens between nodes and the server (AMQP 5672, HTTPS 9443), one queryFlow per cell.
// https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
import type { Snapshot } from "../model/types";
import { Estate } from "../nsg/estate";
import type { Report, SubnetReport } from "../report/types";
import { InputError } from "../errors";
import { parsePortRange } from "../net/ports";
import { type FlowQuery, type QueryAnswer, queryFlow } from "./query";
import { QUERY_PROTOCOLS } from "./query-params";

/** Cluster Node → CycleCloud: amqp_5672 and https_9443 (the CycleCloud page's port table). */
export const MATRIX_DEFAULT_PORTS = ["5672", "9443"] as const;

/**
 * What CycleCloud speaks on its two node ports (AMQP, HTTPS), as the audit's NODE-EGRESS-AMQP and -HTTPS checks take
 * it: a cell on TCP to one of them asks with that `app`, so a firewall application rule answers the cell as it answers
 * the finding (Https:5672 lets no AMQP through). Other ports are asked without one, and say so in their notes.
 */
const NODE_PORT_APPS: Readonly<Record<string, NonNullable<FlowQuery["app"]>>> = { "5672": "other", "9443": "https" };

/** NODE_PORT_APPS for a port as written (`5672`, `05672`, `5672-5672` alike); undefined for a range or another port. */
function nodePortApp(port: string): FlowQuery["app"] {
  const range = parsePortRange(port);
  return range && range[0] === range[1] ? NODE_PORT_APPS[String(range[0])] : undefined;
}

/** The name a `roles`-only profile's single deployment goes by (CONTRACT §1.2). */
export const DEFAULT_DEPLOYMENT = "default";

export interface MatrixSubnet {
  id: string;
  /** `vnet/subnet` when that names one subnet of the scan, else the full id: what the query's `from`/`to` take. */
  ref: string;
}

export interface MatrixCell {
  to: string;
  port: string;
  /** The query's verdict, or `error` when the engine refused it (e.g. no address of the source's family). */
  verdict: QueryAnswer["verdict"] | "error";
  /** One sentence: the first part of the answer, or the refusal. */
  summary: string;
  query: FlowQuery;
}

export interface MatrixDeployment {
  name: string;
  cyclecloud: MatrixSubnet[];
  rows: { cluster: MatrixSubnet; cells: MatrixCell[] }[];
}

export interface QueryMatrix {
  protocol: FlowQuery["protocol"];
  ports: string[];
  deployments: MatrixDeployment[];
}

export interface MatrixOptions {
  protocol?: string;
  /** Ports or ranges, e.g. `["5672", "9443"]`; default MATRIX_DEFAULT_PORTS (ignored for icmp and any). */
  ports?: string[];
  /** The single query's `app`: refused here (parseMatrixOptions says why); blank counts as not given. */
  app?: string;
}

// NOTE: building an Estate indexes the whole snapshot; a scan's snapshot never changes, so one per snapshot object.
const estates = new WeakMap<Snapshot, Estate>();

const matrices = new WeakMap<Report, Map<string, { snapshot: Snapshot; matrix: QueryMatrix }>>();

/** The engine's view of a stored snapshot, built once per snapshot object (lib/store caches the snapshot itself). */
export function estateOf(snapshot: Snapshot): Estate {
  let estate = estates.get(snapshot);
  if (!estate) {
    estate = new Estate(snapshot, new Map());
    estates.set(snapshot, estate);
  }
  return estate;
}

/** `vnet/subnet` when no other subnet of `all` has the same pair, else the ARM id (queryFlow refuses ambiguous refs). */
export function subnetRefOf(subnet: Pick<SubnetReport, "id" | "name" | "vnet">, all: readonly Pick<SubnetReport, "name" | "vnet">[]): string {
  const same = all.filter((s) => s.vnet.toLowerCase() === subnet.vnet.toLowerCase() && s.name.toLowerCase() === subnet.name.toLowerCase()).length;
  return same > 1 ? subnet.id : `${subnet.vnet}/${subnet.name}`;
}

/**
 * The matrix's protocol and ports from URL parameters: `protocol` (default tcp), `port` repeated or comma-separated
 * (default 5672 and 9443). Throws InputError naming `protocol` or `port`, and `app` when given: one application
 * protocol for every column would misjudge the others (AMQP on 5672 meets no firewall application rule, HTTPS on 9443
 * meets their Https ports), so it is asked per flow, on the single query a cell links to.
 */
export function parseMatrixOptions(options: MatrixOptions): { protocol: FlowQuery["protocol"]; ports: string[] } {
  if (options.app?.trim()) throw new InputError("app", "", "not taken by the matrix: one application protocol for every port would misjudge the others (its cells on 5672 ask as AMQP, on 9443 as HTTPS); give app on a cell's single query");
  const protocol = (options.protocol?.trim() || "tcp").toLowerCase();
  if (!(QUERY_PROTOCOLS as readonly string[]).includes(protocol)) throw new InputError("protocol", "", `expected tcp, udp, icmp or any, got ${JSON.stringify(options.protocol)}`);
  if (protocol === "icmp" || protocol === "any") return { protocol: protocol as FlowQuery["protocol"], ports: ["*"] };
  const ports = (options.ports ?? []).flatMap((p) => p.split(",")).map((p) => p.trim()).filter(Boolean);
  if (ports.length > 16) throw new InputError("port", "", `at most 16 ports, got ${ports.length}`);
  for (const p of ports) if (!parsePortRange(p)) throw new InputError("port", "", `expected a port 0-65535 or a range N-M, got ${JSON.stringify(p)}`);
  return { protocol: protocol as FlowQuery["protocol"], ports: ports.length ? [...new Set(ports)] : [...MATRIX_DEFAULT_PORTS] };
}

/**
 * The deployments of a scan with their CycleCloud and cluster subnets, in the profile's order: from the report's
 * subnets (their `deployment`, `default` when none), so role overrides set in the dashboard count.
 */
export function matrixDeployments(report: Report): { name: string; cyclecloud: MatrixSubnet[]; cluster: MatrixSubnet[] }[] {
  const order = (report.deployments ?? []).map((d) => d.name);
  const groups = new Map<string, { name: string; cyclecloud: MatrixSubnet[]; cluster: MatrixSubnet[] }>();
  for (const name of order) groups.set(name, { name, cyclecloud: [], cluster: [] });
  for (const s of report.subnets) {
    if (s.role !== "cyclecloud" && s.role !== "cluster") continue;
    const name = s.deployment ?? DEFAULT_DEPLOYMENT;
    if (!groups.has(name)) groups.set(name, { name, cyclecloud: [], cluster: [] });
    groups.get(name)![s.role].push({ id: s.id, ref: subnetRefOf(s, report.subnets) });
  }
  return [...groups.values()].filter((g) => g.cyclecloud.length || g.cluster.length);
}

/**
 * Every cluster subnet × CycleCloud subnet × port of each deployment, answered by queryFlow (both ends: the node's
 * outbound path and CycleCloud's inbound NSGs), TCP 5672 as AMQP and 9443 as HTTPS (NODE_PORT_APPS). Pure and
 * synchronous: O(deployments × cluster × cyclecloud × ports).
 */
export function queryMatrix(snapshot: Snapshot, report: Report, options: MatrixOptions = {}): QueryMatrix {
  const { protocol, ports } = parseMatrixOptions(options);
  // NOTE: a stored scan's report and snapshot never change (lib/store caches both objects), so a matrix is kept per
  // report object and options until the store lets the report go.
  const key = `${protocol}:${ports.join(",")}`;
  const cached = matrices.get(report)?.get(key);
  if (cached?.snapshot === snapshot) return cached.matrix;
  const estate = estateOf(snapshot);
  const deployments = matrixDeployments(report).map((d) => ({
    name: d.name,
    cyclecloud: d.cyclecloud,
    rows: d.cluster.map((cluster) => ({
      cluster,
      cells: d.cyclecloud.flatMap((cc) =>
        ports.map((port): MatrixCell => {
          const app = protocol === "tcp" ? nodePortApp(port) : undefined;
          const query: FlowQuery = { from: cluster.ref, to: cc.ref, protocol, ...(port !== "*" ? { port } : {}), ...(app ? { app } : {}) };
          try {
            const answer = queryFlow(snapshot, query, estate, { readErrors: report.errors });
            return { to: cc.ref, port, verdict: answer.verdict, summary: answer.parts.join(" "), query };
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            return { to: cc.ref, port, verdict: "error", summary: e.message, query };
          }
        }),
      ),
    })),
  }));
  const matrix = { protocol, ports, deployments };
  if (!matrices.has(report)) matrices.set(report, new Map());
  const perReport = matrices.get(report)!;
  perReport.set(key, { snapshot, matrix });
  // A few port choices per report at most; the first asked (the default) is kept.
  while (perReport.size > 4) perReport.delete([...perReport.keys()][1]);
  return matrix;
}
