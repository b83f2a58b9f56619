// One side of a required flow: "may this subnet send X" (Outbound) or "may it receive X" (Inbound),
// evaluated for every endpoint in the subnet through its NIC and subnet NSGs.
import { type AddrSet, addrCovers, addrIsEmpty, addrOverlaps, describeAddrs } from "../net/addr-set";
import { type PortSet, ALL_PORTS, describePorts } from "../net/ports";
import { type ProtoSet, describeProtocols } from "../net/protocols";
import type { Direction, Subnet } from "../model/types";
import type { Evidence } from "../report/types";
import type { Box } from "./box";
import type { EndpointGroup, Estate } from "./estate";
import { type DecidedPiece, type Notes, evaluateChain, levelsFor } from "./evaluate";

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
}

export interface EndpointOutcome {
  group: EndpointGroup;
  pieces: DecidedPiece[];
}

export interface FlowResult {
  subnet: Subnet;
  spec: FlowSpec;
  verdict: Verdict;
  outcomes: EndpointOutcome[];
  notes: string[];
  /** Keys of the subnet and every NSG this evaluation read, so a fix re-verifies just the findings it can change. */
  touched: Set<string>;
}

function familyBoxes(local: AddrSet, spec: FlowSpec): Box[] {
  const boxes: Box[] = [];
  // A subnet only sends and receives the address families it has addresses in.
  for (const fam of [4, 6] as const) {
    const localF: AddrSet = { v4: fam === 4 ? local.v4 : [], v6: fam === 6 ? local.v6 : [], tags: local.tags };
    if (addrIsEmpty(localF)) continue;
    const remoteF: AddrSet = { v4: fam === 4 ? spec.remote.v4 : [], v6: fam === 6 ? spec.remote.v6 : [], tags: spec.remote.tags };
    if (addrIsEmpty(remoteF)) continue;
    boxes.push(
      spec.direction === "Outbound"
        ? { proto: spec.protocols, src: localF, srcPorts: ALL_PORTS, dst: remoteF, dstPorts: spec.ports }
        : { proto: spec.protocols, src: remoteF, srcPorts: ALL_PORTS, dst: localF, dstPorts: spec.ports },
    );
  }
  return boxes;
}

export function evaluateFlow(estate: Estate, subnet: Subnet, spec: FlowSpec): FlowResult {
  if (!spec.key) return evaluateUncached(estate, subnet, spec);
  return estate.cachedFlow(`${subnet.key}|${spec.key}`, () => evaluateUncached(estate, subnet, spec));
}

function evaluateUncached(estate: Estate, subnet: Subnet, spec: FlowSpec): FlowResult {
  const notes: Notes = [];
  const touched = new Set<string>([subnet.key]);
  const outcomes: EndpointOutcome[] = [];
  let anyAllowed = false;
  let anyDenied = false;
  const subnetLevel = estate.subnetLevel(subnet, spec.direction);
  if (subnetLevel) touched.add(subnetLevel.nsg.key);
  for (const group of estate.endpointGroups(subnet)) {
    const nicLevel = estate.nicLevel(group.nicNsgKey, subnet, spec.direction);
    if (nicLevel) touched.add(nicLevel.nsg.key);
    const pieces = evaluateChain(levelsFor(spec.direction, nicLevel, subnetLevel), familyBoxes(group.addresses, spec), notes);
    for (const p of pieces) {
      if (p.access === "Allow") anyAllowed = true;
      else anyDenied = true;
    }
    outcomes.push({ group, pieces });
  }
  const verdict: Verdict = anyDenied ? (anyAllowed ? "partly" : "blocked") : "allowed";
  return { subnet, spec, verdict, outcomes, notes, touched };
}

/** Deciding rules as report evidence, once per (NSG, rule, level). `access` picks allowed or denied pieces. */
export function flowEvidence(result: FlowResult, access?: "Allow" | "Deny"): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const o of result.outcomes) {
    for (const p of o.pieces) {
      if (access && p.access !== access) continue;
      for (const d of p.decisions) {
        const k = `${d.nsg.key}|${d.rule.name}|${d.level}`;
        if (seen.has(k)) continue;
        seen.set(k, {
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
  return [...seen.values()];
}

/** The group's NICs whose addresses the piece holds. */
function nicsIn(group: EndpointGroup, local: AddrSet): string[] {
  return group.members.filter((m) => m.nic && addrOverlaps(m.addresses, local)).map((m) => m.nic!.name);
}

/** Whether a piece holds all of the flow's remote end, in the address families the piece is about. */
function coversWhole(piece: AddrSet, whole: AddrSet): boolean {
  const inFamilies: AddrSet = { v4: piece.v4.length ? whole.v4 : [], v6: piece.v6.length ? whole.v6 : [], tags: whole.tags };
  return addrCovers(piece, inFamilies);
}

/** "TCP port 443 to Storage.WestEurope from NIC cc-vm-nic: denied by DenyStorageWE (150) in nsg-cc". */
export function describeDenied(estate: Estate, result: FlowResult, max = 3): string {
  const ctx = estate.context(result.subnet);
  // The same traffic denied by the same rule for several NICs is one line naming them all.
  const lines = new Map<string, { head: string; tail: string; nics: string[] }>();
  const multi = result.outcomes.reduce((n, o) => n + o.group.nics.length, 0) > 1;
  for (const o of result.outcomes) {
    for (const p of o.pieces) {
      if (p.access !== "Deny") continue;
      const remote = result.spec.direction === "Outbound" ? p.box.dst : p.box.src;
      const local = result.spec.direction === "Outbound" ? p.box.src : p.box.dst;
      const last = p.decisions[p.decisions.length - 1];
      const ports = p.box.srcPorts.length === 2 && p.box.srcPorts[0] === 0 && p.box.srcPorts[1] === 65535 ? "" : ` (source ${describePorts(p.box.srcPorts)})`;
      const head = `${describeProtocols(p.box.proto)} ${describePorts(p.box.dstPorts)}${ports} ${result.spec.direction === "Outbound" ? "to" : "from"} ${result.spec.remoteLabel && coversWhole(remote, result.spec.remote) ? result.spec.remoteLabel : describeAddrs(remote, ctx.tagDisplay)}`;
      const tail = `denied by ${last.rule.name} (${last.rule.priority}) in ${last.nsg.name}`;
      const line = lines.get(head + tail) ?? { head, tail, nics: [] };
      if (multi) line.nics.push(...nicsIn(o.group, local));
      lines.set(head + tail, line);
    }
  }
  const text = [...lines.values()].map(({ head, tail, nics }) => {
    const names = [...new Set(nics)];
    const where = names.length ? ` for NIC${names.length > 1 ? "s" : ""} ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` and ${names.length - 3} more` : ""}` : "";
    return `${head}${where}: ${tail}`;
  });
  return text.slice(0, max).join("; ") + (text.length > max ? `; and ${text.length - max} more` : "");
}

/** Names of the rules that allowed the traffic, for pass details. */
export function describeAllowed(result: FlowResult, max = 3): string {
  const names = new Set<string>();
  for (const o of result.outcomes)
    for (const p of o.pieces)
      if (p.access === "Allow") {
        if (p.decisions.length === 0) names.add("no NSG on its way");
        for (const d of p.decisions) names.add(`${d.rule.name} (${d.rule.priority}) in ${d.nsg.name}`);
      }
  const list = [...names];
  return list.slice(0, max).join(", ") + (list.length > max ? ` and ${list.length - max} more` : "");
}
