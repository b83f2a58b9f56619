// The engine's side of the path properties: evaluate a subnet's whole traffic once with evaluateFlow,
// then find the one piece that holds a sampled packet and read its access and deciding stage.
import { ALL_V4, ALL_V6 } from "@/lib/net/addr-set";
import { ALL_PORTS } from "@/lib/net/ports";
import { ALL_PROTOCOLS } from "@/lib/net/protocols";
import { ALL_TAGS } from "@/lib/net/tag-set";
import type { Direction, Snapshot } from "@/lib/model/types";
import { Estate } from "@/lib/nsg/estate";
import { type FlowSpec, evaluateFlow } from "@/lib/nsg/flow";
import type { PathPiece } from "@/lib/path/types";
import { type PathStage, evidenceStage } from "@/lib/report/types";
import { boxHas } from "../reference/membership";
import { type PathPacket, toRefPacket } from "../reference/path";
import { FQDNS, WORK_SUBNET } from "./world";

/** What the engine says of one packet: its access and the stage that decided (for a delivered packet, the last stage it passed). */
export interface EngineVerdict {
  access: PathPiece["access"];
  stage: PathStage;
  /** For a drop by an admin rule, its name; by an NSG, `nic:<rule>` or `subnet:<rule>`. */
  decidingRule?: string;
  piece: PathPiece;
}

function decidingRule(p: PathPiece): string | undefined {
  if (p.access !== "Deny") return undefined;
  if (p.decidedAt === "nsg") {
    const d = p.decisions.at(-1);
    return d && `${d.level}:${d.rule.name}`;
  }
  if (p.decidedAt === "admin-rule") {
    const e = p.steps.findLast((s) => evidenceStage(s) === "admin-rule");
    return e && "rule" in e ? String(e.rule) : undefined;
  }
  return undefined;
}

function engineStage(p: PathPiece, direction: Direction): PathStage {
  if (p.access !== "Allow") return p.decidedAt ?? "nsg";
  if (direction === "Inbound") return p.steps.some((s) => evidenceStage(s) === "admin-rule" && "access" in s && s.access === "AlwaysAllow") ? "admin-rule" : "nsg";
  // The firewall's own egress through its public IP is part of the firewall's allow, not an outbound method of the subnet.
  const steps = p.steps.filter((s) => !(evidenceStage(s) === "outbound" && "method" in s && s.method === "firewall-public-ip"));
  return steps.length ? evidenceStage(steps[steps.length - 1]) : "nsg";
}

/**
 * Evaluates the work subnet's whole traffic (IPv4, and IPv6 of a dual-stack NIC) in one direction (once per firewall name target for
 * outbound: any name, and the FQDN pool) and returns a function that judges one packet. Throws unless
 * exactly one piece holds the packet.
 */
export function engineJudge(snapshot: Snapshot, direction: Direction = "Outbound"): (packet: PathPacket) => EngineVerdict {
  const all = engineJudgeAll(snapshot, direction);
  return (packet) => {
    const verdicts = all(packet);
    if (verdicts.length !== 1) throw new Error(`packet in ${verdicts.length} engine pieces, want exactly one`);
    return verdicts[0];
  };
}

/**
 * As engineJudge (with `replies`: the flows as connections whose replies count), but every piece holding the packet, one verdict each: a scale set's endpoint stands for the whole
 * subnet and its differing IP configurations' pieces overlap (lib/nsg/estate.ts scaleSetEndpoint), so a packet from
 * such an address lies in one piece per outcome it may meet. Throws when no piece holds it.
 */
export function engineJudgeAll(snapshot: Snapshot, direction: Direction = "Outbound", replies = false): (packet: PathPacket) => EngineVerdict[] {
  const est = new Estate(snapshot, new Map());
  const subnet = [...snapshot.subnets.values()].find((s) => `${s.vnetName}/${s.name}` === WORK_SUBNET)!;
  const spec = (names: FlowSpec["names"], appProtocol: PathPacket["appProtocol"]): FlowSpec => ({ direction, protocols: ALL_PROTOCOLS, ports: ALL_PORTS, remote: { v4: ALL_V4, v6: ALL_V6, tags: ALL_TAGS }, names, ...(replies ? { replies: true as const } : {}), ...(appProtocol ? { appProtocol } : {}) });
  // One evaluation per protocol the packets speak (undefined: not known), each for any name and for the world's names.
  const byProtocol = new Map<string, { anyName: PathPiece[]; named: PathPiece[] }>();
  const evaluated = (appProtocol: PathPacket["appProtocol"]) => {
    let e = byProtocol.get(appProtocol ?? "");
    if (!e) {
      const anyName = evaluateFlow(est, subnet, spec({ kind: "any" }, appProtocol)).outcomes.flatMap((o) => o.pieces);
      const named = direction === "Outbound" ? evaluateFlow(est, subnet, spec({ kind: "names", names: FQDNS }, appProtocol)).outcomes.flatMap((o) => o.pieces) : anyName;
      byProtocol.set(appProtocol ?? "", (e = { anyName, named }));
    }
    return e;
  };
  return (packet) => {
    const p = toRefPacket(packet);
    const { anyName, named } = evaluated(packet.appProtocol);
    // Per-name results carry the name once they met a firewall; pieces decided before it carry none.
    const pieces = packet.fqdn ? named.filter((x) => x.fqdn === undefined || x.fqdn === packet.fqdn) : anyName;
    const holders = pieces.filter((x) => boxHas(x.box, p));
    if (!holders.length) throw new Error("packet in no engine piece");
    return holders.map((piece) => ({ access: piece.access, stage: engineStage(piece, direction), decidingRule: decidingRule(piece), piece }));
  };
}

/**
 * What the engine says of a packet sent to a wildcard name (`*.blob.core.windows.net`, the seed's name for Storage): the
 * accesses of every piece holding it — the wildcard's own, and those of the narrower names a firewall decides otherwise
 * (lib/path/firewall.ts narrowerNames). Both Allow and Deny: the wildcard works only in part.
 */
export function engineWildcardJudge(snapshot: Snapshot, wildcard: string): (packet: PathPacket) => Set<PathPiece["access"]> {
  const est = new Estate(snapshot, new Map());
  const subnet = [...snapshot.subnets.values()].find((s) => `${s.vnetName}/${s.name}` === WORK_SUBNET)!;
  const byProtocol = new Map<string, PathPiece[]>();
  const piecesFor = (appProtocol: PathPacket["appProtocol"]) => {
    let pieces = byProtocol.get(appProtocol ?? "");
    if (!pieces) {
      const spec: FlowSpec = { direction: "Outbound", protocols: ALL_PROTOCOLS, ports: ALL_PORTS, remote: { v4: ALL_V4, v6: ALL_V6, tags: ALL_TAGS }, names: { kind: "names", names: [wildcard] }, ...(appProtocol ? { appProtocol } : {}) };
      byProtocol.set(appProtocol ?? "", (pieces = evaluateFlow(est, subnet, spec).outcomes.flatMap((o) => o.pieces)));
    }
    return pieces;
  };
  return (packet) => {
    const p = toRefPacket(packet);
    return new Set(piecesFor(packet.appProtocol).filter((x) => boxHas(x.box, p)).map((x) => x.access));
  };
}
