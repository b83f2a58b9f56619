// Two-level evaluation (NIC NSG + subnet NSG) against the reference chain; semantics in
// first-match.property.test.ts. Either level may be missing (a missing level allows).
import fc from "fast-check";
import { expect, describe, it } from "vitest";
import type { Nsg } from "@/lib/model/types";
import { compileNsg } from "@/lib/nsg/compile";
import { type Level, evaluateChain, levelsFor } from "@/lib/nsg/evaluate";
import { boxHas } from "../reference/membership";
import { type Packet, type RefLevel, refChain, showPacket } from "../reference/nsg";
import { allRules, buildNsg, describeCase, buildWorld, classBox, classSpecArb, packetSeedsArb, packetsFor, refClassHas, ruleSpecsArb, worldArb } from "./world";

const RUNS = 400;

const levelArb = fc.option(ruleSpecsArb(8), { nil: undefined, freq: 5 });

describe("evaluateChain over NIC and subnet NSGs", () => {
  it("allows exactly what the reference chain allows, with the same deciding rules level by level", () => {
    const seen = { allowed: 0, deniedAtFirst: 0, deniedAtSecond: 0, twoLevels: 0 };
    fc.assert(
      fc.property(worldArb, levelArb, levelArb, classSpecArb, packetSeedsArb(40), (spec, nicSpecs, subnetSpecs, cls, seeds) => {
        const world = buildWorld(spec);
        const nicNsg = nicSpecs && buildNsg("nic", nicSpecs);
        const subnetNsg = subnetSpecs && buildNsg("subnet", subnetSpecs);
        const level = (kind: "nic" | "subnet", nsg: Nsg | undefined): Level | undefined =>
          nsg && { kind, nsg, rules: compileNsg(nsg, cls.direction, world.ctx), nicKey: kind === "nic" ? "nic0" : undefined };
        const refLevel = (kind: "nic" | "subnet", nsg: Nsg | undefined): RefLevel | undefined => nsg && { kind, rules: allRules(nsg) };
        const levels = levelsFor(cls.direction, level("nic", nicNsg), level("subnet", subnetNsg));
        const pieces = evaluateChain(levels, [classBox(world.ctx, cls)]);
        const fail = (p: Packet, what: string) => {
          throw new Error(
            `${what}\n  packet: ${showPacket(p)}\n  world: ${JSON.stringify(spec)}\n  NIC NSG:\n${nicSpecs ? describeCase(nicSpecs, cls) : "  (none)"}\n  subnet NSG:\n${subnetSpecs ? describeCase(subnetSpecs, cls) : "  (none)"}`,
          );
        };
        for (const p of packetsFor(world.ref, cls, seeds, [...(nicSpecs ?? []), ...(subnetSpecs ?? [])])) {
          const holders = pieces.filter((piece) => boxHas(piece.box, p));
          if (!refClassHas(world.ref, cls, p)) {
            if (holders.length) fail(p, "a piece holds a packet outside the class");
            continue;
          }
          if (holders.length !== 1) fail(p, `packet in ${holders.length} pieces, want exactly one`);
          const want = refChain(world.ref, cls.direction, refLevel("nic", nicNsg), refLevel("subnet", subnetNsg), p);
          const got = holders[0];
          const show = (ds: { level: string; rule: { name: string } }[]) => ds.map((d) => `${d.level}:${d.rule.name}`).join(" > ") || "(no level)";
          if (got.access !== want.access) fail(p, `engine ${got.access} (${show(got.decisions)}), reference ${want.access} (${show(want.decisions)})`);
          const same = got.decisions.length === want.decisions.length && got.decisions.every((d, i) => d.level === want.decisions[i].level && d.rule === want.decisions[i].rule);
          if (!same) fail(p, `deciding rules: engine ${show(got.decisions)}, reference ${show(want.decisions)}`);
          if (got.decisions.some((d) => d.nsg !== (d.level === "nic" ? nicNsg : subnetNsg) || (d.level === "nic") !== (d.nicKey === "nic0") )) {
            fail(p, "a decision names the wrong NSG or NIC");
          }
          if (want.access === "Allow") seen.allowed++;
          else if (want.decisions.length === 1) seen.deniedAtFirst++;
          else seen.deniedAtSecond++;
          if (nicNsg && subnetNsg) seen.twoLevels++;
        }
      }),
      { numRuns: RUNS },
    );
    console.log("evaluateChain coverage", seen);
    expect(seen.allowed).toBeGreaterThan(RUNS);
    expect(seen.deniedAtFirst).toBeGreaterThan(RUNS);
    expect(seen.deniedAtSecond).toBeGreaterThan(10);
    expect(seen.twoLevels).toBeGreaterThan(RUNS);
  });
});
