// The path a packet takes, composed once (CONTRACT §4.1): admin rules, the NSG chain, the route chosen
// by longest prefix, the next hop's own policy (an Azure Firewall), the outbound path. Each stage is a
// first-match table over packet boxes that hands on, allows or denies pieces, naming what decided.
// An outbound flow (the source's side) goes through every stage; an inbound flow (the destination's
// side) through the destination's admin rules and NSGs.
import { type AddrSet, addrIntersect, addrIsEmpty, addrOverlaps, addrSubtract, addrUnionAll, concrete } from "../net/addr-set";
import { ALL_PORTS } from "../net/ports";
import type { ProtoSet } from "../net/protocols";
import { NON_PUBLIC_V4, NON_PUBLIC_V6 } from "../net/ip";
import type { AzureFirewall, SecurityRule, Subnet } from "../model/types";
import { type Box, boxOverlaps, boxSplit } from "../nsg/box";
import type { EndpointGroup, Estate } from "../nsg/estate";
import { withSecondaryNicDoubt } from "../nsg/secondary-nic";
import { type Level, type Notes, evaluateChain, levelsFor, passedOverPart } from "../nsg/evaluate";
import { passedOverNote } from "../net/assumed-apart";
import { lastSegment } from "../snapshot/arm-id";
import { NO_TAGS, type TagSet } from "../net/tag-set";
import type { FlowSpec } from "../nsg/flow";
import { type FirewallEvidence, type RouteEvidence, evidenceStage } from "../report/types";
import { PLATFORM_SET } from "./platform-dns";
import { type CompiledAdminRule, adminDeploymentNotes, adminEvidence, adminRulesFor, dynamicMembershipNote, unknownWhat } from "./admin-rules";
import { type AssumptionSink, type FirewallTable, evaluateFirewall, firewallKeys, firewallSubnet, firewallTable, snatRangesWords, unsnattedPart } from "./firewall";
import { firewallFailure } from "../snapshot/firewall-state";
import { networkFqdnDoubt } from "./name-resolution";
import { firewallSourceKey } from "./firewall-sources";
import { ANY_NAME } from "./fqdn";
import { type NextHop, nextHop } from "./next-hop";
import { type OutboundPath, forHolders, holderName, outboundEvidence, outboundPaths, withoutHolder } from "./outbound";
import { type EffectiveRoute, lookup, routesAssumedApart, subnetRoutes } from "./routes";
import type { PathPiece } from "./types";
import { hubForcedTunnel } from "./virtual-hub";
import { bgpLearnedNote } from "./bgp-note";
import { routeEvidence } from "./route-evidence";
import { type Way, routeReach } from "./reach";

/** The boxes of a traffic class, one per address family the local end has addresses in. */
export function familyBoxes(local: AddrSet, spec: FlowSpec): Box[] {
  const boxes: Box[] = [];
  // A subnet only sends and receives the address families it has addresses in.
  for (const fam of [4, 6] as const) {
    const localF: AddrSet = { v4: fam === 4 ? local.v4 : [], v6: fam === 6 ? local.v6 : [], tags: local.tags };
    if (addrIsEmpty(localF)) continue;
    const remoteF: AddrSet = { v4: fam === 4 ? spec.remote.v4 : [], v6: fam === 6 ? spec.remote.v6 : [], tags: spec.remote.tags };
    if (addrIsEmpty(remoteF)) continue;
    boxes.push(
      spec.direction === "Outbound"
        ? { proto: spec.protocols, src: localF, srcPorts: ALL_PORTS, dst: remoteF, dstPorts: spec.ports }
        : { proto: spec.protocols, src: remoteF, srcPorts: ALL_PORTS, dst: localF, dstPorts: spec.ports },
    );
  }
  return boxes;
}


/** Splits a destination set into its public part (service tags included) and the private ranges. */
function publicPart(dst: AddrSet): { pub: AddrSet; priv: AddrSet } {
  const priv = addrIntersect(dst, concrete(NON_PUBLIC_V4, NON_PUBLIC_V6));
  return { pub: addrSubtract(dst, priv), priv };
}

export interface PathContext {
  estate: Estate;
  subnet: Subnet;
  spec: FlowSpec;
  notes: Notes;
  touched: Set<string>;
  /**
   * The firewalls this flow's pieces reached so far, with their table and the sources already recorded as touched:
   * every piece a route table splits off (one per route) meets the same firewall, and re-reading its table and
   * re-writing its touched keys per piece cost more than deciding it.
   */
  firewalls?: Map<AzureFirewall, FirewallVisit>;
  /**
   * Set where the packet arrives at a private endpoint: "security admin rules don't apply to Azure Private Endpoints
   * that fall under the scope of a virtual network managed by Azure Virtual Network Manager", so the admin stage is
   * skipped. https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
   */
  atPrivateEndpoint?: boolean;
}

interface FirewallVisit {
  table: FirewallTable;
  keys: string[];
  sources: Set<AddrSet | "*">;
  /** Where the firewall stage says what rests on missing tag prefixes: the flow's notes, made once per flow. */
  sink?: AssumptionSink;
}

/** A piece the admin rules hand on, and whether it skips the NSGs (`AlwaysAllow`). */
interface Handed {
  piece: PathPiece;
  skipNsg: boolean;
}

/**
 * The NSG stage for one handed piece: its parts, each dropped (`Deny`, decided at "nsg") or live, on to the route
 * (`Allow`, or `Unaudited` when an NSG or NIC the subnet names is not in the input).
 */
