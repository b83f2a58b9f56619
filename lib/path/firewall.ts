// Stage 5 of a flow's path: an Azure Firewall at the next hop. With a firewall policy only the policy
// counts (its base policy's rule collection groups first); otherwise the classic collections. Network
// rules are processed before application rules; within a kind by group priority, then collection
// priority; the first matching rule applies its collection's action; what nothing matches is denied.
// What the policy refers to but the input lacks is never read as "matches nothing": a missing base policy or
// rule collection group leaves the whole firewall unjudgeable (`missing`); a missing IP group, or an FQDN tag or
// web category for a named destination, makes the traffic that reaches that rule `Unaudited`, unless the rules
// after it decide that traffic as the rule would.
// https://learn.microsoft.com/azure/firewall/rule-processing
// https://learn.microsoft.com/azure/firewall/policy-rule-sets
import { ALL_V4, type AddrSet, EMPTY, EVERYTHING, addrIntersect, addrOverlaps, addrUnion, concrete, describeAddrs, symbolic, withWholeFamilyTags } from "../net/addr-set";
import { NO_TAGS, type TagSet, tagsIsEmpty } from "../net/tag-set";
import { assumedApart, passedOverNote } from "../net/assumed-apart";
import { ALL_PORTS, type PortSet, parsePortRanges } from "../net/ports";
import { ALL_PROTOCOLS, type ProtoSet, TCP, UDP } from "../net/protocols";
import { overlaps, range, subtract as ivSubtract, union } from "../net/intervals";
import { cidrsToRanges, parseCidr } from "../net/ip";
import type {
  AzureFirewall,
  FirewallApplicationRule,
  FirewallNetworkRule,
  FirewallPolicy,
  FirewallRuleCollection,
  RuleCollectionGroup,
  Snapshot,
  Subnet,
} from "../model/types";
import { type Box, boxIsEmpty, boxOverlaps, boxSplit } from "../nsg/box";
import type { Estate } from "../nsg/estate";
import type { FirewallEvidence } from "../report/types";
import { idParts, lastSegment } from "../snapshot/arm-id";
import { missingRefHint } from "../snapshot/gaps";
import { type NameTarget, SEED_NAMES, isBroadPattern, patternCovers, patternOverlaps } from "./fqdn";

export interface CompiledFirewallRule {
  kind: "network" | "application";
  action: "Allow" | "Deny";
  policy?: FirewallPolicy;
  group?: RuleCollectionGroup;
  collection: FirewallRuleCollection;
  name: string;
  /** Protocol, source, ports; the destination is EVERYTHING for rules that match by name. */
  box: Box;
  /** Name patterns: application `targetFqdns`, network `destinationFqdns` (DNS proxy on). Empty: the rule matches by address. */
  names: string[];
  fqdnTags: string[];
  webCategories: string[];
  /** An application rule that inspects TLS (`terminateTLS`): its HTTPS ports, whose clients must trust the firewall's CA. */
  tlsPorts?: PortSet;
  /** An application rule's ports per protocol type it names (`http`, `https`, `mssql`): it matches only that protocol there. */
  portsByType?: Readonly<Partial<Record<"http" | "https" | "mssql", PortSet>>>;
  /**
   * The rule names IP groups the input lacks (`missingIpGroups`, their names): it may match more than `box`, up to
   * `box` (what it surely matches) widened to any source or destination the groups stand in. Traffic that reaches
   * the rule inside that wider box cannot be judged.
   */
  unresolved?: { box: Box; missingIpGroups: string[] };
}

export interface FirewallTable {
  firewall: AzureFirewall;
  policy?: FirewallPolicy;
  readonly rules: readonly CompiledFirewallRule[];
  /** A policy's rules as compiled per rule collection group, in order (`rules` is their network rules, then their application rules). */
  parts?: readonly CompiledCollection[];
  /**
   * Why the audit cannot judge this firewall, when it cannot: its policy, a base policy of the chain or a rule
   * collection group a policy of the chain lists is not in the input (each with the `az` command adding it).
   */
  missing?: string;
  notes: string[];
}

/**
 * One piece of traffic as the firewall decided it. `Unaudited`: it reached, first, a rule whose match the input
 * cannot show (an IP group not in the input, an FQDN tag or web category for a named destination); `why` says which.
 */
export interface FirewallPiece {
  box: Box;
  access: "Allow" | "Deny" | "Unaudited";
  /** For `Unaudited`: "cannot be judged: …", naming what is missing and how to add it. */
  why?: string;
  evidence: FirewallEvidence;
  fqdn?: string;
  /** Traffic to any name that application rules allow only for these names (an allow-list of domains). */
  allowedNames?: string[];
  /** Allowed for a broad part of the Internet: a top-level-domain wildcard or web categories. */
  broad?: string;
}

/** Application rule protocols apply to HTTP, HTTPS and MSSQL only; a protocol without a port takes its default. */
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, mssql: 1433 };

function protocolsOf(list: readonly string[]): ProtoSet {
  let set = 0;
  for (const p of list) {
    const l = p.toLowerCase();
    if (l === "tcp") set |= TCP;
    else if (l === "udp") set |= UDP;
    else if (l === "icmp") set |= 4;
    else if (l === "any" || l === "*") set |= ALL_PROTOCOLS;
  }
  return set;
}

/** A firewall address: `*`, a CIDR or address, a range `a-b`, or a service tag. */
function addressSet(estate: Estate, subnet: Subnet, items: readonly string[]): AddrSet {
  const ctx = estate.context(subnet);
  let set = EMPTY;
  for (const raw of items) {
    const item = raw.trim();
    const dash = item.indexOf("-");
    if (dash > 0 && parseCidr(item.slice(0, dash)) && parseCidr(item.slice(dash + 1))) {
      const lo = parseCidr(item.slice(0, dash))!;
      const hi = parseCidr(item.slice(dash + 1))!;
      if (lo.family === 4 && hi.family === 4) set = addrUnion(set, concrete(range(lo.v4[0], hi.v4[1])));
      else if (lo.family === 6 && hi.family === 6) set = addrUnion(set, concrete([], range(lo.v6[0], hi.v6[1])));
      continue;
    }
    set = addrUnion(set, ctx.resolve(item).set);
  }
  return withWholeFamilyTags(set);
}

function ipGroupAddresses(estate: Estate, keys: readonly string[]): string[] {
  const groups = estate.snapshot.ipGroups;
  const out: string[] = [];
  for (const k of keys) out.push(...(groups?.get(k)?.ipAddresses ?? []));
  return out;
}

/** The names of the IP groups among `keys` that the input does not hold. */
function missingIpGroups(estate: Estate, keys: readonly string[]): string[] {
  return keys.filter((k) => !estate.snapshot.ipGroups?.has(k)).map(lastSegment);
}

/**
 * What of a policy chain (base first) the input lacks: a base policy the topmost one names, and rule collection
 * groups a policy lists, each with the listing that adds it. Either leaves the firewall's rule order unknown: a
 * base policy's groups are processed first, and an unseen group could deny or allow anything
 * (https://learn.microsoft.com/azure/firewall/policy-rule-sets).
 */
