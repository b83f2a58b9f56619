// An NSG rule compiled to the box it matches, in the address context of where the NSG is applied.
import { type AddrSet, addrUnionAll } from "../net/addr-set";
import { parsePortRanges } from "../net/ports";
import { protoSetOf } from "../net/protocols";
import type { Direction, Nsg, SecurityRule } from "../model/types";
import type { Box } from "./box";
import type { AddressContext } from "./context";
import { withDefaultRules } from "../snapshot/default-rules";

export interface CompiledRule {
  nsg: Nsg;
  rule: SecurityRule;
  box: Box;
  srcSpecificPublic: boolean;
  dstSpecificPublic: boolean;
  srcSymbolicTag: boolean;
  dstSymbolicTag: boolean;
  /** A service tag's name as the input spells it (for notes naming the tags a flow is about). */
  tagDisplay: (lower: string) => string;
}

/** `local`: the side that is the traffic's local end (source of an outbound rule, destination of an inbound one). */
function side(ctx: AddressContext, prefixes: readonly string[], asgKeys: readonly string[], local: boolean) {
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
  // An ASG at the local end is the traffic class's own membership (a scale set's, see AsgView); at the far end, any member's.
  for (const a of asgKeys) sets.push(local ? ctx.localAsgMembers(a) : ctx.asgMembers(a));
  return { set: addrUnionAll(sets), specificPublic, symbolicTag };
}

export function compileRule(nsg: Nsg, rule: SecurityRule, ctx: AddressContext): CompiledRule {
  const src = side(ctx, rule.sourceAddressPrefixes, rule.sourceAsgKeys, rule.direction === "Outbound");
  const dst = side(ctx, rule.destinationAddressPrefixes, rule.destinationAsgKeys, rule.direction === "Inbound");
  return {
    nsg,
    rule,
    box: {
      proto: protoSetOf(rule.protocol),
      src: src.set,
      srcPorts: parsePortRanges(rule.sourcePortRanges),
      dst: dst.set,
      dstPorts: parsePortRanges(rule.destinationPortRanges),
    },
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
