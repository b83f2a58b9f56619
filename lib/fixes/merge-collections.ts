// One finding whose subnet many senders reach through one Azure Firewall (the return proxy, reached from every cluster
// subnet) plans each sender's side on its own (lib/rules/families/subnet-flow.ts), and each sender's plan adds a rule
// collection naming that sender. Behind one hub that was a collection per cluster subnet: 9,900 in one group on the
// bench estate, a 7 MB group where Azure accepts 2 MB, and 36 MB of fix text for one finding. The senders' collections
// that differ only in their sources are one collection here, whose rule names every sender's addresses.
// https://learn.microsoft.com/azure/firewall/policy-rule-sets ("Rule collection groups have a maximum size of 2 MB")
import type { FirewallRule, FirewallRuleCollection, Subnet } from "../model/types";
import { cidrsOf, concrete } from "../net/addr-set";
import { cidrsToRanges, isCidr } from "../net/ip";
import type { CheckEnv } from "../rules/types";
import { groupKeyOf, heldCollections } from "./firewall-groups";
import { newCollectionName } from "./resource-names";
import type { Change } from "./types";

type CollectionChange = Extract<Change, { kind: "add-firewall-rule-collection" }>;

/** What a collection allows, but for its rule's sources and names: collections alike in this may be one. */
function shapeOf(c: CollectionChange): string | undefined {
  const { collection } = c;
  if (collection.rules.length !== 1) return undefined;
  const rule = collection.rules[0];
  if (rule.kind === "nat" || !rule.sourceAddresses.every(isCidr) || rule.sourceIpGroupKeys.length) return undefined;
  // Everything but the rule's name and sources (each sender's own), which the one collection replaces.
  const rest: Record<string, unknown> = { ...rule, name: undefined, sourceAddresses: undefined };
  return JSON.stringify([c.policyKey ?? "", c.firewallKey ?? "", c.groupName.toLowerCase(), collection.kind, collection.action, rest]);
}

/**
 * `changes` with the rule collections that allow the same traffic to `receiver` (same firewall or policy group, kind,
 * action, protocols, destinations and ports) from different senders made one: named for the receiver, at the lowest
 * priority among them (each was reserved for this audit, so no other fix holds it), its one rule naming the senders'
 * addresses as merged CIDRs (thousands of adjacent /24s become a few prefixes; the addresses are exactly the same).
 * The one stands where the first of them stood; every other change keeps its place. A collection alike in shape to
 * none is left as it is, so a finding with one sender plans what it planned before.
 * `service` names the traffic in the new collection's name (`net-<service>-to-<vnet>-<subnet>`).
 */
export function mergeSenderCollections(env: CheckEnv, changes: Change[], receiver: Subnet, service: string): Change[] {
  const alike = new Map<string, CollectionChange[]>();
  for (const c of changes) {
    if (c.kind !== "add-firewall-rule-collection") continue;
    const shape = shapeOf(c);
    if (shape === undefined) continue;
    const list = alike.get(shape);
    if (list) list.push(c);
    else alike.set(shape, [c]);
  }
  const merged = new Map<Change, Change | undefined>();
  for (const list of alike.values()) {
    if (list.length < 2) continue;
    const first = list[0];
    // shapeOf took only collections whose one rule is a network or application rule.
    const sources = cidrsToRanges(list.flatMap((c) => (c.collection.rules[0] as Exclude<FirewallRule, { kind: "nat" }>).sourceAddresses));
    const rule = { ...first.collection.rules[0], sourceAddresses: cidrsOf(concrete(sources.v4, sources.v6)) } as FirewallRule;
    const scope = first.policyKey ? groupKeyOf(first.policyKey, first.groupName) : first.firewallKey!;
    const held = heldCollections(env.estate.snapshot, first).map((c) => c.name);
    const kind = first.collection.kind === "application" ? "app" : "net";
    const collection: FirewallRuleCollection = {
      ...first.collection,
      name: newCollectionName(env, scope, `${kind}|${service.toLowerCase()}|to|${receiver.key}`, `${kind}-${service}-to-${receiver.vnetName}-${receiver.name}`, held),
      priority: Math.min(...list.map((c) => c.collection.priority)),
      rules: [rule],
    };
    merged.set(first, { ...first, collection });
    for (const c of list.slice(1)) merged.set(c, undefined);
  }
  if (merged.size === 0) return changes;
  const out: Change[] = [];
  for (const c of changes) {
    if (!merged.has(c)) out.push(c);
    else {
      const one = merged.get(c);
      if (one) out.push(one);
    }
  }
  return out;
}
