// Scale-set ASGs against the packet reference: generated worlds whose NSG rules name ASG asg-nodes, of which the NIC and
// the scale set's IP configurations may be members. At the local end an ASG matches exactly the holders whose IP
// configuration is in it (test/reference/nsg.ts RefWorld.localEnd); at the far end, a member NIC's address or free
// addresses whose scale-set IP configurations all carry it, and where only some do (the IP configuration pair that
// differs in it), both choices for that rule, Unaudited where they end differently (refLevelOutcome). The
// engine's pieces holding a packet must carry exactly the reference's outcomes over the holders of its local address.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RuleSpec } from "../helpers/estate-builder";
import { type PathPacket, type RefPathVerdict, referencePackets } from "../reference/path";
import { type EngineVerdict, engineJudgeAll } from "./judge";
import { ASG_NODES, NIC_IP, type PathWorld, type ScaleSetIpcSpec, WORK_SUBNET, buildEstate, inboundPacketsFor, mirrored, packetSeedsArb, packetsFor, pathWorldArb } from "./world";

const namesAsg = (r: RuleSpec) => !!(r.srcAsgs?.length || r.dstAsgs?.length);
const allRules = (w: PathWorld) => [...(w.subnetNsg ?? []), ...(w.nic?.nsg ?? []), ...(w.scaleSet?.nsg ?? [])];

const outsideAsg = ({ pool, publicIp }: ScaleSetIpcSpec): ScaleSetIpcSpec => ({ ...(pool ? { pool } : {}), ...(publicIp ? { publicIp } : {}) });

/**
 * Scale-set worlds whose NSGs name an ASG and where someone is a member, without the stages whose known divergences
 * test/path/path.property.test.ts handles (firewalls, routes, admin rules), so every packet is compared.
 */
const asgWorldArb: fc.Arbitrary<PathWorld> = fc
  .tuple(pathWorldArb, fc.boolean())
  .map(([w, mix]) => {
    // Half the scale sets get two IPv4 IP configurations, one in the ASG and one not: the holders it must tell apart.
    const ss = w.scaleSet && mix ? { ...w.scaleSet, v4: [{ ...w.scaleSet.v4[0], asg: true }, outsideAsg(w.scaleSet.v4[1] ?? {})] } : w.scaleSet;
    return { ...w, scaleSet: ss, firewall: undefined, routes: undefined, admin: [] };
  })
  .filter((w) => !!w.scaleSet && allRules(w).some(namesAsg) && [...w.scaleSet.v4, ...w.scaleSet.v6].some((x) => x.asg));

/** The platform's addresses meet known divergences (path.property.test.ts regressions 2 and 3): left to that property. */
const platform = (p: PathPacket) => [p.srcIp, p.dstIp].some((ip) => ip === "168.63.129.16" || ip === "169.254.169.254");

const key = (x: { access: string; stage: string; decidingRule?: string }) => `${x.access}@${x.stage}${x.decidingRule ? `:${x.decidingRule}` : ""}`;

function assertSame(w: PathWorld, packet: PathPacket, wants: RefPathVerdict[], gots: EngineVerdict[]): void {
  const want = new Set(wants.map(key));
  const got = new Set(gots.map(key));
  if (want.size !== got.size || [...want].some((k) => !got.has(k))) {
    throw new Error(`packet ${packet.protocol} ${packet.srcIp}:${packet.srcPort} -> ${packet.dstIp}:${packet.dstPort}\n  reference: ${wants.map((x) => `${x.holder ?? ""} ${key(x)} (${x.why})`).join("; ")}\n  engine: ${[...got].join("; ")}\n  world: ${JSON.stringify(w)}`);
  }
}

/** The NSG rule that dropped a packet, by the reference's `nic:<rule>`/`subnet:<rule>` and its holder's NIC-level NSG. */
function deciding(w: PathWorld, x: RefPathVerdict): RuleSpec | undefined {
  const m = x.decidingRule && /^(nic|subnet):(.*)$/.exec(x.decidingRule);
  if (!m || x.stage !== "nsg") return undefined;
  const rules = m[1] === "subnet" ? w.subnetNsg : x.holder?.startsWith("vmss/") ? w.scaleSet?.nsg : w.nic?.nsg;
  return rules?.find((r) => r.name === m[2]);
}

/** Whether the reference's holder of the packet's local address (a scale set's IP configuration) is in asg-nodes. */
function memberHolder(w: PathWorld, x: RefPathVerdict): boolean | undefined {
  const m = x.holder && /^vmss\/ss([46])-(\d)$/.exec(x.holder);
  if (!m) return undefined;
  return !!(m[1] === "4" ? w.scaleSet?.v4 : w.scaleSet?.v6)?.[Number(m[2])]?.asg;
}

