// A brute-force NSG evaluator: one packet at a time, every rule checked token by token, no sets.
// It is the oracle for the set-based engine in lib/nsg; its semantics are spelled out in
// test/nsg/first-match.property.test.ts.
import type { Access, Direction, Protocol, SecurityRule } from "@/lib/model/types";
import { type RefPrefix, V4_TOP, V6_TOP, inPrefix, isPublic, mustParsePrefix, parsePrefix } from "./ip";

export type PacketProtocol = Exclude<Protocol, "*">;
export const PACKET_PROTOCOLS: readonly PacketProtocol[] = ["Tcp", "Udp", "Icmp", "Esp", "Ah"];

/** A concrete address, or a symbolic point: some address inside a service tag we hold no prefixes for. */
export type RefAddr =
  | { kind: "ip"; family: 4 | 6; value: bigint }
  | { kind: "tag"; base: string; region: string };

export interface Packet {
  protocol: PacketProtocol;
  src: RefAddr;
  srcPort: number;
  dst: RefAddr;
  dstPort: number;
}

/** What the reference needs to know about the estate: the VNet's prefixes, tag prefixes, ASG members. */
export interface RefWorld {
  vnetPrefixes: string[];
  /**
   * What `VirtualNetwork` holds beyond `vnetPrefixes` for an NSG evaluated in a subnet (CONTRACT §4.1
   * stage 2): extra prefixes (168.63.129.16, the route table's routes), and every IPv4 address and
   * service tag when a default route goes to an appliance or gateway. `Internet` still leaves out only
   * `vnetPrefixes`. Absent: `VirtualNetwork` is `vnetPrefixes` alone.
   */
  widening?: { prefixes: string[]; everyV4: boolean };
  /** Lower-cased tag name → its prefixes (e.g. `storage`, `storage.westeurope`). */
  serviceTags: Map<string, string[]>;
  /** ASG key → private IPs of its member NICs. */
  asgMembers: Map<string, string[]>;
  /**
   * The addresses scale sets' instances may hold, one pool per subnet and IP version: the subnet's prefixes of that
   * version (`prefixes`) but the private IPs the subnet's NICs hold (`except`), with the ASGs of each scale-set IP
   * configuration of that version placing instances there (`asgSets`, one entry per IP configuration). An address of a
   * pool is any of those IP configurations' instance's. Absent: none.
   */
  scaleSetPools?: { prefixes: string[]; except: string[]; asgSets: (readonly string[])[] }[];
  /**
   * Who holds the packet's local end (`side`: the source outbound, the destination inbound): the ASGs of the IP
   * configuration holding it (Azure applies ASGs to a NIC's IP configuration, and a scale set's to every instance NIC).
   * At that end an ASG matches exactly when it is one of them, whatever other holders the address may have. Absent:
   * the local end is judged by address like the far end (a subnet with no NIC or scale set stands for itself).
   */
  localEnd?: { side: "src" | "dst"; asgKeys: readonly string[] };
}

const inAny = (addr: RefAddr, prefixes: readonly RefPrefix[]) =>
  addr.kind === "ip" && prefixes.some((p) => inPrefix(addr.family, addr.value, p));

export function addressTokenMatches(world: RefWorld, token: string, addr: RefAddr): boolean {
  const t = token.trim();
  const lower = t.toLowerCase();
  if (t === "*") return true;
  const cidr = parsePrefix(t);
  // Any /0 (`0.0.0.0/0`, `::/0`, `0::/0`) is a whole family plus every service tag (CONTRACT §4).
  if (cidr && cidr.lo === 0n && cidr.hi === (cidr.family === 4 ? V4_TOP : V6_TOP)) return addr.kind === "tag" || addr.family === cidr.family;
  if (cidr) return inAny(addr, [cidr]);
  const vnet = world.vnetPrefixes.map(mustParsePrefix);
  if (lower === "virtualnetwork") {
    const w = world.widening;
    if (w?.everyV4 && (addr.kind === "tag" || addr.family === 4)) return true;
    return inAny(addr, vnet) || (!!w && inAny(addr, w.prefixes.map(mustParsePrefix)));
  }
  if (lower === "internet") {
    return addr.kind === "tag" || (isPublic(addr.family, addr.value) && !inAny(addr, vnet));
  }
  const dot = lower.indexOf(".");
  const base = dot < 0 ? lower : lower.slice(0, dot);
  const own = world.serviceTags.get(lower) ?? (dot >= 0 ? world.serviceTags.get(base) : undefined);
  if (own) return inAny(addr, own.map(mustParsePrefix));
  // A tag contains its regional variants: with regional entries but no base entry, the base holds
  // those regions' prefixes as well as the symbolic points of regions without prefixes.
  if (dot < 0) {
    for (const [name, prefixes] of world.serviceTags) {
      if (name.startsWith(`${base}.`) && inAny(addr, prefixes.map(mustParsePrefix))) return true;
    }
  }
  if (addr.kind !== "tag" || addr.base !== base) return false;
  return dot < 0 || addr.region === lower.slice(dot + 1);
}

