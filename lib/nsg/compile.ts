// An NSG rule compiled to the box it matches, in the address context of where the NSG is applied.
import { type AddrSet, addrSubtract, addrUnionAll, withWholeFamilyTags } from "../net/addr-set";
import { parsePortRanges } from "../net/ports";
import { protoSetOf } from "../net/protocols";
import type { Direction, Nsg, SecurityRule } from "../model/types";
import { type Box, boxIsEmpty } from "./box";
import type { AddressContext, ScaleSetPool } from "./context";
import { withDefaultRules } from "../snapshot/default-rules";

export interface CompiledRule {
  nsg: Nsg;
  rule: SecurityRule;
  /** What the rule surely matches. */
  box: Box;
  /**
   * Set where the rule names, at the far end, an ASG whose members share free addresses with non-members (scale-set IP
   * configurations of one subnet and family that differ in it: AddressContext.asgPartial): the traffic the rule may or
   * may not match, one part per such subnet and family, outside `box`, with why it cannot tell (lib/nsg/evaluate.ts
   * firstMatch follows both ways).
   */
  maybe?: { box: Box; why: string }[];
  srcSpecificPublic: boolean;
  dstSpecificPublic: boolean;
  srcSymbolicTag: boolean;
  dstSymbolicTag: boolean;
  /** A service tag's name as the input spells it (for notes naming the tags a flow is about). */
  tagDisplay: (lower: string) => string;
}

/** `local`: the side that is the traffic's local end (source of an outbound rule, destination of an inbound one). */
function side(ctx: AddressContext, prefixes: readonly string[], asgKeys: readonly string[], local: boolean): { set: AddrSet; specificPublic: boolean; symbolicTag: boolean; partial?: ScaleSetPool[] } {
  // United once (O(n log n)): a rule may list 160,000 prefixes.
  const sets: AddrSet[] = [];
  let specificPublic = false;
  let symbolicTag = false;
  for (const p of prefixes) {
    const r = ctx.resolve(p);
    sets.push(r.set);
    specificPublic ||= r.specificPublic;
    symbolicTag ||= r.symbolicTag;
  }
  // An ASG at the local end is the traffic class's own membership (a scale set's, see AsgView); at the far end, its
  // sure members' addresses (addresses members share with non-members are `partial`, below).
  for (const a of asgKeys) sets.push(local ? ctx.localAsgMembers(a) : ctx.asgMembers(a));
  // At the far end, a pool some of whose IP configurations carry one of the ASGs: a sure match when every one carries one.
  let partial: ScaleSetPool[] | undefined;
  if (!local) {
    for (const a of asgKeys) {
      for (const pool of ctx.asgPartial(a)) {
        if (partial?.includes(pool)) continue;
        if (pool.ipConfigurations.every((i) => i.asgKeys.some((k) => asgKeys.includes(k)))) sets.push(pool.addresses);
        else (partial ??= []).push(pool);
      }
    }
  }
  return { set: withWholeFamilyTags(addrUnionAll(sets)), specificPublic, symbolicTag, ...(partial ? { partial } : {}) };
}

/**
 * "cannot be judged: NSG rule AllowNodes (200, Allow) in nsg-cc names asg-nodes: scale sets hpc (in asg-nodes) and gpu
 * (not) share the free IPv4 addresses of spoke/compute, which no address tells apart".
 */
function partialWhy(nsg: Nsg, rule: SecurityRule, asgKeys: readonly string[], pool: ScaleSetPool): string {
  const names = asgKeys.map((k) => k.slice(k.lastIndexOf("/") + 1));
  const inAsg = (i: ScaleSetPool["ipConfigurations"][number]) => i.asgKeys.some((k) => asgKeys.includes(k));
  const scaleSets = [...new Set(pool.ipConfigurations.map((i) => i.scaleSet))];
  // Whole scale sets when each is wholly in or out; else their IP configurations.
  const whole = scaleSets.every((ss) => new Set(pool.ipConfigurations.filter((i) => i.scaleSet === ss).map(inAsg)).size === 1);
  const label = (wanted: boolean) => {
    const picked = pool.ipConfigurations.filter((i) => inAsg(i) === wanted);
    return [...new Set(picked.map((i) => (whole ? i.scaleSet : `${i.scaleSet}/${i.name}`)))].join(", ");
  };
  const holders = `${whole ? "scale sets" : "IP configurations"} ${label(true)} (in ${names.join(" or ")}) and ${label(false)} (not)`;
  return `cannot be judged: NSG rule ${rule.name} (${rule.priority}, ${rule.access}) in ${nsg.name} names ${names.join(", ")}: ${holders} share the free IPv${pool.family} addresses of ${pool.subnet}, which no address tells apart`;
}