function missingInChain(estate: Estate, chain: readonly FirewallPolicy[]): string[] {
  const out: string[] = [];
  const top = chain[0];
  if (top?.basePolicyKey && !estate.snapshot.firewallPolicies?.has(top.basePolicyKey)) {
    out.push(`base policy ${lastSegment(top.basePolicyKey)} of firewall policy ${top.name} is not in the input, and its rule collection groups are processed first (${missingRefHint(estate.snapshot, top.basePolicyKey, "add `az network firewall policy list` and its rule collection groups")})`);
  }
  for (const p of chain) {
    const absent = p.ruleCollectionGroupKeys.filter((k) => !estate.snapshot.ruleCollectionGroups?.has(k)).map(lastSegment);
    if (absent.length === 0) continue;
    const rg = idParts(p.id).resourceGroup;
    out.push(
      `rule collection group${absent.length > 1 ? "s" : ""} ${absent.join(", ")} of firewall policy ${p.name} ${absent.length > 1 ? "are" : "is"} not in the input (add \`az network firewall policy rule-collection-group list --policy-name ${p.name}${rg ? ` -g ${rg}` : ""}\`)`,
    );
  }
  return out;
}

/** The firewall's policy chain, base first (CONTRACT §4.1 stage 5). */
function policyChain(estate: Estate, policy: FirewallPolicy): FirewallPolicy[] {
  const chain: FirewallPolicy[] = [];
  const seen = new Set<string>();
  let p: FirewallPolicy | undefined = policy;
  while (p && !seen.has(p.key)) {
    seen.add(p.key);
    chain.unshift(p);
    p = p.basePolicyKey ? estate.snapshot.firewallPolicies?.get(p.basePolicyKey) : undefined;
  }
  return chain;
}

function groupsOf(estate: Estate, policyKey: string, listed: readonly string[]): RuleCollectionGroup[] {
  const all = estate.snapshot.ruleCollectionGroups;
  const out = new Map<string, RuleCollectionGroup>();
  for (const k of listed) {
    const g = all?.get(k);
    if (g) out.set(g.key, g);
  }
  for (const g of all?.values() ?? []) if (g.policyKey === policyKey) out.set(g.key, g);
  return [...out.values()].sort((a, b) => a.priority - b.priority);
}

/**
 * The firewall's rules in processing order, with service tags and IP groups resolved. Memoised per
 * estate: a fix to the policy gets a new table.
 */
export function firewallTable(estate: Estate, firewall: AzureFirewall, subnet: Subnet): FirewallTable {
  // Firewall rules name CIDRs, ranges, IP groups and service tags, none of which depends on where the
  // packet came from, so one table per firewall serves every subnet.
  return estate.memo(`fw|${firewall.key}`, () => build(estate, firewall, subnet), firewallKeys(estate, firewall));
}

/**
 * What a firewall's verdicts depend on: the firewall and every policy of its chain (the policy, its base, the
 * base's base). A fix to any of them changes the table; flows through the firewall name them all as read.
 */
export function firewallKeys(estate: Estate, firewall: AzureFirewall): string[] {
  const keys = [firewall.key];
  for (let k = firewall.policyKey; k && !keys.includes(k); k = estate.snapshot.firewallPolicies?.get(k)?.basePolicyKey) keys.push(k);
  return keys;
}

function build(estate: Estate, firewall: AzureFirewall, subnet: Subnet): FirewallTable {
  const notes: string[] = [];
  const compiled: CompiledFirewallRule[] = [];
  const entries: { policy?: FirewallPolicy; group?: RuleCollectionGroup; collection: FirewallRuleCollection; order: number[] }[] = [];
  let policy: FirewallPolicy | undefined;
  let dnsProxy = false;
  if (firewall.policyKey) {
    policy = estate.snapshot.firewallPolicies?.get(firewall.policyKey);
    const orphanGroups = groupsOf(estate, firewall.policyKey, []);
    if (!policy && orphanGroups.length === 0) {
      return { firewall, rules: [], notes, missing: `firewall policy ${lastSegment(firewall.policyKey)} of ${firewall.name} is not in the input (${missingRefHint(estate.snapshot, firewall.policyKey, "add `az network firewall policy list` and its rule collection groups")})` };
    }
    if (!policy) {
      notes.push(`Firewall policy ${firewall.policyKey.split("/").pop()} itself is not in the input: its rule collection groups are read with no base policy and DNS proxy off.`);
      orphanGroups.forEach((group, gi) => group.ruleCollections.forEach((collection) => entries.push({ group, collection, order: [0, gi, group.priority, collection.priority] })));
    } else {
      const chain = policyChain(estate, policy);
      dnsProxy = firewallDnsProxy(estate, firewall) === true;
      const threat = policy.threatIntelMode ?? firewall.threatIntelMode;
      if (threat?.toLowerCase() === "deny") notes.push(`Threat intelligence is in Deny mode on ${policy.name}: traffic to known-malicious addresses may be dropped before any rule.`);
      const absent = missingInChain(estate, chain);
      if (absent.length) return { firewall, policy, rules: [], notes, missing: absent.join("; ") };
      // Base policy first, then group priority; each group's rules are compiled once per group object.
      const groups = chain.flatMap((p) => groupsOf(estate, p.key, p.ruleCollectionGroupKeys).map((g) => ({ p, g })));
      const parts = groups.map(({ p, g }) => compileGroup(estate, subnet, p, g, dnsProxy));
      for (const part of parts) for (const n of part.notes) if (!notes.includes(n)) notes.push(n);
      // Built on first use: flows from a concrete source read `parts` (rulesFrom), and every fix to the policy builds
      // a new table, so flattening 500 rules per planned fix would be work nobody reads.
      let flat: CompiledFirewallRule[] | undefined;
      return {
        firewall,
        policy,
        get rules() {
          // All network rules first, then all application rules (rule processing order).
          return (flat ??= [...parts.flatMap((part) => part.network), ...parts.flatMap((part) => part.application)]);
        },
        parts,
        notes,
      };
    }
  } else {
    dnsProxy = firewallDnsProxy(estate, firewall) === true;
    for (const collection of [...firewall.networkRuleCollections, ...firewall.applicationRuleCollections]) entries.push({ collection, order: [0, 0, 0, collection.priority] });
    if (firewall.threatIntelMode?.toLowerCase() === "deny") notes.push(`Threat intelligence is in Deny mode on ${firewall.name}: traffic to known-malicious addresses may be dropped before any rule.`);
  }
  entries.sort((a, b) => {
    for (let i = 0; i < a.order.length; i++) if (a.order[i] !== b.order[i]) return a.order[i] - b.order[i];
    return 0;
  });
  // All network rules first, then all application rules (rule processing order).
  for (const kind of ["network", "application"] as const) {
    for (const { policy: p, group, collection } of entries) {
      if (collection.action === "Dnat") continue;
      const done = compileCollection(estate, subnet, collection, dnsProxy);
      for (const n of done.notes) if (!notes.includes(n)) notes.push(n);
      for (const rule of done[kind]) compiled.push({ ...rule, policy: p, group });
    }
  }
  return { firewall, policy, rules: compiled, notes };
}

