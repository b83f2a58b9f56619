// The required flows as a picture: clusters on the left, Storage / CycleCloud / return proxy in the middle,
// the other Azure services and the Internet on the right. Edges take their colour from lib/report/flows.
import Link from "next/link";
import type { FlowEdge, FlowGraph, FlowNode } from "@/lib/report/flows";
import { subnetHref } from "../links";
import { STATUS_HEX, STATUS_LABEL } from "../ui/status";
import { StatusBadge } from "../ui/status-badge";

const NODE_W = 190;
const NODE_H = 46;
const COL_X = [16, 372, 728];
const WIDTH = COL_X[2] + NODE_W + 16;
const GAP = 22;

interface Placed extends FlowNode {
  x: number;
  y: number;
}

const KIND_STYLE: Record<FlowNode["kind"], { fill: string; stroke: string; tag: string }> = {
  cyclecloud: { fill: "#eef2ff", stroke: "#6366f1", tag: "CycleCloud" },
  cluster: { fill: "#f8fafc", stroke: "#64748b", tag: "Cluster" },
  returnProxy: { fill: "#f5f3ff", stroke: "#8b5cf6", tag: "Return proxy" },
  service: { fill: "#f0f9ff", stroke: "#0ea5e9", tag: "Azure service" },
  internet: { fill: "#fff7ed", stroke: "#f97316", tag: "Any other address" },
};

function layout(graph: FlowGraph): { nodes: Map<string, Placed>; height: number } {
  const left = graph.nodes.filter((n) => n.kind === "cluster");
  const storage = graph.nodes.filter((n) => n.id === "svc:storage");
  const ccs = graph.nodes.filter((n) => n.kind === "cyclecloud");
  const proxies = graph.nodes.filter((n) => n.kind === "returnProxy");
  const middle = [...storage, ...ccs, ...proxies];
  const right = graph.nodes.filter((n) => (n.kind === "service" && n.id !== "svc:storage") || n.kind === "internet");
  const rows = Math.max(left.length, middle.length + 1, right.length + 1);
  const height = rows * (NODE_H + GAP) + GAP + 24;
  const placed = new Map<string, Placed>();
  const column = (list: FlowNode[], x: number, spread: boolean) => {
    const total = list.length * NODE_H + (list.length - 1) * GAP;
    // Spread the middle column so vertical edges (CycleCloud → Storage, → proxy) have room for labels.
    const gap = spread && list.length > 1 ? Math.min(90, (height - 40 - list.length * NODE_H) / (list.length - 1)) : GAP;
    const used = spread ? list.length * NODE_H + (list.length - 1) * gap : total;
    let y = (height - used) / 2;
    for (const n of list) {
      placed.set(n.id, { ...n, x, y });
      y += NODE_H + gap;
    }
  };
  column(left, COL_X[0], false);
  column(middle, COL_X[1], true);
  // Internet sits apart from the services it must not be confused with.
  column(right, COL_X[2], true);
  return { nodes: placed, height };
}

function edgePath(a: Placed, b: Placed): { d: string; mx: number; my: number } {
  if (a.x === b.x) {
    const x = a.x + NODE_W / 2;
    const down = b.y > a.y;
    const y1 = down ? a.y + NODE_H : a.y;
    const y2 = down ? b.y : b.y + NODE_H;
    return { d: `M${x},${y1} L${x},${y2 + (down ? -6 : 6)}`, mx: x, my: (y1 + y2) / 2 };
  }
  const x1 = a.x + NODE_W;
  const y1 = a.y + NODE_H / 2;
  const x2 = b.x - 6;
  const y2 = b.y + NODE_H / 2;
  const c = (x2 - x1) / 2;
  return { d: `M${x1},${y1} C${x1 + c},${y1} ${x2 - c},${y2} ${x2},${y2}`, mx: (x1 + x2) / 2, my: (y1 + y2) / 2 };
}

function edgeWords(edge: FlowEdge): string {
  if (edge.status === "unknown") return "not judged in this scan";
  if (edge.mustBeBlocked) return edge.status === "pass" ? "denied, as required" : `${STATUS_LABEL[edge.status]}: not fully denied`;
  if (edge.status === "info") return "not required (return proxy in use)";
  return STATUS_LABEL[edge.status];
}

