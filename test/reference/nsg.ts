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
   * ASG key → the addresses its member scale sets' instances may hold: for each member IP configuration, its subnet's
   * prefixes of its version (`prefixes`) but the private IPs the subnet's NICs hold (`except`). Absent: none.
   */
  asgRanges?: Map<string, { prefixes: string[]; except: string[] }[]>;
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

/** Whether an address may be a member of ASG `k` as the far end sees it: a member NIC's IP, or an address a member scale set's instance may hold. */
function asgHas(world: RefWorld, k: string, addr: RefAddr): boolean {
  if ((world.asgMembers.get(k) ?? []).some((ip) => addressTokenMatches(world, ip, addr))) return true;
  return (world.asgRanges?.get(k) ?? []).some((r) => r.prefixes.some((p) => addressTokenMatches(world, p, addr)) && !r.except.some((ip) => addressTokenMatches(world, ip, addr)));
}

function sideMatches(world: RefWorld, prefixes: readonly string[], asgKeys: readonly string[], addr: RefAddr, side: "src" | "dst"): boolean {
  if (prefixes.some((p) => addressTokenMatches(world, p, addr))) return true;
  const local = world.localEnd?.side === side ? world.localEnd : undefined;
  return asgKeys.some((k) => (local ? local.asgKeys.includes(k) : asgHas(world, k, addr)));
}

export function ruleMatches(world: RefWorld, rule: SecurityRule, p: Packet): boolean {
  return (
    (rule.protocol === "*" || rule.protocol === p.protocol) &&
    sideMatches(world, rule.sourceAddressPrefixes, rule.sourceAsgKeys, p.src, "src") &&
    rule.sourcePortRanges.some((t) => portTokenMatches(t, p.srcPort)) &&
    sideMatches(world, rule.destinationAddressPrefixes, rule.destinationAsgKeys, p.dst, "dst") &&
    rule.destinationPortRanges.some((t) => portTokenMatches(t, p.dstPort))
  );
}

/** The rule that decides the packet: lowest priority number among the direction's matching rules. */
export function refFirstMatch(world: RefWorld, rules: readonly SecurityRule[], direction: Direction, p: Packet): SecurityRule | undefined {
  let best: SecurityRule | undefined;
  for (const r of rules) {
    if (r.direction !== direction || !ruleMatches(world, r, p)) continue;
    if (!best || r.priority < best.priority) best = r;
  }
  return best;
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
  access: Access;
  /** The deciding rule at each level the packet met, in traversal order; stops at the first deny. */
  decisions: { level: "nic" | "subnet"; rule: SecurityRule }[];
}

/** Outbound: NIC then subnet; inbound: subnet then NIC. Every present level must allow. */
export function refChain(world: RefWorld, direction: Direction, nic: RefLevel | undefined, subnet: RefLevel | undefined, p: Packet): RefVerdict {
  const order = direction === "Outbound" ? [nic, subnet] : [subnet, nic];
  const decisions: RefVerdict["decisions"] = [];
  for (const level of order) {
    if (!level) continue;
    const rule = refFirstMatch(world, level.rules, direction, p);
    if (!rule) throw new Error("reference: no rule matched although DenyAll is present");
    decisions.push({ level: level.kind, rule });
    if (rule.access === "Deny") return { access: "Deny", decisions };
  }
  return { access: "Allow", decisions };
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
