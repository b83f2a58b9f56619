// Plans the NSG rules that let a blocked flow through. Each round adds, in every NSG that denied
// part of the flow, an Allow at a free priority below the deny that decided; then re-evaluates,
// because traffic that a first NSG denied may meet a second one that also denies it.
import type { Direction, Nsg, Protocol, SecurityRule, Subnet } from "../model/types";
import { type FlowSpec, evaluateFlow } from "../nsg/flow";
import type { CheckEnv } from "../rules/types";
import { estateWith } from "./apply";
import { noteNoFix, unjudgedNoFix } from "./no-fix";
import { cannotBeJudged } from "../path/types";
import { freeRuleName } from "./priority";
import { shown } from "./quote";
import { subnetsUsingNsg } from "./shared-resources";
import { serverCidrs } from "./own-side";
import { parsePortRanges } from "../net/ports";
import * as iv from "../net/intervals";
import { cidrsToRanges, parseCidr } from "../net/ip";
import type { Change } from "./types";
import { type FamilySides, splitByFamily } from "./address-family";
import { NAME_LIMIT, fitName } from "./resource-names";

export interface RuleTemplate {
  name: string;
  direction: Direction;
  access: "Allow" | "Deny";
  protocol: Protocol;
  sources: string[];
  destinations: string[];
  ports: string[];
}

/**
 * The address sides of the rules a template makes in an NSG, one pair per address family its addresses name (Azure
 * refuses a rule mixing IPv4 and IPv6: lib/fixes/address-family.ts), usually one. With `subnet` given, the rule's own
 * side (source of an outbound rule, destination of an inbound one) is scoped: where the profile names the CycleCloud
 * server in the subnet, from `*` or the subnet's prefixes to the server's own addresses (what the audit judges; the
 * subnet's other machines keep their traffic); else, with the NSG deciding for other subnets too, from `*` to the
 * subnet's prefixes, so the fix does not change the other subnets' traffic (CONTRACT §4, fix rules: shared resources).
 * Empty when the template's sides have no address family in common (such a rule would match nothing).
 */
export function ruleSides(env: CheckEnv, nsgKey: string, template: RuleTemplate, subnet?: Subnet): FamilySides[] {
  let { sources, destinations } = template;
  const any = (xs: string[]) => xs.length === 1 && xs[0] === "*";
  const server = subnet && serverCidrs(env.estate, subnet);
  if (subnet && server) {
    const whole = (xs: string[]) => any(xs) || (xs.length === subnet.addressPrefixes.length && xs.every((x) => subnet.addressPrefixes.includes(x)));
    if (template.direction === "Outbound" && whole(sources)) sources = [...server];
    if (template.direction === "Inbound" && whole(destinations)) destinations = [...server];
  } else if (subnet && subnet.addressPrefixes.length && subnetsUsingNsg(env.estate.snapshot, nsgKey).some((k) => k !== subnet.key)) {
    if (template.direction === "Outbound" && any(sources)) sources = [...subnet.addressPrefixes];
    if (template.direction === "Inbound" && any(destinations)) destinations = [...subnet.addressPrefixes];
  }
  return splitByFamily(sources, destinations);
}

/**
 * The new rules of a template (one per address family, see ruleSides), the i-th at `priorities[i]`, each with a name not
 * yet used in the NSG or by another fix: the template's name for the first, `-v6` added for an IPv6 twin of an IPv4 rule
 * (`-2`, `-3`, … on a clash). `sides` is ruleSides of the same arguments, when the caller has it already (to know how
 * many priorities to pick).
 */
