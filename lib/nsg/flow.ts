// One side of a required flow: "may this subnet send X" (Outbound) or "may it receive X" (Inbound),
// evaluated for every endpoint in the subnet along the path Azure forwards it (lib/path): admin rules and
// NSGs on both sides; the route, the next hop's policy and the outbound path on the sending side.
import { type AddrSet, addrCovers, addrIsEmpty, addrOverlaps, addrSubtract, addrUnionAll, describeAddrs } from "../net/addr-set";
import { type PortSet, describePorts } from "../net/ports";
import { union as unionIntervals } from "../net/intervals";
import { type ProtoSet, describeProtocols } from "../net/protocols";
import type { Direction, Subnet } from "../model/types";
import { type AdminRuleEvidence, type Evidence, type FirewallEvidence, evidenceStage } from "../report/types";
import { describeAdminRule } from "../path/admin-rules";
import type { EndpointGroup, Estate } from "./estate";
import type { Notes } from "./evaluate";
import { evaluateGroupPath, familyBoxes } from "../path/evaluate";
import type { NameTarget } from "../path/fqdn";
import type { AppProtocol } from "../path/firewall";
import type { PathPiece } from "../path/types";
import { describeDeliveredBeyondNsg, describeNotDelivered } from "../path/describe";

export type Verdict = "allowed" | "partly" | "blocked";

export interface FlowSpec {
  direction: Direction;
  protocols: ProtoSet;
  ports: PortSet;
  /** The other end: a destination for Outbound, a source for Inbound. */
  remote: AddrSet;
  /** Names this traffic class; when set, results are cached per subnet in the estate. */
  key?: string;
  /** Words for the whole of `remote` ("the Internet outside the service tags"), used instead of listing its prefixes. */
  remoteLabel?: string;
  /** The destination names a firewall on the way judges (the seed's FQDNs for a service); default: any name. */
  names?: NameTarget;
  /** `local`: stop after the NSGs even for outbound traffic (what an NSG fix can change). Default: the whole path. */
  stages?: "full" | "local";
  /** Narrows the local end to one endpoint (a NIC's or scale set's key) and/or to some addresses (a query from one IP). */
  localFilter?: { endpointKey?: string; addresses?: AddrSet };
  /**
   * The flow needs its replies (a TCP session, a DNS answer): a piece an Azure Firewall lets out to a public address
   * counts as delivered only where the replies have a way back from the firewall (lib/path/evaluate.ts withReplies).
   * Unset for what must not leave at all (CC-EGRESS-LOCKDOWN): a packet leaves whether or not a reply returns.
   */
  replies?: true;
  /** What the flow speaks above TCP, where the check knows it: which application rules of a firewall apply (lib/path/firewall.ts AppProtocol). */
  appProtocol?: AppProtocol;
}

export interface EndpointOutcome {
  group: EndpointGroup;
  pieces: PathPiece[];
}

export interface FlowResult {
  subnet: Subnet;
  spec: FlowSpec;
  /** `allowed`: every piece delivered; `blocked`: every piece dropped; `partly`: some dropped or handed off. */
  verdict: Verdict;
  outcomes: EndpointOutcome[];
  notes: string[];
  /** Keys of the subnet and every NSG, route table and firewall this evaluation read, so a fix re-verifies just the findings it can change. */
  touched: Set<string>;
  /** Why the flow is `blocked` with no piece at all: the two ends share no address family. */
  nothing?: string;
}

export function evaluateFlow(estate: Estate, given: Subnet, spec: FlowSpec): FlowResult {
  // The estate's own version of the subnet: a fix may have changed it (a NAT gateway, a route table).
  const subnet = estate.snapshot.subnets.get(given.key) ?? given;
  if (!spec.key) return evaluateUncached(estate, subnet, spec);
  return estate.cachedFlow(`${subnet.key}|${spec.key}`, () => evaluateUncached(estate, subnet, spec));
}