export function compileRule(nsg: Nsg, rule: SecurityRule, ctx: AddressContext): CompiledRule {
  const src = side(ctx, rule.sourceAddressPrefixes, rule.sourceAsgKeys, rule.direction === "Outbound");
  const dst = side(ctx, rule.destinationAddressPrefixes, rule.destinationAsgKeys, rule.direction === "Inbound");
  const box: Box = {
    proto: protoSetOf(rule.protocol),
    src: src.set,
    srcPorts: parsePortRanges(rule.sourcePortRanges),
    dst: dst.set,
    dstPorts: parsePortRanges(rule.destinationPortRanges),
  };
  // Only one side is the far end, so at most one side has partial pools.
  const far = src.partial ? { key: "src" as const, pools: src.partial, asgKeys: rule.sourceAsgKeys, sure: src.set } : dst.partial ? { key: "dst" as const, pools: dst.partial, asgKeys: rule.destinationAsgKeys, sure: dst.set } : undefined;
  const maybe = far?.pools
    .map((pool) => ({ box: { ...box, [far.key]: addrSubtract(pool.addresses, far.sure) }, why: partialWhy(nsg, rule, far.asgKeys, pool) }))
    .filter((m) => !boxIsEmpty(m.box));
  return {
    nsg,
    rule,
    box,
    ...(maybe?.length ? { maybe } : {}),
    srcSpecificPublic: src.specificPublic,
    dstSpecificPublic: dst.specificPublic,
    srcSymbolicTag: src.symbolicTag,
    dstSymbolicTag: dst.symbolicTag,
    tagDisplay: ctx.tagDisplay,
  };
}

const ordered = new WeakMap<Nsg, Record<Direction, SecurityRule[]>>();

/** The rules of one direction, custom then default, in evaluation order (lowest priority number first). */
export function orderedRules(nsg: Nsg, direction: Direction): SecurityRule[] {
  let both = ordered.get(nsg);
  if (!both) {
    // Azure's defaults apply whether or not a listing shows them.
    const all = [...nsg.securityRules, ...withDefaultRules(nsg.defaultSecurityRules)].sort((a, b) => a.priority - b.priority);
    both = { Inbound: all.filter((r) => r.direction === "Inbound"), Outbound: all.filter((r) => r.direction === "Outbound") };
    ordered.set(nsg, both);
  }
  return both[direction];
}

export function compileNsg(nsg: Nsg, direction: Direction, ctx: AddressContext): CompiledRule[] {
  return orderedRules(nsg, direction).map((r) => compileRule(nsg, r, ctx));
}

const CONTEXT_WORDS = new Set(["virtualnetwork", "internet"]);

/** Whether a rule names an ASG, whose local-end members depend on the traffic class (AsgView). */
export function namesAsg(rule: SecurityRule): boolean {
  return rule.sourceAsgKeys.length > 0 || rule.destinationAsgKeys.length > 0;
}

/** Whether a rule means the same in every VNet and for every traffic class: it names neither `VirtualNetwork`, `Internet` nor an ASG. */
export function isContextFree(rule: SecurityRule): boolean {
  if (namesAsg(rule)) return false;
  for (const p of rule.sourceAddressPrefixes) if (CONTEXT_WORDS.has(p.trim().toLowerCase())) return false;
  for (const p of rule.destinationAddressPrefixes) if (CONTEXT_WORDS.has(p.trim().toLowerCase())) return false;
  return true;
}