export function makeRules(
  env: CheckEnv,
  nsgKey: string,
  template: RuleTemplate,
  priorities: readonly number[],
  subnet?: Subnet,
  sides: readonly FamilySides[] = ruleSides(env, nsgKey, template, subnet),
): SecurityRule[] {
  if (priorities.length !== sides.length) throw new Error(`makeRules: ${sides.length} rule(s) need as many priorities, given ${priorities.length}`);
  let taken = env.ruleNames.get(nsgKey);
  if (!taken) env.ruleNames.set(nsgKey, (taken = new Set()));
  const nsg = env.estate.snapshot.nsgs.get(nsgKey);
  return sides.map((side, i) => ({
    name: freeRuleName(nsg, i > 0 && side.family === 6 ? fitName(template.name, "-v6", NAME_LIMIT - 3) : template.name, taken),
    priority: priorities[i],
    direction: template.direction,
    access: template.access,
    protocol: template.protocol,
    sourceAddressPrefixes: side.sources,
    destinationAddressPrefixes: side.destinations,
    sourcePortRanges: ["*"],
    destinationPortRanges: template.ports,
    sourceAsgKeys: [],
    destinationAsgKeys: [],
    isDefault: false,
  }));
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
        // Only what an NSG denied can an NSG rule open; a route, firewall or outbound path needs its own fix.
        if (p.access !== "Deny" || (p.decidedAt && p.decidedAt !== "nsg")) continue;
        const d = p.decisions[p.decisions.length - 1];
        blockers.set(d.nsg.key, Math.min(blockers.get(d.nsg.key) ?? Infinity, d.rule.priority));
      }
    if (blockers.size === 0) {
      // A part the audit cannot judge (a NIC the input lacks, a machine here through a non-primary NIC): say that part.
      const unjudged = result.outcomes.flatMap((o) => o.pieces).find(cannotBeJudged);
      noteNoFix(env.allocator, unjudged ? unjudgedNoFix((unjudged.why ?? "").replace(/^cannot be judged: /, "")) : "What blocks the flow is not an NSG rule, and no other change was found that opens it.");
      return undefined;
    }
    for (const [nsgKey, winsOver] of blockers) {
      const nsg = estate.snapshot.nsgs.get(nsgKey)!;
      const blocker = [...nsg.securityRules, ...nsg.defaultSecurityRules].find((r) => r.priority === winsOver && r.direction === template.direction);
      const next = blocker ? unblock(env, nsg, blocker, template, subnet, planned) : undefined;
      if (!next) return undefined;
      planned = [...planned, ...next];
    }
  }
  return undefined;
}

const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());

/**
 * The blocking rule denies nothing but (part of) what the requirement needs: its far side (destination of
 * an outbound rule, source of an inbound one) is among the template's, or a regional variant of one of them.
 * With `server` (the CycleCloud server's addresses, lib/fixes/own-side.ts) its own side must name nothing else
 * either: opening a deny of the whole subnet would open it for the subnet's other machines too.
 */
function targeted(rule: SecurityRule, template: RuleTemplate, server?: readonly string[]): boolean {
  if (rule.isDefault || rule.access !== "Deny" || rule.sourceAsgKeys.length || rule.destinationAsgKeys.length) return false;
  const far = lower(template.direction === "Outbound" ? rule.destinationAddressPrefixes : rule.sourceAddressPrefixes);
  const wanted = lower(template.direction === "Outbound" ? template.destinations : template.sources);
  if (wanted.includes("*") || far.length === 0) return false;
  if (server) {
    const own = lower(template.direction === "Outbound" ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes);
    const mine = new Set(lower(server).flatMap((c) => [c, c.replace(/\/(32|128)$/, "")]));
    if (own.length === 0 || !own.every((x) => mine.has(x))) return false;
  }
  return far.every((x) => wanted.includes(x) || wanted.some((w) => x.startsWith(`${w}.`)));
}

/**
 * Whether editing `rule` changes the traffic of `subnet` alone: its NSG decides for no other subnet, or the rule's own
 * side (the source of an outbound rule, the destination of an inbound one) lies within the subnet's prefixes. Else a
 * narrowed or re-accessed deny would open the traffic of the other subnets sharing the NSG too, where an allow scoped
 * to this subnet (makeRules) opens only this one's (CONTRACT §4, fix rules: shared resources).
 */
function editConfined(env: CheckEnv, nsg: Nsg, rule: SecurityRule, template: RuleTemplate, subnet: Subnet): boolean {
  if (!subnetsUsingNsg(env.estate.snapshot, nsg.key).some((k) => k !== subnet.key)) return true;
  const own = template.direction === "Outbound" ? rule.sourceAddressPrefixes : rule.destinationAddressPrefixes;
  if (own.length === 0 || own.some((p) => !parseCidr(p))) return false;
  const mine = cidrsToRanges(subnet.addressPrefixes);
  const theirs = cidrsToRanges(own);
  return iv.covers(mine.v4, theirs.v4) && iv.covers(mine.v6, theirs.v6);
}

/** Port ranges as NSG fields (`443`, `1024-65535`). */
function portFields(set: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < set.length; i += 2) out.push(set[i] === set[i + 1] ? String(set[i]) : `${set[i]}-${set[i + 1]}`);
  return out;
}

/**
 * The changes that get the template's traffic past `blocker` in `nsg`, smallest first:
 * 1. the user's own deny aimed at the required traffic, in the requirement's protocol alone, is edited (its ports
 *    narrowed, or made an allow) rather than an allow stacked on it; a deny of more protocols (`*`) is not, as narrowing
 *    its ports would open them in every protocol (UDP and ICMP beside the TCP the requirement needs);
 * 2. allows (one per address family, see ruleSides) at free priorities below the blocker;
 * 3. with no free priority below it, the blocker (a custom rule) moves to the nearest free priority above,
 *    when only denies sit between, and the allows take its place (and the free slots it passes).
 * Undefined, with the reason noted, when none applies.
 */
