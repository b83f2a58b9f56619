// Plans the NSG rules that let a blocked flow through. Each round adds, in every NSG that denied
// part of the flow, an Allow at a free priority below the deny that decided; then re-evaluates,
// because traffic that a first NSG denied may meet a second one that also denies it.
import type { Direction, Protocol, SecurityRule, Subnet } from "../model/types";
import { type FlowSpec, evaluateFlow } from "../nsg/flow";
import type { CheckEnv } from "../rules/types";
import { estateWith } from "./apply";
import { freeRuleName } from "./priority";
import type { Change } from "./types";

export interface RuleTemplate {
  name: string;
  direction: Direction;
  access: "Allow" | "Deny";
  protocol: Protocol;
  sources: string[];
  destinations: string[];
  ports: string[];
}

export function makeRule(env: CheckEnv, nsgKey: string, template: RuleTemplate, priority: number): SecurityRule {
  let taken = env.ruleNames.get(nsgKey);
  if (!taken) env.ruleNames.set(nsgKey, (taken = new Set()));
  return {
    name: freeRuleName(env.estate.snapshot.nsgs.get(nsgKey), template.name, taken),
    priority,
    direction: template.direction,
    access: template.access,
    protocol: template.protocol,
    sourceAddressPrefixes: template.sources,
    destinationAddressPrefixes: template.destinations,
    sourcePortRanges: ["*"],
    destinationPortRanges: template.ports,
    sourceAsgKeys: [],
    destinationAsgKeys: [],
    isDefault: false,
  };
}

/** Changes that make `spec` fully allowed at `subnet`, starting from `changes` already planned; undefined when impossible. */
export function planFlowFix(
  env: CheckEnv,
  subnet: Subnet,
  spec: FlowSpec,
  template: RuleTemplate,
  changes: Change[] = [],
): Change[] | undefined {
  let planned = [...changes];
  for (let round = 0; round < 4; round++) {
    const estate = estateWith(env.estate, planned);
    const result = evaluateFlow(estate, subnet, spec);
    if (result.verdict === "allowed") return planned;
    const blockers = new Map<string, number>();
    for (const o of result.outcomes)
      for (const p of o.pieces) {
        if (p.access !== "Deny") continue;
        const d = p.decisions[p.decisions.length - 1];
        blockers.set(d.nsg.key, Math.min(blockers.get(d.nsg.key) ?? Infinity, d.rule.priority));
      }
    for (const [nsgKey, winsOver] of blockers) {
      const nsg = estate.snapshot.nsgs.get(nsgKey)!;
      const priority = env.allocator.pick(nsg, winsOver);
      if (priority === undefined) return undefined;
      planned = [...planned, { kind: "add-rule", nsgKey, rule: makeRule(env, nsgKey, template, priority) }];
    }
  }
  return undefined;
}
