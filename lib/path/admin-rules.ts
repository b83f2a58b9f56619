// Stage 1 of a flow's path: Azure Virtual Network Manager security admin rules, evaluated before NSGs.
// `Deny` drops, `AlwaysAllow` delivers without consulting the NSGs, `Allow` hands the packet to the NSGs;
// lowest priority number first. They apply to VNets that are members of a network group a rule
// collection names, except on Azure-managed subnets.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
import { type AddrSet, EMPTY, addrUnion, concrete, withWholeFamilyTags } from "../net/addr-set";
import { cidrsToRanges } from "../net/ip";
import { parsePortRanges } from "../net/ports";
import { protoSetOf } from "../net/protocols";
import type { AdminRule, AdminRuleCollection, Direction, NetworkManager, Subnet } from "../model/types";
import { type Box, boxOverlaps, boxSubtract } from "../nsg/box";
import type { Estate } from "../nsg/estate";
import type { AdminRuleEvidence } from "../report/types";
import { isAzureManagedSubnet } from "./managed-subnets";
import { type DeploymentState, deploymentIn } from "./deployment-status";
import { type ConfigurationReach, configurationReach } from "./admin-reach";
import { NETWORK_GROUP_ID } from "../snapshot/schemas-placement";
import { idParts, lastSegment, parentId } from "../snapshot/arm-id";
import { collectionFromId } from "../snapshot/read-placement";

export interface CompiledAdminRule {
  rule: AdminRule;
  collection: AdminRuleCollection;
  manager?: NetworkManager;
  box: Box;
  /**
   * Why the rule's addresses are not all known (a network group the input lacks or lists no member of): its box
   * then takes any address on that side, and what it would match cannot be judged.
   */
  unknown?: string;
  /** With `unknown`: the part of `box` the rule matches whatever the unknown groups hold (its known addresses on both sides). */
  sure?: Box;
  /**
   * Why the input cannot tell whether the rule applies to this VNet at all (its rule collection, or a network group
   * the collection applies to, is not in the input): it may or may not, so `sure` is empty and `unknown` says so.
   */
  mayApply?: string;
  /**
   * Why the rule may or may not come first: another rule of another action that may match the same traffic has its
   * priority (priorities are unique within a rule collection only), and which of them Azure applies first is not
   * documented. Set on each such rule but the last of the tie, with `unknown` saying so and `sureParts` leaving out
   * what a rival may match: there every order is followed.
   */
  tie?: string;
  /** With `tie`: what the rule matches whatever the order (its sure part less its rivals' boxes), in place of `sure`. */
  sureParts?: Box[];
  /** With `tie`: the tie in a few words, for "security admin rule X (Deny) …". */
  tieWhat?: string;
}

/** What the input does not show about an unknown rule, worded for "security admin rule X (Deny) …". */
export function unknownWhat(c: CompiledAdminRule): string {
  if (c.tie && c.unknown === c.tie) return c.tieWhat ?? "shares its priority with a rule of another action";
  const addresses = c.unknown !== c.mayApply;
  if (!c.mayApply) return "names addresses the input does not show";
  return addresses ? "may apply to this VNet and names addresses the input does not show" : "may apply to this VNet";
}

/**
 * Whether a rule collection applies to a VNet: `yes` when a network group it names holds the VNet; `maybe` (with
 * what to add) when the collection, or one of its groups, is not in the input, so its members are unknown and the
 * rule may apply to any VNet in the network manager's scope (CONTRACT §4.1 stage 1; a rule is never dropped for
 * a parent the input lacks). A group that is present without static members stays `no`: dynamic members cannot be
 * read, which dynamicMembershipNote says.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 */
