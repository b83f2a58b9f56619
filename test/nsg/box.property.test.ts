// Box difference checked on sampled packets: a \ b comes back as pieces that are pairwise disjoint,
// inside a, outside b, and that with a ∩ b cover exactly a. Address sets here also come out of set
// differences (all tags but Storage, a prefix with a hole), so cofinite tag sets are exercised.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AddrSet, addrSubtract, addrUnion, EMPTY } from "@/lib/net/addr-set";
import * as iv from "@/lib/net/intervals";
import { parsePortRanges } from "@/lib/net/ports";
import { type Box, boxIntersect, boxIsEmpty, boxOverlaps, boxSplit, boxSubtract } from "@/lib/nsg/box";
import { addrSetHas, boxHas, intervalsHave, protoBit } from "../reference/membership";
import { PACKET_PROTOCOLS, type Packet, showPacket } from "../reference/nsg";
import { CANDIDATE_ADDRS, CANDIDATE_PORTS, PORT_TOKENS, addressTokenArb, buildWorld, worldArb } from "./world";

const addrExprArb = fc.record({
  plus: fc.array(addressTokenArb, { minLength: 1, maxLength: 3 }),
  minus: fc.array(addressTokenArb, { maxLength: 2 }),
});
const portExprArb = fc.record({
  plus: fc.array(fc.constantFrom(...PORT_TOKENS), { minLength: 1, maxLength: 3 }),
  minus: fc.array(fc.constantFrom(...PORT_TOKENS.filter((t) => t !== "*")), { maxLength: 1 }),
});
const boxExprArb = fc.record({ proto: fc.oneof(fc.constant(31), fc.integer({ min: 0, max: 31 })), src: addrExprArb, srcPorts: portExprArb, dst: addrExprArb, dstPorts: portExprArb });

type BoxExpr = typeof boxExprArb extends fc.Arbitrary<infer T> ? T : never;

function buildBox(world: ReturnType<typeof buildWorld>, e: BoxExpr): Box {
  const addrs = (x: { plus: string[]; minus: string[] }): AddrSet => {
    const sum = (ts: string[]) => ts.reduce((acc, t) => addrUnion(acc, world.ctx.resolve(t).set), EMPTY);
    return addrSubtract(sum(x.plus), sum(x.minus));
  };
  const ports = (x: { plus: string[]; minus: string[] }) => iv.subtract(parsePortRanges(x.plus), parsePortRanges(x.minus));
  return { proto: e.proto, src: addrs(e.src), srcPorts: ports(e.srcPorts), dst: addrs(e.dst), dstPorts: ports(e.dstPorts) };
}

/**
 * A seed draws every field of a packet from one source: a's members, b's members, members of both (field
 * by field), or every candidate; then one field may be redrawn from every candidate, to land on edges.
 */
const seedArb = fc.array(
  fc.record({ from: fc.nat(3), fields: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), stray: fc.nat(6) }),
  { minLength: 1, maxLength: 60, size: "max" },
);
type Seed = { from: number; fields: number[]; stray: number };

function fieldMembers(box: Box) {
  return {
    protocols: PACKET_PROTOCOLS.filter((p) => box.proto & protoBit(p)),
    src: CANDIDATE_ADDRS.filter((x) => addrSetHas(box.src, x)),
    srcPorts: CANDIDATE_PORTS.filter((x) => intervalsHave(box.srcPorts, x)),
    dst: CANDIDATE_ADDRS.filter((x) => addrSetHas(box.dst, x)),
    dstPorts: CANDIDATE_PORTS.filter((x) => intervalsHave(box.dstPorts, x)),
  };
}
type Fields = ReturnType<typeof fieldMembers>;
const EVERY: Fields = { protocols: [...PACKET_PROTOCOLS], src: CANDIDATE_ADDRS, srcPorts: CANDIDATE_PORTS, dst: CANDIDATE_ADDRS, dstPorts: CANDIDATE_PORTS };

function bothMembers(x: Fields, y: Fields): Fields {
  const keep = <T>(xs: T[], ys: T[]) => xs.filter((v) => ys.includes(v));
  return {
    protocols: keep(x.protocols, y.protocols),
    src: keep(x.src, y.src),
    srcPorts: keep(x.srcPorts, y.srcPorts),
    dst: keep(x.dst, y.dst),
    dstPorts: keep(x.dstPorts, y.dstPorts),
  };
}