export function portTokenMatches(token: string, port: number): boolean {
  const t = token.trim();
  if (t === "*") return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(t);
  if (!m) throw new Error(`reference cannot parse port ${JSON.stringify(token)}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= port && port <= hi;
}

/** Whether some IP configuration of an ASG's NICs holds the address. */
function nicAsgHas(world: RefWorld, k: string, addr: RefAddr): boolean {
  return (world.asgMembers.get(k) ?? []).some((ip) => addressTokenMatches(world, ip, addr));
}

/**
 * Whether the far end's address belongs to a member of one of `asgKeys`: a member NIC's IP; or an address of a scale-set
 * pool (RefWorld.scaleSetPools) whose IP configurations all carry one of them. Where some do and some do not, no
 * address tells which holds it: "maybe".
 */
function farAsgMatches(world: RefWorld, asgKeys: readonly string[], addr: RefAddr): boolean | "maybe" {
  if (asgKeys.some((k) => nicAsgHas(world, k, addr))) return true;
  let maybe = false;
  for (const pool of world.scaleSetPools ?? []) {
    if (!pool.prefixes.some((p) => addressTokenMatches(world, p, addr)) || pool.except.some((ip) => addressTokenMatches(world, ip, addr))) continue;
    const inside = pool.asgSets.filter((set) => set.some((k) => asgKeys.includes(k))).length;
    if (inside && inside === pool.asgSets.length) return true;
    if (inside) maybe = true;
  }
  return maybe ? "maybe" : false;
}

/** The address ranges a token stands for by CIDR (a CIDR, or `VirtualNetwork`'s prefixes); none for a service tag. */
function cidrRangesOf(world: RefWorld, token: string): RefPrefix[] {
  const t = token.trim();
  const cidr = parsePrefix(t);
  if (cidr) return [cidr];
  if (t.toLowerCase() !== "virtualnetwork") return [];
  if (world.widening?.everyV4) return [{ family: 4, lo: 0n, hi: V4_TOP }];
  return [...world.vnetPrefixes, ...(world.widening?.prefixes ?? [])].map(mustParsePrefix);
}

/** Whether ranges of one family, together, hold every address of it (walked in order of their starts). */
function coverWholeFamily(ranges: readonly RefPrefix[], family: 4 | 6): boolean {
  const top = family === 4 ? V4_TOP : V6_TOP;
  let reach = -1n;
  for (const r of ranges.filter((x) => x.family === family).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0))) {
    if (r.lo > reach + 1n) return false;
    if (r.hi > reach) reach = r.hi;
  }
  return reach >= top;
}

/**
 * Whether a rule's address list holds a service tag's point because its CIDRs (`VirtualNetwork` widened by routes
 * included) add up to a whole family, as 0.0.0.0/0 does: NSG rules and admin rules alike.
 */
export function listCoversTagPoint(world: RefWorld, prefixes: readonly string[], addr: RefAddr): boolean {
  return addr.kind === "tag" && coverWholeFamily(prefixes.flatMap((p) => cidrRangesOf(world, p)), 4);
}

function sideMatches(world: RefWorld, prefixes: readonly string[], asgKeys: readonly string[], addr: RefAddr, side: "src" | "dst"): boolean | "maybe" {
  if (prefixes.some((p) => addressTokenMatches(world, p, addr))) return true;
  // A list whose CIDRs add up to a whole family holds a tag point, as 0.0.0.0/0 does: its address is one of them.
  if (listCoversTagPoint(world, prefixes, addr)) return true;
  if (!asgKeys.length) return false;
  const local = world.localEnd?.side === side ? world.localEnd : undefined;
  return local ? asgKeys.some((k) => local.asgKeys.includes(k)) : farAsgMatches(world, asgKeys, addr);
}

/** Whether the rule matches the packet; "maybe" where it names an ASG at the far end that the address cannot tell. */
export function ruleMatches(world: RefWorld, rule: SecurityRule, p: Packet): boolean | "maybe" {
  if (!(rule.protocol === "*" || rule.protocol === p.protocol)) return false;
  if (!rule.sourcePortRanges.some((t) => portTokenMatches(t, p.srcPort)) || !rule.destinationPortRanges.some((t) => portTokenMatches(t, p.dstPort))) return false;
  const src = sideMatches(world, rule.sourceAddressPrefixes, rule.sourceAsgKeys, p.src, "src");
  if (src === false) return false;
  const dst = sideMatches(world, rule.destinationAddressPrefixes, rule.destinationAsgKeys, p.dst, "dst");
  if (dst === false) return false;
  return src === true && dst === true ? true : "maybe";
}

/** The rule that decides the packet: lowest priority number among the direction's rules that surely match it. */
export function refFirstMatch(world: RefWorld, rules: readonly SecurityRule[], direction: Direction, p: Packet): SecurityRule | undefined {
  let best: SecurityRule | undefined;
  for (const r of rules) {
    if (r.direction !== direction || ruleMatches(world, r, p) !== true) continue;
    if (!best || r.priority < best.priority) best = r;
  }
  return best;
}

/** What one NSG decides for a packet: the access and deciding rule, or `Unaudited` (with `why`) where it cannot be told. */
export interface RefLevelOutcome {
  access: Access | "Unaudited";
  rule: SecurityRule;
  why?: string;
  /** Whether a rule matched only maybe, so that more than one branch was walked. */
  branched?: boolean;
}

/**
 * One NSG's decision, with every choice of "matches / does not match" for the rules that match the packet only maybe
 * (a far-end ASG its address cannot tell): brute force over the branches, the first being the one where none of them
 * matches. Where every branch gives the same access, that branch's rule decides; elsewhere it cannot be judged, by
 * the first such rule met.
 */
export function refLevelOutcome(world: RefWorld, rules: readonly SecurityRule[], direction: Direction, p: Packet): RefLevelOutcome {
  const ordered = rules.filter((r) => r.direction === direction).sort((a, b) => a.priority - b.priority);
  const ends: SecurityRule[] = [];
  let unsure: SecurityRule | undefined;
  const walk = (from: number): void => {
    for (let i = from; i < ordered.length; i++) {
      const m = ruleMatches(world, ordered[i], p);
      if (m === true) {
        ends.push(ordered[i]);
        return;
      }
      if (m === "maybe") {
        unsure ??= ordered[i];
        walk(i + 1);
        ends.push(ordered[i]);
        return;
      }
    }
  };
  walk(0);
  if (!ends.length) throw new Error("reference: no rule matched although DenyAll is present");
  const branched = ends.length > 1 ? { branched: true } : {};
  if (ends.every((r) => r.access === ends[0].access)) return { access: ends[0].access, rule: ends[0], ...branched };
  return { access: "Unaudited", rule: unsure!, ...branched, why: `NSG rule ${unsure!.name} may or may not match: its ASG's members share the address with non-members` };
}

function refRule(name: string, priority: number, direction: Direction, access: Access, src: string, dst: string): SecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: "*",
    sourceAddressPrefixes: [src],
    destinationAddressPrefixes: [dst],
    sourcePortRanges: ["*"],
    destinationPortRanges: ["*"],
    sourceAsgKeys: [],
    destinationAsgKeys: [],
    isDefault: true,
  };
}