function appliesTo(estate: Estate, rule: AdminRule, groups: ReadonlySet<string>): { applies: "yes" | "no" } | { applies: "maybe"; why: string; collection: AdminRuleCollection } {
  const { snapshot } = estate;
  const collection = snapshot.adminRuleCollections?.get(rule.collectionKey);
  if (!collection) {
    const placeholder = collectionFromId(parentId(rule.id) ?? rule.collectionKey, lastSegment(parentId(rule.id) ?? rule.collectionKey), []);
    const manager = snapshot.networkManagers?.get(placeholder.networkManagerKey)?.name ?? lastSegment(placeholder.networkManagerKey);
    const group = idParts(rule.id).resourceGroup;
    return {
      applies: "maybe",
      collection: placeholder,
      why: `its rule collection ${placeholder.name} is not in the input, so which network groups it applies to is unknown and it may apply to any VNet of network manager ${manager}'s scope (${collectionListHint(manager, group, placeholder.configurationName)})`,
    };
  }
  if (collection.appliesToGroupKeys.some((k) => groups.has(k))) return { applies: "yes" };
  const absent = collection.appliesToGroupKeys.filter((k) => !snapshot.networkGroups?.has(k));
  if (!absent.length) return { applies: "no" };
  const manager = snapshot.networkManagers?.get(collection.networkManagerKey)?.name ?? lastSegment(collection.networkManagerKey);
  const names = absent.map((k) => lastSegment(k)).join(", ");
  return {
    applies: "maybe",
    collection,
    why: `network group${absent.length > 1 ? "s" : ""} ${names}, which its rule collection ${collection.name} applies to, ${absent.length > 1 ? "are" : "is"} not in the input, so whether this VNet is a member is unknown (add \`az network manager group list --network-manager-name ${manager} -g ${idParts(collection.id).resourceGroup}\` and \`az network manager group static-member list\`)`,
  };
}

/** The listing that supplies a security admin configuration's rule collections (and the groups they apply to). */
export function collectionListHint(manager: string, resourceGroup: string, configuration: string): string {
  return `add \`az network manager security-admin-config rule-collection list --network-manager-name ${manager} -g ${resourceGroup} --configuration-name ${configuration}\``;
}

/**
 * The addresses of a network group an admin rule names as a prefix (`addressPrefixType: NetworkGroup`): the address
 * spaces of its member VNets. Undefined, with the reason, when the input does not show them all.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins#source-and-destination-types
 */
function groupAddresses(estate: Estate, id: string): { set: AddrSet } | { unknown: string } {
  const { snapshot } = estate;
  const group = snapshot.networkGroups?.get(id.toLowerCase());
  const name = id.split("/").pop();
  if (!group) return { unknown: `network group ${name} is not in the input (add \`az network manager group list\` and its static members)` };
  if (group.memberVnetKeys.length === 0) return { unknown: `network group ${name} lists no static member in the input (members added by Azure Policy cannot be seen)` };
  let set = EMPTY;
  for (const k of group.memberVnetKeys) {
    const vnet = snapshot.vnets.get(k);
    if (!vnet?.addressPrefixes.length) return { unknown: `VNet ${k.split("/").pop()}, a member of network group ${name}, is not in the input (add \`az network vnet list\`)` };
    const r = cidrsToRanges(vnet.addressPrefixes);
    set = addrUnion(set, concrete(r.v4, r.v6));
  }
  return { set };
}

/** The admin rules that apply to a subnet's VNet in one direction, in evaluation order. */
export function adminRulesFor(estate: Estate, subnet: Subnet, direction: Direction): CompiledAdminRule[] {
  return compiledFor(estate, subnet, direction).rules;
}

/** A security admin configuration some rule of which applies to the VNet, and whether it is deployed to its region. */
interface ConfigurationDeployment {
  key: string;
  name: string;
  managerKey: string;
  region: string;
  deployment: DeploymentState;
  /** Whether it reaches the VNet at all (its manager's scope, a service with a network intent policy there). */
  reach: ConfigurationReach;
}