const FIELD_KEYS = ["protocols", "src", "srcPorts", "dst", "dstPorts"] as const;

function packetFrom(seed: Seed, from: Fields[]): Packet {
  const choose = <K extends keyof Fields>(k: K, n: number): Fields[K][number] => {
    const own = FIELD_KEYS[seed.stray] === k ? EVERY[k] : from[seed.from][k];
    const xs = own.length ? own : EVERY[k];
    return xs[n % xs.length];
  };
  return {
    protocol: choose("protocols", seed.fields[0]),
    src: choose("src", seed.fields[1]),
    srcPort: choose("srcPorts", seed.fields[2]),
    dst: choose("dst", seed.fields[3]),
    dstPort: choose("dstPorts", seed.fields[4]),
  };
}

describe("box algebra on sampled packets", () => {
  it("boxSubtract pieces are disjoint, inside a, outside b, and with a ∩ b cover a; intersect, overlaps and boxSplit agree", () => {
    const seen = { inA: 0, inBoth: 0, aMinusB: 0, partialOverlap: 0, multiPiece: 0 };
    fc.assert(
      fc.property(worldArb, boxExprArb, boxExprArb, seedArb, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (spec, ea, eb, seeds, share) => {
        const world = buildWorld(spec);
        const a = buildBox(world, ea);
        // Dimensions b shares with a (a's tokens plus its own), so the two often overlap in all five at once.
        const widen = <T extends { plus: string[]; minus: string[] }>(x: T, y: T, on: boolean): T => (on ? { ...y, plus: [...x.plus, ...y.plus] } : y);
        const b = buildBox(world, {
          proto: share[0] ? eb.proto | ea.proto : eb.proto,
          src: widen(ea.src, eb.src, share[1]),
          srcPorts: widen(ea.srcPorts, eb.srcPorts, share[2]),
          dst: widen(ea.dst, eb.dst, share[3]),
          dstPorts: widen(ea.dstPorts, eb.dstPorts, share[4]),
        });
        const pieces = boxSubtract(a, b);
        const both = boxIntersect(a, b);
        // One first-match step (boxSplit) over a alone: b takes a ∩ b, the rest goes on as a \ b.
        const split = boxSplit([a], b);
        if (pieces.length > 1) seen.multiPiece++;
        if (boxOverlaps(a, b) && pieces.length > 0) seen.partialOverlap++;
        expect(pieces.length).toBeLessThanOrEqual(5);
        let witnessedOverlap = false;
        const inA = fieldMembers(a);
        const inB = fieldMembers(b);
        const from = [inA, inB, bothMembers(inA, inB), EVERY];
        for (const seed of seeds) {
          const p = packetFrom(seed, from);
          const pInA = boxHas(a, p);
          const pInB = boxHas(b, p);
          const holders = pieces.filter((x) => boxHas(x, p)).length;
          const want = pInA && !pInB ? 1 : 0;
          if (holders !== want) throw new Error(`${showPacket(p)}: in a ${pInA}, in b ${pInB}, in ${holders} pieces of a \\ b`);
          expect(boxHas(both, p), `${showPacket(p)} in a ∩ b`).toBe(pInA && pInB);
          expect([split.inside.filter((x) => boxHas(x, p)).length, split.outside.filter((x) => boxHas(x, p)).length], `${showPacket(p)} in boxSplit's parts`).toEqual([pInA && pInB ? 1 : 0, want]);
          if (pInA && pInB) witnessedOverlap = true;
          if (pInA) seen.inA++;
          if (pInA && pInB) seen.inBoth++;
          if (want) seen.aMinusB++;
        }
        expect(boxOverlaps(a, b)).toBe(!boxIsEmpty(both));
        if (witnessedOverlap) expect(boxOverlaps(a, b)).toBe(true);
        // An empty a comes back as itself; otherwise no piece is empty (firstMatch would carry dead pieces).
        if (!boxIsEmpty(a)) for (const piece of pieces) expect(boxIsEmpty(piece)).toBe(false);
      }),
      { numRuns: 1000 },
    );
    console.log("boxSubtract coverage", seen);
    expect(seen.inBoth).toBeGreaterThan(100);
    expect(seen.aMinusB).toBeGreaterThan(100);
    expect(seen.partialOverlap).toBeGreaterThan(100);
    expect(seen.multiPiece).toBeGreaterThan(50);
  });
});