type NsgRun = (h: Handed) => PathPiece[];

/**
 * A piece as the admin rules and then the NSGs left it, with what the admin rules did to it (`Allow`: handed to the
 * NSGs; `Unaudited`: an admin rule whose addresses the input cannot show decides it, one way or the other).
 */
interface AdminOutcome {
  piece: PathPiece;
  via: "Allow" | "Deny" | "AlwaysAllow" | "Unaudited";
}

/**
 * How many admin rules of unknown addresses may overlap one piece before the traffic the next one could match is left
 * unjudged as a whole (as it was before branching). Each such rule is evaluated both ways (it matches, or not) and the
 * two ends compared; that costs one more NSG evaluation per rule, not a doubling, but the split pieces multiply, and
 * estates rarely have more than a few such rules.
 */
const MAX_UNKNOWN_ADMIN_RULES = 4;

/** A piece is live after the admin rules and NSGs when it goes on to the route; everything else ended there. */
const isLive = (p: PathPiece) => p.access === "Allow" || (p.access === "Unaudited" && p.decidedAt === "nsg");

/** How a piece ends after the admin rules and NSGs, for comparing the branches of an unknown admin rule. */
const endOf = (p: PathPiece) => (p.access === "Unaudited" ? `Unaudited|${p.decidedAt}|${p.why}` : p.access);

/**
 * Stages 1 and 2: admin rules, lowest priority first (`Deny` drops, `AlwaysAllow` skips the NSGs, `Allow` hands the
 * packet to the NSGs), then the NSG chain for what they hand on. Pushes what ends here to `done`; returns the live
 * pieces, on their way to the route.
 */
function adminStage(cx: PathContext, pieces: PathPiece[], nsg: NsgRun, done: PathPiece[]): PathPiece[] {
  const rules = cx.atPrivateEndpoint ? [] : adminRulesFor(cx.estate, cx.subnet, cx.spec.direction);
  const dynamic = dynamicMembershipNote(cx.estate);
  if (dynamic && !cx.notes.includes(dynamic)) cx.notes.push(dynamic);
  const live: PathPiece[] = [];
  const apart: AdminApart[] = [];
  const ends: PathPiece[] = [];
  for (const piece of pieces) {
    const ended = rules.length ? adminFrom(cx, rules, 0, piece, [piece.box], nsg, 0, apart).map((o) => o.piece) : nsg({ piece, skipNsg: false });
    for (const p of ended) (isLive(p) ? live : done).push(p);
    if (apart.length) ends.push(...ended);
  }
  if (!cx.atPrivateEndpoint) for (const note of adminDeploymentNotes(cx.estate, cx.subnet, cx.spec.direction)) if (!cx.notes.includes(note)) cx.notes.push(note);
  if (apart.length) noteAdminApart(cx, apart, ends);
  return live;
}

/**
 * First match over `rules` from index `at` for the `pending` parts of `piece`, then the NSGs for what is handed on.
 * A rule whose addresses the input cannot show (`unknown`, its box widened to any address on that side) may or may not
 * match the traffic in its box: both branches are followed, the rule's action and the rules after it (as the firewall
 * stage does for a missing IP group, lib/path/firewall.ts). Where both end alike after the NSGs, that is the verdict,
 * with the evidence of the branch where the rule does not match; elsewhere it cannot be judged. `depth`: how many
 * unknown rules this traffic already branched on (see MAX_UNKNOWN_ADMIN_RULES).
 * https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
 */
function adminFrom(cx: PathContext, rules: readonly CompiledAdminRule[], at: number, piece: PathPiece, pending: Box[], nsg: NsgRun, depth: number, apart?: AdminApart[]): AdminOutcome[] {
  const out: AdminOutcome[] = [];
  /** Takes the pending traffic inside `within` out of `pending` (the rest goes on to the next rule) and returns it. */
  const split = (within: Box): Box[] => {
    const { inside, outside } = boxSplit(pending, within);
    pending = outside;
    return inside;
  };
  for (; at < rules.length && pending.length; at++) {
    const c = rules[at];
    if (apart)
      for (const box of pending) {
        const part = passedOverPart(box, c.box);
        if (part) apart.push({ c, ...part });
      }
    // What the rule surely matches (all of it when its addresses are known) is decided by it; what it may match
    // leaves this walk for its two branches. Either way each packet meets each rule once.
    const sure = c.sureParts ? c.sureParts.flatMap((b) => split(b)) : split(c.sure ?? c.box);
    const maybe = c.unknown ? split(c.box) : [];
    if (sure.length + maybe.length === 0) continue;
    cx.touched.add(c.rule.key);
    const matched: PathPiece = { ...piece, steps: [...piece.steps, adminEvidence(c)] };
    for (const box of sure) out.push(...applyAdmin(c, { ...matched, box }, nsg));
    if (maybe.length === 0) continue;
    if (depth >= MAX_UNKNOWN_ADMIN_RULES) for (const box of maybe) out.push(unjudged(c, { ...matched, box }));
    else for (const f of adminFrom(cx, rules, at + 1, piece, maybe, nsg, depth + 1, apart)) out.push(...bothBranches(cx, c, matched, f, nsg));
  }
  for (const box of pending) for (const p of nsg({ piece: { ...piece, box }, skipNsg: false })) out.push({ piece: p, via: "Allow" });
  return out;
}

/** An admin rule the traffic in `box` passed over only because, without prefixes, tags are taken as disjoint from what it names. */
interface AdminApart {
  c: CompiledAdminRule;
  box: Box;
  side: "src" | "dst";
  tags: TagSet;
}

