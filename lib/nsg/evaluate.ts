// Azure's NSG semantics over sets of packets. Within one NSG the matching rule with the lowest
// priority number decides. Outbound traffic meets the NIC's NSG then the subnet's; inbound the
// subnet's then the NIC's; a packet passes only if every NSG on its way allows it, and a level
// with no NSG allows. https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
import type { Access, Direction, Nsg, SecurityRule } from "../model/types";
import { tagsIsEmpty } from "../net/tag-set";
import { addrOverlaps } from "../net/addr-set";
import * as iv from "../net/intervals";
import { type Box, boxIntersect, boxIsEmpty, boxOverlaps, boxSubtract } from "./box";
import type { CompiledRule } from "./compile";

export interface Decision {
  level: "nic" | "subnet";
  nsg: Nsg;
  rule: SecurityRule;
  nicKey?: string;
}

export interface DecidedPiece {
  box: Box;
  access: Access;
  /** The deciding rule at each NSG level the piece met, in traversal order. */
  decisions: Decision[];
}

export interface Level {
  kind: "nic" | "subnet";
  nsg: Nsg;
  rules: CompiledRule[];
  nicKey?: string;
}

/** Notes where a verdict rests on an assumption about prefixes we were not given. */
export type Notes = string[];

/**
 * A rule naming specific public prefixes, met by traffic to a service tag we hold no prefixes for:
 * whether they overlap is unknown, and we assume not (CONTRACT §4). Say so rather than guess silently.
 */
function noteAssumptions(box: Box, rule: CompiledRule, notes: Notes): void {
  const dstUnknown = rule.dstSpecificPublic && !tagsIsEmpty(box.dst.tags);
  const srcUnknown = rule.srcSpecificPublic && !tagsIsEmpty(box.src.tags);
  if (!dstUnknown && !srcUnknown) return;
  const rest = rule.box;
  if ((box.proto & rest.proto) === 0 || !iv.overlaps(box.dstPorts, rest.dstPorts) || !iv.overlaps(box.srcPorts, rest.srcPorts)) return;
  if (!dstUnknown && !addrOverlaps(box.dst, rest.dst)) return;
  if (!srcUnknown && !addrOverlaps(box.src, rest.src)) return;
  const note = `${rule.rule.name} (${rule.rule.priority}) in ${rule.nsg.name} names public prefixes; without service tag prefixes (--service-tags) they are assumed not to overlap the service tags in question.`;
  if (!notes.includes(note)) notes.push(note);
}

/**
 * First-match evaluation of one NSG over a set of packets: each piece of the input comes back with
 * the rule that decided it. The default DenyAll rules guarantee every packet is decided.
 */
export function firstMatch(rules: readonly CompiledRule[], boxes: readonly Box[], notes?: Notes): { box: Box; rule: CompiledRule }[] {
  const out: { box: Box; rule: CompiledRule }[] = [];
  let remaining = boxes.filter((b) => !boxIsEmpty(b));
  for (const rule of rules) {
    if (remaining.length === 0) break;
    // Most rules miss the traffic class entirely; only allocate when one hits.
    let next: Box[] | undefined;
    for (let i = 0; i < remaining.length; i++) {
      const box = remaining[i];
      if (notes) noteAssumptions(box, rule, notes);
      if (!boxOverlaps(box, rule.box)) {
        next?.push(box);
        continue;
      }
      next ??= remaining.slice(0, i);
      const hit = boxIntersect(box, rule.box);
      if (!boxIsEmpty(hit)) out.push({ box: hit, rule });
      for (const rest of boxSubtract(box, rule.box)) next.push(rest);
    }
    if (next) remaining = next;
  }
  // compileNsg always includes Azure's DenyAll rules, so nothing is left undecided here.
  return out;
}

/** Passes the packets through the NSG levels in order; what one level denies never reaches the next. */
export function evaluateChain(levels: readonly Level[], boxes: readonly Box[], notes?: Notes): DecidedPiece[] {
  let current: DecidedPiece[] = boxes.filter((b) => !boxIsEmpty(b)).map((box) => ({ box, access: "Allow" as Access, decisions: [] }));
  const denied: DecidedPiece[] = [];
  for (const level of levels) {
    const next: DecidedPiece[] = [];
    for (const piece of current) {
      for (const { box, rule } of firstMatch(level.rules, [piece.box], notes)) {
        const decisions = [...piece.decisions, { level: level.kind, nsg: level.nsg, rule: rule.rule, nicKey: level.nicKey }];
        if (rule.rule.access === "Allow") next.push({ box, access: "Allow", decisions });
        else denied.push({ box, access: "Deny", decisions });
      }
    }
    current = next;
  }
  return [...current, ...denied];
}

export function levelsFor(direction: Direction, nicLevel: Level | undefined, subnetLevel: Level | undefined): Level[] {
  const order = direction === "Outbound" ? [nicLevel, subnetLevel] : [subnetLevel, nicLevel];
  return order.filter((l): l is Level => l !== undefined);
}