interface CompiledCollection {
  network: CompiledFirewallRule[];
  application: CompiledFirewallRule[];
  notes: string[];
}

/**
 * One rule collection compiled, remembered by the collection object: a fix that appends a collection to a
 * policy leaves every other collection object as it was, so a 500-rule policy recompiles one collection.
 */
const compiledCollections = new WeakMap<FirewallRuleCollection, Map<string, CompiledCollection>>();

function compileCollection(estate: Estate, subnet: Subnet, collection: FirewallRuleCollection, dnsProxy: boolean): CompiledCollection {
  const flavour = `${dnsProxy}`;
  let byFlavour = compiledCollections.get(collection);
  const known = byFlavour?.get(flavour);
  if (known) return known;
  const out: CompiledCollection = { network: [], application: [], notes: [] };
  const action = collection.action as "Allow" | "Deny";
  for (const rule of collection.rules) {
    if (rule.kind === "nat") continue;
    const src = addressSet(estate, subnet, [...rule.sourceAddresses, ...ipGroupAddresses(estate, rule.sourceIpGroupKeys)]);
    // An IP group the input lacks could hold any address: the rule surely matches what it names besides, and
    // may match anything else on that side (https://learn.microsoft.com/azure/firewall/ip-groups).
    const srcMissing = missingIpGroups(estate, rule.sourceIpGroupKeys);
    const base = { action, collection, name: rule.name };
    const unresolved = (box: Box, missing: string[], widenDst: boolean) =>
      missing.length ? { unresolved: { box: { ...box, src: srcMissing.length ? EVERYTHING : box.src, dst: widenDst ? EVERYTHING : box.dst }, missingIpGroups: missing } } : {};
    if (rule.kind === "network") {
      const r = rule as FirewallNetworkRule;
      const byAddress = [...r.destinationAddresses, ...ipGroupAddresses(estate, r.destinationIpGroupKeys)];
      const dstMissing = missingIpGroups(estate, r.destinationIpGroupKeys);
      const proto = protocolsOf(r.protocols);
      const dstPorts = parsePortRanges(r.destinationPorts.length ? r.destinationPorts : ["*"]);
      if (byAddress.length || dstMissing.length) {
        const box: Box = { proto, src, srcPorts: ALL_PORTS, dst: byAddress.length ? addressSet(estate, subnet, byAddress) : EMPTY, dstPorts };
        out.network.push({ ...base, kind: "network", box, names: [], fqdnTags: [], webCategories: [], ...unresolved(box, [...srcMissing, ...dstMissing], dstMissing.length > 0) });
      }
      // "FQDN filtering in network rules doesn't support wildcards by design": such an entry resolves to nothing.
      // https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules
      const fqdns = r.destinationFqdns.filter((n) => !n.includes("*"));
      const wild = r.destinationFqdns.filter((n) => n.includes("*"));
      if (wild.length) out.notes.push(`Network rule ${r.name} names ${wild.join(", ")}: network rules take no wildcard FQDNs (use an application rule), so ${wild.length > 1 ? "those entries match" : "that entry matches"} nothing.`);
      if (fqdns.length) {
        const box: Box = { proto, src, srcPorts: ALL_PORTS, dst: EVERYTHING, dstPorts };
        if (dnsProxy) out.network.push({ ...base, kind: "network", box, names: fqdns.map(normName), fqdnTags: [], webCategories: [], ...unresolved(box, srcMissing, false) });
        else out.notes.push(`Network rule ${r.name} names FQDNs, which only work with the policy's DNS proxy on; it is off, so the rule matches nothing.`);
      }
    } else {
      const r = rule as FirewallApplicationRule;
      let ports: readonly number[] = [];
      const portsByType: Partial<Record<"http" | "https" | "mssql", PortSet>> = {};
      for (const pr of r.protocols) {
        const type = pr.type.toLowerCase();
        const port = pr.port || DEFAULT_PORTS[type] || 443;
        ports = union(ports, range(port, port));
        if (type === "http" || type === "https" || type === "mssql") portsByType[type] = union(portsByType[type] ?? [], range(port, port));
      }
      const box: Box = { proto: TCP, src, srcPorts: ALL_PORTS, dst: EVERYTHING, dstPorts: ports };
      // TLS inspection decrypts HTTPS only: an Http port of the same rule is not inspected.
      const tlsPorts = r.terminateTls ? r.protocols.filter((pr) => pr.type.toLowerCase() === "https").reduce<readonly number[]>((acc, pr) => union(acc, range(pr.port || 443, pr.port || 443)), []) : [];
      out.application.push({ ...base, kind: "application", ...(tlsPorts.length ? { tlsPorts } : {}), portsByType, box, names: [...r.targetFqdns, ...r.targetUrls.map((u) => u.split("/")[0])].map(normName), fqdnTags: r.fqdnTags, webCategories: r.webCategories, ...unresolved(box, srcMissing, false) });
    }
  }
  if (!byFlavour) compiledCollections.set(collection, (byFlavour = new Map()));
  byFlavour.set(flavour, out);
  return out;
}

/**
 * A rule collection group's rules in processing order, by kind, with the group and policy attached;
 * remembered by the group object, so a fix adding a group leaves the others compiled.
 */
const compiledGroups = new WeakMap<RuleCollectionGroup, Map<string, CompiledCollection>>();

function compileGroup(estate: Estate, subnet: Subnet, policy: FirewallPolicy, group: RuleCollectionGroup, dnsProxy: boolean): CompiledCollection {
  const flavour = `${policy.key}|${dnsProxy}`;
  let byFlavour = compiledGroups.get(group);
  const known = byFlavour?.get(flavour);
  if (known) return known;
  const out: CompiledCollection = { network: [], application: [], notes: [] };
  const collections = [...group.ruleCollections].sort((a, b) => a.priority - b.priority);
  for (const collection of collections) {
    if (collection.action === "Dnat") continue;
    const done = compileCollection(estate, subnet, collection, dnsProxy);
    out.notes.push(...done.notes);
    for (const r of done.network) out.network.push({ ...r, policy, group });
    for (const r of done.application) out.application.push({ ...r, policy, group });
  }
  if (!byFlavour) compiledGroups.set(group, (byFlavour = new Map()));
  byFlavour.set(flavour, out);
  return out;
}

/** Names compare case-insensitively and without a trailing dot. */
const normName = (s: string) => s.trim().toLowerCase().replace(/\.$/, "");

const evidenceOf = new WeakMap<FirewallTable, Map<CompiledFirewallRule | undefined, Map<string | undefined, FirewallEvidence>>>();

