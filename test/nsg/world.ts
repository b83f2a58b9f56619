// Generators shared by the NSG properties: a small world (VNet prefixes, service tag prefixes, NICs in
// ASGs), NSG rules and traffic classes drawn from token pools that overlap on purpose, and candidate
// packets taken from the edges of every prefix in play.
import fc from "fast-check";
import type { Direction, Nsg, Protocol, SecurityRule, ServiceTagPrefixes, Snapshot } from "@/lib/model/types";
import { type AddrSet, EMPTY, addrUnion } from "@/lib/net/addr-set";
import { parsePortRanges } from "@/lib/net/ports";
import type { Box } from "@/lib/nsg/box";
import { type AddressContext, buildAddressContext, buildSharedAddressData } from "@/lib/nsg/context";
import { V4_TOP, V6_TOP, mustParsePrefix } from "../reference/ip";
import { protoBit } from "../reference/membership";
import {
  PACKET_PROTOCOLS,
  type Packet,
  type PacketProtocol,
  type RefAddr,
  type RefWorld,
  addressTokenMatches,
  portTokenMatches,
  refDefaultRules,
} from "../reference/nsg";

export const V4_TOKENS = [
  "10.0.0.0/16",
  "10.0.1.0/24",
  "10.0.1.128/25",
  "10.0.1.5",
  "10.0.1.77/24",
  "10.1.0.0/16",
  "20.0.0.0/8",
  "20.38.0.0/16",
  "20.38.5.0/24",
  "20.38.5.9",
  "13.64.0.0/11",
  "172.16.0.0/12",
  "172.31.255.255",
  "100.64.0.0/10",
  "8.8.8.0/24",
  "192.168.1.0/24",
  "168.63.129.16",
  "0.0.0.0/1",
  "128.0.0.0/1",
];
export const V6_TOKENS = [
  "2001:db8::/32",
  "2001:db8:1::/48",
  "2603:1000::/24",
  "2603:1000:4::/48",
  "2603:1000:4:5::/64",
  "2603:1000:4::1",
  "2603:1000:4:5::9/60",
  "fd00:1::/48",
  "fd00:1::5",
  "fe80::/10",
  "::1",
];
export const SPECIAL_TOKENS = ["*", "Internet", "internet", "VirtualNetwork", "virtualnetwork", "0.0.0.0/0", "::/0"];
export const TAG_TOKENS = [
  "Storage",
  "storage",
  "Storage.WestEurope",
  "STORAGE.westeurope",
  "Storage.EastUS",
  "AzureActiveDirectory",
  "AzureMonitor",
  "AzureLoadBalancer",
  "Sql",
  "Sql.EastUS",
  "AzureCloud",
];
export const ASG_KEYS = ["asg-a", "asg-b", "asg-empty"];
export const PORT_TOKENS = ["*", "22", "80", "443", "0", "65535", "443-443", "400-500", "440-450", "0-1023", "1024-65535", "3389", "5672"];

/** Tag prefixes a world may hold; each entry is present or not, so a tag is sometimes concrete, sometimes symbolic. */
const TAG_PREFIX_OPTIONS: [string, string, string[]][] = [
  ["storage", "Storage", ["20.38.0.0/16", "20.60.0.0/14", "2603:1000:4::/48"]],
  ["storage.westeurope", "Storage.WestEurope", ["20.38.5.0/24", "2603:1000:4:5::/64"]],
  ["storage.eastus", "Storage.EastUS", ["20.60.0.0/16"]],
  ["azureactivedirectory", "AzureActiveDirectory", ["20.190.128.0/18", "40.126.0.0/18", "2603:1006::/40"]],
  // Overlaps Storage.WestEurope without containing it: real tags do that.
  ["azuremonitor", "AzureMonitor", ["20.38.5.0/25", "13.64.0.0/11"]],
  ["azureloadbalancer", "AzureLoadBalancer", ["168.63.129.16/32"]],
  ["sql.eastus", "Sql.EastUS", ["20.38.5.128/25"]],
];
const VNET_OPTIONS = [
  [],
  ["10.0.0.0/16"],
  ["10.0.0.0/16", "10.1.0.0/16"],
  ["10.0.0.0/16", "fd00:1::/48"],
  ["20.38.0.0/16"],
  ["10.0.0.0/16", "2603:1000:4::/48"],
  ["10.0.1.0/24", "192.168.1.0/24"],
];
const NIC_IPS = ["10.0.1.5", "10.0.1.200", "10.0.2.7", "20.38.5.9", "fd00:1::5", "2603:1000:4::1"];

