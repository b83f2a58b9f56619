// Flows between the roles' subnets: cluster → CycleCloud (AMQP 5672, HTTPS 9443), CycleCloud → return
// proxy (SSH 22), cluster → return proxy (37140). Depending on the rule, the source end (outbound),
// the destination end (inbound) or both are checked; subnets in unpeered VNets cannot reach each other.
import type { Role, Subnet } from "../../model/types";
import { type FlowResult, type FlowSpec, evaluateFlow } from "../../nsg/flow";
import { TCP } from "../../net/protocols";
import { range } from "../../net/intervals";
import { planFlowFix } from "../../fixes/plan-flow";
import type { Change } from "../../fixes/types";
import type { CheckEnv, CheckOutcome, RuleCheck, RuleMeta } from "../types";
import { clamp, evidenceFor, explainFlow, outcome, touchedBy } from "./shared";

export interface SubnetFlow {
  port: number;
  service: string;
  from: Role;
  to: Role;
  ends: "source" | "destination" | "both";
  fixRuleName: string;
  /** With a return proxy in the profile the direct cluster → CycleCloud flows are optional (CONTRACT §4). */
  optionalWithReturnProxy?: boolean;
}

const ROLE_NAMES: Record<Role, string> = { cyclecloud: "CycleCloud", cluster: "cluster", returnProxy: "return proxy" };
const label = (s: Subnet) => `${s.vnetName}/${s.name}`;

interface PairResult {
  src: Subnet;
  dst: Subnet;
  connected: boolean;
  ends: { end: "source" | "destination"; result: FlowResult; spec: FlowSpec; at: Subnet }[];
  verdict: "allowed" | "partly" | "blocked";
}

function evaluatePair(env: CheckEnv, src: Subnet, dst: Subnet, p: SubnetFlow): PairResult {
  const { estate } = env;
  const ports = range(p.port, p.port);
  const ends: PairResult["ends"] = [];
  if (p.ends !== "destination") {
    const spec: FlowSpec = { direction: "Outbound", protocols: TCP, ports, remote: estate.subnetPrefixes(dst) };
    ends.push({ end: "source", result: evaluateFlow(estate, src, spec), spec, at: src });
  }
  if (p.ends !== "source") {
    const spec: FlowSpec = { direction: "Inbound", protocols: TCP, ports, remote: estate.subnetPrefixes(src) };
    ends.push({ end: "destination", result: evaluateFlow(estate, dst, spec), spec, at: dst });
  }
  const connected = estate.connected(src, dst);
  const verdicts = ends.map((e) => e.result.verdict);
  const verdict = !connected || verdicts.includes("blocked") ? "blocked" : verdicts.every((v) => v === "allowed") ? "allowed" : "partly";
  return { src, dst, connected, ends, verdict };
}

function describePair(env: CheckEnv, pair: PairResult): string {
  const head = `${label(pair.src)} → ${label(pair.dst)}`;
  if (!pair.connected) return `${head}: no route — the VNets are not peered (or the peering is not Connected with virtual network access).`;
  return `${head}: ${pair.ends
    .map((e) => `${e.end === "source" ? `outbound at ${label(e.at)}` : `inbound at ${label(e.at)}`} ${explainFlow(env.estate, e.result)}`)
    .join(" ")}`;
}

export function subnetFlowCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta, p: SubnetFlow): CheckOutcome {
  const { estate } = env;
  const iAmDestination = estate.roles.get(subnet.key) === p.to;
  const peerRole = iAmDestination ? p.from : p.to;
  const peers = estate.byRole[peerRole];
  const what = `TCP ${p.port} (${p.service}) from ${ROLE_NAMES[p.from]} to ${ROLE_NAMES[p.to]}`;
  if (peers.length === 0) {
    return outcome({ status: "info", detail: `No ${ROLE_NAMES[peerRole]} subnet in the profile, so ${what} has nothing to check for ${label(subnet)}.` });
  }
  const pairs = peers.map((peer) => (iAmDestination ? evaluatePair(env, peer, subnet, p) : evaluatePair(env, subnet, peer, p)));
  const results = pairs.flatMap((x) => x.ends.map((e) => e.result));
  const touched = touchedBy(results);
  for (const x of pairs) touched.add(x.src.key).add(x.dst.key);
  const allAllowed = pairs.every((x) => x.verdict === "allowed");
  const allBlocked = pairs.every((x) => x.verdict === "blocked");
  const lines = pairs.map((x) => describePair(env, x));
  const state = allAllowed ? "open" : allBlocked ? "blocked" : "partly blocked";
  const proxies = estate.byRole.returnProxy;

  if (p.optionalWithReturnProxy && proxies.length > 0) {
    return outcome({
      status: "info",
      detail: `Not required: the profile names a return proxy (${proxies.map(label).join(", ")}), through which nodes reach CycleCloud. ${what} is currently ${state}. ${lines.join(" ")}`,
      evidence: evidenceFor(results, allAllowed ? "pass" : "warn"),
      touched,
    });
  }
  const status = clamp(meta, allAllowed ? "pass" : allBlocked ? "fail" : "warn");
  const plans = [];
  const guidance = [];
  if (env.plan && status !== "pass") {
    if (pairs.some((x) => !x.connected)) {
      guidance.push({
        kind: "portal" as const,
        text: `Peer the VNets (${pairs
          .filter((x) => !x.connected)
          .map((x) => `${x.src.vnetName} ↔ ${x.dst.vnetName}`)
          .join(", ")}) with "Allow virtual network access" in both directions; NSG rules cannot open a flow without a route.`,
      });
    } else {
      let changes: Change[] | undefined = [];
      for (const x of pairs) {
        for (const e of x.ends) {
          if (!changes || e.result.verdict === "allowed") continue;
          changes = planFlowFix(
            env,
            e.at,
            e.spec,
            {
              name: p.fixRuleName,
              direction: e.spec.direction,
              access: "Allow",
              protocol: "Tcp",
              sources: x.src.addressPrefixes,
              destinations: x.dst.addressPrefixes,
              ports: [String(p.port)],
            },
            changes,
          );
        }
      }
      if (changes?.length) plans.push({ summary: `Allow ${what} at each NSG that blocks it.`, changes });
    }
  }
  return outcome({
    status,
    detail: `${what} is ${state}. ${lines.join(" ")}`,
    evidence: evidenceFor(results, status),
    plans,
    guidance,
    touched,
  });
}

export function subnetFlowRule(meta: RuleMeta, params: SubnetFlow): RuleCheck {
  return { ...meta, check: (env, subnet) => subnetFlowCheck(env, subnet, meta, params) };
}