/**
 * The evidence of `rule` (undefined: no rule matched, so the firewall denied) for a named destination or any name: one
 * object per table, rule and name, shared by every piece it decided (a long route table splits a flow into a piece per
 * route), so evidence lists meet it already keyed.
 */
function evidence(table: FirewallTable, rule: CompiledFirewallRule | undefined, fqdn?: string): FirewallEvidence {
  let byRule = evidenceOf.get(table);
  if (!byRule) evidenceOf.set(table, (byRule = new Map()));
  let byName = byRule.get(rule);
  if (!byName) byRule.set(rule, (byName = new Map()));
  let e = byName.get(fqdn);
  if (!e) byName.set(fqdn, (e = newEvidence(table, rule, fqdn)));
  return e;
}

/** The rule each evidence object stands for (undefined: no rule matched), for what the evidence does not say. */
const ruleOfEvidence = new WeakMap<FirewallEvidence, CompiledFirewallRule>();

function newEvidence(table: FirewallTable, rule: CompiledFirewallRule | undefined, fqdn?: string): FirewallEvidence {
  const e = evidenceFields(table, rule, fqdn);
  if (rule) ruleOfEvidence.set(e, rule);
  return e;
}

function evidenceFields(table: FirewallTable, rule: CompiledFirewallRule | undefined, fqdn?: string): FirewallEvidence {
  const policy = rule?.policy ?? table.policy;
  return {
    stage: "firewall",
    firewall: table.firewall.name,
    ...(policy ? { policy: policy.name } : {}),
    ...(rule?.group ? { ruleCollectionGroup: rule.group.name } : {}),
    ...(rule ? { ruleCollection: rule.collection.name, rule: rule.name, kind: rule.kind } : {}),
    action: rule ? rule.action : "Deny",
    ...(fqdn ? { fqdn } : {}),
    // Ids besides the names, so a report can point at where each is defined (SARIF locations).
    firewallId: table.firewall.id,
    ...(policy ? { policyId: policy.id } : {}),
    ...(rule?.group ? { ruleCollectionGroupId: rule.group.id } : {}),
  };
}

interface Pending {
  box: Box;
  names: string[];
}

/**
 * Decides a piece of traffic at the firewall, per name when the flow is about named destinations (each
 * seed FQDN is judged on its own), or for any name (Internet egress), where application rules naming
 * domains allow only those names. Under a wildcard name (`*.blob.core.windows.net`), each narrower name the firewall
 * decides otherwise (an Allow rule's under a denied wildcard, a Deny rule's under an allowed one) comes back as a piece of
 * its own beside the wildcard's (same box, its own `fqdn`): the wildcard works only in part.
 * `sink` collects the notes for network rules passed over only because tags are taken as disjoint (CONTRACT §4).
 */
export function evaluateFirewall(table: FirewallTable, box: Box, target: NameTarget, sink?: AssumptionSink, clientDns?: string, appProtocol?: AppProtocol): FirewallPiece[] {
  const rules = forAppProtocol(rulesFrom(table, box.src), appProtocol);
  // Only traffic to service tags held without prefixes can pass a rule by the disjointness assumption.
  const apart: Apart[] | undefined = sink && !box.dst.tags.rest && !tagsIsEmpty(box.dst.tags) ? [] : undefined;
  const out =
    target.kind === "names"
      ? target.names.flatMap((name) => {
          const pieces = decide(table, rules, box, name, apart, clientDns);
          return [...pieces, ...narrowerNames(table, rules, name, pieces)];
        })
      : decide(table, rules, box, undefined, apart);
  if (apart?.length) noteApart(table, apart, out, sink!);
  return target.kind === "names" ? withTlsInspection(out) : out;
}

/**
 * What a flow speaks above TCP, where a check knows it: application rules "apply only to HTTP, HTTPS and MSSQL"
 * (CONTRACT §4.1 stage 5), each on the ports its protocol type lists, so `other` (AMQP, SSH) meets no application rule
 * and `https` meets only a rule's Https ports (an `Http:443` rule parses HTTP, not a TLS handshake). Undefined: any
 * protocol, as for traffic by address whose protocol is not known (the lockdown, a flow query).
 * https://learn.microsoft.com/azure/firewall/rule-processing
 */
export type AppProtocol = "http" | "https" | "other";

const byAppProtocol = new WeakMap<readonly CompiledFirewallRule[], Map<AppProtocol, readonly CompiledFirewallRule[]>>();
const appRuleAs = new WeakMap<CompiledFirewallRule, Map<AppProtocol, CompiledFirewallRule | null>>();

/** `rules` as they meet traffic of `appProtocol`: application rules narrowed to that protocol's ports, or dropped. */
function forAppProtocol(rules: readonly CompiledFirewallRule[], appProtocol: AppProtocol | undefined): readonly CompiledFirewallRule[] {
  if (!appProtocol || !rules.some((r) => r.kind === "application")) return rules;
  let known = byAppProtocol.get(rules);
  if (!known) byAppProtocol.set(rules, (known = new Map()));
  let out = known.get(appProtocol);
  if (out) return out;
  out = rules.flatMap((r) => {
    if (r.kind !== "application") return [r];
    let mine = appRuleAs.get(r);
    if (!mine) appRuleAs.set(r, (mine = new Map()));
    let as = mine.get(appProtocol);
    if (as === undefined) {
      const ports = appProtocol === "other" ? undefined : r.portsByType?.[appProtocol];
      as = ports?.length ? { ...r, box: { ...r.box, dstPorts: ports }, ...(r.unresolved ? { unresolved: { ...r.unresolved, box: { ...r.unresolved.box, dstPorts: ports } } } : {}) } : null;
      mine.set(appProtocol, as);
    }
    return as ? [as] : [];
  });
  known.set(appProtocol, out);
  return out;
}

/**
 * Where an application rule that inspects TLS (Premium `terminateTLS`) lets a named service's traffic through: the
 * firewall re-signs the server's certificate with its intermediate CA, so the client (CycleCloud's Java, the nodes'
 * agents) reaches the service only if it trusts that CA, which no snapshot shows: "cannot be judged", not allowed.
 * Traffic by address (the lockdown's) is let out all the same, inspected or not, and keeps its verdict.
 * https://learn.microsoft.com/azure/firewall/premium-certificates
 */
function withTlsInspection(out: FirewallPiece[]): FirewallPiece[] {
  return out.map((p) => {
    if (p.access !== "Allow" || p.evidence.kind !== "application") return p;
    // The rule that decided (the evidence's own), on the piece's HTTPS ports only.
    const rule = ruleOfEvidence.get(p.evidence);
    if (!rule?.tlsPorts || !overlaps(rule.tlsPorts, p.box.dstPorts)) return p;
    return { ...p, access: "Unaudited" as const, why: `cannot be judged: application rule ${rule.name} (collection ${rule.collection.name}) lets it through with TLS inspection: Azure Firewall re-signs the server's certificate with its intermediate CA, so ${p.fqdn ?? "the service"} is reached only if the clients trust that CA, which the input cannot show` };
  });
}