/**
 * What the admin rules of a subnet's VNet rest on besides their own fields: for each security admin configuration
 * with a rule that applies (or may apply) there, whether the input shows it deployed to the VNet's region. A rule is
 * evaluated as deployed unless the deployment status list shows the region's security admin deployment without its
 * configuration (then it is left out of `adminRulesFor`). Notes, one sentence each: what is left out (not deployed, out
 * of its network manager's scope, kept off by a network intent policy: lib/path/admin-reach.ts), configurations of one
 * manager competing for the region, and what is evaluated as deployed without proof ("takes effect once deployed to
 * <region>", CONTRACT §4.1 stage 1).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
 */
export function adminDeploymentNotes(estate: Estate, subnet: Subnet, direction: Direction): string[] {
  const compiled = compiledFor(estate, subnet, direction);
  const configurations = compiled.configurations;
  if (!configurations.length && !compiled.notes.length) return [];
  return estate.memo(`admin-deployment-notes|${subnet.vnetKey}|${direction}`, () => {
    const notes: string[] = [...compiled.notes];
    if (!configurations.length) return notes;
    const region = configurations[0].region;
    const absent = configurations.filter((c) => c.deployment.state === "absent");
    for (const c of absent) {
      const there = c.deployment.state === "absent" ? c.deployment.deployedThere : [];
      const deploys = there.length ? `deploys ${there.join(", ")} there` : "has no security admin configuration deployed there";
      notes.push(`Security admin configuration ${c.name} is not deployed to ${region}: its network manager's deployment status list ${deploys}, so its rules are left out.`);
    }
    const unknown = configurations.filter((c) => c.deployment.state === "unknown");
    const competing = compiled.competing;
    const plain = unknown.filter((c) => c.deployment.state === "unknown" && !c.deployment.status && !competing.has(c.key));
    for (const why of new Set(configurations.flatMap((c) => (competing.has(c.key) ? [competing.get(c.key)!] : [])))) notes.push(`Security admin rules: ${why}; each is followed both ways, in force or not.`);
    if (plain.length) {
      const names = plain.map((c) => c.name).join(", ");
      const many = plain.length > 1;
      notes.push(`Security admin configuration${many ? "s" : ""} ${names} ${many ? "are" : "is"} evaluated as deployed: ${many ? "each" : "it"} takes effect once deployed to ${region} (deployment status cannot be read with GETs; the network manager's deployment status list, \`az network manager list-deploy-status\`, settles it).`);
    }
    for (const c of unknown) {
      if (c.deployment.state !== "unknown" || !c.deployment.status) continue;
      notes.push(`Security admin configuration ${c.name} takes effect once deployed to ${region}, and its deployment there is ${c.deployment.status} in the network manager's deployment status list: its rules may or may not be in force.`);
    }
    return notes;
  });
}