/** Azure's six default rules, written out here rather than borrowed from lib/snapshot. */
export function refDefaultRules(): SecurityRule[] {
  return [
    refRule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    refRule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
    refRule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
    refRule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    refRule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
    refRule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
  ];
}

export interface RefLevel {
  kind: "nic" | "subnet";
  /** Custom and default rules of the NSG at this level; absent level = no NSG. */
  rules: readonly SecurityRule[];
}

export interface RefVerdict {
  /** `Unaudited`: some level cannot be judged (RefLevelOutcome) and no level after it denies. */
  access: Access | "Unaudited";
  /** The deciding rule at each level the packet met, in traversal order; stops at the first deny. */
  decisions: { level: "nic" | "subnet"; rule: SecurityRule }[];
  why?: string;
  /** Whether some level walked more than one branch (RefLevelOutcome.branched). */
  branched?: boolean;
}

/**
 * Outbound: NIC then subnet; inbound: subnet then NIC. Every present level must allow. A level that cannot be judged
 * lets the packet on to the next, whose Deny still drops it (dropped whichever way the first went).
 */
export function refChain(world: RefWorld, direction: Direction, nic: RefLevel | undefined, subnet: RefLevel | undefined, p: Packet): RefVerdict {
  const order = direction === "Outbound" ? [nic, subnet] : [subnet, nic];
  const decisions: RefVerdict["decisions"] = [];
  const whys: string[] = [];
  let branched = false;
  for (const level of order) {
    if (!level) continue;
    const outcome = refLevelOutcome(world, level.rules, direction, p);
    branched ||= !!outcome.branched;
    decisions.push({ level: level.kind, rule: outcome.rule });
    if (outcome.access === "Deny") return { access: "Deny", decisions, ...(branched ? { branched } : {}) };
    if (outcome.why) whys.push(outcome.why);
  }
  return { ...(whys.length ? { access: "Unaudited" as const, why: whys.join("; ") } : { access: "Allow" as const }), decisions, ...(branched ? { branched } : {}) };
}

export function showAddr(a: RefAddr): string {
  if (a.kind === "tag") return `tag:${a.base}.${a.region}`;
  if (a.family === 4) {
    const v = Number(a.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((a.value >> BigInt(16 * i)) & 0xffffn).toString(16));
  return groups.join(":");
}

export function showPacket(p: Packet): string {
  const at = (a: RefAddr, port: number) => (a.kind === "ip" && a.family === 6 ? `[${showAddr(a)}]:${port}` : `${showAddr(a)}:${port}`);
  return `${p.protocol} ${at(p.src, p.srcPort)} -> ${at(p.dst, p.dstPort)}`;
}