function adviceWords(edge: FlowEdge): string {
  return edge.advice.length ? `; recommendation: ${edge.advice.map((f) => `${f.rule} ${f.status}`).join(", ")}` : "";
}

/** `idPrefix` keeps the arrow markers' ids unique when several diagrams (one per deployment) share a page. */
export function FlowDiagram({ graph, scanId, idPrefix = "flows", label = "Required network flows, coloured by verdict" }: { graph: FlowGraph; scanId: string; idPrefix?: string; label?: string }) {
  const { nodes, height } = layout(graph);
  const nameOf = (id: string) => nodes.get(id)?.label ?? id;
  // With many cluster subnets their edge labels would pile up; the edge titles and the list below still say it all.
  const fewClusters = graph.nodes.filter((n) => n.kind === "cluster").length <= 1;
  const labelled = new Set(graph.edges.filter((e) => fewClusters || nodes.get(e.from)?.kind !== "cluster").map((e) => e.id));
  return (
    <div>
      <div className="overflow-x-auto">
        <svg viewBox={`0 0 ${WIDTH} ${height}`} className="min-w-[720px] w-full" role="group" aria-label={label}>
          <defs>
            {(["fail", "warn", "pass", "info", "exempt", "unknown"] as const).map((s) => (
              <marker key={s} id={`${idPrefix}-arrow-${s}`} viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill={STATUS_HEX[s]} />
              </marker>
            ))}
          </defs>
          {graph.edges.map((edge) => {
            const a = nodes.get(edge.from);
            const b = nodes.get(edge.to);
            if (!a || !b) return null;
            const { d, mx, my } = edgePath(a, b);
            const colour = STATUS_HEX[edge.status];
            const dashed = edge.status === "unknown" || edge.status === "info" || (edge.mustBeBlocked && edge.status === "pass");
            const title = `${nameOf(edge.from)} → ${nameOf(edge.to)}, ${edge.label}: ${edgeWords(edge)}${edge.findings.length ? ` (${edge.findings.map((f) => `${f.rule} ${f.status}`).join(", ")})` : ""}${adviceWords(edge)}`;
            const advised = edge.advice.some((f) => f.status === "warn" || f.status === "fail");
            const body = (
              <g data-edge={edge.id} data-status={edge.status} data-advice={advised || undefined}>
                <title>{title}</title>
                <path d={d} fill="none" stroke="transparent" strokeWidth={14} />
                <path d={d} fill="none" stroke={colour} strokeWidth={edge.status === "fail" ? 3 : 2.25} strokeDasharray={dashed ? "6 5" : undefined} markerEnd={`url(#${idPrefix}-arrow-${edge.status})`} />
                {labelled.has(edge.id) ? (
                  <g>
                    <rect x={mx - 52} y={my - 9} width={104} height={18} rx={4} fill="white" stroke={colour} strokeWidth={0.75} />
                    <text x={mx} y={my + 4} textAnchor="middle" fontSize={10} fill="#334155">
                      {edge.mustBeBlocked && edge.status === "pass" ? "denied ✓" : edge.label}
                    </text>
                    {advised ? (
                      // A recommendation on this edge: a small "i" beside the label, not the edge's colour.
                      <g aria-hidden>
                        <circle cx={mx + 58} cy={my} r={7} fill="#0284c7" />
                        <text x={mx + 58} y={my + 3.5} textAnchor="middle" fontSize={10} fontWeight={700} fill="white">
                          i
                        </text>
                      </g>
                    ) : null}
                  </g>
                ) : null}
              </g>
            );
            return edge.link ? (
              <a key={edge.id} href={edge.link} aria-label={title} className="focus-visible:outline-none [&:focus-visible_path:nth-of-type(2)]:stroke-[5]">
                {body}
              </a>
            ) : (
              <g key={edge.id}>{body}</g>
            );
          })}
          {[...nodes.values()].map((n) => {
            const style = KIND_STYLE[n.kind];
            const box = (
              <g>
                <rect x={n.x} y={n.y} width={NODE_W} height={NODE_H} rx={8} fill={style.fill} stroke={style.stroke} strokeWidth={1.25} strokeDasharray={n.kind === "internet" ? "4 3" : undefined} />
                <text x={n.x + 12} y={n.y + 18} fontSize={9.5} fill="#64748b" fontWeight={500}>
                  {style.tag.toUpperCase()}
                </text>
                <text x={n.x + 12} y={n.y + 35} fontSize={12.5} fill="#0f172a" fontWeight={600}>
                  {truncate(n.label, 24)}
                  {n.sublabel ? <tspan fill="#64748b" fontWeight={400} fontSize={10.5}>{`  ${truncate(n.sublabel, 16)}`}</tspan> : null}
                </text>
              </g>
            );
            return n.subnetId ? (
              <a key={n.id} href={subnetHref(scanId, n.subnetId)} aria-label={`${style.tag} subnet ${n.label}`}>
                <title>{n.subnetId}</title>
                {box}
              </a>
            ) : (
              <g key={n.id}>{box}</g>
            );
          })}
        </svg>
      </div>
      <FlowLegend />
      <details className="mt-3 text-sm">
        <summary className="cursor-pointer text-slate-600 hover:text-slate-900">Flows as a list</summary>
        <table className="mt-2 w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">From</th>
              <th className="py-1 pr-3 font-medium">To</th>
              <th className="py-1 pr-3 font-medium">Traffic</th>
              <th className="py-1 pr-3 font-medium">Verdict</th>
              <th className="py-1 pr-3 font-medium">Decided by</th>
              <th className="py-1 font-medium">Recommendations</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {graph.edges.map((e) => (
              <tr key={e.id}>
                <td className="py-1 pr-3">{nameOf(e.from)}</td>
                <td className="py-1 pr-3">{nameOf(e.to)}</td>
                <td className="py-1 pr-3">{e.label}</td>
                <td className="py-1 pr-3">
                  <StatusBadge status={e.status} />
                </td>
                <td className="py-1">
                  {e.findings.length
                    ? e.findings.map((f, i) => (
                        <span key={i}>
                          {i > 0 ? ", " : null}
                          <Link href={f.link} className="text-indigo-700 hover:underline">
                            {f.rule}
                          </Link>
                        </span>
                      ))
                    : "—"}
                </td>
                <td className="py-1">
                  {e.advice.length
                    ? e.advice.map((f, i) => (
                        <span key={i}>
                          {i > 0 ? ", " : null}
                          <Link href={f.link} className="text-indigo-700 hover:underline">
                            {f.rule}
                          </Link>{" "}
                          ({STATUS_LABEL[f.status].toLowerCase()})
                        </span>
                      ))
                    : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function FlowLegend() {
  const items: [string, string, boolean][] = [
    ["Allowed as required", STATUS_HEX.pass, false],
    ["Partly blocked", STATUS_HEX.warn, false],
    ["Blocked (required) or open (must be denied)", STATUS_HEX.fail, false],
    ["Denied as required / not required", STATUS_HEX.pass, true],
    ["Not judged", STATUS_HEX.unknown, true],
  ];
  // NOTE: recommendations (a service endpoint for private access) never colour an edge; they get the "i" mark.
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label="Legend">
      {items.map(([label, colour, dashed]) => (
        <li key={label} className="flex items-center gap-1.5">
          <svg aria-hidden width="22" height="6">
            <line x1="0" y1="3" x2="22" y2="3" stroke={colour} strokeWidth="2.5" strokeDasharray={dashed ? "5 3" : undefined} />
          </svg>
          {label}
        </li>
      ))}
      <li className="flex items-center gap-1.5">
        <svg aria-hidden width="14" height="14">
          <circle cx="7" cy="7" r="6" fill="#0284c7" />
          <text x="7" y="10.5" textAnchor="middle" fontSize="9" fontWeight="700" fill="white">
            i
          </text>
        </svg>
        A recommendation on the flow (see the list)
      </li>
    </ul>
  );
}