function evaluateUncached(estate: Estate, subnet: Subnet, spec: FlowSpec): FlowResult {
  const notes: Notes = [];
  const touched = new Set<string>([subnet.key]);
  const outcomes: EndpointOutcome[] = [];
  let anyAllowed = false;
  let anyOther = false;
  let allDenied = true;
  const cx = { estate, subnet, spec, notes, touched };
  const filtered = spec.localFilter?.addresses;
  // Narrowed to some addresses, a subnet holding only private endpoints has no machine of the input at them: its
  // stand-in vouches for none (Estate's `privateEndpointsOnly`), as a subnet whose NICs hold other addresses does not.
  const groups = filtered ? estate.endpointGroups(subnet).filter((g) => !g.members.every((m) => m.privateEndpointsOnly)) : estate.endpointGroups(subnet);
  for (const group of groups) {
    const pieces = evaluateGroupPath(cx, group);
    for (const p of pieces) {
      if (p.access === "Allow") anyAllowed = true;
      else anyOther = true;
      if (p.access !== "Deny") allDenied = false;
    }
    outcomes.push({ group, pieces });
  }
  // Addresses no endpoint of the subnet holds send and receive nothing the input shows: a NIC missing from the
  // input, or no machine there at all. Either way nothing vouches for the flow, so it is not "allowed".
  const unheld = filtered && !spec.localFilter?.endpointKey ? addrSubtract(filtered, addrUnionAll(groups.map((g) => g.addresses))) : undefined;
  if (unheld && !addrIsEmpty(unheld)) {
    const why = `cannot be judged: no NIC or scale set of ${subnet.vnetName}/${subnet.name} in the input holds ${describeAddrs(unheld)} (add \`az network nic list\`, and \`az vmss nic list\` for scale sets)`;
    const pieces: PathPiece[] = familyBoxes(unheld, spec).map((box) => ({ box, access: "Unaudited", decisions: [], steps: [], decidedAt: "nsg", why }));
    if (pieces.length) {
      anyOther = true;
      allDenied = false;
      outcomes.push({ group: { nics: [], addresses: unheld, members: [] }, pieces });
    }
  }
  // Machines there and a far end, but no piece: no address family they share (an IPv6-only subnet and an IPv4-only
  // server). Nothing can flow, which is no pass.
  if (!anyAllowed && !anyOther && groups.length > 0 && !addrIsEmpty(spec.remote)) {
    const families = (a: AddrSet) => [a.v4.length ? "IPv4" : "", a.v6.length ? "IPv6" : ""].filter(Boolean).join(" and ") || "no address";
    const mine = addrUnionAll(groups.map((g) => g.addresses));
    return { subnet, spec, verdict: "blocked", outcomes, notes, touched, nothing: `${subnet.vnetName}/${subnet.name} has ${families(mine)} addresses and the other end ${families(spec.remote)} ones: no address family in common, so nothing of it can flow` };
  }
  const verdict: Verdict = !anyOther ? "allowed" : !anyAllowed && allDenied ? "blocked" : "partly";
  return { subnet, spec, verdict, outcomes, notes, touched };
}

/** The firewall steps of the pieces `result` lets through, each once (one entry is shared by the pieces it decided). */
export function allowingFirewallSteps(result: FlowResult): FirewallEvidence[] {
  const out = new Set<FirewallEvidence>();
  for (const o of result.outcomes)
    for (const p of o.pieces) {
      if (p.access !== "Allow") continue;
      for (const e of p.steps) if (evidenceStage(e) === "firewall") out.add(e as FirewallEvidence);
    }
  return [...out];
}

/**
 * `result` with only the pieces `keep` selects, and only the endpoint outcomes that keep one: a view for describing or
 * citing part of a flow (the pieces are shared, not copied; verdict and notes are the whole flow's).
 */
export function piecesWhere(result: FlowResult, keep: (p: PathPiece) => boolean): FlowResult {
  return { ...result, outcomes: result.outcomes.map((o) => ({ ...o, pieces: o.pieces.filter(keep) })).filter((o) => o.pieces.length) };
}

/** Whether any piece was handed to something the audit cannot see into (or whose input is missing). */
export function handedOff(result: FlowResult): PathPiece[] {
  return result.outcomes.flatMap((o) => o.pieces.filter((p) => p.access === "Unaudited"));
}

const STAGE_ORDER = ["admin-rule", "nsg", "route", "firewall", "outbound"] as const;

/** One key per distinct evidence entry, by content: its stage and JSON. */
function stepKey(e: Evidence): string {
  return `${evidenceStage(e)}|${JSON.stringify(e)}`;
}

/**
 * `stepKey` remembered per object for one caller's lists: a route's or a firewall rule's entry is one object shared by
 * every piece and flow that took it, and a finding's evidence keys it once per list (allowed, denied, handed off).
 * Kept by the caller, not globally: the keys would otherwise stay in memory as long as the report's evidence does.
 */
