// Plans the changes beyond NSGs that let a required flow through the rest of its path (CONTRACT §4 fix
// rules): a service-tag route past a route that drops it, a firewall rule collection for the FQDNs or
// addresses the firewall denies, a NAT gateway for a subnet with no outbound path. Admin rules belong to
// the central network team and get guidance, not a fix; an appliance outside the audit gets none.
import type { FirewallApplicationRule, FirewallNetworkRule, FirewallRuleCollection, Subnet } from "../model/types";
import { type AddrSet, cidrsOf } from "../net/addr-set";
import type { PortSet } from "../net/ports";
import { type FlowResult, type FlowSpec, evaluateFlow } from "../nsg/flow";
import { firewallAt } from "../path/firewall";
import { type FirewallEvidence, type RouteEvidence, evidenceStage } from "../report/types";
import type { CheckEnv } from "../rules/types";
import { estateWith } from "./apply";
import { groupKeyOf, heldCollections } from "./firewall-groups";
import { noteNoFix, unjudgedNoFix } from "./no-fix";
import { shown } from "./quote";
import { NAME_LIMIT, fitName, natGatewayNames, newCollectionName, newRouteName, plainName } from "./resource-names";
import { isStorageEndpoint, storageEndpointKind } from "./service-endpoints";
import type { Change } from "./types";
import { ownAddresses } from "./own-side";
import { lastSegment } from "../snapshot/arm-id";

/** What the flow is about, to name the rules: a service tag and port (`Storage`, 443) or a label. */
export interface PathFixSubject {
  service: string;
  port: number;
  /** The destination as CIDRs, when it is not a service tag (cluster → CycleCloud through a firewall). */
  destinationCidrs?: string[];
}

/** Azure Firewall's port list form: `443`, `8000-8100`, `*`. */
function portStrings(p: PortSet): string[] {
  if (p.length === 2 && p[0] === 0 && p[1] === 65535) return ["*"];
  const out: string[] = [];
  for (let i = 0; i < p.length; i += 2) out.push(p[i] === p[i + 1] ? String(p[i]) : `${p[i]}-${p[i + 1]}`);
  return out;
}

/** A rule name inside a new collection (unique there: the collection holds one rule), within Azure's 80 characters. */
const ruleNameOf = (s: string) => fitName(plainName(s), "", NAME_LIMIT);

/**
 * A free collection priority after every collection the group (or classic firewall) holds, not taken by another fix
 * of this audit (so all of them apply together); undefined when none is left below 65,000.
 */