/** The rules (deployed or not known otherwise) and their configurations' deployment, per VNet and direction. */
function compiledFor(estate: Estate, subnet: Subnet, direction: Direction): { rules: CompiledAdminRule[]; configurations: ConfigurationDeployment[]; competing: ReadonlyMap<string, string>; notes: string[] } {
  const { snapshot } = estate;
  if (!snapshot.adminRules?.size || isAzureManagedSubnet(subnet)) return NONE;
  return estate.memo(`admin|${subnet.vnetKey}|${direction}`, () => {
    const location = snapshot.vnets.get(subnet.vnetKey)?.location;
    const region = location ?? "the VNet's region";
    const configurations = new Map<string, ConfigurationDeployment>();
    const configurationOf = (collection: AdminRuleCollection) => {
      let c = configurations.get(collection.configurationKey);
      if (!c) {
        const deployment = deploymentIn(estate, { key: collection.configurationKey, name: collection.configurationName, managerKey: collection.networkManagerKey }, "securityAdmin", location);
        const reach = configurationReach(estate, subnet.vnetKey, subnet.subscriptionId, collection);
        c = { key: collection.configurationKey, name: collection.configurationName, managerKey: collection.networkManagerKey, region, deployment, reach };
        configurations.set(collection.configurationKey, c);
      }
      return c;
    };
    const groups = new Set<string>();
    for (const g of snapshot.networkGroups?.values() ?? []) if (g.memberVnetKeys.includes(subnet.vnetKey)) groups.add(g.key);
    // First the rules whose groups (may) hold the VNet, then what their configurations say: which configurations of one
    // network manager compete for the region is known only once all of them are seen.
    // Rules of both directions count there: a configuration with inbound rules only still takes the region's one slot.
    const candidates: { rule: AdminRule; collection: AdminRuleCollection; groupsWhy?: string }[] = [];
    const here = new Set<string>();
    for (const rule of snapshot.adminRules!.values()) {
      const applies = appliesTo(estate, rule, groups);
      if (applies.applies === "no") continue;
      const collection = applies.applies === "maybe" ? applies.collection : snapshot.adminRuleCollections!.get(rule.collectionKey)!;
      const c = configurationOf(collection);
      if (rule.direction !== direction) continue;
      here.add(c.key);
      if (c.deployment.state === "absent" || c.reach.applies === "no") continue;
      if ((c.reach.applies === "allow-only" || (c.reach.applies === "maybe" && c.reach.allowOnly)) && rule.access === "Deny") continue;
      candidates.push({ rule, collection, ...(applies.applies === "maybe" ? { groupsWhy: applies.why } : {}) });
    }
    const rivals = competingConfigurations([...configurations.values()].filter((c) => c.reach.applies !== "no"), region);
    const ctx = estate.context(subnet);
    const unknown: string[] = [];
    /** A side's addresses: those it may hold (`set`, any address for an unknown group) and those it surely holds. */
    const side = (prefixes: readonly string[]): { set: AddrSet; sure: AddrSet } => {
      let sure = EMPTY;
      let widened = false;
      for (const p of prefixes) {
        if (!NETWORK_GROUP_ID.test(p)) {
          sure = addrUnion(sure, ctx.resolve(p).set);
          continue;
        }
        const g = groupAddresses(estate, p);
        if ("set" in g) sure = addrUnion(sure, g.set);
        else {
          unknown.push(g.unknown);
          widened = true;
        }
      }
      // A list adding up to a whole family holds every service tag, as in an NSG rule (lib/nsg/compile.ts).
      const whole = withWholeFamilyTags(sure);
      return { set: widened ? addrUnion(whole, ctx.resolve("*").set) : whole, sure: whole };
    };
    const out: CompiledAdminRule[] = [];
    for (const { rule, collection, groupsWhy } of candidates) {
      const c = configurations.get(collection.configurationKey)!;
      const deployment = c.deployment;
      // Listed in a deployment that has not (or not yet) taken effect: the rule may or may not be in force, so what it
      // could match is followed both ways, as for a rule whose collection is unknown. Evaluating it as deployed would
      // pass what an AlwaysAllow lets through where Azure may not apply it.
      const pending = deployment.state === "unknown" && deployment.status ? `its configuration ${collection.configurationName}'s deployment to ${region} is ${deployment.status} in the network manager's deployment status list, so whether it is in force is unknown` : undefined;
      // The competing configurations are named in full once, in the flow's notes (adminDeploymentNotes); here briefly.
      const competes = rivals.has(collection.configurationKey) ? `its configuration ${collection.configurationName} may not be the one network manager ${lastSegment(c.managerKey)} has deployed to ${region} (see the note)` : undefined;
      const mayWhy = [groupsWhy, c.reach.applies === "maybe" ? c.reach.why : undefined, pending, competes].filter(Boolean).join("; ");
      unknown.length = 0;
      if (mayWhy) unknown.push(mayWhy);
      const src = rule.sources.length ? side(rule.sources) : side(["*"]);
      const dst = rule.destinations.length ? side(rule.destinations) : side(["*"]);
      const box: Box = {
        proto: protoSetOf(rule.protocol),
        src: src.set,
        srcPorts: parsePortRanges(rule.sourcePortRanges.length ? rule.sourcePortRanges : ["*"]),
        dst: dst.set,
        dstPorts: parsePortRanges(rule.destinationPortRanges.length ? rule.destinationPortRanges : ["*"]),
      };
      out.push({
        rule,
        collection,
        manager: snapshot.networkManagers?.get(collection.networkManagerKey),
        box,
        // A rule that may not apply here surely matches nothing: all it could match is followed both ways.
        ...(unknown.length ? { unknown: unknown.join("; "), sure: mayWhy ? { ...box, src: EMPTY, dst: EMPTY } : { ...box, src: src.sure, dst: dst.sure } } : {}),
        ...(mayWhy ? { mayApply: mayWhy } : {}),
      });
    }
    // On a tie, by id: the input's order decides nothing (see withTies), not even the words.
    out.sort((a, b) => a.rule.priority - b.rule.priority || (a.rule.id.toLowerCase() < b.rule.id.toLowerCase() ? -1 : a.rule.id.toLowerCase() > b.rule.id.toLowerCase() ? 1 : 0));
    const seen = [...configurations.values()].filter((c) => here.has(c.key));
    const notes = seen.flatMap((c) => (c.reach.applies === "no" || c.reach.applies === "allow-only" ? [c.reach.note] : c.reach.applies === "maybe" && c.reach.allowOnly ? [c.reach.allowOnly] : []));
    return { rules: withTies(out), configurations: seen.filter((c) => c.reach.applies !== "no"), competing: rivals, notes: [...new Set(notes)] };
  });
}