/** What the packet shows of ASGs: a rule naming asg-nodes on the local or far side decided, and holders the ASG tells apart. */
function features(w: PathWorld, wants: RefPathVerdict[], direction: "Outbound" | "Inbound"): string[] {
  const out: string[] = [];
  const localSide = (r: RuleSpec) => (direction === "Outbound" ? r.srcAsgs : r.dstAsgs);
  const farSide = (r: RuleSpec) => (direction === "Outbound" ? r.dstAsgs : r.srcAsgs);
  for (const x of wants) {
    const rule = deciding(w, x);
    if (!rule) continue;
    if (localSide(rule)?.includes(ASG_NODES) && memberHolder(w, x)) out.push(`${direction}: local ASG denied a scale-set member`);
    if (farSide(rule)?.includes(ASG_NODES)) out.push(`${direction}: far-end ASG denied`);
  }
  // The far end in free addresses that members and non-members of the ASG share (the IP configuration pair that differs in it).
  if (wants.some((x) => x.access === "Unaudited" && x.stage === "nsg" && x.why.includes("may or may not match"))) out.push(`${direction}: far-end ASG cannot be judged`);
  // Both ways walked, and they ended alike: the verdict stands.
  if (wants.some((x) => x.nsgBranched && x.access !== "Unaudited")) out.push(`${direction}: far-end ASG both ways alike`);
  const ss = wants.filter((x) => memberHolder(w, x) !== undefined);
  const members = new Set(ss.filter((x) => memberHolder(w, x)).map(key));
  const others = new Set(ss.filter((x) => !memberHolder(w, x)).map(key));
  if (members.size && others.size && [...members].some((k) => !others.has(k))) out.push(`${direction}: members and non-members of one subnet's scale set differ`);
  return out;
}

/** Addresses of the work subnet a member may hold (a free one, the NIC's), for the far end of the packets. */
const WORK_V4 = ["10.0.1.77", NIC_IP];
const WORK_V6 = "fd00:a:1::20";

/**
 * The world's packets, and each again with its far end in the work subnet (the subnet's own traffic: where the far end's
 * ASG membership is asked of addresses a scale set's instance or the NIC may hold).
 */
function packetsOf(w: PathWorld, seeds: Parameters<typeof packetsFor>[1], direction: "Outbound" | "Inbound"): PathPacket[] {
  if (direction === "Outbound") {
    return packetsFor(w, seeds).flatMap((p, i) => [p, { ...p, fqdn: undefined, dstIp: p.srcIp.includes(":") ? WORK_V6 : WORK_V4.find((ip) => ip !== p.srcIp && i % 2 === 0) ?? "10.0.1.77" }]);
  }
  return inboundPacketsFor(w, seeds).flatMap((p, i) => [p, { ...p, srcIp: WORK_V4.find((ip) => ip !== p.dstIp && i % 2 === 0) ?? "10.0.1.77" }]);
}

function run(direction: "Outbound" | "Inbound", runs: number): Map<string, number> {
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(direction === "Outbound" ? asgWorldArb : asgWorldArb.map(mirrored), packetSeedsArb(30), (w, seeds) => {
      const snapshot = buildEstate(w).snapshot();
      const subnetKey = [...snapshot.subnets.values()].find((s) => `${s.vnetName}/${s.name}` === WORK_SUBNET)!.key;
      const judge = engineJudgeAll(snapshot, direction);
      for (const packet of packetsOf(w, seeds, direction)) {
        if (platform(packet)) continue;
        const wants = referencePackets(snapshot, subnetKey, packet, direction);
        assertSame(w, packet, wants, judge(packet));
        for (const k of new Set(features(w, wants, direction))) seen.set(k, (seen.get(k) ?? 0) + 1);
      }
    }),
    { numRuns: runs },
  );
  return seen;
}

describe("scale-set ASGs against the packet reference", () => {
  it("outbound: rules naming the ASG at the source (the holder's own membership) and the destination (any member's address) decide as the reference does", () => {
    const seen = run("Outbound", 150);
    console.log("scale-set ASG outbound coverage", Object.fromEntries(seen));
    for (const k of ["Outbound: local ASG denied a scale-set member", "Outbound: far-end ASG denied", "Outbound: members and non-members of one subnet's scale set differ", "Outbound: far-end ASG cannot be judged", "Outbound: far-end ASG both ways alike"]) expect(seen.get(k) ?? 0, k).toBeGreaterThan(10);
  });

  it("inbound: rules naming the ASG at the destination and the source decide as the reference does", () => {
    const seen = run("Inbound", 150);
    console.log("scale-set ASG inbound coverage", Object.fromEntries(seen));
    for (const k of ["Inbound: local ASG denied a scale-set member", "Inbound: far-end ASG denied", "Inbound: members and non-members of one subnet's scale set differ", "Inbound: far-end ASG cannot be judged", "Inbound: far-end ASG both ways alike"]) expect(seen.get(k) ?? 0, k).toBeGreaterThan(10);
  });
});