/**
 * Says so where an admin rule was passed over only because service tags held without prefixes are taken as disjoint
 * from what it names (CONTRACT §4 "say so rather than guess"), and that traffic then ended otherwise than the rule
 * would have ended it: a Deny passed over for traffic that went on, an AlwaysAllow for traffic denied, an Allow for
 * traffic a later admin rule denied. The
 * same note as the NSG and firewall stages give (lib/net/assumed-apart.ts).
 */
function noteAdminApart(cx: PathContext, apart: readonly AdminApart[], ends: readonly PathPiece[]): void {
  // An Allow hands traffic to the NSGs as passing it over does: only a later admin rule's Deny ends it otherwise.
  const otherwise = (a: AdminApart, p: PathPiece) =>
    a.c.rule.access === "Deny" ? isLive(p) : a.c.rule.access === "AlwaysAllow" ? p.access === "Deny" : p.access === "Deny" && p.decidedAt === "admin-rule";
  const note = passedOverNote(
    apart,
    (a) => ends.some((p) => otherwise(a, p) && boxOverlaps(p.box, a.box)),
    (a) => `security admin rule ${a.c.rule.name} (${a.c.rule.priority}, ${a.c.rule.access}) in ${a.c.collection.name} (${(a.side === "dst" ? a.c.rule.destinations : a.c.rule.sources).map((x) => (x.startsWith("/") ? lastSegment(x) : x)).join(", ")})`,
    (a) => a.tags,
    cx.estate.context(cx.subnet).tagDisplay,
  );
  if (note && !cx.notes.includes(note)) cx.notes.push(note);
}

/** What admin rule `c` does to `p` when it matches, the NSGs included. */
function applyAdmin(c: CompiledAdminRule, p: PathPiece, nsg: NsgRun): AdminOutcome[] {
  const access = c.rule.access;
  if (access === "Deny") return [{ piece: { ...p, access: "Deny", decidedAt: "admin-rule" }, via: "Deny" }];
  return nsg({ piece: p, skipNsg: access === "AlwaysAllow" }).map((q) => ({ piece: q, via: access }));
}

/**
 * Unknown admin rule `c` against `f`, how the traffic ends when `c` does not match: where `c` matching ends it the
 * same way, `f` stands (naming the elements that decided it, with a note that `c` does not change it); elsewhere the
 * traffic cannot be judged.
 */
function bothBranches(cx: PathContext, c: CompiledAdminRule, matched: PathPiece, f: AdminOutcome, nsg: NsgRun): AdminOutcome[] {
  if (f.via === "Unaudited") return [unjudged(c, { ...matched, box: f.piece.box }, f.piece.why)];
  // An Allow hands the packet to the NSGs, as the rules after it did here: the rule changes nothing.
  if (c.rule.access === "Allow" && f.via === "Allow") return [f];
  const out: AdminOutcome[] = [];
  for (const m of applyAdmin(c, { ...matched, box: f.piece.box }, nsg)) {
    if (endOf(m.piece) !== endOf(f.piece)) {
      const deeper = [m.piece, f.piece].find((p) => p.access === "Unaudited")?.why;
      out.push(unjudged(c, { ...matched, box: m.piece.box }, deeper));
      continue;
    }
    out.push({ piece: { ...f.piece, box: m.piece.box }, via: f.via });
    const note = `Security admin rule ${c.rule.name} (${c.rule.access}) ${unknownWhat(c)} (${c.unknown}); where the traffic it could match ends the same way whether it matches or not, it does not change the verdict.`;
    if (!cx.notes.includes(note)) cx.notes.push(note);
  }
  return out;
}

/** `p` left unjudged by unknown admin rule `c`; `deeper`: what else leaves it unjudged. */
function unjudged(c: CompiledAdminRule, p: PathPiece, deeper?: string): AdminOutcome {
  const mine = `cannot be judged: security admin rule ${c.rule.name} (${c.rule.access}) ${unknownWhat(c)}: ${c.unknown}`;
  const more = deeper && deeper !== mine ? `; ${deeper.replace(/^cannot be judged: /, "")}` : "";
  return { piece: { ...p, access: "Unaudited", decidedAt: "admin-rule", why: `${mine}${more}` }, via: "Unaudited" };
}

/** A level the input names but does not hold: what it would decide is unknown. */
interface MissingLevel {
  what: string;
}