/**
 * Configurations of one network manager that may each be the one deployed to the region: "only one security admin
 * configuration can be deployed from a single network manager to a region at a time", so where the input shows two or
 * more of a manager's configurations with rules for this VNet and no deployment status settles which is deployed,
 * evaluating them all as deployed would be a state Azure cannot be in. Each is then followed both ways (in force, or
 * not): the reason, by configuration key.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
 */
function competingConfigurations(configurations: readonly ConfigurationDeployment[], region: string): Map<string, string> {
  const byManager = new Map<string, ConfigurationDeployment[]>();
  for (const c of configurations) {
    if (c.deployment.state !== "unknown" || c.deployment.status) continue;
    byManager.set(c.managerKey, [...(byManager.get(c.managerKey) ?? []), c]);
  }
  const out = new Map<string, string>();
  for (const [managerKey, list] of byManager) {
    if (list.length < 2) continue;
    const names = list.map((c) => c.name).join(", ");
    for (const c of list) out.set(c.key, `network manager ${lastSegment(managerKey)} can deploy only one security admin configuration to a region at a time, and which of ${names} is deployed to ${region} is not in the input (its deployment status list, \`az network manager list-deploy-status\`, settles it)`);
  }
  return out;
}

const NONE = { rules: [], configurations: [], competing: new Map<string, string>(), notes: [] };

/**
 * The rules with each tie marked (see CompiledAdminRule.tie): a rule with a later one of another action whose traffic
 * may overlap its own may or may not match first when (a) they share a priority (priorities are unique within a rule
 * collection only; files are merged in any order, CONTRACT §1.1), or (b) they belong to different network managers:
 * "when you have a configuration conflict between network managers containing the same resource, the configuration
 * from the network manager with the higher scope is applied", whatever the priorities, and how the two managers' rules
 * interleave is not documented. Rules of one action decide alike and are left alone.
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope#hierarchy
 */
