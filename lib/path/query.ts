// "Can A reach B, and what decides it?" — one flow through every stage of CONTRACT §4.1, answered
// offline from the same engine the audit uses (like Network Watcher's IP flow verify and next hop,
// but for the whole path and without touching Azure). CONTRACT §2 `npm run query`.
import { InputError } from "../errors";
import { type AddrSet, EMPTY, addrIntersect, addrIsEmpty, addrSubtract, addrUnionAll, concrete, describeAddrs } from "../net/addr-set";
import { cidrsToRanges, parseCidr } from "../net/ip";
import { ALL_PORTS, type PortSet, parsePortRange } from "../net/ports";
import { ALL_PROTOCOLS, type ProtoSet, TCP, UDP } from "../net/protocols";
import type { Snapshot, Subnet } from "../model/types";
import { Estate } from "../nsg/estate";
import { type FlowResult, type FlowSpec, type Verdict, allowingFirewallSteps, describeAllowed, describeDenied, evaluateFlow, flowEvidence, partlyWords, restAllowed } from "../nsg/flow";
import type { Evidence } from "../report/types";
import { evidenceStage } from "../report/types";
import { ANY_NAME, type NameTarget, SEED_FQDNS, serviceTagOfName } from "./fqdn";
import { subnetHolding } from "./locate";
import { type StorageEndpointAt, endpointPath, endpointSourceWords, evaluateDestinationInbound, storageEndpointsAt } from "./private-endpoints";
import { type Reach, doubtSentences, pathBetween, snatWay, unsaidDoubts } from "./reach";
import { type SeenSource, mergeFlowResults, seenSourceWords, vouched } from "./snat";
import { subnetsByRef } from "../snapshot/profile";
import { judgingQueriedAccount, storagePolicyNotes } from "./service-endpoint-policies";
import { PLATFORM_ADDRESSES, PLATFORM_SET, earlierPlatformAllow, platformTagRule } from "./platform-dns";
import { storageAccountOfName, storageNameTargets } from "./storage-names";
import { accountEndpointAddresses, firewallNameProblems, nameProblem } from "./zone-overrides";
import { accountAdmits, storageAccountOf } from "./storage-account-access";
import { partialReadNote } from "../partial-read";
import type { ReadError } from "../report/types";
import { checkServiceTagName, isRegionalTagName } from "./service-tag-names";
import { assertSubnetHasPrefix } from "../snapshot/subnet-prefix";

/** What a query may say its TCP traffic speaks above TCP (`--app`), as a firewall's application rules tell them apart. */
export const QUERY_APP_PROTOCOLS = ["http", "https", "other"] as const;

export interface FlowQuery {
  from: string;
  to: string;
  protocol: "tcp" | "udp" | "icmp" | "any";
  /** `443` or `8000-8100`; ignored for icmp. */
  port?: string;
  /**
   * What the traffic speaks above TCP, where the asker knows it (`--app`): `https`, `http`, or `other` (AMQP, SSH and
   * the like, which meet no application rule). Given, it replaces the query's own guess (withAppProtocol); tcp only.
   */
  app?: (typeof QUERY_APP_PROTOCOLS)[number];
}

/**
 * A query's `--app` as given (any case) checked against its protocol: one of QUERY_APP_PROTOCOLS, lower-cased, or
 * undefined when not given. Throws InputError naming `--app` for another value, and for a protocol other than tcp:
 * Azure Firewall applies application rules to HTTP, HTTPS and MSSQL over TCP alone, so UDP, ICMP or "any" have no
 * application protocol to name. https://learn.microsoft.com/azure/firewall/rule-processing
 */
export function queryAppProtocol(app: string | undefined, protocol: string): FlowQuery["app"] {
  if (app === undefined) return undefined;
  const value = app.trim().toLowerCase();
  const known = QUERY_APP_PROTOCOLS.find((p) => p === value);
  if (!known) throw new InputError("--app", "", `expected ${QUERY_APP_PROTOCOLS.slice(0, -1).join(", ")} or ${QUERY_APP_PROTOCOLS.at(-1)}, got ${JSON.stringify(app)}`);
  if (protocol.toLowerCase() !== "tcp") throw new InputError("--app", "", `names what TCP traffic speaks, so it needs protocol tcp, not ${protocol.toLowerCase()}`);
  return known;
}

export interface QueryAnswer {
  verdict: "allowed" | "blocked" | "partial";
  /**
   * The source and destination as resolved: ids (`subnet`, `endpointId`) for machines, names as the rest of the
   * product writes them for people (`subnetName` is `vnet/subnet`; `endpoint` is `NIC <name>`, `scale set <name>`
   * or the source IP). `label` is the source as the answer's sentences name it. `addresses` is the source's own:
   * the IP given, a NIC's private IPs, else (a subnet, a scale set, whose instances take any of its addresses) the
   * subnet's prefixes.
   */
  from: { subnet: string; subnetName: string; endpoint?: string; endpointId?: string; label: string; addresses: string };
  to: { what: string; subnet?: string; subnetName?: string };
  /** One sentence per side checked. */
  parts: string[];
  /** What decided at each stage, in path order: the source's side, then the destination's (`side`). */
  stages: (Evidence & { stage: string; side: "source" | "destination" })[];
  notes: string[];
}

