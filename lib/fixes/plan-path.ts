// Plans the changes beyond NSGs that let a required flow through the rest of its path (CONTRACT §4 fix
// rules): a service-tag route past a route that drops it, a firewall rule collection for the FQDNs or
// addresses the firewall denies, a NAT gateway for a subnet with no outbound path. Admin rules belong to
// the central network team and get guidance, not a fix; an appliance outside the audit gets none.
import type { FirewallApplicationRule, FirewallNetworkRule, FirewallRuleCollection, Subnet } from "../model/types";
import { type AddrSet } from "../net/addr-set";
import { v4RangeToCidrs, v6RangeToCidrs } from "../net/ip";
import type { PortSet } from "../net/ports";
import { type FlowResult, type FlowSpec, evaluateFlow } from "../nsg/flow";
import { firewallAt } from "../path/firewall";
import { type FirewallEvidence, type RouteEvidence, evidenceStage } from "../report/types";
import type { CheckEnv } from "../rules/types";
import { estateWith } from "./apply";
import { groupKeyOf } from "./firewall-groups";
import type { Change } from "./types";

/** What the flow is about, to name the rules: a service tag and port (`Storage`, 443) or a label. */
export interface PathFixSubject {
  service: string;
  port: number;
  /** The destination as CIDRs, when it is not a service tag (cluster → CycleCloud through a firewall). */
  destinationCidrs?: string[];
}

function cidrsOf(set: AddrSet): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.v4.length; i += 2) out.push(...v4RangeToCidrs(set.v4[i], set.v4[i + 1]));
  for (let i = 0; i < set.v6.length; i += 2) out.push(...v6RangeToCidrs(set.v6[i], set.v6[i + 1]));
  return out;
}

/** Azure Firewall's port list form: `443`, `8000-8100`, `*`. */
function portStrings(p: PortSet): string[] {
  if (p.length === 2 && p[0] === 0 && p[1] === 65535) return ["*"];
  const out: string[] = [];
  for (let i = 0; i < p.length; i += 2) out.push(p[i] === p[i + 1] ? String(p[i]) : `${p[i]}-${p[i + 1]}`);
  return out;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "-").replace(/-+/g, "-").slice(0, 60);

/**
 * A free collection priority after every collection the group (or classic firewall) holds, not taken by another fix
 * of this audit (so all of them apply together); undefined when none is left below 65,000.
 */
function collectionPriority(env: CheckEnv, policyKey: string | undefined, firewallKey: string | undefined, groupName: string): number | undefined {
  const { snapshot } = env.estate;
  let used: number[] = [];
  if (policyKey) used = snapshot.ruleCollectionGroups?.get(groupKeyOf(policyKey, groupName))?.ruleCollections.map((c) => c.priority) ?? [];
  else if (firewallKey) {
    const fw = snapshot.firewalls?.get(firewallKey);
    used = [...(fw?.networkRuleCollections ?? []), ...(fw?.applicationRuleCollections ?? [])].map((c) => c.priority);
  }
  return env.allocator.pickCollection(policyKey ? groupKeyOf(policyKey, groupName) : (firewallKey ?? ""), used);
}

export const FIX_GROUP = "CycleCloud-Required";

/**
 * Changes that, on top of `changes` (the NSG part), make `spec` allowed through every stage at `subnet`;
 * undefined when some stage cannot be fixed here (an admin rule, an appliance outside the audit, an input
 * that is missing, a deny the new rule cannot win over). `current` is the flow's result before any change.
 */