export function stepKeyCache(): (e: Evidence) => string {
  const keys = new Map<Evidence, string>();
  return (e) => {
    let k = keys.get(e);
    if (k === undefined) keys.set(e, (k = stepKey(e)));
    return k;
  };
}

/**
 * What decided, as report evidence, in path order: admin rules, NSG rules (once per NSG, rule and
 * level), the routes taken, the firewall's deciding rules, the outbound methods. `access` picks the
 * pieces that were allowed, denied or handed off; `keyOf` keys an entry by content (`stepKeyCache` for several lists).
 */
export function flowEvidence(result: FlowResult, access?: "Allow" | "Deny" | "Unaudited", keyOf: (e: Evidence) => string = stepKey): Evidence[] {
  const byStage = new Map<string, Map<string, Evidence>>();
  const stage = (s: string) => {
    let m = byStage.get(s);
    if (!m) byStage.set(s, (m = new Map()));
    return m;
  };
  // Pieces split after a stage share that stage's step objects: one seen is not serialised again.
  const seen = new Set<Evidence>();
  for (const o of result.outcomes) {
    for (const p of o.pieces) {
      if (access && p.access !== access) continue;
      for (const step of p.steps) {
        if (seen.has(step)) continue;
        seen.add(step);
        stage(evidenceStage(step)).set(keyOf(step), step);
      }
      if (p.decisions.length === 0) continue;
      const nsgs = stage("nsg");
      for (const d of p.decisions) {
        const k = `${d.nsg.key}|${d.rule.name}|${d.level}`;
        if (nsgs.has(k)) continue;
        nsgs.set(k, {
          nsg: d.nsg.id,
          rule: d.rule.name,
          priority: d.rule.priority,
          access: d.rule.access,
          direction: d.rule.direction,
          level: d.level,
          ...(d.level === "nic" && o.group.nics.length ? { nic: o.group.nics[0].id } : {}),
          isDefault: d.rule.isDefault,
        });
      }
    }
  }
  const out: Evidence[] = [];
  for (const s of STAGE_ORDER) for (const e of byStage.get(s)?.values() ?? []) out.push(e);
  return out;
}

/** The group's NICs whose addresses the piece holds. */
function nicsIn(group: EndpointGroup, local: AddrSet): string[] {
  return group.members.filter((m) => m.nic && addrOverlaps(m.addresses, local)).map((m) => (m.scaleSet ? `scale set ${m.scaleSet.name}` : `NIC ${m.nic!.name}`));
}

/**
 * "NIC a", "NICs a, b, c and 4 more", "NICs a, b and scale set ss": the holders `describePieces` names ("NIC x",
 * "scale set y"), NICs first, at most `max` of them named, so a scale set is never read as one of the NICs.
 */
function holdersWords(whos: string[], max = 3): string {
  const nics = whos.filter((w) => w.startsWith("NIC ")).map((w) => w.slice(4));
  const sets = whos.filter((w) => w.startsWith("scale set ")).map((w) => w.slice(10));
  const others = whos.filter((w) => !w.startsWith("NIC ") && !w.startsWith("scale set "));
  const part = (one: string, many: string, names: string[]) =>
    names.length ? `${names.length > 1 ? many : one} ${names.slice(0, max).join(", ")}${names.length > max ? ` and ${names.length - max} more` : ""}` : "";
  const parts = [part("NIC", "NICs", nics), part("scale set", "scale sets", sets), others.join(", ")].filter((x) => x);
  return parts.join(parts.some((x) => x.includes(" and ")) ? ", and " : " and ");
}

/** Whether a piece holds all of the flow's remote end, in the address families the piece is about. */
function coversWhole(piece: AddrSet, whole: AddrSet): boolean {
  const inFamilies: AddrSet = { v4: piece.v4.length ? whole.v4 : [], v6: piece.v6.length ? whole.v6 : [], tags: whole.tags };
  return addrCovers(piece, inFamilies);
}

/** A line of `describePieces` before it is written: the traffic it is about, what happened to it, and whose it is. */
interface PieceLine {
  proto: ProtoSet;
  ports: PortSet;
  srcPorts: PortSet;
  remote: AddrSet;
  fqdn?: string;
  tail: string;
  nics: string[];
  /** The traffic in words, while the line is one piece's (a merged line's is written anew). */
  head?: string;
}

