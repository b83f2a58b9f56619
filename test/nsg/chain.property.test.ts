// Two-level evaluation (NIC NSG + subnet NSG) against the reference chain; semantics in
// first-match.property.test.ts. Either level may be missing (a missing level allows).
import fc from "fast-check";
import { expect, describe, it } from "vitest";
import type { Nsg } from "@/lib/model/types";
import { compileNsg } from "@/lib/nsg/compile";
import { type Level, evaluateChain, levelsFor } from "@/lib/nsg/evaluate";
import { boxHas } from "../reference/membership";
import { type Packet, type RefLevel, refChain, refDefaultRules, refFirstMatch, showPacket } from "../reference/nsg";
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

  /*
   * KNOWN FAILURE (reported to the lead; lib/ is not ours to edit). firstMatch documents that packets no
   * rule decides, possible only when an NSG lacks Azure's defaults, "are denied, as DenyAll would", but
   * evaluateChain drops them: they come back in no piece at all, so a caller asking "is every piece
   * allowed?" sees only the allowed part. The loader always adds the defaults, so this bites only
   * hand-built Nsg objects (tests, future callers). Minimal counterexample:
   *   NSG with securityRules [100 Outbound Allow Tcp * : * -> * : 443] and defaultSecurityRules [];
   *   class Outbound Tcp 10.0.0.0/16 : * -> Internet : *;
   *   evaluateChain([{ kind: "subnet", nsg, rules }], [class]) returns one Allow piece (port 443) and
   *   nothing for TCP 10.0.0.0 -> 20.38.0.0 port 80, which should come back Deny.
   */
  it("an NSG whose listing omits the default rules is evaluated with Azure's defaults all the same", () => {
    fc.assert(
      fc.property(worldArb, ruleSpecsArb(6), classSpecArb, packetSeedsArb(30), (spec, specs, cls, seeds) => {
        const world = buildWorld(spec);
        const nsg = { ...buildNsg("subnet", specs), defaultSecurityRules: [] };
        const pieces = evaluateChain([{ kind: "subnet", nsg, rules: compileNsg(nsg, cls.direction, world.ctx) }], [classBox(world.ctx, cls)]);
        for (const p of packetsFor(world.ref, cls, seeds, specs)) {
          if (!refClassHas(world.ref, cls, p)) continue;
          const holders = pieces.filter((piece) => boxHas(piece.box, p));
          const rule = refFirstMatch(world.ref, [...nsg.securityRules, ...refDefaultRules()], cls.direction, p);
          const want = rule ? rule.access : "Deny";
          const where = `${showPacket(p)} (reference: ${rule ? rule.name : "no rule, so denied"})\n${describeCase(specs, cls)}`;
          if (holders.length !== 1) throw new Error(`packet in ${holders.length} pieces, want exactly one: ${where}`);
          if (holders[0].access !== want) throw new Error(`engine ${holders[0].access}, want ${want}: ${where}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