export const TAG_BASES = ["storage", "azureactivedirectory", "azuremonitor", "azureloadbalancer", "sql", "azurecloud", "unnamedtag"];
export const TAG_REGIONS = ["westeurope", "eastus", "northeurope"];

export interface WorldSpec {
  vnetPrefixes: string[];
  tags: number[];
  nics: { ip: string; asgs: string[] }[];
}

export const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  vnetPrefixes: fc.constantFrom(...VNET_OPTIONS),
  tags: fc.subarray(TAG_PREFIX_OPTIONS.map((_, i) => i)),
  nics: fc.array(fc.record({ ip: fc.constantFrom(...NIC_IPS), asgs: fc.subarray(["asg-a", "asg-b"]) }), { maxLength: 4 }),
});

export interface World {
  spec: WorldSpec;
  ctx: AddressContext;
  ref: RefWorld;
}

export function buildWorld(spec: WorldSpec): World {
  const serviceTags = new Map<string, ServiceTagPrefixes>();
  for (const i of spec.tags) {
    const [key, name, addressPrefixes] = TAG_PREFIX_OPTIONS[i];
    serviceTags.set(key, { name, addressPrefixes });
  }
  const snapshot: Snapshot = {
    vnets: new Map(),
    subnets: new Map(),
    nsgs: new Map(),
    routeTables: new Map(),
    nics: new Map(
      spec.nics.map((n, i) => [
        `nic${i}`,
        {
          id: `nic${i}`,
          key: `nic${i}`,
          name: `nic${i}`,
          resourceGroup: "rg",
          subscriptionId: "sub",
          ipConfigurations: [{ name: "ipc", privateIpAddress: n.ip, asgKeys: n.asgs }],
        },
      ]),
    ),
    asgs: new Map(),
    privateEndpoints: new Map(),
    serviceTags,
  };
  const ctx = buildAddressContext(buildSharedAddressData(snapshot), "vnetkey", spec.vnetPrefixes);
  const asgMembers = new Map<string, string[]>();
  for (const n of spec.nics) for (const a of n.asgs) asgMembers.set(a, [...(asgMembers.get(a) ?? []), n.ip]);
  const ref: RefWorld = {
    vnetPrefixes: spec.vnetPrefixes,
    serviceTags: new Map([...serviceTags].map(([k, v]) => [k, v.addressPrefixes])),
    asgMembers,
  };
  return { spec, ctx, ref };
}

// ---- rules -------------------------------------------------------------------------------------

export const addressTokenArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_TOKENS), weight: 3 },
  { arbitrary: fc.constantFrom(...TAG_TOKENS), weight: 4 },
  { arbitrary: fc.constantFrom(...V4_TOKENS), weight: 4 },
  { arbitrary: fc.constantFrom(...V6_TOKENS), weight: 2 },
);

export interface Side {
  prefixes: string[];
  asgs: string[];
}

/** Mostly prefixes; sometimes ASGs only or (as the merged model allows) both. */
export const sideArb: fc.Arbitrary<Side> = fc.oneof(
  { arbitrary: fc.record({ prefixes: fc.array(addressTokenArb, { minLength: 1, maxLength: 3 }), asgs: fc.constant<string[]>([]) }), weight: 6 },
  { arbitrary: fc.record({ prefixes: fc.constant<string[]>([]), asgs: fc.uniqueArray(fc.constantFrom(...ASG_KEYS), { minLength: 1, maxLength: 2 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      prefixes: fc.array(addressTokenArb, { minLength: 1, maxLength: 2 }),
      asgs: fc.uniqueArray(fc.constantFrom(...ASG_KEYS), { minLength: 1, maxLength: 2 }),
    }),
    weight: 1,
  },
);

const portsArb: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: fc.constant<string[]>(["*"]), weight: 2 },
  { arbitrary: fc.array(fc.constantFrom(...PORT_TOKENS), { minLength: 1, maxLength: 3 }), weight: 5 },
);

const ruleProtocolArb = fc.constantFrom<Protocol>("*", "*", "Tcp", "Tcp", "Udp", "Icmp", "Esp", "Ah");

export interface RuleSpec {
  priority: number;
  direction: Direction;
  access: "Allow" | "Deny";
  protocol: Protocol;
  src: Side;
  srcPorts: string[];
  dst: Side;
  dstPorts: string[];
}