function withTies(rules: CompiledAdminRule[]): CompiledAdminRule[] {
  const managers = new Set(rules.map((c) => c.collection.networkManagerKey));
  return rules.map((c, i) => {
    const tied: CompiledAdminRule[] = [];
    const across: CompiledAdminRule[] = [];
    for (let j = i + 1; j < rules.length; j++) {
      const d = rules[j];
      // Sorted by priority: with one manager, only the rules of this priority can be tied with it.
      if (managers.size === 1 && d.rule.priority !== c.rule.priority) break;
      if (d.rule.access === c.rule.access || !boxOverlaps(d.box, c.box)) continue;
      if (d.rule.priority === c.rule.priority) tied.push(d);
      else if (d.collection.networkManagerKey !== c.collection.networkManagerKey) across.push(d);
    }
    if (!tied.length && !across.length) return c;
    const reasons = [
      tied.length ? `priority ${c.rule.priority} is also that of ${tied.map((d) => `${d.rule.name} (${d.rule.access}) in rule collection ${d.collection.name}`).join(", ")}, and which of them Azure applies first is not documented` : "",
      across.length ? `${across.map((d) => `${d.rule.name} (${d.rule.access}) of network manager ${d.manager?.name ?? lastSegment(d.collection.networkManagerKey)}`).join(", ")} may match the same traffic, and where two network managers' rules conflict the one of higher scope wins, which the input does not rank` : "",
    ].filter(Boolean);
    const tie = reasons.join("; ");
    const tieWhat = [tied.length ? "shares its priority with a rule of another action" : "", across.length ? "may conflict with a rule of another network manager" : ""].filter(Boolean).join(" and ");
    let sureParts = [c.sure ?? c.box];
    for (const d of [...tied, ...across]) sureParts = sureParts.flatMap((b) => boxSubtract(b, d.box));
    return { ...c, tie, tieWhat, unknown: c.unknown ? `${c.unknown}; ${tie}` : tie, sureParts };
  });
}

/**
 * Network groups that admin rule collections apply to but that list no static member: their members
 * may come from Azure Policy (dynamic membership), which no GET shows. Says so once per estate.
 */
export function dynamicMembershipNote(estate: Estate): string | undefined {
  return estate.memo("admin-dynamic-note", () => {
    const { snapshot } = estate;
    const used = new Set<string>();
    for (const c of snapshot.adminRuleCollections?.values() ?? []) for (const g of c.appliesToGroupKeys) used.add(g);
    const empty = [...used].map((k) => snapshot.networkGroups?.get(k)).filter((g) => g && g.memberVnetKeys.length === 0).map((g) => g!.name);
    // A group only named by a rule collection (an effective-admin-rules list names its groups, not their members).
    const absent = [...used].filter((k) => !snapshot.networkGroups?.has(k)).map((k) => k.split("/").pop()!);
    const parts: string[] = [];
    if (empty.length) parts.push(`Network group${empty.length > 1 ? "s" : ""} ${empty.join(", ")} list${empty.length > 1 ? "" : "s"} no static member in the input; members added by Azure Policy cannot be seen`);
    if (absent.length) parts.push(`Network group${absent.length > 1 ? "s" : ""} ${absent.join(", ")}, which security admin rule collections apply to, ${absent.length > 1 ? "are" : "is"} not in the input (add \`az network manager group list\` and \`az network manager group static-member list\`)`);
    return parts.length ? `${parts.join(". ")}, so their security admin rules may apply here too.` : undefined;
  });
}

export function adminEvidence(c: CompiledAdminRule): AdminRuleEvidence {
  const managerName = c.manager?.name ?? c.collection.networkManagerKey.split("/").pop() ?? "";
  return {
    stage: "admin-rule",
    networkManager: managerName,
    configuration: c.collection.configurationName,
    collection: c.collection.name,
    rule: c.rule.name,
    id: c.rule.id,
    priority: c.rule.priority,
    access: c.rule.access,
    direction: c.rule.direction,
  };
}

/** "deny-internet-443 (priority 10) in rule collection rc-egress of avnm-corp / sac-corp". */
export function describeAdminRule(e: AdminRuleEvidence): string {
  return `security admin rule ${e.rule} (priority ${e.priority}, ${e.access}) in rule collection ${e.collection} of network manager ${e.networkManager} / ${e.configuration}`;
}
