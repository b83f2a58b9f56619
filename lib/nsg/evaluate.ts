// Azure's NSG semantics over sets of packets. Within one NSG the matching rule with the lowest
// priority number decides. Outbound traffic meets the NIC's NSG then the subnet's; inbound the
// subnet's then the NIC's; a packet passes only if every NSG on its way allows it, and a level
// with no NSG allows. https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
import type { Access, Direction, Nsg, SecurityRule } from "../model/types";
import { NO_TAGS, type TagSet, tagsIsEmpty } from "../net/tag-set";
import { addrOverlaps, symbolic } from "../net/addr-set";
import { assumedApart, passedOverNote } from "../net/assumed-apart";
import * as iv from "../net/intervals";
import { type Box, boxIntersect, boxIsEmpty, boxOverlaps, boxSplit, boxSubtract } from "./box";
import type { CompiledRule } from "./compile";

export interface Decision {
  level: "nic" | "subnet";
  nsg: Nsg;
  rule: SecurityRule;
  nicKey?: string;
}

export interface DecidedPiece {
  box: Box;
  /**
   * `Unaudited`: at some level whether a rule naming an ASG at the far end matches cannot be told (CompiledRule.maybe),
   * and the NSGs end the traffic differently either way (`why` says so); it goes on through the later levels, where a
   * Deny still ends it (both ways denied).
   */
  access: Access | "Unaudited";
  /** The deciding rule at each NSG level the piece met, in traversal order (for an unknown match, the rule naming the ASG). */
  decisions: Decision[];
  why?: string;
}

/**
 * A piece first-match decided, with the rule that decided it. With `why`, the piece lies where a rule naming an ASG at
 * the far end may or may not match (CompiledRule.maybe) and the NSG decides it differently either way: `rule` is that
 * rule, and the verdict of this NSG is unknown.
 */
export interface Match {
  box: Box;
  rule: CompiledRule;
  why?: string;
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
  const part = passedOverPart(box, rule.box, { dstPublic: dstMay && rule.dstSpecificPublic, srcPublic: srcMay && rule.srcSpecificPublic, dstMay, srcMay });
  return part && { rule, ...part };
}

/**
 * The part of `box` that a rule matching `rule` (an NSG or admin rule's box) passes over only because service tags held
 * without prefixes are taken as disjoint from what it names (CONTRACT §4), with the side and the tags at stake; or
 * undefined. Only where the rule matches the box's protocols and ports, and its other side. `dstPublic`/`srcPublic`:
 * whether that side names specific public addresses; `dstMay`/`srcMay`: whether that side can assume anything at all
 * (callers on the hot path know it before any set is built).
 */
export function passedOverPart(
  box: Box,
  rule: Box,
  { dstPublic, srcPublic, dstMay = !tagsIsEmpty(box.dst.tags), srcMay = !tagsIsEmpty(box.src.tags) }: { dstPublic?: boolean; srcPublic?: boolean; dstMay?: boolean; srcMay?: boolean } = {},
): { box: Box; side: "src" | "dst"; tags: TagSet } | undefined {
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
 * Traffic a rule may or may not match (CompiledRule.maybe: an ASG at the far end whose members share free addresses
 * with non-members) is decided both ways, by the rule and by the rules after it, as the firewall stage does for an IP
 * group it lacks (lib/path/firewall.ts): where both give the same access the later rules' decision stands, elsewhere
 * the piece comes back with `why` (Match).
 * https://learn.microsoft.com/azure/virtual-network/application-security-groups
 */
export function firstMatch(rules: readonly CompiledRule[], boxes: readonly Box[], notes?: Notes): Match[] {
  const out: Match[] = [];
  const assumed: Assumed[] | undefined = notes ? [] : undefined;
  matchFrom(rules, 0, boxes.filter((b) => !boxIsEmpty(b)), out, assumed);
  if (notes && assumed?.length) noteAssumptions(assumed, out, notes);
  // compileNsg always includes Azure's DenyAll rules, so nothing is left undecided here.
  return out;
}

/** First match from rule `start` on; pushes each decided piece to `out`. */
function matchFrom(rules: readonly CompiledRule[], start: number, boxes: Box[], out: Match[], assumed: Assumed[] | undefined): void {
  let remaining = boxes;
  for (let r = start; r < rules.length; r++) {
    const rule = rules[r];
    if (remaining.length === 0) break;
    // Most rules miss the traffic class entirely; only allocate when one hits.
    let next: Box[] | undefined;
    for (let i = 0; i < remaining.length; i++) {
      const box = remaining[i];
      if (assumed) {
        const a = assumption(box, rule);
        if (a) assumed.push(a);
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
    if (rule.maybe) remaining = maybeMatch(rules, r, remaining, out, assumed);
  }
}

/**
 * The traffic of `remaining` that rule `at` may or may not match (its `maybe` parts), decided both ways: with the
 * rule's access, and by the rules after it. Returns what is left for the next rule. Each packet meets each rule once.
 */
function maybeMatch(rules: readonly CompiledRule[], at: number, remaining: Box[], out: Match[], assumed: Assumed[] | undefined): Box[] {
  const rule = rules[at];
  for (const part of rule.maybe!) {
    const { inside, outside } = boxSplit(remaining, part.box);
    remaining = outside;
    if (inside.length === 0) continue;
    const later: Match[] = [];
    matchFrom(rules, at + 1, inside, later, assumed);
    for (const m of later) {
      if (m.why === undefined && m.rule.rule.access === rule.rule.access) out.push(m);
      else out.push({ box: m.box, rule, why: joinWhy(part.why, m.why) });
    }
  }
  return remaining;
}

/** Two reasons a piece cannot be judged, as one ("cannot be judged: a; b"). */
function joinWhy(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b || a === b) return a ?? b;
  return `${a}; ${b.replace(/^cannot be judged: /, "")}`;
}

/** Passes the packets through the NSG levels in order; what one level denies never reaches the next. */
export function evaluateChain(levels: readonly Level[], boxes: readonly Box[], notes?: Notes): DecidedPiece[] {
  let current: DecidedPiece[] = boxes.filter((b) => !boxIsEmpty(b)).map((box) => ({ box, access: "Allow" as Access, decisions: [] }));
  const denied: DecidedPiece[] = [];
  for (const level of levels) {
    const next: DecidedPiece[] = [];
    for (const piece of current) {
      for (const { box, rule, why } of firstMatch(level.rules, [piece.box], notes)) {
        const decisions = [...piece.decisions, { level: level.kind, nsg: level.nsg, rule: rule.rule, nicKey: level.nicKey }];
        // Unknown here goes on like an Allow: a later level's Deny ends it whichever way this one went.
        if (why) next.push({ box, access: "Unaudited", decisions, why: joinWhy(piece.why, why) });
        else if (rule.rule.access === "Allow") next.push({ box, access: piece.access, decisions, ...(piece.why ? { why: piece.why } : {}) });
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