const FQDN = /^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$/i;
const TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/;

function subnetByRef(snapshot: Snapshot, ref: string): Subnet | undefined {
  const matches = subnetsByRef(snapshot, ref);
  if (matches.length > 1) throw new InputError("--from/--to", "", `"${ref}" matches ${matches.length} subnets; use the full subnet id`);
  return matches[0];
}

interface Source {
  subnet: Subnet;
  endpointKey?: string;
  /** The NIC's or scale set's ARM id as the input spells it. */
  endpointId?: string;
  endpointName?: string;
  addresses?: AddrSet;
  /** The source's own addresses as people read them, when narrower than its subnet's prefixes (a NIC's private IPs). */
  shown?: string;
}

function resolveSource(snapshot: Snapshot, from: string): Source {
  const ref = from.trim();
  const key = ref.toLowerCase();
  if (ref.startsWith("/") && /\/networkinterfaces\/[^/]+$/i.test(ref)) {
    const nic = snapshot.nics.get(key);
    const subnetKey = nic?.ipConfigurations.find((c) => c.subnetKey)?.subnetKey;
    const subnet = subnetKey ? snapshot.subnets.get(subnetKey) : undefined;
    if (!nic || !subnet) throw new InputError("--from", "", `no NIC in the input matches ${JSON.stringify(from)}`);
    // The NIC's own private IPs in that subnet; a NIC the input gives no address for may hold any of the subnet's.
    // (A scale set's instances take any address of their subnet, so a scale set shows the subnet's prefixes.)
    const ips = nic.ipConfigurations.filter((c) => c.subnetKey === subnet.key && c.privateIpAddress).map((c) => c.privateIpAddress!.trim());
    return { subnet, endpointKey: nic.key, endpointId: nic.id, endpointName: `NIC ${nic.name}`, ...(ips.length ? { shown: [...new Set(ips)].join(", ") } : {}) };
  }
  if (ref.startsWith("/") && /\/virtualmachinescalesets\/[^/]+$/i.test(ref)) {
    const vmss = snapshot.scaleSets?.get(key);
    const subnetKey = vmss?.nicConfigurations.flatMap((c) => c.ipConfigurations).find((i) => i.subnetKey)?.subnetKey;
    const subnet = subnetKey ? snapshot.subnets.get(subnetKey) : undefined;
    if (!vmss || !subnet) throw new InputError("--from", "", `no scale set in the input matches ${JSON.stringify(from)}`);
    return { subnet, endpointKey: vmss.key, endpointId: vmss.id, endpointName: `scale set ${vmss.name}` };
  }
  const ip = parseCidr(ref);
  if (ip && !ref.includes("/")) {
    const addresses = concrete(ip.v4, ip.v6);
    const subnet = subnetHolding(snapshot, addresses);
    if (!subnet) throw new InputError("--from", "", `${ref} is in no subnet of the input`);
    return { subnet, addresses, endpointName: ref };
  }
  const subnet = subnetByRef(snapshot, ref);
  if (!subnet) throw new InputError("--from", "", `expected a subnet ref (vnet/subnet or id), a NIC id, a scale set id or an IP address; nothing matches ${JSON.stringify(from)}`);
  return { subnet };
}

interface Destination {
  what: string;
  remote: (estate: Estate, source: Subnet) => AddrSet;
  names: NameTarget;
  subnet?: Subnet;
  addresses?: AddrSet;
  /** Said beside the answer: a service tag name the product could not check. */
  note?: string;
  /** A storage account's name (lower-case, no wildcard): a private endpoint of the account may serve it (storageNameTargets). */
  storageName?: string;
  /** The destination's name (lower-case), which the source's DNS must resolve (nameProblem). */
  fqdn?: string;
}

