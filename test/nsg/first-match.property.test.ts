/*
 * First-match NSG evaluation (lib/nsg) checked packet by packet against a brute-force reference
 * (test/reference/nsg.ts), which shares no code with lib/net or lib/nsg.
 *
 * Reference semantics
 * - A packet is { protocol: Tcp|Udp|Icmp|Esp|Ah, src, srcPort, dst, dstPort }. An address is a concrete
 *   IPv4/IPv6 address or a symbolic point { tag base, region }: an address inside a service tag we hold
 *   no prefixes for.
 * - Address tokens: `*` = everything, symbolic points included; `0.0.0.0/0` = every IPv4 address + every
 *   symbolic point; `::/0` = every IPv6 address + every symbolic point; a CIDR or plain IP = exactly those
 *   concrete addresses (host bits ignored), never a symbolic point; `VirtualNetwork` = the VNet context's
 *   prefixes; `Internet` = every symbolic point + every public concrete address (outside 0/8, 10/8,
 *   100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/4, 240/4, ::/128, ::1/128, fc00::/7,
 *   fe80::/10, ff00::/8) that is not in the VNet's prefixes; a tag name (case-insensitive) with prefixes =
 *   exactly those addresses; `Storage.WestEurope` without prefixes of its own but with a base that has
 *   them = the base's prefixes; a tag without prefixes = its symbolic points (any region for `Storage`,
 *   exactly that region for `Storage.WestEurope`). An ASG = its member NICs' private IPs.
 * - A rule matches when protocol (`*` = all), source (any prefix token or ASG), source port (any of `*`,
 *   `N`, `N-M`, checked for every protocol), destination and destination port all match.
 * - One NSG: of the rules of the packet's direction, custom plus Azure's six defaults, the matching one
 *   with the lowest priority number decides.
 * - Chain (chain.property.test.ts): outbound NIC then subnet, inbound subnet then NIC; a missing level
 *   allows; allowed only if every present level allows; a denied packet's deciding rule is the deny at
 *   the first level that denied it.
 *
 * Packets are sampled from the edges of every prefix in play (±1 around each boundary) and from every
 * symbolic point; two thirds are drawn from inside the traffic class, half of those also inside one
 * custom rule, so custom rules decide often and not only the defaults.
 *
 * Files: test/reference/{ip,nsg,membership}.ts (the oracle and a point-wise reader of the engine's sets),
 * test/nsg/world.ts (generators), and beside this file the interval, tag-set, box and chain properties.
 * Each property also counts the cases it met and fails if the generators stop producing them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileNsg } from "@/lib/nsg/compile";
import { firstMatch } from "@/lib/nsg/evaluate";
import { addrSetHas, boxHas } from "../reference/membership";
import { type Packet, addressTokenMatches, refFirstMatch, showAddr, showPacket } from "../reference/nsg";
import {
  ASG_KEYS,
  CANDIDATE_ADDRS,
  SPECIAL_TOKENS,
  TAG_TOKENS,
  V4_TOKENS,
  V6_TOKENS,
  allRules,
  buildNsg,
  describeCase,
  buildWorld,
  classBox,
  classSpecArb,
  packetSeedsArb,
  packetsFor,
  refClassHas,
  ruleSpecsArb,
  worldArb,
} from "./world";

const RUNS = 600;
const PACKETS_PER_RUN = 60;

describe("address tokens", () => {
  it("every token resolves, in every world, to exactly the reference's addresses", () => {
    const tokens = [...SPECIAL_TOKENS, ...TAG_TOKENS, ...V4_TOKENS, ...V6_TOKENS];
    fc.assert(
      fc.property(worldArb, (spec) => {
        const world = buildWorld(spec);
        for (const token of tokens) {
          const set = world.ctx.resolve(token).set;
          for (const addr of CANDIDATE_ADDRS) {
            const want = addressTokenMatches(world.ref, token, addr);
            if (addrSetHas(set, addr) !== want) {
              throw new Error(`token ${token} at ${showAddr(addr)}: engine ${!want}, reference ${want}; world ${JSON.stringify(spec)}`);
            }
          }
        }
        for (const asg of ASG_KEYS) {
          const set = world.ctx.asgMembers(asg);
          for (const addr of CANDIDATE_ADDRS) {
            const want = (world.ref.asgMembers.get(asg) ?? []).some((ip) => addressTokenMatches(world.ref, ip, addr));
            expect(addrSetHas(set, addr), `${asg} at ${showAddr(addr)}`).toBe(want);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("firstMatch over one NSG", () => {
  it("partitions the traffic class, and each packet's piece carries the reference's first matching rule", () => {
    const seen = { inside: 0, outside: 0, custom: 0, symbolic: 0, v6: 0, asgDecided: 0, denyInternetOverStorage: 0 };
    fc.assert(
      fc.property(worldArb, ruleSpecsArb(15), classSpecArb, packetSeedsArb(PACKETS_PER_RUN), (spec, specs, cls, seeds) => {
        const world = buildWorld(spec);
        const nsg = buildNsg("nsg", specs);
        const rules = allRules(nsg);
        const pieces = firstMatch(compileNsg(nsg, cls.direction, world.ctx), [classBox(world.ctx, cls)]);
        const fail = (p: Packet, what: string) => {
          throw new Error(`${what}\n  packet: ${showPacket(p)}\n  world: ${JSON.stringify(spec)}\n${describeCase(specs, cls)}`);
        };
        for (const p of packetsFor(world.ref, cls, seeds, specs)) {
          const holders = pieces.filter((piece) => boxHas(piece.box, p));
          if (!refClassHas(world.ref, cls, p)) {
            seen.outside++;
            if (holders.length) fail(p, `a piece holds a packet outside the class (rule ${holders[0].rule.rule.name})`);
            continue;
          }
          seen.inside++;
          const want = refFirstMatch(world.ref, rules, cls.direction, p);
          if (holders.length !== 1) fail(p, `packet in ${holders.length} pieces (${holders.map((h) => h.rule.rule.name).join(", ")}), want exactly one`);
          const got = holders[0].rule.rule;
          if (got !== want) fail(p, `engine decided by ${got.name} (${got.priority} ${got.access}), reference by ${want?.name} (${want?.priority} ${want?.access})`);
          if (!want!.isDefault) seen.custom++;
          if (p.src.kind === "tag" || p.dst.kind === "tag") seen.symbolic++;
          if ((p.src.kind === "ip" && p.src.family === 6) || (p.dst.kind === "ip" && p.dst.family === 6)) seen.v6++;
          if (want!.sourceAsgKeys.length || want!.destinationAsgKeys.length) seen.asgDecided++;
          if (
            want!.access === "Deny" &&
            want!.destinationAddressPrefixes.some((t) => t.toLowerCase() === "internet") &&
            rules.some((r) => r.access === "Allow" && r.priority > want!.priority && r.destinationAddressPrefixes.some((t) => t.toLowerCase().startsWith("storage")) && r.direction === cls.direction)
          ) {
            seen.denyInternetOverStorage++;
          }
        }
      }),
      { numRuns: RUNS },
    );
    console.log("firstMatch coverage", seen);
    // The generators must keep producing the cases this property exists for.
    expect(seen.inside).toBeGreaterThan(RUNS * 10);
    expect(seen.outside).toBeGreaterThan(RUNS * 5);
    expect(seen.custom).toBeGreaterThan(RUNS);
    expect(seen.symbolic).toBeGreaterThan(RUNS);
    expect(seen.v6).toBeGreaterThan(RUNS);
    expect(seen.asgDecided).toBeGreaterThan(0);
    expect(seen.denyInternetOverStorage).toBeGreaterThan(0);
  });
});