/** How many narrower names under a wildcard are judged on their own: enough to name the part that differs. */
const MAX_NARROWER_NAMES = 8;

/**
 * For a wildcard target (`*.blob.core.windows.net`, the seed's name for Storage): the names under it that rules
 * name (one storage account's `ccstore.blob.core.windows.net`), each judged from the first rule on its own, where the
 * firewall decides it otherwise than the wildcard. Under a denied wildcard, the narrower names Allow rules name and
 * the traffic allowed for them; under an allowed one, the narrower names Deny rules name and the traffic denied for
 * them (a Deny for one account before an Allow for `*.blob.core.windows.net`: Azure Firewall stops at the first
 * match, so that account is unreachable). The wildcard then works only in part — "a required flow that works only in
 * part (one of several FQDNs …) is `warn`, naming the part" (CONTRACT §4.1 "Destinations by FQDN") — so these pieces
 * stand beside the wildcard's own (each name is a piece of its own, as the seed's several names for Azure Monitor
 * are). https://learn.microsoft.com/azure/firewall/rule-processing
 */
function narrowerNames(table: FirewallTable, rules: readonly CompiledFirewallRule[], rawName: string, pieces: readonly FirewallPiece[]): FirewallPiece[] {
  const wildcard = normName(rawName);
  if (!wildcard.startsWith("*.")) return [];
  const out: FirewallPiece[] = [];
  for (const access of ["Deny", "Allow"] as const) {
    const other = access === "Deny" ? "Allow" : "Deny";
    const decided = pieces.filter((p) => p.access === access);
    if (decided.length === 0) continue;
    for (const n of namesUnder(rules, wildcard, other)) for (const d of decided) for (const f of decide(table, rules, d.box, n)) if (f.access === other) out.push(f);
  }
  return out;
}

const narrowerByRules = new WeakMap<readonly CompiledFirewallRule[], Map<string, readonly string[]>>();

/** The names under `wildcard` that rules of `action` name (at most MAX_NARROWER_NAMES), once per rule list: every flow to Storage asks. */
function namesUnder(rules: readonly CompiledFirewallRule[], wildcard: string, action: "Allow" | "Deny"): readonly string[] {
  let memo = narrowerByRules.get(rules);
  if (!memo) narrowerByRules.set(rules, (memo = new Map()));
  const key = `${action}|${wildcard}`;
  let names = memo.get(key);
  if (!names) {
    const narrower = new Set<string>();
    for (const r of rules) if (r.action === action) for (const n of r.names) if (patternOverlaps(n, wildcard) && !patternCovers(n, wildcard)) narrower.add(n);
    memo.set(key, (names = [...narrower].slice(0, MAX_NARROWER_NAMES)));
  }
  return names;
}

/** Where the firewall stage's notes go, and a tag's name as the input spells it. */
export interface AssumptionSink {
  notes: string[];
  tagDisplay?: (lower: string) => string;
}

/** A network rule that pending traffic to service tags passed over only because tags without prefixes are taken as disjoint from what it names. */
interface Apart {
  rule: CompiledFirewallRule;
  /** The traffic at stake: the pending box narrowed to the tags the rule may in fact overlap. */
  box: Box;
  tags: TagSet;
}

/** The part of `box` that network rule `rule` passes over by the disjointness assumption (CONTRACT §4), or undefined. */
function apartFrom(rule: CompiledFirewallRule, box: Box): Apart | undefined {
  // Tags first: this runs per pending piece and network rule, and almost always ends here.
  if (rule.kind !== "network" || tagsIsEmpty(box.dst.tags)) return undefined;
  const tags = assumedApart(box.dst.tags, rule.box.dst);
  if (tagsIsEmpty(tags) || !boxOverlaps({ ...box, dst: EVERYTHING }, { ...rule.box, dst: EVERYTHING })) return undefined;
  return { rule, box: { ...box, dst: symbolic(tags) }, tags };
}

/**
 * Says so where a network rule was passed over by the assumption and the traffic it may have matched was then decided
 * otherwise (a Deny on 20.0.0.0/8 passed over for an application Allow, an Allow on AzureCloud passed over for the
 * final deny): the verdict depends on prefixes that were not supplied (CONTRACT §4).
 */
function noteApart(table: FirewallTable, apart: readonly Apart[], out: readonly FirewallPiece[], sink: AssumptionSink): void {
  const note = passedOverNote(
    apart,
    (a) => out.some((f) => f.access !== a.rule.action && boxOverlaps(f.box, a.box)),
    (a) => `${ruleWhere(table, a.rule)} (${describeAddrs(a.rule.box.dst, sink.tagDisplay, 3)})`,
    (a) => a.tags,
    sink.tagDisplay,
  );
  if (note && !sink.notes.includes(note)) sink.notes.push(note);
}

const bySource = new WeakMap<FirewallTable, Map<string, readonly CompiledFirewallRule[]>>();
const partBySource = new WeakMap<CompiledCollection, Map<string, { network: CompiledFirewallRule[]; application: CompiledFirewallRule[] }>>();

/**
 * The table's rules whose source overlaps `src`, in order. Every piece a flow is cut into lies inside its
 * first box, so a rule whose source misses that box matches no piece and names no allowed FQDN for one:
 * dropping it changes nothing. Memoised per table and concrete source, because every flow of a subnet
 * starts from the same source (a 500-rule hub policy then costs each flow the handful of rules naming it),
 * and per compiled rule collection group, because a fix that adds a group to the policy builds a new table
 * whose other groups are the same objects: filtering them again for each planned fix would walk the whole
 * policy once per failing subnet.
 */
function rulesFrom(table: FirewallTable, src: AddrSet): readonly CompiledFirewallRule[] {
  if (!tagsIsEmpty(src.tags)) return table.rules;
  const key = `${src.v4.join(",")}|${src.v6.join(",")}`;
  let known = bySource.get(table);
  if (!known) bySource.set(table, (known = new Map()));
  let rules = known.get(key);
  if (rules) return rules;
  if (!table.parts) rules = fromSource(table.rules, src);
  else {
    const filtered = table.parts.map((part) => {
      let bySrc = partBySource.get(part);
      if (!bySrc) partBySource.set(part, (bySrc = new Map()));
      let mine = bySrc.get(key);
      if (!mine) bySrc.set(key, (mine = { network: fromSource(part.network, src), application: fromSource(part.application, src) }));
      return mine;
    });
    rules = [...filtered.flatMap((f) => f.network), ...filtered.flatMap((f) => f.application)];
  }
  known.set(key, rules);
  return rules;
}

/** Below this many rules a list is filtered rule by rule: an index would cost more than it saves. */
const INDEXED_FROM = 64;
/** A query spanning more /16 blocks than this is filtered rule by rule. */
const MAX_QUERY_BLOCKS = 1024;

