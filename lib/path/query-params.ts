// The flow query as the HTTP API and the dashboard take it: URL search parameters (`from`, `to`, `protocol`, `port`,
// `app`) read once with zod into a FlowQuery, with errors naming the parameter (CONTRACT §2 "Asking for one flow", §5).
import { z } from "zod";
import { InputError } from "../errors";
import { parsePortRange } from "../net/ports";
import { type FlowQuery, queryAppProtocol } from "./query";

export const QUERY_PROTOCOLS = ["tcp", "udp", "icmp", "any"] as const;

/** The parameters of a flow query as they appear in a URL; each missing one is undefined. */
export interface FlowQueryParams {
  from?: string;
  to?: string;
  protocol?: string;
  port?: string;
  /** What TCP traffic speaks above TCP: `http`, `https` or `other` (`npm run query --app`). */
  app?: string;
}

const paramsSchema = z.object({
  from: z.string({ error: "missing: the source (subnet ref, NIC id, scale set id or IP)" }).trim().min(1, "missing: the source (subnet ref, NIC id, scale set id or IP)").max(2000, "longer than 2000 characters"),
  to: z.string({ error: "missing: the destination (subnet ref, IP, CIDR, service tag or FQDN)" }).trim().min(1, "missing: the destination (subnet ref, IP, CIDR, service tag or FQDN)").max(2000, "longer than 2000 characters"),
  protocol: z
    .string()
    .trim()
    .toLowerCase()
    .default("tcp")
    .pipe(z.enum(QUERY_PROTOCOLS, { error: (i) => `expected tcp, udp, icmp or any, got ${JSON.stringify(i.input)}` })),
  port: z.string().trim().max(20, "expected a port 0-65535 or a range N-M").optional(),
  // Its values and its tie to tcp are checked as the CLI checks `--app` (queryAppProtocol).
  app: z.string().trim().max(20, "expected http, https or other").optional(),
});

/** The first value of each flow-query parameter in `search` (blank values count as missing). */
export function flowQueryParams(search: URLSearchParams | Record<string, string | string[] | undefined>): FlowQueryParams {
  const get = (k: string): string | undefined => {
    const v = search instanceof URLSearchParams ? (search.get(k) ?? undefined) : search[k];
    const first = Array.isArray(v) ? v[0] : v;
    return first?.trim() ? first : undefined;
  };
  return { from: get("from"), to: get("to"), protocol: get("protocol"), port: get("port"), app: get("app") };
}

/**
 * A FlowQuery from URL parameters. Throws InputError naming the parameter (`from`, `to`, `protocol`, `port`, `app`)
 * when one is missing or malformed; a port is required for tcp and udp, as `npm run query` requires `--port`, and
 * `app` (any case) is `http`, `https` or `other`, with protocol tcp only, as `--app` is.
 */
export function parseFlowQuery(params: FlowQueryParams): FlowQuery {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(String(issue.path[0] ?? "query"), "", issue.message);
  }
  const { from, to, protocol, port } = parsed.data;
  if (protocol !== "icmp" && protocol !== "any") {
    if (port === undefined) throw new InputError("port", "", "missing: give a port N or a range N-M");
    if (!parsePortRange(port)) throw new InputError("port", "", `expected a port 0-65535 or a range N-M, got ${JSON.stringify(port)}`);
  }
  let app: FlowQuery["app"];
  try {
    app = queryAppProtocol(parsed.data.app, protocol);
  } catch (e) {
    throw asParamError(e);
  }
  return { from, to, protocol, ...(port !== undefined ? { port } : {}), ...(app ? { app } : {}) };
}

/**
 * The engine names the CLI's flags (`--from: ...`); over HTTP the same error names the URL parameter (`from: ...`).
 * Other errors pass through unchanged.
 */
export function asParamError(e: unknown): unknown {
  if (e instanceof InputError && e.file.startsWith("--")) return new InputError(e.file.replace(/--/g, ""), e.path, e.detail);
  return e;
}

/** `from=...&to=...&protocol=...&port=...&app=...` for a (partial) query, in that order; empty values are left out. */
export function flowQuerySearch(q: Partial<FlowQuery> | FlowQueryParams): string {
  const out = new URLSearchParams();
  for (const k of ["from", "to", "protocol", "port", "app"] as const) {
    const v = q[k];
    if (v) out.set(k, v);
  }
  return out.toString();
}