export function planPathFix(env: CheckEnv, subnet: Subnet, spec: FlowSpec, changes: Change[], subject: PathFixSubject, current?: FlowResult): Change[] | undefined {
  let planned = [...changes];
  for (let round = 0; round < 4; round++) {
    const estate = estateWith(env.estate, planned);
    // With nothing planned yet, the check's own result is the estate as it is: no need to evaluate again.
    const result = round === 0 && planned.length === 0 && current ? current : evaluateFlow(estate, subnet, { ...spec, key: undefined });
    if (result.verdict === "allowed") return planned;
    const next: Change[] = [];
    const fwNames = new Map<string, { evidence: FirewallEvidence; names: Set<string>; dst: AddrSet[] }>();
    for (const o of result.outcomes) {
      for (const p of o.pieces) {
        if (p.access === "Allow") continue;
        if (p.access === "Unaudited" || p.decidedAt === "admin-rule" || p.decidedAt === "nsg" || !p.decidedAt) return undefined;
        if (p.decidedAt === "route") {
          const route = [...p.steps].reverse().find((s) => evidenceStage(s) === "route") as RouteEvidence | undefined;
          const table = subnet.routeTableKey;
          // A user route that drops or strands the traffic: a more specific service-tag route to the Internet.
          if (!route || route.source !== "User" || !table || subject.destinationCidrs) return undefined;
          const name = safeName(`Allow-${subject.service}-Internet`);
          if (!next.some((c) => c.kind === "add-route" && c.route.name === name)) next.push({ kind: "add-route", routeTableKey: table, route: { name, addressPrefix: subject.service, nextHopType: "Internet" } });
        } else if (p.decidedAt === "firewall") {
          const fw = [...p.steps].reverse().find((s) => evidenceStage(s) === "firewall") as FirewallEvidence | undefined;
          if (!fw || fw.rule) return undefined; // an explicit deny: a new allow after it would not win
          const slot = fwNames.get(fw.firewall) ?? { evidence: fw, names: new Set<string>(), dst: [] };
          if (p.fqdn) slot.names.add(p.fqdn);
          slot.dst.push(p.box.dst);
          fwNames.set(fw.firewall, slot);
        } else if (p.decidedAt === "outbound") {
          if (!next.some((c) => c.kind === "attach-nat-gateway")) next.push({ kind: "attach-nat-gateway", subnetKey: subnet.key, natGatewayName: safeName(`natgw-${subnet.name}`), publicIpName: safeName(`pip-natgw-${subnet.name}`) });
        }
      }
    }
    for (const [fwName, slot] of fwNames) {
      const fw = [...(estate.snapshot.firewalls?.values() ?? [])].find((f) => f.name === fwName);
      if (!fw || !firewallAt(estate, fw.privateIpAddresses[0] ?? "")) return undefined;
      const policyKey = fw.policyKey;
      const byName = slot.names.size > 0;
      const ruleName = safeName(`Allow-${subject.service}`);
      const rule: FirewallApplicationRule | FirewallNetworkRule = byName
        ? { kind: "application", name: ruleName, protocols: [{ type: "Https", port: subject.port }], sourceAddresses: subnet.addressPrefixes, sourceIpGroupKeys: [], targetFqdns: [...slot.names], fqdnTags: [], webCategories: [], targetUrls: [] }
        : {
            kind: "network",
            name: ruleName,
            protocols: ["TCP"],
            sourceAddresses: subnet.addressPrefixes,
            sourceIpGroupKeys: [],
            destinationAddresses: subject.destinationCidrs ?? [subject.service],
            destinationIpGroupKeys: [],
            destinationFqdns: [],
            destinationPorts: portStrings(spec.ports),
          };
      const priority = collectionPriority(env, policyKey, fw.key, FIX_GROUP);
      if (priority === undefined) return undefined;
      const collection: FirewallRuleCollection = {
        // Subnet names repeat across VNets; a collection name must not (the bundle keeps one per name).
        name: safeName(`${byName ? "app" : "net"}-${subject.service}-${subnet.vnetName}-${subnet.name}`),
        priority,
        action: "Allow",
        kind: byName ? "application" : "network",
        rules: [rule],
      };
      next.push(policyKey ? { kind: "add-firewall-rule-collection", policyKey, groupName: FIX_GROUP, collection } : { kind: "add-firewall-rule-collection", firewallKey: fw.key, groupName: FIX_GROUP, collection });
    }
    if (next.length === 0) return undefined;
    planned = [...planned, ...next];
  }
  return undefined;
}

export { cidrsOf };