/**
 * Lines that say the same thing (`tail`) for the same holders, merged where they differ in one respect only: the
 * remote addresses, the ports, or the protocols. Pieces split by a rule that did not decide them (an NSG rule for
 * half of a prefix, then one route for all of it) reach the same outcome, whose reason is then said once for the
 * union rather than once per piece. Only exact unions are formed: traffic no piece holds is never named.
 */
function mergeLines(lines: PieceLine[]): PieceLine[] {
  const holders = (l: PieceLine) => [...new Set(l.nics)].sort().join("\n");
  const portsKey = (x: PortSet) => x.join(",");
  const sameRemote = (a: AddrSet, b: AddrSet) => addrCovers(a, b) && addrCovers(b, a);
  type Respect = { key: (l: PieceLine) => string; same: (a: PieceLine, b: PieceLine) => boolean; merge: (a: PieceLine, b: PieceLine) => PieceLine };
  const respects: Respect[] = [
    {
      key: (l) => `${l.proto}|${portsKey(l.ports)}|${portsKey(l.srcPorts)}`,
      same: () => true,
      merge: (a, b) => ({ ...a, remote: addrUnionAll([a.remote, b.remote]), head: undefined }),
    },
    {
      key: (l) => `${l.proto}|${portsKey(l.srcPorts)}`,
      same: (a, b) => sameRemote(a.remote, b.remote),
      merge: (a, b) => ({ ...a, ports: unionIntervals(a.ports, b.ports), head: undefined }),
    },
    {
      key: (l) => `${portsKey(l.ports)}|${portsKey(l.srcPorts)}`,
      same: (a, b) => sameRemote(a.remote, b.remote),
      merge: (a, b) => ({ ...a, proto: a.proto | b.proto, head: undefined }),
    },
  ];
  let out = lines;
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of respects) {
      const next: PieceLine[] = [];
      const groups = new Map<string, PieceLine[]>();
      for (const l of out) {
        const k = `${r.key(l)}|${l.fqdn ?? ""}|${holders(l)}|${l.tail}`;
        const group = groups.get(k) ?? [];
        const i = group.findIndex((g) => r.same(g, l));
        if (i < 0) {
          const copy = { ...l };
          group.push(copy);
          groups.set(k, group);
          next.push(copy);
          continue;
        }
        Object.assign(group[i], r.merge(group[i], l));
        changed = true;
      }
      out = next;
    }
  }
  return out;
}

/**
 * One line per distinct (traffic, outcome) among the pieces `pick` selects, naming the NICs or scale sets
 * when the subnet has several: "TCP port 443 to Storage (…) for NICs a, b: <tail>". Pieces with the same outcome
 * are said together where their traffic makes one line (mergeLines), so a reason is not repeated per piece.
 */
export function describePieces(estate: Estate, result: FlowResult, pick: (p: PathPiece) => boolean, tail: (p: PathPiece) => string, max = 3): string {
  const ctx = estate.context(result.subnet);
  const byKey = new Map<string, PieceLine>();
  const multi = result.outcomes.reduce((n, o) => n + o.group.nics.length, 0) > 1 || result.outcomes.some((o) => o.group.members.some((m) => m.scaleSet));
  // The remote end is named by the flow's label where a piece covers all of it, which spares describing a large set.
  const headOf = (l: Omit<PieceLine, "tail" | "nics" | "head">) => {
    const ports = l.srcPorts.length === 2 && l.srcPorts[0] === 0 && l.srcPorts[1] === 65535 ? "" : ` (source ${describePorts(l.srcPorts)})`;
    const whom = result.spec.remoteLabel && coversWhole(l.remote, result.spec.remote) ? result.spec.remoteLabel : describeAddrs(l.remote, ctx.tagDisplay);
    return `${describeProtocols(l.proto)} ${describePorts(l.ports)}${ports} ${result.spec.direction === "Outbound" ? "to" : "from"} ${l.fqdn ? `${l.fqdn} (${whom})` : whom}`;
  };
  for (const o of result.outcomes) {
    for (const p of o.pieces) {
      if (!pick(p)) continue;
      const remote = result.spec.direction === "Outbound" ? p.box.dst : p.box.src;
      const local = result.spec.direction === "Outbound" ? p.box.src : p.box.dst;
      const traffic = { proto: p.box.proto, ports: p.box.dstPorts, srcPorts: p.box.srcPorts, remote, ...(p.fqdn ? { fqdn: p.fqdn } : {}) };
      const head = headOf(traffic);
      const t = tail(p);
      // The same traffic and outcome in several endpoint groups: one line naming each group's NICs.
      const line = byKey.get(head + t) ?? { ...traffic, tail: t, nics: [], head };
      if (multi) line.nics.push(...nicsIn(o.group, local));
      byKey.set(head + t, line);
    }
  }
  const text = mergeLines([...byKey.values()]).map((line) => {
    const { tail: t, nics } = line;
    const head = line.head ?? headOf(line);
    const names = [...new Set(nics)];
    const where = names.length ? ` for ${holdersWords(names)}` : "";
    return `${head}${where}: ${t}`;
  });
  return text.slice(0, max).join("; ") + (text.length > max ? `; and ${text.length - max} more` : "");
}