function resolveDestination(snapshot: Snapshot, to: string): Destination {
  const ref = to.trim();
  const cidr = parseCidr(ref);
  if (cidr) {
    const addresses = concrete(cidr.v4, cidr.v6);
    const subnet = subnetHolding(snapshot, addresses);
    return { what: ref, remote: () => addresses, names: ANY_NAME, subnet, addresses };
  }
  if (ref.includes("/")) {
    const subnet = subnetByRef(snapshot, ref);
    if (!subnet) throw new InputError("--to", "", `no subnet matches ${JSON.stringify(to)}`);
    const p = cidrsToRanges(subnet.addressPrefixes);
    return { what: `${subnet.vnetName}/${subnet.name}`, remote: () => concrete(p.v4, p.v6), names: ANY_NAME, subnet };
  }
  if (FQDN.test(ref) && !isRegionalTagName(snapshot, ref)) {
    // A name the audit maps to a service tag (a seed FQDN, a storage account's service name) stands for that tag's
    // addresses at the NSGs and routes, and for itself at a firewall's application rules; any other name for the
    // public Internet outside the CycleCloud page's tags (AzureCloud's addresses among it: an unknown name may be in Azure).
    const tag = serviceTagOfName(ref);
    const lower = ref.toLowerCase().replace(/\.$/, "");
    return {
      what: ref,
      remote: (estate, source) => (tag ? estate.context(source).resolve(tag).set : estate.context(source).internetOutsideRequiredTags),
      names: { kind: "names", names: [ref] },
      ...(tag ? { note: `${ref} is judged as service tag ${tag} at the NSGs and routes (its public addresses), and by its name at a firewall's application rules.` } : {}),
      ...(tag === "Storage" && !lower.startsWith("*.") ? { storageName: lower } : {}),
      fqdn: lower,
    };
  }
  if (TAG.test(ref)) {
    const note = checkServiceTagName(snapshot, ref);
    return { what: `service tag ${ref}`, ...(note ? { note } : {}), remote: (estate, source) => estate.context(source).resolve(ref).set, names: SEED_FQDNS[ref.toLowerCase()] ? { kind: "names", names: SEED_FQDNS[ref.toLowerCase()] } : ANY_NAME };
  }
  throw new InputError("--to", "", `expected a subnet ref, an IP, a CIDR, a service tag or an FQDN, got ${JSON.stringify(to)}`);
}

function protocolsOf(p: FlowQuery["protocol"]): ProtoSet {
  return p === "tcp" ? TCP : p === "udp" ? UDP : p === "icmp" ? 4 : ALL_PROTOCOLS;
}

function portsOf(q: FlowQuery): PortSet {
  if (q.protocol === "icmp" || q.port === undefined || q.port === "*") return ALL_PORTS;
  const p = parsePortRange(q.port);
  if (!p) throw new InputError("--port", "", `expected a port 0-65535 or a range N-M, got ${JSON.stringify(q.port)}`);
  return p;
}

/** A decision on `VirtualNetwork` that holds only because a default route widened the tag (CONTRACT §4.1 stage 2). */
function widened(r: FlowResult): string[] {
  const out = new Set<string>();
  for (const o of r.outcomes) for (const p of o.pieces) if (p.widenedBy) out.add(`A rule on VirtualNetwork decided here because ${p.widenedBy}.`);
  return [...out];
}

function combine(a: Verdict, b?: Verdict): QueryAnswer["verdict"] {
  const vs = [a, b].filter((v): v is Verdict => v !== undefined);
  if (vs.every((v) => v === "allowed")) return "allowed";
  if (vs.some((v) => v === "blocked")) return "blocked";
  return "partial";
}

function explain(estate: Estate, r: FlowResult): string {
  return r.verdict === "allowed" ? `allowed by ${describeAllowed(r)}` : r.verdict === "blocked" ? `blocked: ${describeDenied(estate, r)}` : `${partlyWords(r)}: ${describeDenied(estate, r)}${restAllowed(r)}`;
}

function staged(r: FlowResult, side: "source" | "destination"): QueryAnswer["stages"] {
  const all = [...flowEvidence(r, "Deny"), ...flowEvidence(r, "Unaudited"), ...flowEvidence(r, "Allow")];
  const seen = new Set<string>();
  const out: QueryAnswer["stages"] = [];
  for (const e of all) {
    const k = JSON.stringify(e);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ ...e, stage: evidenceStage(e), side } as QueryAnswer["stages"][number]);
  }
  const order = ["admin-rule", "nsg", "route", "firewall", "outbound"];
  return out.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
}

/**
 * The routes that left no way between the two subnets, as route stages of the side whose routes they are (the way
 * there is the source's, the way back the destination's; a firewall subnet's or a shared fault, the source's way).
 */