/**
 * A rule list's rules by the IPv4 /16 blocks their sources lie in (`blocks`), with those whose sources are broad, IPv6
 * or symbolic (`wide`), as indices into the list: a fix's rule collection group can hold a collection per subnet (one
 * from each cluster subnet to CycleCloud), thousands of single-prefix sources, which every flow's source was checked
 * against one by one (README "Benchmarks", ninth round).
 */
interface SourceIndex {
  wide: number[];
  blocks: Map<number, number[]>;
}

const sourceIndexes = new WeakMap<readonly CompiledFirewallRule[], SourceIndex>();

function sourceIndex(list: readonly CompiledFirewallRule[]): SourceIndex {
  let idx = sourceIndexes.get(list);
  if (idx) return idx;
  idx = { wide: [], blocks: new Map() };
  list.forEach((rule, i) => {
    const src = (rule.unresolved?.box ?? rule.box).src;
    const v4 = src.v4;
    let blocks = 0;
    for (let k = 0; k < v4.length; k += 2) blocks += (v4[k + 1] >>> 16) - (v4[k] >>> 16) + 1;
    if (!tagsIsEmpty(src.tags) || src.v6.length || blocks === 0 || blocks > 4) {
      idx!.wide.push(i);
      return;
    }
    for (let k = 0; k < v4.length; k += 2)
      for (let b = v4[k] >>> 16; b <= v4[k + 1] >>> 16; b++) {
        const at = idx!.blocks.get(b);
        if (at) at.push(i);
        else idx!.blocks.set(b, [i]);
      }
  });
  sourceIndexes.set(list, idx);
  return idx;
}

/**
 * The rules of `list` that may match traffic from `src`, in the list's order (first match decides): a long list is
 * narrowed by its source index to the rules whose sources share a /16 block with `src` (and the broad ones), then each
 * is checked as a short list's are. The same rules as filtering the whole list (a property test holds it to that).
 */
export function fromSource(list: readonly CompiledFirewallRule[], src: AddrSet): CompiledFirewallRule[] {
  if (list.length < INDEXED_FROM || src.v6.length || !tagsIsEmpty(src.tags)) return list.filter((r) => mayComeFrom(r, src));
  let queried = 0;
  for (let k = 0; k < src.v4.length; k += 2) queried += (src.v4[k + 1] >>> 16) - (src.v4[k] >>> 16) + 1;
  if (queried > MAX_QUERY_BLOCKS) return list.filter((r) => mayComeFrom(r, src));
  const idx = sourceIndex(list);
  const picked = new Set<number>(idx.wide);
  for (let k = 0; k < src.v4.length; k += 2) for (let b = src.v4[k] >>> 16; b <= src.v4[k + 1] >>> 16; b++) for (const i of idx.blocks.get(b) ?? []) picked.add(i);
  return [...picked].sort((a, b) => a - b).flatMap((i) => (mayComeFrom(list[i], src) ? [list[i]] : []));
}

/** Whether a rule may match traffic from `src`: its known sources, or any source when an IP group of it is missing. */
function mayComeFrom(rule: CompiledFirewallRule, src: AddrSet): boolean {
  return addrOverlaps((rule.unresolved?.box ?? rule.box).src, src);
}

/** Where a rule sits, in words: `Deny network rule r (collection c, rule collection group g) of fw`. */
function ruleWhere(table: FirewallTable, rule: CompiledFirewallRule): string {
  const where = [`collection ${rule.collection.name}`, rule.group && `rule collection group ${rule.group.name}`].filter(Boolean).join(", ");
  return `${rule.action} ${rule.kind} rule ${rule.name} (${where}) of ${table.firewall.name}`;
}

/** Why traffic that reached a rule naming IP groups the input lacks cannot be judged. */
function ipGroupWhy(table: FirewallTable, rule: CompiledFirewallRule): string {
  const groups = rule.unresolved!.missingIpGroups;
  const g = groups.length > 1 ? `IP groups ${groups.join(", ")}, which ${ruleWhere(table, rule)} names, are` : `IP group ${groups[0]}, which ${ruleWhere(table, rule)} names, is`;
  return `${g} not in the input, so whether the rule matches this traffic is unknown (add \`az network ip-group list\`)`;
}

/**
 * Why a named destination that reached an application rule with FQDN tags or web categories cannot be judged: Microsoft
 * keeps which names a tag or category holds, and no input (nor `az`) lists them, so the rule may or may not match it.
 * https://learn.microsoft.com/azure/firewall/fqdn-tags, https://learn.microsoft.com/azure/firewall/web-categories
 */
function opaqueWhy(table: FirewallTable, rule: CompiledFirewallRule, name: string): string {
  const sets = [...rule.fqdnTags.map((t) => `FQDN tag ${t}`), ...rule.webCategories.map((c) => `web category ${c}`)];
  return `${ruleWhere(table, rule)} names ${sets.join(", ")}, whose domains Microsoft maintains and no input lists, so whether it covers ${name} is unknown (name ${name} in an application rule processed before it to make the verdict certain)`;
}

function decide(table: FirewallTable, rules: readonly CompiledFirewallRule[], box: Box, rawName: string | undefined, apart?: Apart[], clientDns?: string): FirewallPiece[] {
  const name = rawName === undefined ? undefined : normName(rawName);
  return boxIsEmpty(box) ? [] : decideFrom(table, rules, 0, [{ box, names: [] }], name, apart, clientDns);
}

/**
 * First match over `rules` from index `start` for the pending traffic; what nothing matches is denied. `apart`
 * collects the network rules pending traffic passed over by the disjointness assumption (see `noteApart`).
 */