/** Stage 2: the NSG chain (NIC then subnet outbound; subnet then NIC inbound), read once, for each piece handed on. */
function nsgStage(cx: PathContext, group: EndpointGroup): NsgRun {
  const { estate, subnet, spec } = cx;
  // A scale set's traffic class carries its ASG membership (EndpointGroup.asgView): rules naming ASGs compile for it.
  const subnetLevel = estate.subnetLevel(subnet, spec.direction, group.asgView);
  if (subnetLevel) cx.touched.add(subnetLevel.nsg.key);
  const nicLevel = estate.nicLevel(group.nicNsgKey, subnet, spec.direction, group.asgView);
  if (nicLevel) cx.touched.add(nicLevel.nsg.key);
  // The subnet's route table widens VirtualNetwork for these NSGs (CONTRACT §4.1 stage 2): a route fix changes
  // what they match, so a cached result of this flow must not outlive it.
  if (subnet.routeTableKey && (subnetLevel || nicLevel)) cx.touched.add(subnet.routeTableKey);
  const missing: MissingLevel[] = [];
  if (subnet.nsgKey && !subnetLevel) missing.push({ what: `NSG ${subnet.nsgKey.split("/").pop()} of ${subnet.vnetName}/${subnet.name} is not in the input (add \`az network nsg list\`)` });
  if (group.nicNsgKey && !nicLevel) missing.push({ what: `NSG ${group.nicNsgKey.split("/").pop()} of ${group.nics[0]?.name ?? "a NIC"} is not in the input (add \`az network nsg list\`)` });
  if (group.missingNic) missing.push({ what: `NIC ${group.missingNic.split("/").pop()}, which ${subnet.vnetName}/${subnet.name} names, is not in the input (add \`az network nic list\`, and \`az vmss nic list\` for scale sets)` });
  const levels: Level[] = levelsFor(spec.direction, nicLevel, subnetLevel);
  return ({ piece, skipNsg }) => {
    if (skipNsg) return [piece];
    return evaluateChain(levels, [piece.box], cx.notes).map((d): PathPiece => {
      const p: PathPiece = { ...piece, box: d.box, decisions: [...piece.decisions, ...d.decisions] };
      if (d.access === "Deny") return { ...p, access: "Deny", decidedAt: "nsg" };
      // Unknown at the NSGs (a rule naming an ASG whose members and non-members share addresses, or an NSG or NIC the
      // input lacks): it goes on to the route, as live traffic, where a later Deny still ends it.
      const whys = [...(d.why ? [d.why.replace(/^cannot be judged: /, "")] : []), ...missing.map((m) => m.what)];
      if (whys.length) return { ...p, access: "Unaudited", decidedAt: "nsg", why: `cannot be judged: ${whys.join("; ")}` };
      return p;
    });
  };
}

const routeEvidenceOf = new WeakMap<EffectiveRoute, WeakMap<NextHop, RouteEvidence>>();

/**
 * `routeEvidence`, one object per route and next hop (both are remembered objects, see `nextHop`): the pieces and
 * flows that take one route share its evidence, so a report's evidence lists find it already seen rather than
 * serialising a copy per piece.
 */
function sharedRouteEvidence(route: EffectiveRoute, hop: NextHop): RouteEvidence {
  let byHop = routeEvidenceOf.get(route);
  if (!byHop) routeEvidenceOf.set(route, (byHop = new WeakMap()));
  let e = byHop.get(hop);
  if (!e) byHop.set(hop, (e = routeEvidence(route, hop)));
  return e;
}

/** The route stage and what follows it: next hop, firewall, outbound path. */
function forwardStage(cx: PathContext, group: EndpointGroup, pieces: PathPiece[], done: PathPiece[]): void {
  const { estate, subnet } = cx;
  const routes = subnetRoutes(estate, subnet);
  const table = subnet.routeTableKey;
  if (table) cx.touched.add(table);
  const display = estate.context(subnet).tagDisplay;
  const routesUnknown = table && !estate.snapshot.routeTables.has(table) ? `route table ${table.split("/").pop()} of ${subnet.vnetName}/${subnet.name} is not in the input (add \`az network route-table list\`)` : estate.snapshot.routeDisputes?.get(subnet.key);
  for (const piece of pieces) {
    const family = piece.box.src.v4.length ? 4 : 6;
    // A route passed over only because tags without prefixes are taken as disjoint from it (CONTRACT §4): say so.
    for (const n of routesAssumedApart(routes, family, piece.box.dst, display)) if (!cx.notes.includes(n)) cx.notes.push(n);
    for (const { dst, route } of lookup(routes, family, piece.box.dst)) {
      const hop = nextHop(estate, subnet, route);
      if (route.assumedTag) {
        const note = `Route ${route.name} names service tag ${route.assumedTag}; without its prefixes (--service-tags) it is assumed to cover exactly that tag, more specific than 0.0.0.0/0 and less than any explicit CIDR.`;
        if (!cx.notes.includes(note)) cx.notes.push(note);
      }
      const p: PathPiece = { ...piece, box: { ...piece.box, dst }, steps: [...piece.steps, sharedRouteEvidence(route, hop)] };
      const unaudited = (why: string): PathPiece => ({ ...p, access: "Unaudited", decidedAt: "route", why });
      if (routesUnknown && p.access !== "Unaudited") {
        done.push(unaudited(`cannot be judged: ${routesUnknown}`));
        continue;
      }
      if (route.regionUnknown && p.access !== "Unaudited") {
        const { tag, base } = route.regionUnknown;
        done.push(unaudited(`cannot be judged: ${route.source === "User" ? "route" : "system route"} ${route.name} covers service tag ${tag}, which the supplied service tags lack (they hold ${base}, which contains it), so whether this traffic takes that route is unknown (supply the service tags file with its regional entries)`));
        continue;
      }
      switch (hop.kind) {
        case "deliver":
          done.push(p);
          break;
        case "drop":
          // The private ranges' None routes stand where the VNet's own and its peerings' routes would be: without
          // the VNet that is unknown, not a drop.
          if (route.source === "Default" && route.nextHopType === "None" && !estate.snapshot.vnets.get(subnet.vnetKey)?.addressPrefixes.length) done.push(unaudited(`cannot be judged: ${subnet.vnetName}, the VNet of ${subnet.name}, is not in the input, so its address space and peerings are unknown (add \`az network vnet list\`)`));
          else done.push({ ...p, access: "Deny", decidedAt: "route", why: hop.why });
          break;
        case "outside":
          done.push(p.access === "Unaudited" ? p : unaudited(`handed to ${hop.what}, outside the audit`));
          break;
        case "missing":
          done.push(unaudited(`cannot be judged: ${hop.what}`));
          break;
        case "internet":
          outboundStage(cx, group, p, done);
          break;
        case "firewall":
          firewallStage(cx, hop.firewall, p, done);
          break;
      }
    }
  }
  bgpNote(cx);
}