export const ruleSpecArb: fc.Arbitrary<RuleSpec> = fc.record({
  priority: fc.integer({ min: 100, max: 4096 }),
  direction: fc.constantFrom<Direction>("Inbound", "Outbound"),
  access: fc.constantFrom("Allow" as const, "Deny" as const),
  protocol: ruleProtocolArb,
  src: sideArb,
  srcPorts: portsArb,
  dst: sideArb,
  dstPorts: portsArb,
});

const only = (...prefixes: string[]): Side => ({ prefixes, asgs: [] });
type Template = Omit<RuleSpec, "priority" | "direction">;
const t = (access: "Allow" | "Deny", protocol: Protocol, src: Side, dst: Side, dstPorts = ["*"]): Template => ({
  access,
  protocol,
  src,
  srcPorts: ["*"],
  dst,
  dstPorts,
});

/** Orderings that audits get wrong in practice; the first rule gets the lower priority number. */
const TEMPLATES: Template[][] = [
  [t("Deny", "*", only("*"), only("Internet")), t("Allow", "Tcp", only("VirtualNetwork"), only("Storage"), ["443"])],
  [t("Allow", "Tcp", only("*"), only("Storage"), ["443"]), t("Deny", "*", only("*"), only("Internet"))],
  [t("Allow", "Tcp", only("*"), only("Storage.WestEurope"), ["443"]), t("Deny", "*", only("*"), only("Storage"))],
  [t("Deny", "*", only("*"), only("Storage")), t("Allow", "*", only("*"), only("Storage.WestEurope"))],
  [t("Deny", "*", only("*"), only("0.0.0.0/0")), t("Allow", "Tcp", only("*"), only("AzureActiveDirectory"), ["443"])],
  [t("Allow", "Tcp", { prefixes: [], asgs: ["asg-a"] }, only("*"), ["22"]), t("Deny", "*", only("VirtualNetwork"), only("*"))],
  [t("Allow", "Tcp", only("*"), only("::/0"), ["443"]), t("Deny", "*", only("*"), only("*"))],
  [t("Deny", "*", only("Internet"), only("*")), t("Allow", "*", only("AzureLoadBalancer"), only("*"))],
  [t("Allow", "Tcp", only("10.0.1.0/24"), only("20.38.5.0/24"), ["400-500"]), t("Deny", "Tcp", only("10.0.0.0/16"), only("Storage"), ["443"])],
];

const templateArb: fc.Arbitrary<RuleSpec[]> = fc
  .tuple(fc.constantFrom(...TEMPLATES), fc.constantFrom<Direction>("Inbound", "Outbound"), fc.integer({ min: 100, max: 2000 }))
  .map(([rules, direction, base]) => rules.map((r, i) => ({ ...r, direction, priority: base + 10 * i })));

