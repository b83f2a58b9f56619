// "Outbound TCP <port> to service tag <tag> allowed" — CC-EGRESS-STORAGE/AAD/MONITOR/ARM, NODE-EGRESS-STORAGE.
import type { Subnet } from "../../model/types";
import { type FlowSpec, evaluateFlow } from "../../nsg/flow";
import type { Estate } from "../../nsg/estate";
import { TCP } from "../../net/protocols";
import { range } from "../../net/intervals";
import { type RuleTemplate, planFlowFix } from "../../fixes/plan-flow";
import type { CheckEnv, CheckOutcome, RuleCheck, RuleMeta } from "../types";
import { clamp, evidenceFor, explainFlow, outcome, requiredStatus, touchedBy } from "./shared";

export interface EgressToTag {
  tag: string;
  port: number;
  /** Rule name for the fix, e.g. the seed's `AllowAzureStorage`. */
  fixRuleName: string;
}

export function tagEgressSpec(estate: Estate, subnet: Subnet, tag: string, port: number): FlowSpec {
  return { direction: "Outbound", protocols: TCP, ports: range(port, port), remote: estate.context(subnet).resolve(tag).set, key: `egress:${tag.toLowerCase()}:tcp:${port}` };
}

/** The seed's allow rule for a tag: `AllowAzureStorage 443 TCP Any Storage Allow`. */
export function allowEgressTemplate(req: EgressToTag): RuleTemplate {
  return { name: req.fixRuleName, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: [req.tag], ports: [String(req.port)] };
}

export function egressToTagCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta, params: EgressToTag): CheckOutcome {
  const { estate } = env;
  const spec = tagEgressSpec(estate, subnet, params.tag, params.port);
  const result = evaluateFlow(estate, subnet, spec);
  const status = clamp(meta, requiredStatus(result.verdict));
  if (!env.plan) return outcome({ status, detail: "", touched: touchedBy([result]) });
  const detail = `Outbound TCP ${params.port} from ${subnet.vnetName}/${subnet.name} to ${params.tag} is ${explainFlow(estate, result)}`;
  const plans = [];
  if (status !== "pass") {
    const changes = planFlowFix(env, subnet, spec, allowEgressTemplate(params));
    if (changes) plans.push({ summary: `Allow outbound TCP ${params.port} to ${params.tag} ahead of the rule that blocks it.`, changes });
  }
  return outcome({ status, detail, evidence: evidenceFor([result], status), plans, touched: touchedBy([result]) });
}

export function egressToTagRule(meta: RuleMeta, params: EgressToTag): RuleCheck {
  return { ...meta, requires: "allow", check: (env, subnet) => egressToTagCheck(env, subnet, meta, params) };
}