/** Stage 5: an Azure Firewall at the next hop; what it allows leaves through its public IP or reaches the VNet. */
function firewallStage(cx: PathContext, firewall: AzureFirewall, piece: PathPiece, done: PathPiece[]): void {
  cx.firewalls ??= new Map();
  let visit = cx.firewalls.get(firewall);
  if (!visit) {
    visit = { table: firewallTable(cx.estate, firewall, cx.subnet), keys: firewallKeys(cx.estate, firewall), sources: new Set() };
    cx.firewalls.set(firewall, visit);
    for (const k of visit.keys) cx.touched.add(k);
    for (const n of visit.table.notes) if (!cx.notes.includes(n)) cx.notes.push(n);
  }
  const { table } = visit;
  // Which source came this way: a fix allowing one subnet at the firewall then re-runs the findings that sent from
  // that subnet, not everything behind the firewall (firewall-sources.ts). Pieces split by routes share their source.
  const src = table.missing ? "*" : piece.box.src;
  if (!visit.sources.has(src)) {
    visit.sources.add(src);
    for (const k of visit.keys) cx.touched.add(firewallSourceKey(k, src));
  }
  if (table.missing) {
    done.push({ ...piece, access: "Unaudited", decidedAt: "firewall", why: `cannot be judged: ${table.missing}` });
    return;
  }
  visit.sink ??= { notes: cx.notes, tagDisplay: cx.estate.context(cx.subnet).tagDisplay };
  // A private endpoint's name resolves to its one address from its private DNS zone, for the firewall and the
  // machines alike: only a public name's answers may differ between them.
  const dnsDoubt = addrIsEmpty(publicPart(piece.box.dst).pub) ? undefined : networkFqdnDoubt(cx.estate, firewall, cx.subnet);
  const failed = firewallFailure(cx.estate.snapshot, firewall);
  for (const f of evaluateFirewall(table, piece.box, cx.spec.names ?? ANY_NAME, visit.sink, dnsDoubt, cx.spec.appProtocol)) {
    const p: PathPiece = {
      ...piece,
      box: f.box,
      steps: [...piece.steps, f.evidence],
      ...(f.fqdn ? { fqdn: f.fqdn } : {}),
      ...(f.allowedNames ? { allowedNames: f.allowedNames } : {}),
      ...(f.broad ? { broad: f.broad } : {}),
    };
    // A firewall (or policy, or rule collection group) whose last operation failed may forward by an earlier set of
    // rules than the one exported: the failed update may be the one that allowed this, or the one that denied it.
    if (failed && f.access !== "Unaudited") {
      const exported = f.access === "Deny" ? (f.evidence.rule ? `denied by ${f.evidence.rule}` : "denied, no rule matching it") : `allowed by ${f.evidence.rule ?? "its rules"}`;
      done.push({ ...p, access: "Unaudited", decidedAt: "firewall", why: `cannot be judged: ${failed}, so it may be forwarding by an earlier set of rules than the one exported (which has it ${exported}); restore the Succeeded state (repeat the last update) and export it again` });
      continue;
    }
    if (f.access === "Deny") {
      done.push({ ...p, access: "Deny", decidedAt: "firewall" });
      continue;
    }
    // A rule whose match the input cannot show (an IP group not in it, an FQDN tag for a named destination).
    if (f.access === "Unaudited") {
      done.push({ ...p, access: "Unaudited", decidedAt: "firewall", why: f.why });
      continue;
    }
    const { pub, priv } = publicPart(p.box.dst);
    if (!addrIsEmpty(priv)) done.push({ ...p, box: { ...p.box, dst: priv } });
    if (addrIsEmpty(pub)) continue;
    const out: PathPiece = { ...p, box: { ...p.box, dst: pub } };
    if (firewall.hasManagementIpConfiguration) {
      done.push({ ...out, access: out.access === "Deny" ? "Deny" : "Unaudited", decidedAt: "firewall", why: `allowed by ${firewall.name}, whose own egress runs in forced-tunnelling mode (management IP configuration): outside the audit` });
    } else {
      firewallEgress(cx, firewall, out, done);
    }
  }
}

/**
 * What a firewall without a management IP configuration lets out leaves through its public IP, as its own subnet's
 * routes send it: Azure Firewall "must have direct Internet connectivity", so a route table on `AzureFirewallSubnet`
 * that sends public destinations anywhere but `Internet` (0.0.0.0/0 to a VPN gateway or an appliance) is forced
 * tunnelling without the mode that supports it. That part is handed on outside the audit (`None`: dropped), naming the
 * route; the rest leaves as before. The subnet's routes learned over BGP count with or without a route table. For a
 * connection (`spec.replies`), what leaves counts only with a way back for its replies (withReplies).
 * https://learn.microsoft.com/azure/firewall/forced-tunneling
 */
