// Azure's NSG semantics over sets of packets. Within one NSG the matching rule with the lowest
// priority number decides. Outbound traffic meets the NIC's NSG then the subnet's; inbound the
// subnet's then the NIC's; a packet passes only if every NSG on its way allows it, and a level
// with no NSG allows. https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
import type { Access, Direction, Nsg, SecurityRule } from "../model/types";
import { NO_TAGS, type TagSet, tagsIsEmpty } from "../net/tag-set";
import { addrOverlaps, symbolic } from "../net/addr-set";
import { assumedApart, passedOverNote } from "../net/assumed-apart";
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

/** A rule the traffic in `box` passed over only because, without prefixes, tags are taken as disjoint from what it names. */
interface Assumed {
  rule: CompiledRule;
  /** The part of the traffic at stake: `box` narrowed to the tags the rule may in fact overlap. */
  box: Box;
  side: "src" | "dst";
  tags: TagSet;
}

/**
 * Whether `rule`, met by `box`, names public CIDRs or another service tag that the box's service tags (held without
 * prefixes) may share addresses with, while the engine keeps them apart (CONTRACT §4): the part of the box at stake,
 * or undefined. Only where the rule matches the box's protocols and ports, and its other side.
 */
function assumption(box: Box, rule: CompiledRule): Assumed | undefined {
  // A side naming neither public addresses nor a tag held without prefixes (`*`, `Internet`, private space), or met by
  // traffic with no service tag, assumes nothing. Checked first: this runs for every rule and piece of every flow.
  const dstMay = (rule.dstSpecificPublic || rule.dstSymbolicTag) && !tagsIsEmpty(box.dst.tags);
  const srcMay = (rule.srcSpecificPublic || rule.srcSymbolicTag) && !tagsIsEmpty(box.src.tags);
  if (!dstMay && !srcMay) return undefined;
  const part = passedOverPart(box, rule.box, dstMay && rule.dstSpecificPublic, srcMay && rule.srcSpecificPublic, dstMay, srcMay);
  return part && { rule, ...part };
}

/**
 * The part of `box` that a rule matching `rule` (an NSG or admin rule's box) passes over only because service tags held
 * without prefixes are taken as disjoint from what it names (CONTRACT §4), with the side and the tags at stake; or
 * undefined. Only where the rule matches the box's protocols and ports, and its other side. `dstPublic`/`srcPublic`:
 * whether that side names specific public addresses; `dstMay`/`srcMay`: whether that side can assume anything at all
 * (callers on the hot path know it before any set is built).
 */
export function passedOverPart(box: Box, rule: Box, dstPublic?: boolean, srcPublic?: boolean, dstMay = !tagsIsEmpty(box.dst.tags), srcMay = !tagsIsEmpty(box.src.tags)): { box: Box; side: "src" | "dst"; tags: TagSet } | undefined {
  if ((box.proto & rule.proto) === 0 || !iv.overlaps(box.dstPorts, rule.dstPorts) || !iv.overlaps(box.srcPorts, rule.srcPorts)) return undefined;
  const dst = dstMay ? assumedApart(box.dst.tags, rule.dst, dstPublic) : NO_TAGS;
  const src = srcMay ? assumedApart(box.src.tags, rule.src, srcPublic) : NO_TAGS;
  const dstAt = !tagsIsEmpty(dst);
  const srcAt = !tagsIsEmpty(src);
  if (!dstAt && !srcAt) return undefined;
  if (!dstAt && !addrOverlaps(box.dst, rule.dst)) return undefined;
  if (!srcAt && !addrOverlaps(box.src, rule.src)) return undefined;
  return dstAt ? { box: { ...box, dst: symbolic(dst) }, side: "dst", tags: dst } : { box: { ...box, src: symbolic(src) }, side: "src", tags: src };
}

/**
 * Says so where a rule was passed over only because of the assumption and the traffic it may have matched was then
 * decided otherwise (a Deny passed over for an Allow, or the reverse): the verdict depends on prefixes not supplied.
 */
function noteAssumptions(assumed: readonly Assumed[], decided: readonly { box: Box; rule: CompiledRule }[], notes: Notes): void {
  const note = passedOverNote(
    assumed,
    (a) => decided.some((d) => d.rule.rule.access !== a.rule.rule.access && boxOverlaps(d.box, a.box)),
    (a) => `NSG rule ${a.rule.rule.name} (${a.rule.rule.priority}, ${a.rule.rule.access}) in ${a.rule.nsg.name} (${(a.side === "dst" ? a.rule.rule.destinationAddressPrefixes : a.rule.rule.sourceAddressPrefixes).join(", ")})`,
    (a) => a.tags,
    assumed[0]?.rule.tagDisplay,
  );
  if (note && !notes.includes(note)) notes.push(note);
}

/**
 * First-match evaluation of one NSG over a set of packets: each piece of the input comes back with
 * the rule that decided it. The default DenyAll rules guarantee every packet is decided. With `notes`, a sentence is
 * added (once) where a rule was passed over only because, without service tag prefixes, tags are taken as disjoint
 * from what it names, and that traffic was then decided the other way (CONTRACT §4 "say so rather than guess").
 */
export function firstMatch(rules: readonly CompiledRule[], boxes: readonly Box[], notes?: Notes): { box: Box; rule: CompiledRule }[] {
  const out: { box: Box; rule: CompiledRule }[] = [];
  let assumed: Assumed[] | undefined;
  let remaining = boxes.filter((b) => !boxIsEmpty(b));
  for (const rule of rules) {
    if (remaining.length === 0) break;
    // Most rules miss the traffic class entirely; only allocate when one hits.
    let next: Box[] | undefined;
    for (let i = 0; i < remaining.length; i++) {
      const box = remaining[i];
      if (notes) {
        const a = assumption(box, rule);
        if (a) (assumed ??= []).push(a);
      }
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
  if (notes && assumed) noteAssumptions(assumed, out, notes);
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