function decideFrom(table: FirewallTable, rules: readonly CompiledFirewallRule[], start: number, initial: Pending[], name: string | undefined, apart?: Apart[], clientDns?: string): FirewallPiece[] {
  const out: FirewallPiece[] = [];
  let pending = initial;
  let at = start;
  /**
   * Takes the pending traffic inside `within` out of `pending` (the rest goes on to the next rule) and returns it,
   * with its own lists of names when `ownNames` (traffic handed to later rules may be offered more than the rest).
   */
  const split = (within: Box, ownNames = false): Pending[] => {
    const inside: Pending[] = [];
    const next: Pending[] = [];
    for (const p of pending) {
      if (!boxOverlaps(p.box, within)) {
        next.push(p);
        continue;
      }
      const parts = boxSplit([p.box], within);
      for (const box of parts.inside) inside.push({ box, names: ownNames ? [...p.names] : p.names });
      for (const box of parts.outside) next.push({ box, names: p.names });
    }
    pending = next;
    return inside;
  };
  /** First match: the pending traffic inside `within` ends as `piece` says. */
  const take = (within: Box, piece: (hit: Box) => FirewallPiece) => {
    for (const p of split(within)) out.push(piece(p.box));
  };
  const claim = (rule: CompiledFirewallRule, extra: Partial<FirewallPiece> = {}) =>
    take(rule.box, (hit) => ({ box: hit, access: rule.action, evidence: evidence(table, rule, name), ...(name ? { fqdn: name } : {}), ...extra }));
  // Traffic that reaches a rule it may or may not match (traffic the rule surely matches was claimed first) ends
  // either with the rule's action or as the rules after it decide. Where those agree the verdict stands whatever
  // the input lacks; elsewhere it cannot be judged, naming what is missing. Each piece still meets each rule once:
  // the traffic handed to the later rules here leaves this loop's pending traffic.
  const unknown = (rule: CompiledFirewallRule, why: string) => {
    const reached = split(rule.unresolved?.box ?? rule.box, true);
    if (reached.length === 0) return;
    const mine = `cannot be judged: ${why}`;
    for (const f of decideFrom(table, rules, at + 1, reached, name, apart, clientDns)) {
      if (f.access === rule.action) out.push(f);
      else {
        const deeper = f.access === "Unaudited" && f.why && f.why !== mine ? `; ${f.why.replace(/^cannot be judged: /, "")}` : "";
        out.push({ box: f.box, access: "Unaudited", why: `${mine}${deeper}`, evidence: evidence(table, rule, name), ...(name ? { fqdn: name } : {}) });
      }
    }
  };
  const claimOrUnknown = (rule: CompiledFirewallRule, extra: Partial<FirewallPiece> = {}) => {
    claim(rule, extra);
    if (rule.unresolved) unknown(rule, ipGroupWhy(table, rule));
  };
  /** Pending traffic the rule may match (with its IP groups widened) is told the names the rule lets through. */
  const offer = (rule: CompiledFirewallRule, names: readonly string[]) => {
    const within = rule.unresolved?.box ?? rule.box;
    for (const p of pending) if (boxOverlaps(p.box, within)) p.names.push(...names);
  };
  for (; at < rules.length; at++) {
    const rule = rules[at];
    if (pending.length === 0) break;
    if (rule.names.length === 0 && rule.fqdnTags.length === 0 && rule.webCategories.length === 0) {
      if (apart) for (const p of pending) {
        const a = apartFrom(rule, p.box);
        if (a) apart.push(a);
      }
      claimOrUnknown(rule);
      continue;
    }
    if (name !== undefined) {
      // A named destination: the rule applies when one of its patterns covers the whole name.
      if (rule.names.some((pattern) => patternCovers(pattern, name))) {
        // A network rule matches the name only at the addresses the firewall's DNS proxy resolved it to.
        if (rule.kind === "network" && clientDns) unknown(rule, `network rule ${rule.name} in rule collection ${rule.collection.name} matches ${name} only at the addresses the firewall's DNS proxy resolves it to, and ${clientDns}`);
        else claimOrUnknown(rule);
        continue;
      }
      if (rule.action === "Allow" && rule.names.some((pattern) => patternOverlaps(pattern, name))) offer(rule, rule.names.filter((pattern) => patternOverlaps(pattern, name)));
      // An FQDN tag or web category may hold the name: neither allowed nor denied, but unknown.
      if (rule.fqdnTags.length || rule.webCategories.some((c) => mayHold(c, name))) unknown(rule, [opaqueWhy(table, rule, name), ...(rule.unresolved ? [ipGroupWhy(table, rule)] : [])].join("; "));
      continue;
    }
    // Any name: a rule for `*` takes everything it matches; a broad wildcard or web categories let a large,
    // open-ended part of the Internet through; specific names form an allow-list.
    if (rule.names.some((pattern) => pattern.trim() === "*")) {
      claimOrUnknown(rule);
      continue;
    }
    if (rule.action !== "Allow") continue;
    // A network rule to names lets its protocols and ports through to whatever addresses the names resolve to (the
    // DNS proxy's answers), not HTTP(S) filtered by name as an application rule's allow-list is (CONTRACT §4.1
    // "Lockdown": "allowed only by firewall application rules naming FQDNs"). Which addresses those are the input
    // cannot show: traffic to an address the rules after it would not let through cannot be judged.
    // https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules
    if (rule.kind === "network") {
      unknown(rule, `network rule ${rule.name} in rule collection ${rule.collection.name} lets ${rule.names.slice(0, 3).join(", ")}${rule.names.length > 3 ? ", …" : ""} through on its protocols and ports, to the addresses the firewall's DNS resolves ${rule.names.length > 1 ? "them" : "it"} to, which the input cannot show`);
      continue;
    }
    const broad = rule.names.filter(isBroadPattern);
    if (broad.length || rule.webCategories.length) {
      claimOrUnknown(rule, { broad: [...broad, ...rule.webCategories.map((c) => `web category ${c}`)].join(", ") });
      continue;
    }
    // FQDN tags count here as named domains: whatever a tag holds, it is a list of domains Microsoft curates for
    // one service, the allow-list the lockdown asks for (CONTRACT §4.1 "Lockdown"), and is listed as such.
    offer(rule, [...rule.names, ...rule.fqdnTags.map((t) => `FQDN tag ${t}`)]);
  }
  for (const p of pending) {
    const names = [...new Set(p.names)];
    out.push({ box: p.box, access: "Deny", evidence: evidence(table, undefined, name), ...(name ? { fqdn: name } : {}), ...(names.length ? { allowedNames: names } : {}) });
  }
  return out;
}

/**
 * Azure Firewall's "liability" web categories: content no Azure or Microsoft service endpoint is classed as. A
 * Deny of these (a common enterprise policy) placed before the rules for CycleCloud's names does not make those
 * names unjudgeable; any other category might hold them.
 * https://learn.microsoft.com/azure/firewall/web-categories
 */
const LIABILITY_CATEGORIES = new Set(
  ["AlcoholAndTobacco", "ChildAbuseImages", "ChildInappropriate", "CriminalActivity", "Cults", "DatingAndPersonals", "Gambling", "Hacking", "HateAndIntolerance", "IllegalDrug", "IllegalSoftware", "LingerieAndSwimsuits", "Marijuana", "Nudity", "PornographyAndSexuallyExplicit", "SelfHarm", "SexEducation", "Tasteless", "Violence", "Weapons"].map((c) => categoryKey(c)),
);

function categoryKey(category: string): string {
  return category.toLowerCase().replace(/&|\+|\band\b/g, "").replace(/[^a-z]/g, "");
}

/** Whether web category `category` may hold `name`: not a liability category for one of the CycleCloud page's Microsoft names. */
function mayHold(category: string, name: string): boolean {
  const microsoft = SEED_NAMES.has(name) || name.endsWith(".blob.core.windows.net");
  return !(microsoft && LIABILITY_CATEGORIES.has(categoryKey(category)));
}

/**
 * The subnet an Azure Firewall in a VNet sends from (its AzureFirewallSubnet), whose routes take on what it forwards
 * and its replies; undefined for a virtual hub's firewall, or where the input lacks the subnet.
 */
export function firewallSubnet(snapshot: Snapshot, firewall: AzureFirewall): Subnet | undefined {
  return firewall.subnetKeys.map((k) => snapshot.subnets.get(k)).find((s) => s !== undefined);
}