function firewallEgress(cx: PathContext, firewall: AzureFirewall, out: PathPiece, done: PathPiece[]): void {
  const { estate } = cx;
  const own = firewallSubnet(estate.snapshot, firewall);
  const leaves = (left: PathPiece) => {
    // Only what goes to the Internet itself needs the firewall's SNAT: a forced tunnel takes private sources on.
    const p = withoutSnat(cx, firewall, left, done);
    if (!p) return;
    for (const q of cx.spec.replies && own ? withReplies(cx, firewall, own, p) : [p]) {
      done.push(q.access === "Allow" ? { ...q, steps: [...q.steps, { stage: "outbound", method: "firewall-public-ip", resource: firewall.id, detail: `through ${firewall.name}'s public IP` }] } : q);
    }
  };
  if (firewall.virtualHubKey && hubForcedTunnel(estate, firewall.virtualHubKey)) {
    // Forced tunnel mode: what the firewall lets out follows the hub's learnt default route, if any, which no input shows.
    const hub = estate.snapshot.virtualHubs?.get(firewall.virtualHubKey)?.name ?? lastSegment(firewall.virtualHubKey);
    cx.touched.add(firewall.virtualHubKey);
    done.push({ ...out, access: out.access === "Deny" ? "Deny" : "Unaudited", decidedAt: "firewall", why: `allowed by ${firewall.name}, but virtual hub ${hub} routes Internet traffic in forced tunnel mode (a private traffic policy with 0.0.0.0/0 as an additional prefix): after inspection it follows a default route learnt from on-premises, an NVA or a static route, if any, which is outside the audit` });
    return;
  }
  // A firewall whose subnet the input lacks leaves as before; without a route table its subnet still learns routes
  // over BGP (a default route from on-premises is forced tunnelling too).
  if (!own) return void leaves(out);
  if (own.routeTableKey) cx.touched.add(own.routeTableKey);
  const routes = subnetRoutes(estate, own);
  for (const family of [4, 6] as const) {
    const part = family === 4 ? { ...out.box.dst, v6: [] } : { v4: [], v6: out.box.dst.v6, tags: NO_TAGS };
    if (addrIsEmpty(part)) continue;
    for (const { dst, route } of lookup(routes, family, part)) {
      const p: PathPiece = { ...out, box: { ...out.box, dst } };
      if (route.nextHopType === "Internet") {
        leaves(p);
        continue;
      }
      const hop = nextHop(estate, own, route);
      // A service endpoint on AzureFirewallSubnet (or any route Azure delivers by itself) carries it there directly;
      // the service still answers the firewall, which forwards the replies by its own subnet's routes.
      if (hop.kind === "deliver") {
        const q: PathPiece = { ...p, steps: [...p.steps, routeEvidence(route, hop)] };
        for (const r of cx.spec.replies && route.nextHopType === "VirtualNetworkServiceEndpoint" ? withReplies(cx, firewall, own, q) : [q]) done.push(r);
        continue;
      }
      const where = `route ${route.name}${route.routeTable ? ` in ${route.routeTable.name}` : ""} on ${own.vnetName}/${own.name} sends it to ${route.nextHopType}${route.nextHopIpAddress ? ` ${route.nextHopIpAddress}` : ""}`;
      const q: PathPiece = { ...p, steps: [...p.steps, routeEvidence(route, hop)] };
      // The route decided, not the firewall's rules: its words name it (describeNotDelivered).
      if (route.nextHopType === "None") done.push({ ...q, access: "Deny", decidedAt: "route", why: `allowed by ${firewall.name}, but ${where}, which drops it` });
      else done.push({ ...q, access: q.access === "Deny" ? "Deny" : "Unaudited", decidedAt: "firewall", why: `allowed by ${firewall.name}, but ${where}: forced tunnelling, which Azure Firewall supports only with a management IP configuration, and the next hop is outside the audit` });
    }
  }
}

/**
 * What a network rule lets out to public addresses the firewall's SNAT private ranges hold (`snat.privateRanges`
 * 0.0.0.0/0, or a public range listed there): the firewall does not SNAT it, so it would leave with its private source
 * address, which Azure does not route to the Internet ("Azure Firewall can't route traffic directly to the internet").
 * That part is pushed to `done` as dropped, with no outbound path; returns the rest, if any. An application rule's
 * traffic is always SNATed. https://learn.microsoft.com/azure/firewall/snat-private-range
 */
function withoutSnat(cx: PathContext, firewall: AzureFirewall, p: PathPiece, done: PathPiece[]): PathPiece | undefined {
  const rule = [...p.steps].reverse().find((s): s is FirewallEvidence => evidenceStage(s) === "firewall");
  if (rule?.kind !== "network") return p;
  const inside = unsnattedPart(cx.estate, firewall, p.box.dst);
  if (addrIsEmpty(inside)) return p;
  const ranges = snatRangesWords(cx.estate, firewall);
  done.push({ ...p, box: { ...p.box, dst: inside }, access: "Deny", decidedAt: "outbound", why: `${firewall.name} lets it through by network rule ${rule.rule}, but does not SNAT it (its SNAT private ranges, ${ranges}, hold the address), so it would leave with its private source address, which Azure does not route to the Internet` });
  const rest = addrSubtract(p.box.dst, inside);
  return addrIsEmpty(rest) ? undefined : { ...p, box: { ...p.box, dst: rest } };
}

/**
 * A connection the firewall lets out to a public address, split by address family, with its replies' way back: the
 * firewall SNATs it to its public IP, so every reply comes back to the firewall, which forwards it by its own subnet's
 * routes toward the source and into the source's VNet over the peering (routeReach from the firewall's subnet, as for
 * private flows). No way back: `Deny` (the connection never completes); a way the audit cannot vouch for (an appliance,
 * "allow forwarded traffic" off on the peering, part of the addresses dropped): `Unaudited`, naming it. Azure Firewall
 * does not support asymmetric routing: https://learn.microsoft.com/azure/firewall/firewall-faq
 */