/**
 * "TCP port 443 to Storage.WestEurope from NIC cc-vm-nic: denied by DenyStorageWE (150) in nsg-cc", or the
 * admin rule, route, firewall or outbound stage that dropped it, or why the audit cannot follow it.
 */
export function describeDenied(estate: Estate, result: FlowResult, max = 3): string {
  // No piece at all to name: the reason is the flow's own (no address family in common).
  if (result.nothing) return result.nothing;
  return describePieces(estate, result, (p) => p.access !== "Allow", describeNotDelivered, max);
}

/** What allowed the traffic, for pass details: NSG rules, then the route, firewall rule and outbound method beyond them. */
export function describeAllowed(result: FlowResult, max = 3): string {
  const names = new Set<string>();
  // Per destination part, what carried it beyond the NSGs: pieces that go different ways (a service endpoint for one
  // region, a NAT gateway for the rest) are said apart, each naming its part, never merged into one way.
  const beyond = new Map<string, { dst: AddrSet[]; words: string }>();
  for (const o of result.outcomes)
    for (const p of o.pieces)
      if (p.access === "Allow") {
        // An AlwaysAllow admin rule let it past the NSGs, which then had no say: name the rule where the NSG would stand.
        const always = p.decisions.length === 0 ? p.steps.find((s): s is AdminRuleEvidence => evidenceStage(s) === "admin-rule" && (s as AdminRuleEvidence).access === "AlwaysAllow") : undefined;
        const skipped = always ? describeAdminRule(always) : undefined;
        if (skipped) names.add(`${skipped}, which skips the NSGs`);
        else if (p.decisions.length === 0) names.add("no NSG on its way");
        for (const d of p.decisions) names.add(`${d.rule.name} (${d.rule.priority}) in ${d.nsg.name}`);
        const words = describeDeliveredBeyondNsg(p).filter((b) => b !== skipped).join(", ");
        if (!words) continue;
        const way = beyond.get(words) ?? { dst: [], words };
        way.dst.push(p.box.dst);
        beyond.set(words, way);
      }
  const list = [...names];
  const ways = [...beyond.values()];
  const extra = ways.length > 1 ? ways.map((w) => `to ${describeAddrs(addrUnionAll(w.dst))}: ${w.words}`) : ways.map((w) => w.words);
  return (
    list.slice(0, max).join(", ") +
    (list.length > max ? ` and ${list.length - max} more` : "") +
    (extra.length ? `, then ${extra.slice(0, max).join("; ")}${extra.length > max ? `; and ${extra.length - max} more` : ""}` : "")
  );
}

/**
 * The words for a flow neither wholly allowed nor wholly blocked: "partly blocked" when a stage denies part of it,
 * "allowed only in part" when the rest is only what the audit cannot follow, "not known" when none of it is judged.
 */
export function partlyWords(result: FlowResult): string {
  if (result.outcomes.some((o) => o.pieces.some((p) => p.access === "Deny"))) return "partly blocked";
  return result.outcomes.some((o) => o.pieces.some((p) => p.access === "Allow")) ? "allowed only in part" : "not known";
}

/** "; the rest is allowed by X" for a partly blocked flow, or "" when no part is allowed (the rest cannot be judged). */
export function restAllowed(result: FlowResult): string {
  const allowed = describeAllowed(result);
  return allowed ? `; the rest is allowed by ${allowed}` : "";
}