function unblock(env: CheckEnv, nsg: Nsg, blocker: SecurityRule, template: RuleTemplate, subnet: Subnet, planned: readonly Change[] = []): Change[] | undefined {
  const where = `${shown(blocker.name)} (${blocker.priority}) in NSG ${shown(nsg.name)}`;
  if (targeted(blocker, template, serverCidrs(env.estate, subnet)) && blocker.protocol === template.protocol && editConfined(env, nsg, blocker, template, subnet)) {
    const remaining = iv.subtract(parsePortRanges(blocker.destinationPortRanges), parsePortRanges(template.ports));
    if (!iv.isEmpty(remaining)) {
      const after = { ...blocker, destinationPortRanges: portFields(remaining) };
      return [{ kind: "update-rule", nsgKey: nsg.key, before: blocker, after, why: `The rule ${where} is a custom deny aimed at this traffic: narrowing its ports to leave out ${template.ports.join(", ")} is a smaller change than stacking an allow on it.` }];
    }
    const after = { ...blocker, access: "Allow" as const };
    return [{ kind: "update-rule", nsgKey: nsg.key, before: blocker, after, why: `The rule ${where} denies exactly the traffic the requirement needs: it is turned into an allow rather than shadowed by a new one.` }];
  }
  const sides = ruleSides(env, nsg.key, template, subnet);
  if (sides.length === 0) {
    noteNoFix(env.allocator, `The rule needed in NSG ${shown(nsg.name)} would name IPv4 addresses on one side and only IPv6 on the other, and match nothing.`);
    return undefined;
  }
  const below: number[] = [];
  while (below.length < sides.length) {
    const p = env.allocator.pick(nsg, blocker.priority);
    if (p === undefined) break;
    below.push(p);
  }
  const adds = (priorities: number[]): Change[] => makeRules(env, nsg.key, template, priorities, subnet, sides).map((rule) => ({ kind: "add-rule", nsgKey: nsg.key, rule }));
  if (below.length === sides.length) return adds(below);
  if (blocker.isDefault) {
    noteNoFix(env.allocator, `NSG ${shown(nsg.name)} has ${below.length ? `too few free priorities for a rule per address family` : "no free priority"} below Azure's default rule ${shown(blocker.name)}: it is full.`);
    return undefined;
  }
  // The allows this plan already adds for the flow (an earlier round's): moving a deny above them opens nothing more
  // than the flow, and one of them below where the deny lands already lets the flow past it.
  const ownAllows = new Set(planned.flatMap((c) => (c.kind === "add-rule" && c.nsgKey === nsg.key ? [c.rule.name.toLowerCase()] : [])));
  const between = (to: number) => nsg.securityRules.filter((r) => r.direction === blocker.direction && r.priority > blocker.priority && r.priority < to && !ownAllows.has(r.name.toLowerCase()));
  // A rule another fix of this report already moves: this fix moves it one free slot further and takes the slot it left.
  const from = env.allocator.movedTo(nsg, blocker.name) ?? blocker.priority;
  let to = env.allocator.pickAbove(nsg, from);
  if (to !== undefined && !between(to).some((r) => r.access === "Allow")) {
    const own = nsg.securityRules.find((r) => ownAllows.has(r.name.toLowerCase()) && r.direction === blocker.direction && r.priority > blocker.priority && r.priority < to!);
    if (own) {
      // Two denies in a row at the lowest priorities: the second moves above this flow's allow, which stays.
      env.allocator.recordMove(nsg, blocker.name, to);
      return [{ kind: "update-rule", nsgKey: nsg.key, before: blocker, after: { ...blocker, priority: to }, why: `No priority is free below ${where}: the rule moves to ${to}, above the allow this fix adds at ${own.priority} (only denies and that allow sit between).` }];
    }
  }
  // One allow per address family still to place: the first takes the slot the blocker leaves, each further one the
  // slot it was to move to, and the blocker moves on to the next free one (only denies may sit between, as for one).
  const slots = [from];
  while (to !== undefined && !between(to).some((r) => r.access === "Allow") && below.length + slots.length < sides.length) {
    slots.push(to);
    to = env.allocator.pickAbove(nsg, to);
  }
  if (to === undefined || between(to).some((r) => r.access === "Allow")) {
    noteNoFix(
      env.allocator,
      to === undefined
        ? `No priority is free below ${where}, and none above it to move it to.`
        : `No priority is free below ${where}, and moving it above the allow rules that follow it would open traffic it now denies.`,
    );
    return undefined;
  }
  env.allocator.recordMove(nsg, blocker.name, to);
  const moved = { ...blocker, priority: to };
  return [
    { kind: "update-rule", nsgKey: nsg.key, before: blocker, after: moved, why: `No priority is free below ${where}: the rule moves to ${to} (only denies sit between) and the new allow${slots.length > 1 ? "s take" : " takes"} ${slots.join(", ")}.` },
    ...adds([...below, ...slots]),
  ];
}