function collectionPriority(env: CheckEnv, policyKey: string | undefined, firewallKey: string | undefined, groupName: string): number | undefined {
  const used = heldCollections(env.estate.snapshot, { policyKey, firewallKey, groupName }).map((c) => c.priority);
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
  const storage = subject.service.toLowerCase() === "storage" && !subject.destinationCidrs;
  /** The Storage service endpoint this plan added, once tried: it is not added again, and dropped if it did not suffice. */
  let endpointTried: Change | undefined;
  let endpointRound = -1;
  let endpointDropped = false;
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
        if (p.access === "Unaudited") {
          // A next hop outside the audit (an appliance, a gateway, forced tunnelling) or an input that is missing: no
          // change here could be verified to let the traffic through, so the reason is that, not "none was found".
          noteNoFix(env.allocator, unjudgedNoFix((p.why ?? "").replace(/^cannot be judged: /, "")));
          return undefined;
        }
        if (p.decidedAt === "admin-rule" || p.decidedAt === "nsg" || !p.decidedAt) return undefined;
        if (p.decidedAt === "route") {
          const route = [...p.steps].reverse().find((s) => evidenceStage(s) === "route") as RouteEvidence | undefined;
          const table = subnet.routeTableKey;
          // A route of another table decided: the firewall's own subnet's, forwarding the traffic or its replies. No
          // route of this subnet changes that; the table's owners do.
          if (route?.routeTable && route.routeTable.toLowerCase() !== table) {
            noteNoFix(env.allocator, `Route ${shown(route.route)} in route table ${shown(lastSegment(route.routeTable))}, which is not ${shown(`${subnet.vnetName}/${subnet.name}`)}'s own, decides this (${(p.why ?? "").replace(/^allowed by [^,]+, but /, "")}): change that route, as its owners decide, and audit again.`);
            return undefined;
          }
          // A user route that drops or strands the traffic: a more specific service-tag route to the Internet.
          if (!route || route.source !== "User" || !table || subject.destinationCidrs) return undefined;
          if (storage) {
            // Storage: a Microsoft.Storage.Global service endpoint first. Its system routes, one per Storage prefix, are
            // more specific than a default route that drops or strands the traffic, and carry it over the backbone with
            // no outbound path; a Storage route to the Internet would instead override the endpoint (a route table's
            // route beats the endpoint's on an equal prefix, CONTRACT §4.1 stage 3) and leave through default outbound
            // access, which is being retired.
            // https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview
            // Only an endpoint that finished provisioning has routes (lib/path/routes.ts effectiveRoutes).
            const held = subnet.serviceEndpoints.find((se) => isStorageEndpoint(se.service) && (!se.provisioningState || se.provisioningState.toLowerCase() === "succeeded"));
            // A Storage route to the Internet would override the endpoint the subnet has, for every Storage prefix the
            // endpoint serves: never offered beside it.
            if (held) {
              noteNoFix(env.allocator, `Route ${shown(route.route)} in route table ${shown(lastSegment(route.routeTable ?? table))} stops Storage traffic of ${shown(`${subnet.vnetName}/${subnet.name}`)}, and a Storage route to the Internet would override its ${held.service} service endpoint (a route table's route beats the endpoint's): change the route or the endpoint so that the endpoint carries Storage, as their owners decide.`);
              return undefined;
            }
            if (storageEndpointKind(subnet) === "Microsoft.Storage.Global") {
              if (!endpointTried) {
                // The outbound stage's endpoint, when it planned one (this round or before), is the one tried.
                const earlier = planned.find((c) => c.kind === "add-service-endpoint");
                endpointTried = earlier ?? next.find((c) => c.kind === "add-service-endpoint");
                if (!endpointTried) next.push((endpointTried = { kind: "add-service-endpoint", subnetKey: subnet.key, service: "Microsoft.Storage.Global" }));
                endpointRound = earlier ? round - 1 : round;
              }
              if (endpointRound === round) continue;
              // Tried in an earlier round, and a more specific route still beats it: the route alone, without it.
              planned = planned.filter((c) => c !== endpointTried);
              endpointDropped = true;
            }
          }
          // Named against the table as the input holds it: never a route of it, unless one has exactly this prefix.
          const inputTable = env.estate.snapshot.routeTables.get(table);
          if (!inputTable) return undefined;
          const name = newRouteName(env, inputTable, subject.service, plainName(`Allow-${subject.service}-Internet`));
          // Stranded at an appliance that does not pass the traffic on: the route works, but it takes the service's
          // traffic around the appliance, which its owners may mean to inspect it. Said in every form, with the other way.
          const around = route.nextHopType.toLowerCase() === "virtualappliance" ? `This route takes ${subject.service} traffic around an appliance: ${route.nextHop?.replace(/^dropped: /, "") ?? `route ${shown(route.route)} sends it to ${route.nextHopIpAddress ?? "a virtual appliance"}, which does not pass it on`}. If that appliance is meant to inspect this traffic, mend the appliance instead (for IP forwarding: \`az network nic update --ip-forwarding true\` on its NIC, and forwarding in its operating system) and leave the route table as it is.` : undefined;
          if (!next.some((c) => c.kind === "add-route" && c.route.name === name)) next.push({ kind: "add-route", routeTableKey: table, route: { name, addressPrefix: subject.service, nextHopType: "Internet" }, ...(around ? { why: around } : {}) });
        } else if (p.decidedAt === "firewall") {
          const fw = [...p.steps].reverse().find((s) => evidenceStage(s) === "firewall") as FirewallEvidence | undefined;
          if (!fw) return undefined;
          if (fw.rule) {
            // An explicit Deny is the policy owners' decision, and a new Allow after it would not win: say what to change.
            const where = `${fw.kind ?? ""} rule ${shown(String(fw.rule))} (collection ${shown(String(fw.ruleCollection))}${fw.ruleCollectionGroup ? `, rule collection group ${shown(fw.ruleCollectionGroup)}` : ""}) of Azure Firewall ${shown(fw.firewall)}${fw.policy ? ` (policy ${shown(fw.policy)})` : ""}`;
            noteNoFix(env.allocator, `The Deny ${where.trim()} stops this traffic, and a new Allow after it would not win: allow the traffic in a rule collection processed before it, or narrow the Deny, as the policy's owners decide.`);
            return undefined;
          }
          const slot = fwNames.get(fw.firewall) ?? { evidence: fw, names: new Set<string>(), dst: [] };
          if (p.fqdn) slot.names.add(p.fqdn);
          slot.dst.push(p.box.dst);
          fwNames.set(fw.firewall, slot);
        } else if (p.decidedAt === "outbound" && p.steps.some((s) => evidenceStage(s) === "firewall")) {
          // The firewall's own way out (its SNAT private ranges): its policy's owners change that, not this subnet.
          noteNoFix(env.allocator, `Azure Firewall ${p.why ?? "stops this traffic on its way out"}: take the address out of the policy's SNAT private ranges (snat.privateRanges), or let it through by an application rule, which is always SNATed, as the policy's owners decide — https://learn.microsoft.com/azure/firewall/snat-private-range`);
          return undefined;
        } else if (p.decidedAt === "outbound") {
          // Storage needs no outbound path: a Microsoft.Storage.Global service endpoint carries it over the backbone to
          // every region, and the subnet stays private. A NAT gateway would give it the whole Internet besides (every
          // address and port its NSGs allow), which a cluster subnet has no lockdown check to catch.
          // https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview
          const hasGlobal = subnet.serviceEndpoints.some((se) => se.service.toLowerCase() === "microsoft.storage.global");
          // Only the cross-region kind serves every region; with a policy on the subnet (which needs its local endpoint)
          // swapping is not offered here (storageEndpointKind).
          // Not once a Storage route to the Internet replaced it (the route stage above): that route would override it.
          if (storage && !hasGlobal && !endpointDropped && storageEndpointKind(subnet) === "Microsoft.Storage.Global") {
            if (!next.some((c) => c.kind === "add-service-endpoint")) next.push({ kind: "add-service-endpoint", subnetKey: subnet.key, service: "Microsoft.Storage.Global" });
          } else if (!next.some((c) => c.kind === "attach-nat-gateway")) next.push({ kind: "attach-nat-gateway", subnetKey: subnet.key, ...natGatewayNames(env, subnet) });
        }
      }
    }
    for (const [fwName, slot] of fwNames) {
      const fw = [...(estate.snapshot.firewalls?.values() ?? [])].find((f) => f.name === fwName);
      if (!fw || !firewallAt(estate, fw.privateIpAddresses[0] ?? "")) return undefined;
      const policyKey = fw.policyKey;
      const byName = slot.names.size > 0;
      const ruleName = ruleNameOf(`Allow-${subject.service}`);
      const rule: FirewallApplicationRule | FirewallNetworkRule = byName
        ? { kind: "application", name: ruleName, protocols: [{ type: "Https", port: subject.port }], sourceAddresses: ownAddresses(env.estate, subnet), sourceIpGroupKeys: [], targetFqdns: [...slot.names], fqdnTags: [], webCategories: [], targetUrls: [] }
        : {
            kind: "network",
            name: ruleName,
            protocols: ["TCP"],
            sourceAddresses: ownAddresses(env.estate, subnet),
            sourceIpGroupKeys: [],
            destinationAddresses: subject.destinationCidrs ?? [subject.service],
            destinationIpGroupKeys: [],
            destinationFqdns: [],
            destinationPorts: portStrings(spec.ports),
          };
      const priority = collectionPriority(env, policyKey, fw.key, FIX_GROUP);
      if (priority === undefined) return undefined;
      const scope = policyKey ? groupKeyOf(policyKey, FIX_GROUP) : fw.key;
      // The collections the input holds there (this plan's own earlier ones are the same subjects, named already).
      const held = heldCollections(env.estate.snapshot, { policyKey, firewallKey: fw.key, groupName: FIX_GROUP }, fw);
      const kind = byName ? "app" : "net";
      const collection: FirewallRuleCollection = {
        // Subnet names repeat across VNets, and long names are cut: the name is checked against the group's
        // collections and other fixes' (the bundle keeps one collection per name).
        name: newCollectionName(env, scope, `${kind}|${subject.service.toLowerCase()}|${subnet.key}`, `${kind}-${subject.service}-${subnet.vnetName}-${subnet.name}`, held.map((c) => c.name)),
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