function routeFaultStages(reach: Reach | undefined): QueryAnswer["stages"] {
  if (!reach || reach.reachable) return [];
  const seen = new Set<string>();
  const out: QueryAnswer["stages"] = [];
  for (const f of reach.faults) {
    const side = f.way === "back" && f.owner !== "asymmetric" ? "destination" : "source";
    for (const e of f.evidence) {
      const k = `${side}|${JSON.stringify(e)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ ...e, side });
    }
  }
  return out;
}

/** The flow's sending side narrowed to the queried source: one NIC or scale set, or the addresses given. */
const localFilterOf = (source: Source): FlowSpec["localFilter"] => ({ ...(source.endpointKey ? { endpointKey: source.endpointKey } : {}), ...(source.addresses ? { addresses: source.addresses } : {}) });

/** What one part of the destination came to: its verdict and its share of the answer. */
interface Judged {
  verdict: QueryAnswer["verdict"];
  parts: string[];
  stages: QueryAnswer["stages"];
  notes: string[];
  /** The source's outbound flow, where one flow was judged (judgeAddresses). */
  out?: FlowResult;
}

const label = (s: Subnet) => `${s.vnetName}/${s.name}`;

/**
 * The destination's addresses other than storage private endpoints (or a name, a tag): the source's side through
 * every stage and, for a subnet or an address in one, its inbound side and a way both there and back.
 */
/** A query's traffic: protocols and ports, and what it speaks above TCP where that is known (withAppProtocol). */
interface QueryTraffic {
  protocols: ProtoSet;
  ports: PortSet;
  appProtocol?: FlowSpec["appProtocol"];
}

/**
 * The query's traffic where the asker did not say what it speaks (`--app`): taken to be HTTPS where it goes by name (an
 * FQDN, a service tag's seed names, a storage account's) on TCP 443 alone, as the audit's checks of those services take
 * it; else of a protocol not known, which meets a firewall's application rules on any of their ports
 * (applicationRuleNotes says so).
 */
function withAppProtocol(flow: { protocols: ProtoSet; ports: PortSet }, names: FlowSpec["names"]): QueryTraffic {
  const https = names?.kind === "names" && flow.protocols === TCP && flow.ports.length === 2 && flow.ports[0] === 443 && flow.ports[1] === 443;
  return https ? { ...flow, appProtocol: "https" } : flow;
}

function judgeAddresses(estate: Estate, source: Source, sourceLabel: string, what: string, subnet: Subnet | undefined, addresses: AddrSet | undefined, remote: AddrSet, names: FlowSpec["names"], flow: QueryTraffic): Judged {
  const { protocols, ports } = flow;
  // A query asks whether a connection works: its replies count (lib/path/evaluate.ts withReplies).
  const spec: FlowSpec = { direction: "Outbound", protocols, ports, remote, names, localFilter: localFilterOf(source), replies: true, ...(flow.appProtocol ? { appProtocol: flow.appProtocol } : {}) };
  const out = evaluateFlow(estate, source.subnet, spec);
  let inbound: FlowResult | undefined;
  let reach: Reach | undefined;
  let exempt: { name: string; why: string }[] = [];
  let seen: SeenSource[] = [];
  if (subnet) {
    const srcAddrs = source.addresses ?? estate.roleAddresses(source.subnet);
    const destAddrs = addresses ?? estate.subnetPrefixes(subnet);
    // As the audit's subnet flows judge it: a way there and, for the replies, back, and where a firewall on the way
    // SNATs, the destination's NSG meeting the firewall's instances (lib/path/reach.ts snatWay).
    const ends = (s: Subnet) => (s.key === source.subnet.key ? srcAddrs : destAddrs);
    const way = snatWay(estate, source.subnet, subnet, ends, pathBetween(estate, source.subnet, subnet, ends), () => out, ports, undefined, flow.appProtocol);
    seen = way.seen ?? [{ addresses: srcAddrs }];
    reach = way.reach;
    // Whether the destination's subnet NSG applies (not to a private endpoint whose subnet's network policies leave
    // it out) is decided where the audit decides it (lib/path/private-endpoints.ts).
    const sides = seen.map((x) => evaluateDestinationInbound(estate, subnet, addresses, { protocols, ports, remote: x.addresses }));
    const judged = sides.flatMap((x, i) => (x.result ? [vouched(seen[i], x.result)] : []));
    inbound = judged.length ? mergeFlowResults(judged) : undefined;
    exempt = sides[0].exempt;
  }
  const parts = [`Outbound at ${sourceLabel} to ${what}: ${explain(estate, out)}.`];
  const via = subnet ? seenSourceWords(seen, label(subnet)) : "";
  if (inbound && subnet) parts.push(`Inbound at ${label(subnet)}${via ? ` (the traffic arrives ${via})` : ""}: ${explain(estate, inbound)}.`);
  for (const e of exempt) parts.push(`Inbound at private endpoint ${e.name}: not filtered by the NSG of ${label(subnet!)} (${e.why}).`);
  if (reach && !reach.reachable && subnet) parts.push(`Between ${label(source.subnet)} and ${label(subnet)}: no route — ${reach.why}.`);
  const doubts = reach?.reachable ? (reach.doubts ?? []) : [];
  // What the source's own flow already says of its routes is not said again for the way.
  if (subnet) parts.push(...doubtSentences(`Between ${label(source.subnet)} and ${label(subnet)}`, unsaidDoubts(doubts, source.subnet.key, parts[0])));
  return {
    // A way the audit cannot vouch for (an appliance outside it, forwarding off on a peering) is never "allowed".
    verdict: reach && !reach.reachable ? "blocked" : doubts.length && combine(out.verdict, inbound?.verdict) === "allowed" ? "partial" : combine(out.verdict, inbound?.verdict),
    parts,
    stages: [...staged(out, "source"), ...(inbound ? staged(inbound, "destination") : []), ...routeFaultStages(reach)],
    notes: [...out.notes, ...(inbound?.notes ?? []), ...widened(out), ...(inbound ? widened(inbound) : []), ...(flow.appProtocol ? [] : applicationRuleNotes(out))],
    out,
  };
}

/**
 * For each firewall application rule that lets part of a query through: it does so only for the protocol type it
 * names on that port, which a query (TCP and a port) does not know unless told (`--app`), while the audit's checks do
 * (FlowSpec appProtocol). Said only where the query's protocol is not known.
 * https://learn.microsoft.com/azure/firewall/rule-processing
 */
function applicationRuleNotes(out: FlowResult): string[] {
  const rules = new Set(allowingFirewallSteps(out).flatMap((f) => (f.kind === "application" && f.rule ? [`application rule ${f.rule} of ${f.firewall}`] : [])));
  return [...rules].map((r) => `${r[0].toUpperCase()}${r.slice(1)} lets it through only if the traffic speaks the protocol the rule names on that port (HTTP, HTTPS or MSSQL; Azure Firewall applies application rules to nothing else): AMQP, SSH and the like meet no application rule.`);
}

/**
 * Part of the destination that a storage private endpoint holds, judged as the audit judges the endpoint
 * (`endpointPath`, CONTRACT §4.2): by the name it serves at a firewall's application rules, by the SNAT condition
 * at its network rules (the endpoint's replies bypass route tables, so no way back by routes is asked), and by its
 * subnet's NSG only as privateEndpointNetworkPolicies let Azure apply it.
 */
function judgeEndpoint(estate: Estate, source: Source, sourceLabel: string, at: StorageEndpointAt, given: QueryTraffic): Judged {
  const { endpoint: pe, subnet, addresses, endpointAddresses, target } = at;
  const names: NameTarget = target.name ? { kind: "names", names: [target.name] } : ANY_NAME;
  // By the account's name on 443 it is HTTPS, as the audit judges the endpoint (storageEndpointsFor).
  const flow = given.appProtocol ? given : withAppProtocol(given, names);
  const srcAddrs = source.addresses ?? estate.roleAddresses(source.subnet);
  const path = endpointPath(estate, source.subnet, subnet, addresses, names, { ...flow, sourceAddresses: srcAddrs, localFilter: localFilterOf(source), endpointAddresses });
  const where = describeAddrs(addresses);
  const judgedBy = target.name ? `judged as ${target.name}` : "judged by its address";
  const parts = [`Outbound at ${sourceLabel} to ${where} (private endpoint ${pe.name} of storage account ${target.account}, ${judgedBy}): ${explain(estate, path.outbound)}.`];
  // Where a firewall SNATs (application rules always do), the endpoint's subnet NSG sees the firewall as the source.
  const via = endpointSourceWords(path);
  if (path.inbound) parts.push(`Inbound at private endpoint ${pe.name} in ${label(subnet)} (${path.scope.why}, so Azure applies that subnet's NSG${via ? `; the request arrives ${via}` : ""}): ${explain(estate, path.inbound)}.`);
  else parts.push(`Inbound at private endpoint ${pe.name}: not filtered by the NSG of ${label(subnet)} (${path.scope.why}).`);
  const fault = path.way.reachable ? undefined : path.way;
  if (fault) parts.push(`Between ${label(source.subnet)} and private endpoint ${pe.name}: no route — ${fault.why}.`);
  if (path.noWayBack) parts.push(`Between private endpoint ${pe.name} and ${label(source.subnet)}: replies have no way back — ${path.noWayBack}.`);
  // As for any other destination (judgeAddresses): a way the audit cannot vouch for is never "allowed".
  if (path.doubts.length) parts.push(`Between ${label(source.subnet)} and private endpoint ${pe.name}: cannot be judged — ${path.doubts.join("; ")}.`);
  const fws = path.unsnatted.map((fw) => fw.name).join(", ");
  if (fws) parts.push(`Through Azure Firewall ${fws}: a network rule lets it through without SNAT to the endpoint's private address, and a private endpoint's replies bypass route tables: they come back around the firewall, which drops the connection (allow ${target.name ?? "the account's name"} by an application rule, or SNAT to private ranges).`);
  const base = combine(path.outbound.verdict, path.inbound?.verdict);
  const notes = [
    `${where} is private endpoint ${pe.name} of storage account ${target.account} (${target.groupId}): ${target.name ? `judged by the name it serves, ${target.name}, at a firewall's application rules` : "the input does not show the name it serves, so a firewall's application rules are judged as for an address"}, and through a firewall's network rule only where the policy SNATs its address (its replies bypass route tables), as the audit judges it.`,
  ];
  // As the audit counts it (storageEndpointsFor): only an Approved connection of a provisioned endpoint carries traffic.
  const pending = target.status && target.status.toLowerCase() !== "approved" ? `its connection to ${target.account} is ${target.status}, not Approved` : undefined;
  const unprovisioned = pe.provisioningState && pe.provisioningState.toLowerCase() !== "succeeded" ? `it is in state ${pe.provisioningState}` : undefined;
  const unusable = pending ?? unprovisioned;
  if (unusable) parts.push(`Private endpoint ${pe.name} carries no traffic: ${unusable}.`);
  // Through an application rule the firewall resolves the name itself: where its DNS gives it the public address the
  // request never reaches this address (blocked); where its DNS cannot be seen, neither can the answer (partial).
  for (const d of path.firewallDns) parts.push(`Through Azure Firewall ${d.firewall.name}: ${d.unknown ? "cannot be judged — " : ""}${d.why}.`);
  // Only the parts through such a firewall: parts that go there directly (or through another firewall) still arrive.
  const wrongEverywhere = path.sources.every((x) => x.by === "application" && path.firewallDns.some((d) => !d.unknown && d.firewall.key === x.firewall?.key));
  const dns = !path.firewallDns.length && !path.doubts.length ? "allowed" : wrongEverywhere ? "blocked" : "partial";
  return {
    verdict: fault || unusable ? "blocked" : (fws || path.noWayBack) && base === "allowed" ? "blocked" : base === "allowed" ? dns : base,
    parts,
    stages: [
      ...staged(path.outbound, "source"),
      ...(path.inbound ? staged(path.inbound, "destination") : []),
      ...(fault ? fault.fault.evidence.map((e) => ({ ...e, side: "source" as const })) : []),
    ],
    notes: [...notes, ...path.outbound.notes, ...(path.inbound?.notes ?? []), ...widened(path.outbound), ...(path.inbound ? widened(path.inbound) : []), ...(flow.appProtocol ? [] : applicationRuleNotes(path.outbound))],
  };
}

/**
 * Answers one flow query against a snapshot: the source's side through every stage (admin rules, NSGs, route,
 * firewall, outbound) and, when the destination is a subnet or an address in one, its inbound side (admin rules,
 * NSGs). An address a storage private endpoint holds is judged as the audit judges that endpoint (judgeEndpoint);
 * a destination partly so is answered per part, `partial` when the parts differ. A storage account's name is judged
 * where the source's DNS sends it (lib/path/storage-names.ts), and against a service endpoint policy of the source's
 * subnet on a fresh estate of its own (`given` is then not used: its cached flows answer for the profile's account).
 * Where a firewall on the way SNATs, the destination's NSG meets the firewall's instances (lib/path/snat.ts). `q.app`
 * says what the traffic speaks above TCP (a firewall's application rules meet only their ports for that protocol, none
 * for `other`); without it, traffic by name on TCP 443 is HTTPS and anything else meets them on any of their ports,
 * with a note. Throws InputError naming the flag for a source, destination, port or `--app` (not tcp, not a known
 * value) it cannot read, a subnet end with no address prefix, and, with service tags supplied, a tag name they do
 * not hold. After a partial live read (`opts.readErrors`, else
 * those saved with the snapshot) no answer is `allowed`: what the failed calls would have returned may decide it, as
 * no audit finding passes then (lib/partial-read.ts).
 */
export function queryFlow(snapshot: Snapshot, q: FlowQuery, given = new Estate(snapshot, new Map()), opts: { readErrors?: readonly ReadError[] } = {}): QueryAnswer {
  // What the asker says the traffic speaks decides; without it, traffic by name on 443 is taken as HTTPS (below).
  const app = queryAppProtocol(q.app, q.protocol);
  const source = resolveSource(snapshot, q.from);
  const dest = resolveDestination(snapshot, q.to);
  // A storage account's name says which account a service endpoint policy on the source's subnet must admit, judged as
  // the audit judges the profile's account; on an estate of this query's own, so no memo mixes the two accounts.
  const estate = dest.storageName && source.subnet.serviceEndpointPolicyKeys?.length ? judgingQueriedAccount(new Estate(given.snapshot, given.roles, given.placement), storageAccountOfName(dest.storageName)) : given;
  // A subnet without a prefix holds no address: the answer would be "allowed" with no stage at all.
  assertSubnetHasPrefix(source.subnet, "--from names it");
  if (dest.subnet) assertSubnetHasPrefix(dest.subnet, "--to names it");
  const traffic = { protocols: protocolsOf(q.protocol), ports: portsOf(q) };
  const flow: QueryTraffic = app ? { ...traffic, appProtocol: app } : withAppProtocol(traffic, dest.names);
  const remote = dest.remote(estate, source.subnet);
  if (addrIsEmpty(remote)) throw new InputError("--to", "", `${dest.what} holds no address the source's family can reach`);
  // A packet keeps its address family: an IPv6 destination from a source with IPv4 addresses only has no flow to judge.
  if (dest.addresses) {
    const own = source.addresses ?? estate.subnetPrefixes(source.subnet);
    if ((own.v4.length === 0 || dest.addresses.v4.length === 0) && (own.v6.length === 0 || dest.addresses.v6.length === 0)) {
      throw new InputError("--to", "", `${dest.what} is ${dest.addresses.v4.length ? "IPv4" : "IPv6"} and the source (${describeAddrs(own)}) has no address of that family`);
    }
  }
  const sourceLabel = `${label(source.subnet)}${source.endpointName ? ` (${source.endpointName})` : ""}`;
  // The platform's own addresses: no route, firewall or outbound method on the way, and only NSG rules naming their
  // AzurePlatform* tags filter them.
  const platform = dest.addresses ? platformJudged(estate, source, sourceLabel, dest.addresses, flow) : undefined;
  if (platform) return answerOf(source, dest, q, [platform], { before: [], after: [] }, opts, snapshot);
  // A name a private DNS zone linked where the source resolves answers without a record: nothing is sent at all.
  const accept = dest.storageName ? accountEndpointAddresses(estate, dest.storageName) : undefined;
  const hidden = dest.fqdn ? nameProblem(estate, source.subnet, dest.fqdn, accept) : undefined;
  if (hidden?.sure) return answerOf(source, dest, q, [{ verdict: "blocked", parts: [`${dest.what} does not resolve for ${sourceLabel}: ${hidden.why} (${hidden.fix}).`], stages: [], notes: [] }], { before: [], after: [] }, opts, snapshot);
  // Addresses (an IP, a CIDR, a subnet) may be storage private endpoints; so may a storage account's name, where
  // the source's DNS gives an endpoint's address (storageNameTargets); a tag or another name is judged as it is.
  const named = dest.storageName ? storageNameTargets(estate, source.subnet, dest.storageName) : undefined;
  const endpoints = dest.addresses || dest.subnet ? storageEndpointsAt(estate, remote) : (named?.endpoints ?? []);
  const rest = named ? (named.public ? remote : EMPTY) : endpoints.length ? addrSubtract(remote, addrUnionAll(endpoints.map((e) => e.addresses))) : remote;
  const judged: Judged[] = [];
  if (!addrIsEmpty(rest)) {
    const restSubnet = named ? undefined : endpoints.length ? subnetHolding(snapshot, rest) : dest.subnet;
    const what = named && endpoints.length ? `${dest.what} at its public address` : endpoints.length ? describeAddrs(rest) : dest.what;
    // The account's public address, where the input holds the account: its region's part of Storage, and its own
    // network rules after the path, as the audit judges the profile's account (lib/path/storage-account-access.ts).
    const account = named && dest.storageName ? storageAccountOf(snapshot, storageAccountOfName(dest.storageName)) : undefined;
    const publicAt = account?.location ? estate.context(source.subnet).resolve(`Storage.${account.location}`).set : rest;
    const j = judgeAddresses(estate, source, sourceLabel, what, restSubnet, endpoints.length ? publicAt : dest.addresses, publicAt, dest.names, flow);
    const admission = account && j.out && j.verdict !== "blocked" ? accountAdmits(snapshot, account, source.subnet, j.out) : undefined;
    if (admission && admission.state !== "yes") {
      j.verdict = admission.state === "no" ? "blocked" : "partial";
      j.parts.push(`At storage account ${account!.name}: ${admission.state === "no" ? "refused" : admission.state === "part" ? "admitted only in part" : "cannot be judged"} — ${admission.why}.`);
    }
    judged.push(j);
  }
  for (const at of endpoints) judged.push(judgeEndpoint(estate, source, sourceLabel, at, flow));
  // A name that gives no address at all: nothing is sent, whatever the path would allow.
  if (named?.unresolved) judged.push({ verdict: "blocked", parts: [`${dest.what} does not resolve for ${sourceLabel}: ${named.unresolved}.`], stages: [], notes: [] });
  // A firewall letting it through by an application rule resolves the name itself, with its own VNet's zones.
  for (const j of dest.fqdn ? judged : []) {
    for (const p of j.out ? firewallNameProblems(estate, [j.out], [dest.fqdn!], accept) : []) {
      if (j.verdict === "blocked") continue;
      j.parts.push(p.sure ? `But it connects to nothing: ${p.why} (${p.fix}).` : `Whether it connects cannot be judged: ${p.why} (${p.fix}).`);
      j.verdict = p.sure ? "blocked" : "partial";
    }
  }
  // Where it may not resolve: a path that allows it is not a sure "allowed".
  if (hidden) {
    const doubt = `Whether ${dest.what} resolves for ${sourceLabel} cannot be judged: ${hidden.why} (${hidden.fix}).`;
    if (judged.every((j) => j.verdict === "allowed")) judged.push({ verdict: "partial", parts: [doubt], stages: [], notes: [] });
    else judged[0].notes.push(doubt);
  }
  return answerOf(source, dest, q, judged, { before: named?.notes ?? [], after: storagePolicyNotes(estate, source.subnet, judged.flatMap((j) => j.stages)) }, opts, snapshot);
}

/**
 * A query to the platform's own addresses only (168.63.129.16, 169.254.169.254): "these services are not subject to the
 * configured network security groups" unless a rule names their AzurePlatformDNS, AzurePlatformLKM or
 * AzurePlatformIMDS tag, and they need no route or outbound method. The source's NSGs (its NIC's, then its subnet's)
 * are read for such rules alone: the first one matching decides at each level. Undefined for any other destination.
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations
 */
function platformJudged(estate: Estate, source: Source, sourceLabel: string, addresses: AddrSet, flow: { protocols: ProtoSet; ports: PortSet }): Judged | undefined {
  if (!addrIsEmpty(addrSubtract(addresses, PLATFORM_SET))) return undefined;
  const hit = PLATFORM_ADDRESSES.filter((p) => !addrIsEmpty(addrIntersect(concrete(cidrsToRanges([p.address]).v4, []), addresses)));
  if (!hit.length) return undefined;
  const { snapshot } = estate;
  const key = source.endpointKey;
  const nicNsg = key ? (snapshot.nics.get(key)?.nsgKey ?? snapshot.scaleSets?.get(key)?.nicConfigurations.find((c) => c.nsgKey)?.nsgKey) : undefined;
  const levels = [nicNsg, source.subnet.nsgKey].map((k) => estate.nsg(k)).filter((n): n is NonNullable<typeof n> => !!n);
  const tags = [...new Set(hit.flatMap((p) => p.tags))];
  const decided = levels.map((nsg) => ({ nsg, rule: platformTagRule(estate, source.subnet, nsg, tags, flow.protocols, flow.ports) }));
  const denied = decided.find((d) => d.rule?.access === "Deny");
  const what = hit.map((p) => `${p.address}, ${p.what}`).join("; ");
  if (denied) {
    const rule = denied.rule!;
    const named = rule.destinationAddressPrefixes.find((p) => tags.some((t) => t.toLowerCase() === p.trim().toLowerCase())) ?? tags[0];
    // An Allow before it that matches the same traffic without naming the tag: which wins is not documented.
    const earlier = hit.map((p) => earlierPlatformAllow(estate, source.subnet, denied.nsg, rule, p.address, flow.protocols, flow.ports)).find(Boolean);
    if (earlier) return { verdict: "partial", parts: [`From ${sourceLabel} to ${what}: cannot be judged — ${rule.name} (${rule.priority}) in ${denied.nsg.name} names the ${named} service tag and denies it, but ${earlier.name} (${earlier.priority}, Allow) comes first and matches the same traffic, and whether it wins for platform traffic is not documented.`], stages: [], notes: [] };
    return { verdict: "blocked", parts: [`From ${sourceLabel} to ${what}: denied by ${rule.name} (${rule.priority}) in ${denied.nsg.name}, which names the ${named} service tag.`], stages: [], notes: [] };
  }
  return { verdict: "allowed", parts: [`From ${sourceLabel} to ${what}: allowed. The platform's own addresses are filtered only by NSG rules naming ${tags.join(" or ")} (none denies this), and need no route or outbound method.`], stages: [], notes: [] };
}

/** The answer from what was judged: the verdicts combined, and the notes (`extra` around the parts' own). */
function answerOf(source: Source, dest: Destination, q: FlowQuery, judged: Judged[], extra: { before: string[]; after: string[] }, opts: { readErrors?: readonly ReadError[] }, snapshot: Snapshot): QueryAnswer {
  const sourceLabel = `${label(source.subnet)}${source.endpointName ? ` (${source.endpointName})` : ""}`;
  const verdicts = new Set(judged.map((j) => j.verdict));
  const verdict = verdicts.size === 1 ? judged[0].verdict : "partial";
  const partialRead = partialReadNote(opts.readErrors?.length ? [...opts.readErrors] : snapshot.readErrors);
  return {
    verdict: partialRead && verdict === "allowed" ? "partial" : verdict,
    from: {
      subnet: source.subnet.id,
      subnetName: label(source.subnet),
      ...(source.endpointName ? { endpoint: source.endpointName } : {}),
      ...(source.endpointId ? { endpointId: source.endpointId } : {}),
      label: sourceLabel,
      addresses: source.addresses ? q.from : source.shown ?? source.subnet.addressPrefixes.join(", "),
    },
    to: { what: dest.what, ...(dest.subnet ? { subnet: dest.subnet.id, subnetName: label(dest.subnet) } : {}) },
    parts: judged.flatMap((j) => j.parts),
    stages: judged.flatMap((j) => j.stages),
    notes: [
      ...new Set([
        ...(dest.note ? [dest.note] : []),
        ...extra.before,
        ...judged.flatMap((j) => j.notes),
        ...extra.after,
        ...(partialRead ? [verdict === "allowed" ? partialRead.allowed : partialRead.judged] : []),
      ]),
    ],
  };
}