function withReplies(cx: PathContext, firewall: AzureFirewall, own: Subnet, p: PathPiece): PathPiece[] {
  const pieces: PathPiece[] = [];
  for (const family of [4, 6] as const) {
    const box = family === 4 ? { ...p.box, src: { ...p.box.src, v6: [] }, dst: { ...p.box.dst, v6: [] } } : { ...p.box, src: { ...p.box.src, v4: [] }, dst: { ...p.box.dst, v4: [] } };
    if (addrIsEmpty(box.src) || addrIsEmpty(box.dst)) continue;
    const q: PathPiece = { ...p, box };
    const { way, read } = replyWay(cx.estate, own, cx.subnet, box.src);
    for (const k of read) cx.touched.add(k);
    if (!way.reachable) {
      pieces.push({ ...q, access: "Deny", decidedAt: "route", why: `allowed by ${firewall.name}, but its replies have no way back: ${way.why}`, steps: [...q.steps, ...way.fault.evidence] });
    } else if (way.doubts?.length) {
      const words = `allowed by ${firewall.name}, but the way back for its replies is in doubt: ${way.doubts.map((d) => d.why).join("; ")}`;
      pieces.push({ ...q, access: q.access === "Deny" ? "Deny" : "Unaudited", decidedAt: "firewall", why: way.unknown ? `cannot be judged: ${words}` : words });
    } else pieces.push(q);
  }
  return pieces;
}

/**
 * The replies' way from a firewall's subnet back to `src` in `subnet`, once per firewall subnet, source and addresses
 * (every flow of the subnet through the firewall asks), with the route tables it read. A fix that changes the firewall
 * subnet's route table is seen by the estate it derives.
 */
function replyWay(estate: Estate, own: Subnet, subnet: Subnet, src: AddrSet): { way: Way; read: Set<string> } {
  return estate.memo(
    `fw-replies|${own.key}|${subnet.key}|${src.v4.join(",")}|${src.v6.join(",")}`,
    () => {
      const read = new Set<string>();
      return { way: routeReach(estate, own, src, subnet.vnetKey, read, true), read };
    },
    [own.routeTableKey],
  );
}

/** Stage 4: the outbound path of each endpoint, for a piece routed to the Internet. */
function outboundStage(cx: PathContext, group: EndpointGroup, piece: PathPiece, done: PathPiece[]): void {
  const { estate, subnet } = cx;
  if (subnet.natGatewayKey) cx.touched.add(subnet.natGatewayKey);
  // An outbound method may translate only part of the protocols (a load balancer outbound rule): split by them.
  const byMethod = new Map<string, { path: OutboundPath; protocols: ProtoSet; addresses: AddrSet[]; whos: string[]; generic?: { detail: string; missing?: string } }>();
  for (const member of group.members) {
    // A packet's outbound method is its source IP configuration's: a NIC whose IP configurations differ (one alone in a
    // backend pool, or with a public IP) is split into `sources`; NICs with the same facts and words share a slot.
    // Members whose words differ only by their own name (three Flexible scale sets of one subnet) share one too, its
    // words naming them all: one sentence in the finding, not one per member each after a list of them all.
    const who = holderName(subnet, member);
    for (const source of member.sources ?? [member]) {
      for (const { protocols, family, path } of outboundPaths(estate, subnet, member, piece.box.proto, source)) {
        // A share of one address family (behind a NAT gateway that carries IPv4 only) holds for those addresses alone.
        const addresses = family === 4 ? { ...source.addresses, v6: [] } : family === 6 ? { ...source.addresses, v4: [] } : source.addresses;
        if (addrIsEmpty(addresses)) continue;
        const detail = withoutHolder(path.detail, who);
        const generic = detail === path.detail ? undefined : { detail, ...(path.missing ? { missing: withoutHolder(path.missing, who) } : {}) };
        const k = `${protocols}|${family ?? ""}|${path.method}|${path.resource ?? ""}|${generic ? `${generic.missing ?? ""}|${detail}` : path.detail}`;
        const slot = byMethod.get(k) ?? { path, protocols, addresses: [], whos: [], ...(generic ? { generic } : {}) };
        slot.addresses.push(addresses);
        if (!slot.whos.includes(who)) slot.whos.push(who);
        byMethod.set(k, slot);
      }
    }
  }
  for (const slot of byMethod.values()) {
    if (!slot.generic || slot.whos.length < 2) continue;
    const { detail, missing } = slot.generic;
    slot.path = { ...slot.path, detail: forHolders(detail, slot.whos), ...(missing ? { missing: forHolders(missing, slot.whos) } : {}) };
  }
  const local = cx.spec.direction === "Outbound" ? "src" : "dst";
  // The platform's own addresses answer every VM whatever its outbound path (CONTRACT §4.1 stage 4).
  const platform = addrIntersect(piece.box.dst, PLATFORM_SET);
  if (!addrIsEmpty(platform)) {
    done.push({ ...piece, box: { ...piece.box, dst: platform }, steps: [...piece.steps, { stage: "outbound", method: "platform", detail: "the platform's 168.63.129.16 and 169.254.169.254 answer every VM, whatever its outbound path" }] });
    piece = { ...piece, box: { ...piece.box, dst: addrSubtract(piece.box.dst, PLATFORM_SET) } };
    if (addrIsEmpty(piece.box.dst)) return;
  }
  for (const { path, protocols, addresses } of byMethod.values()) {
    const mine = addrIntersect(piece.box[local], addrUnionAll(addresses));
    if (addrIsEmpty(mine)) continue;
    const p: PathPiece = { ...piece, box: { ...piece.box, proto: piece.box.proto & protocols, [local]: mine }, steps: [...piece.steps, outboundEvidence(path)] };
    // An outbound method the input cannot show (a load balancer or NIC it lacks): neither pass nor fail. A NIC
    // the input lacks already made its piece unaudited at the NSG stage, saying so.
    if (path.missing) done.push({ ...p, access: "Unaudited", decidedAt: "outbound", why: p.access !== "Unaudited" || !p.why ? `cannot be judged: ${path.missing}` : group.missingNic ? p.why : `${p.why}; ${path.missing}` });
    // A method with public IPv4 addresses only (default outbound access always) gives IPv6 no way out. A NAT gateway
    // without IPv6 public IPs is not one: outboundPaths gives IPv6 the IPv6 means instead (`family`).
    // https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access
    else if (path.works && path.ipv4Only && p.box[local].v6.length) {
      const v4 = { ...p.box[local], v6: [] };
      if (!addrIsEmpty(v4)) done.push({ ...p, box: { ...p.box, [local]: v4 } });
      done.push({ ...p, box: { ...p.box, [local]: { ...p.box[local], v4: [] } }, access: "Deny", decidedAt: "outbound", why: `${path.ipv4Only} gives a public IPv4 address only, so IPv6 has none` });
    } else if (path.works && path.ipv6Only && p.box[local].v4.length) {
      // The mirror: an outbound rule with IPv6 frontends only translates no IPv4 packet, and a Standard pool has no
      // default outbound access to fall back on. https://learn.microsoft.com/azure/load-balancer/outbound-rules
      const v6 = { ...p.box[local], v4: [] };
      if (!addrIsEmpty(v6)) done.push({ ...p, box: { ...p.box, [local]: v6 } });
      done.push({ ...p, box: { ...p.box, [local]: { ...p.box[local], v6: [] } }, access: "Deny", decidedAt: "outbound", why: `${path.ipv6Only} gives a public IPv6 address only, so IPv4 has none` });
    } else if (path.works) done.push(p);
    else done.push({ ...p, access: "Deny", decidedAt: "outbound", why: path.detail });
  }
}