/** 1–15 custom rules with priorities unique per direction, sometimes seeded with a template. */
export const ruleSpecsArb = (maxRules = 15): fc.Arbitrary<RuleSpec[]> =>
  fc
    .tuple(
      fc.oneof({ arbitrary: fc.constant<RuleSpec[]>([]), weight: 2 }, { arbitrary: templateArb, weight: 1 }),
      fc.array(ruleSpecArb, { minLength: 1, maxLength: maxRules, size: "max" }),
    )
    .map(([template, random]) => {
      const seen = new Set<string>();
      return [...template, ...random]
        .filter((r) => {
          const k = `${r.direction}:${r.priority}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        })
        .slice(0, maxRules);
    });

export function toSecurityRule(spec: RuleSpec, name: string): SecurityRule {
  return {
    name,
    priority: spec.priority,
    direction: spec.direction,
    access: spec.access,
    protocol: spec.protocol,
    sourceAddressPrefixes: spec.src.prefixes,
    destinationAddressPrefixes: spec.dst.prefixes,
    sourcePortRanges: spec.srcPorts,
    destinationPortRanges: spec.dstPorts,
    sourceAsgKeys: spec.src.asgs,
    destinationAsgKeys: spec.dst.asgs,
    isDefault: false,
  };
}

export function buildNsg(name: string, specs: RuleSpec[]): Nsg {
  return {
    id: `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    key: name,
    name,
    resourceGroup: "rg",
    subscriptionId: "sub",
    securityRules: specs.map((s, i) => toSecurityRule(s, `${name}-r${i}`)),
    defaultSecurityRules: refDefaultRules(),
  };
}

export const allRules = (nsg: Nsg): SecurityRule[] => [...nsg.securityRules, ...nsg.defaultSecurityRules];

// ---- traffic classes ---------------------------------------------------------------------------

export interface ClassSpec {
  direction: Direction;
  protocols: PacketProtocol[];
  src: Side;
  srcPorts: string[];
  dst: Side;
  dstPorts: string[];
}

export const classSpecArb: fc.Arbitrary<ClassSpec> = fc.record({
  direction: fc.constantFrom<Direction>("Inbound", "Outbound"),
  protocols: fc.oneof(
    { arbitrary: fc.constantFrom<PacketProtocol[]>(["Tcp"], ["Udp"], ["Tcp", "Udp"]), weight: 5 },
    { arbitrary: fc.constant<PacketProtocol[]>([...PACKET_PROTOCOLS]), weight: 1 },
  ),
  src: sideArb,
  srcPorts: portsArb,
  dst: sideArb,
  dstPorts: portsArb,
});

function sideSet(ctx: AddressContext, side: Side): AddrSet {
  let set = EMPTY;
  for (const p of side.prefixes) set = addrUnion(set, ctx.resolve(p).set);
  for (const a of side.asgs) set = addrUnion(set, ctx.asgMembers(a));
  return set;
}

/** The class as the engine sees it: built from the engine's own resolution of the tokens. */
export function classBox(ctx: AddressContext, c: ClassSpec): Box {
  return {
    proto: c.protocols.reduce((m, p) => m | protoBit(p), 0),
    src: sideSet(ctx, c.src),
    srcPorts: parsePortRanges(c.srcPorts),
    dst: sideSet(ctx, c.dst),
    dstPorts: parsePortRanges(c.dstPorts),
  };
}

// ---- packets -----------------------------------------------------------------------------------

function refSideHas(ref: RefWorld, side: Side, addr: RefAddr): boolean {
  return (
    side.prefixes.some((p) => addressTokenMatches(ref, p, addr)) ||
    side.asgs.some((a) => (ref.asgMembers.get(a) ?? []).some((ip) => addressTokenMatches(ref, ip, addr)))
  );
}

export function refClassHas(ref: RefWorld, c: ClassSpec, p: Packet): boolean {
  return (
    c.protocols.includes(p.protocol) &&
    refSideHas(ref, c.src, p.src) &&
    c.srcPorts.some((t) => portTokenMatches(t, p.srcPort)) &&
    refSideHas(ref, c.dst, p.dst) &&
    c.dstPorts.some((t) => portTokenMatches(t, p.dstPort))
  );
}

function edges(text: string): RefAddr[] {
  const p = mustParsePrefix(text);
  const top = p.family === 4 ? V4_TOP : V6_TOP;
  const mid = (p.lo + p.hi) / 2n;
  const values = [p.lo - 1n, p.lo, p.lo + 1n, mid, p.hi - 1n, p.hi, p.hi + 1n].filter((v) => v >= 0n && v <= top);
  return [...new Set(values)].map((value) => ({ kind: "ip" as const, family: p.family, value }));
}

const NON_PUBLIC_EDGES = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"];

/** Every address worth probing: the edges of every prefix any generator can produce, and every symbolic point. */
export const CANDIDATE_ADDRS: RefAddr[] = (() => {
  const texts = new Set([
    ...V4_TOKENS,
    ...V6_TOKENS,
    ...VNET_OPTIONS.flat(),
    ...TAG_PREFIX_OPTIONS.flatMap(([, , p]) => p),
    ...NIC_IPS,
    ...NON_PUBLIC_EDGES,
    "0.0.0.0/0",
    "::/0",
  ]);
  const seen = new Set<string>();
  const out: RefAddr[] = [];
  for (const text of texts) {
    for (const a of edges(text)) {
      const k = `${a.kind === "ip" ? a.family : ""}:${a.kind === "ip" ? a.value : ""}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push(a);
      }
    }
  }
  for (const base of TAG_BASES) for (const region of TAG_REGIONS) out.push({ kind: "tag", base, region });
  return out;
})();

export const CANDIDATE_PORTS: number[] = (() => {
  const ports = new Set<number>([0, 65535, 12345]);
  for (const t of PORT_TOKENS) {
    if (t === "*") continue;
    const [lo, hi = lo] = t.split("-").map(Number);
    for (const p of [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1]) if (p >= 0 && p <= 65535) ports.add(p);
  }
  return [...ports];
})();

/**
 * Indices into the candidate lists. `outside`: any candidate; `class`: each field among the class's
 * members; `rule`: among the members of both the class and custom rule `rule` (so custom rules get hit,
 * not only the defaults), falling back to the class's members where they do not meet.
 */
export interface PacketSeed {
  mode: "outside" | "class" | "rule";
  rule: number;
  proto: number;
  src: number;
  srcPort: number;
  dst: number;
  dstPort: number;
}

export const packetSeedsArb = (n: number): fc.Arbitrary<PacketSeed[]> =>
  fc.array(
    fc.record({
      mode: fc.constantFrom("outside" as const, "class" as const, "rule" as const),
      rule: fc.nat(),
      proto: fc.nat(),
      src: fc.nat(),
      srcPort: fc.nat(),
      dst: fc.nat(),
      dstPort: fc.nat(),
    }),
    { minLength: 1, maxLength: n, size: "max" },
  );

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
const narrowed = <T>(xs: T[], keep: (x: T) => boolean): T[] => {
  const out = xs.filter(keep);
  return out.length ? out : xs;
};

interface Members {
  protocols: readonly PacketProtocol[];
  src: RefAddr[];
  srcPorts: number[];
  dst: RefAddr[];
  dstPorts: number[];
}

function classMembers(ref: RefWorld, c: ClassSpec): Members {
  return {
    protocols: c.protocols,
    src: CANDIDATE_ADDRS.filter((a) => refSideHas(ref, c.src, a)),
    dst: CANDIDATE_ADDRS.filter((a) => refSideHas(ref, c.dst, a)),
    srcPorts: CANDIDATE_PORTS.filter((p) => c.srcPorts.some((t) => portTokenMatches(t, p))),
    dstPorts: CANDIDATE_PORTS.filter((p) => c.dstPorts.some((t) => portTokenMatches(t, p))),
  };
}

function ruleMembers(ref: RefWorld, m: Members, r: RuleSpec): Members {
  return {
    protocols: narrowed([...m.protocols], (p) => r.protocol === "*" || r.protocol === p),
    src: narrowed(m.src, (a) => refSideHas(ref, r.src, a)),
    dst: narrowed(m.dst, (a) => refSideHas(ref, r.dst, a)),
    srcPorts: narrowed(m.srcPorts, (p) => r.srcPorts.some((t) => portTokenMatches(t, p))),
    dstPorts: narrowed(m.dstPorts, (p) => r.dstPorts.some((t) => portTokenMatches(t, p))),
  };
}

const EVERY: Members = { protocols: PACKET_PROTOCOLS, src: CANDIDATE_ADDRS, srcPorts: CANDIDATE_PORTS, dst: CANDIDATE_ADDRS, dstPorts: CANDIDATE_PORTS };

/** Turns seeds into packets (a seed whose class side is empty yields nothing). */
export function packetsFor(ref: RefWorld, c: ClassSpec, seeds: PacketSeed[], rules: readonly RuleSpec[] = []): Packet[] {
  const inClass = classMembers(ref, c);
  const byRule = new Map<number, Members>();
  const out: Packet[] = [];
  for (const s of seeds) {
    let m = s.mode === "outside" ? EVERY : inClass;
    if (s.mode === "rule" && rules.length) {
      const i = s.rule % rules.length;
      if (!byRule.has(i)) byRule.set(i, ruleMembers(ref, inClass, rules[i]));
      m = byRule.get(i)!;
    }
    const protocol = pick(m.protocols, s.proto);
    const src = pick(m.src, s.src);
    const dst = pick(m.dst, s.dst);
    const srcPort = pick(m.srcPorts, s.srcPort);
    const dstPort = pick(m.dstPorts, s.dstPort);
    if (protocol && src && dst && srcPort !== undefined && dstPort !== undefined) out.push({ protocol, src, srcPort, dst, dstPort });
  }
  return out;
}

// ---- failure reports ---------------------------------------------------------------------------

function describeRule(r: RuleSpec | undefined): string {
  if (!r) return "none";
  const side = (s: RuleSpec["src"]) => [...s.prefixes, ...s.asgs.map((a) => `asg:${a}`)].join(",");
  return `${r.priority} ${r.direction} ${r.access} ${r.protocol} ${side(r.src)}:${r.srcPorts.join(",")} -> ${side(r.dst)}:${r.dstPorts.join(",")}`;
}

/** The rules and the class in one line each, for a failure message. */
export function describeCase(specs: RuleSpec[], cls: ClassSpec): string {
  const side = (s: ClassSpec["src"]) => [...s.prefixes, ...s.asgs.map((a) => `asg:${a}`)].join(",");
  return [
    ...specs.map((s, i) => `  r${i}: ${describeRule(s)}`),
    `  class: ${cls.direction} ${cls.protocols.join("/")} ${side(cls.src)}:${cls.srcPorts.join(",")} -> ${side(cls.dst)}:${cls.dstPorts.join(",")}`,
  ].join("\n");
}