/** IANA's private ranges, which Azure Firewall does not SNAT by default: RFC 1918 and RFC 6598. */
const IANA_PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/**
 * Whether `firewall` SNATs traffic it lets through by a network rule to every address of `destination`: not to the
 * ranges its policy's `snat.privateRanges` lists (the policy's, else its base policy's), or, for a classic firewall
 * (no policy), its `additionalProperties` "Network.SNAT.PrivateRanges" ("255.255.255.255/32": always SNAT;
 * "0.0.0.0/0": never); Azure's default: IANA's private ranges. An application rule always proxies the connection,
 * whatever this says. https://learn.microsoft.com/azure/firewall/snat-private-range
 */
export function firewallSnats(estate: Estate, firewall: AzureFirewall, destination: AddrSet): boolean {
  return !addrOverlaps(destination, snatPrivateRanges(estate, firewall));
}

/**
 * Whether `firewall` SNATs traffic it lets through by a network rule to *some* IPv4 address of `destination` (its SNAT
 * private ranges leave part of it out), where firewallSnats asks for every address. https://learn.microsoft.com/azure/firewall/snat-private-range
 */
export function firewallSnatsSome(estate: Estate, firewall: AzureFirewall, destination: AddrSet): boolean {
  return destination.v4.length > 0 && ivSubtract(destination.v4, snatPrivateRanges(estate, firewall).v4).length > 0;
}

/**
 * The part of `destination` that `firewall` leaves un-SNATed when a network rule lets it through (see firewallSnats):
 * IPv4 only; ranges covering all of IPv4 (`0.0.0.0/0`, "never SNAT") hold service tags too, whose prefixes the input
 * may not give. https://learn.microsoft.com/azure/firewall/snat-private-range
 */
export function unsnattedPart(estate: Estate, firewall: AzureFirewall, destination: AddrSet): AddrSet {
  const kept = snatPrivateRanges(estate, firewall);
  const whole = kept.v4.length === 2 && kept.v4[0] === 0 && kept.v4[1] === ALL_V4[1];
  return whole ? { ...destination, v6: [] } : addrIntersect(destination, { v4: kept.v4, v6: [], tags: NO_TAGS });
}

/** The ranges `firewall` does not SNAT (see firewallSnats), once per estate and firewall (a fix to its policy rebuilds them). */
function snatPrivateRanges(estate: Estate, firewall: AzureFirewall): AddrSet {
  return estate.memo(`snat-ranges|${firewall.key}`, () => buildSnatPrivateRanges(estate, firewall), firewallKeys(estate, firewall));
}

/** `firewall`'s SNAT private ranges as its policy (or classic settings) gives them, `IANAPrivateRanges` by default. */
function snatRangesGiven(estate: Estate, firewall: AzureFirewall): string[] {
  const policy = firewall.policyKey ? estate.snapshot.firewallPolicies?.get(firewall.policyKey) : undefined;
  const chain = policy ? policyChain(estate, policy) : [];
  const own = firewall.policyKey ? undefined : firewall.snatPrivateRanges;
  return own ?? [...chain].reverse().find((p) => p.snatPrivateRanges)?.snatPrivateRanges ?? ["IANAPrivateRanges"];
}

/** The SNAT private ranges of `firewall` in words, as given ("IANAPrivateRanges, 20.0.0.0/8"). */
export function snatRangesWords(estate: Estate, firewall: AzureFirewall): string {
  return snatRangesGiven(estate, firewall).join(", ");
}

function buildSnatPrivateRanges(estate: Estate, firewall: AzureFirewall): AddrSet {
  const cidrs = snatRangesGiven(estate, firewall).flatMap((r) => (r.toLowerCase() === "ianaprivateranges" ? IANA_PRIVATE : [r]));
  const r = cidrsToRanges(cidrs);
  return concrete(r.v4, r.v6);
}

/**
 * Whether Azure Firewall `firewall` runs its DNS proxy: a policy's `dnsSettings.enableProxy` (a base policy's counts,
 * as a child inherits its DNS settings), a classic firewall's `additionalProperties` Network.DNS.EnableProxy. A policy
 * that is absent while its rule collection groups are given is read as DNS proxy off (CONTRACT §4.1, stage 5; the
 * words come from firewallDnsProxySetting). Undefined when neither the policy nor any of its groups is in the input.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 */
export function firewallDnsProxy(estate: Estate, firewall: AzureFirewall): boolean | undefined {
  if (!firewall.policyKey) return firewall.dnsProxyEnabled === true;
  const policy = estate.snapshot.firewallPolicies?.get(firewall.policyKey);
  if (policy) return policyChain(estate, policy).some((p) => p.dnsProxyEnabled === true);
  return groupsOf(estate, firewall.policyKey, []).length ? false : undefined;
}

/**
 * Where firewallDnsProxy read `firewall`'s DNS proxy setting, in words for a detail: the policy field, the classic
 * firewall's additional property, or that the policy is absent and read as proxy off. Never throws.
 */
export function firewallDnsProxySetting(estate: Estate, firewall: AzureFirewall): string {
  if (!firewall.policyKey) return "additionalProperties Network.DNS.EnableProxy";
  const name = lastSegment(firewall.policyKey);
  if (estate.snapshot.firewallPolicies?.has(firewall.policyKey)) return `${firewall.name}'s firewall policy ${name}, dnsSettings.enableProxy`;
  return `firewall policy ${name} is not in the input, only its rule collection groups, so it is read with DNS proxy off`;
}

/**
 * The custom DNS servers `firewall` resolves names with (`dnsSettings.servers` of its policy, else of its base policy,
 * which a child inherits; a classic firewall's, without a policy: `additionalProperties` "Network.DNS.Servers");
 * empty: Azure-provided DNS, which answers with the private DNS zones linked to the firewall's own VNet. A firewall
 * whose policy is not in the input is read as using Azure DNS.
 * https://learn.microsoft.com/azure/firewall/dns-settings
 */
export function firewallDnsServers(estate: Estate, firewall: AzureFirewall): string[] {
  if (!firewall.policyKey) return firewall.dnsServers ?? [];
  const policy = firewall.policyKey ? estate.snapshot.firewallPolicies?.get(firewall.policyKey) : undefined;
  const chain = policy ? policyChain(estate, policy) : [];
  return [...chain].reverse().find((p) => p.dnsServers?.length)?.dnsServers ?? [];
}

/** The firewall whose private IP is `ip` (VNet firewalls' ip configurations, secured hubs' hub IP). */
export function firewallAt(estate: Estate, ip: string): AzureFirewall | undefined {
  const index = estate.memo("fw-by-ip", () => {
    const m = new Map<string, AzureFirewall>();
    for (const fw of estate.snapshot.firewalls?.values() ?? []) for (const a of fw.privateIpAddresses) m.set(a.trim().toLowerCase(), fw);
    return m;
  });
  return index.get(ip.trim().toLowerCase());
}