/** The subnet's BGP note, worked out once per subnet (every flow of it asks; it names the subnet and its route table). */
function bgpNote(cx: PathContext): void {
  const note = cx.estate.memo(`bgp-note|${cx.subnet.key}`, () => bgpLearnedNote(cx.estate, cx.subnet), [cx.subnet.routeTableKey]);
  if (note && !cx.notes.includes(note)) cx.notes.push(note);
}

const virtualNetworkRules = new WeakMap<SecurityRule, boolean>();

/** Whether an NSG rule names the `VirtualNetwork` tag on either side; remembered per rule, as every piece asks. */
function namesVirtualNetwork(rule: SecurityRule): boolean {
  let names = virtualNetworkRules.get(rule);
  if (names === undefined) {
    names = [...rule.destinationAddressPrefixes, ...rule.sourceAddressPrefixes].some((x) => x.trim().toLowerCase() === "virtualnetwork");
    virtualNetworkRules.set(rule, names);
  }
  return names;
}

/**
 * Every stage a subnet's traffic class passes for one flow, per endpoint group: the pieces it ends in,
 * each with what decided. Inbound flows stop after the NSGs (the source's side is its own check).
 */
export function evaluateGroupPath(cx: PathContext, group: EndpointGroup): PathPiece[] {
  const filter = cx.spec.localFilter;
  let local = group.addresses;
  if (filter?.endpointKey) {
    const members = group.members.filter((m) => m.nic?.key === filter.endpointKey);
    if (members.length === 0) return [];
    local = addrUnionAll(members.map((m) => m.addresses));
  }
  if (filter?.addresses) local = addrIntersect(local, filter.addresses);
  const start: PathPiece[] = familyBoxes(local, cx.spec).map((box) => ({ box, access: "Allow", decisions: [], steps: [] }));
  const done: PathPiece[] = [];
  const live = adminStage(cx, start, nsgStage(cx, group), done);
  if (cx.spec.direction === "Inbound" || cx.spec.stages === "local") done.push(...live);
  else forwardStage(cx, group, live, done);
  // A rule on VirtualNetwork that decided traffic to or from outside the VNet and its peerings did so only
  // because a route widened the tag (a default route, a service-tag route): say so (CONTRACT §4.1 stage 2).
  const ctx = cx.estate.context(cx.subnet);
  if (ctx.widenedBy) {
    for (const p of done) {
      const remote = cx.spec.direction === "Outbound" ? p.box.dst : p.box.src;
      if (addrIsEmpty(addrSubtract(remote, ctx.ownVirtualNetwork))) continue;
      if (p.decisions.some((d) => namesVirtualNetwork(d.rule))) p.widenedBy = ctx.widenedBy;
    }
  }
  // Machines here through a non-primary NIC only: what goes to or comes from outside the subnet takes the primary NIC.
  if (group.secondary) {
    const holds = group.members.flatMap((m) => (m.secondary && addrOverlaps(m.addresses, local) ? [m.secondary] : []));
    return withSecondaryNicDoubt(done, holds, cx.estate.subnetPrefixes(cx.subnet), `${cx.subnet.vnetName}/${cx.subnet.name}`, cx.spec.direction);
  }
  return done;
}
