// Flows between the roles' subnets: cluster → CycleCloud (AMQP 5672, HTTPS 9443), CycleCloud → return
// proxy (SSH 22), cluster → return proxy (37140). Depending on the rule, the source end (outbound),
// the destination end (inbound) or both are checked; subnets in unpeered VNets cannot reach each other.
// The finding's own end is evaluated once against every peer's prefixes together, then attributed to
// each peer, so a CycleCloud subnet with thousands of cluster subnets costs one evaluation, not thousands.
// Routes (lib/path/reach.ts) count against a one-end check only when its own end's routes decided (the way
// there when it sends, the way back when it receives) or the fault is shared (VNets with no hub between them,
// the hub firewall's own subnet): a user reading a finding looks for the fault at that finding's subnet.
import type { Role, Subnet } from "../../model/types";
import { type AddrSet, EMPTY, addrIntersect, addrIsEmpty, addrUnion, addrUnionAll, cidrsOf } from "../../net/addr-set";
import { TCP } from "../../net/protocols";
import { range } from "../../net/intervals";
import { type FlowResult, type FlowSpec, type Verdict, evaluateFlow } from "../../nsg/flow";
import { type Reach, type RouteDoubt, type RouteFault, doubtSentences, faultText, pathBetween, snatWay, unsaidDoubts } from "../../path/reach";
import type { PathPiece } from "../../path/types";
import type { AppProtocol } from "../../path/firewall";
import { type SeenSource, mergeFlowResults, seenSourceWords, vouched } from "../../path/snat";
import { planFlowFix } from "../../fixes/plan-flow";
import { mergeSenderCollections } from "../../fixes/merge-collections";
import { planPathFix } from "../../fixes/plan-path";
import { type RoutePlan, planRouteFix } from "../../fixes/plan-route";
import { estateWith } from "../../fixes/apply";
import { ownAddresses } from "../../fixes/own-side";
import type { Change } from "../../fixes/types";
import { unjudgedNoFix } from "../../fixes/no-fix";
import { transitGuidance } from "../../fixes/subnet-peering-guidance";
import type { CheckEnv, CheckOutcome, RuleCheck, RuleMeta } from "../types";
import { adminRuleGuidance, clamp, evidenceFor, explainFlow, outcome, touchedBy, withRouteFaults } from "./shared";

export interface SubnetFlow {
  port: number;
  service: string;
  from: Role;
  to: Role;
  ends: "source" | "destination" | "both";
  fixRuleName: string;
  /** With a return proxy in the profile the direct cluster → CycleCloud flows are optional (CONTRACT §4). */
  optionalWithReturnProxy?: boolean;
  /** The rule id that checks the other end of this flow (one-end rules), named when a route fault is its to report. */
  counterpart?: string;
  /** What the flow speaks above TCP: which application rules of a firewall on the way apply (none to AMQP or SSH). */
  appProtocol?: AppProtocol;
}

const ROLE_NAMES: Record<Role, string> = { cyclecloud: "CycleCloud", cluster: "cluster", returnProxy: "return proxy" };
const label = (s: Subnet) => `${s.vnetName}/${s.name}`;
const MAX_LISTED = 3;

interface PeerResult {
  peer: Subnet;
  /** Whether the two ends have a way to each other and back by route, as far as this check judges routes. */
  routed: boolean;
  /** The route faults this check counts (lib/path/reach.ts): its own end's, and those shared by both ends. */
  faults: RouteFault[];
  /** Route faults of the other end's own routes: that end's check reports them; this one only says so. */
  elsewhere: RouteFault[];
  /** What this check cannot judge on the way (an appliance outside the audit, forwarding off on a peering): `warn`. */
  doubts: RouteDoubt[];
  /** The verdict at this subnet's own end for traffic with this peer, if that end is checked. */
  own?: Verdict;
  /** The peer's end, if checked; `seen`: whom it sees as the source where a firewall SNATs. */
  far?: { result: FlowResult; spec: FlowSpec; seen?: SeenSource[] };
  /** This subnet's inbound side for the part a firewall SNATs, judged against the firewall's instances. */
  snatted: FlowResult[];
  /** Whom the receiver sees as the source, when a firewall on the way SNATs part of the flow (lib/path/snat.ts). */
  seen?: SeenSource[];
  /** The sender's flow `seen` was read from. */
  snatFrom?: FlowResult;
  verdict: Verdict;
}

/** The remote ends of the pieces with this access: delivered, dropped, or handed off / not judged. */
function remoteSides(result: FlowResult, access: PathPiece["access"]): AddrSet {
  let set = EMPTY;
  for (const o of result.outcomes)
    for (const p of o.pieces) if (p.access === access) set = addrUnion(set, result.spec.direction === "Outbound" ? p.box.dst : p.box.src);
  return set;
}

interface OwnEnd {
  allowed: AddrSet;
  denied: AddrSet;
  unaudited: AddrSet;
}

/**
 * A peer's share of the own-end result: `blocked` when all of its addresses were dropped, `allowed` when all were
 * delivered, else `partly` — which is also what a part handed off or not judged (missing input) makes it: `warn`,
 * never `fail` (CONTRACT §4, "cannot be judged").
 */
function attribute(prefixes: AddrSet, own: OwnEnd): Verdict {
  const meets = (set: AddrSet) => !addrIsEmpty(addrIntersect(prefixes, set));
  // No piece holds the peer's addresses: no address family the two ends share, so nothing of it can flow.
  if (!meets(own.allowed) && !meets(own.denied) && !meets(own.unaudited)) return "blocked";
  if (!meets(own.denied) && !meets(own.unaudited)) return "allowed";
  return !meets(own.allowed) && !meets(own.unaudited) ? "blocked" : "partly";
}

function combine(verdicts: Verdict[]): Verdict {
  return verdicts.includes("blocked") ? "blocked" : verdicts.every((v) => v === "allowed") ? "allowed" : "partly";
}

export function subnetFlowCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta, p: SubnetFlow): CheckOutcome {
  const { estate } = env;
  const iAmDestination = estate.roles.get(subnet.key) === p.to;
  const peerRole = iAmDestination ? p.from : p.to;
  // Flows between roles are checked only within the subnet's deployment (CONTRACT §1.2).
  const deployment = estate.deploymentOf(subnet);
  const peers = estate.subnetsIn(peerRole, deployment);
  const what = `TCP ${p.port} (${p.service}) from ${ROLE_NAMES[p.from]} to ${ROLE_NAMES[p.to]}`;
  if (peers.length === 0) {
    // A cluster whose deployment names no CycleCloud subnet while another deployment does: the profile leaves whether
    // these nodes reach a CycleCloud unchecked (flows are checked within a deployment, CONTRACT §1.2), so say which.
    const elsewhere = peerRole === "cyclecloud" && estate.deployments.some((d) => d !== deployment && estate.subnetsIn("cyclecloud", d).length > 0);
    if (elsewhere) {
      return outcome({
        status: clamp(meta, "warn"),
        detail: `Deployment ${deployment} names no CycleCloud subnet, so whether ${label(subnet)} reaches its CycleCloud (${what}) is not checked; another deployment's CycleCloud does not count. Add the CycleCloud subnet to the \`cyclecloud\` list of deployment ${deployment}.`,
      });
    }
    return outcome({ status: "info", detail: `No ${ROLE_NAMES[peerRole]} subnet in the profile, so ${what} has nothing to check for ${label(subnet)}.` });
  }
  const ports = range(p.port, p.port);
  const ownChecked = p.ends === "both" || p.ends === (iAmDestination ? "destination" : "source");
  const farChecked = p.ends === "both" || !ownChecked;
  // The CycleCloud server's addresses when the profile names it, else the subnet's prefixes.
  const ownPrefixes = estate.roleAddresses(subnet);

  let own: ({ result: FlowResult; spec: FlowSpec } & OwnEnd) | undefined;
  if (ownChecked) {
    const remote = estate.rolePrefixes(peerRole, deployment);
    const spec: FlowSpec = { direction: iAmDestination ? "Inbound" : "Outbound", protocols: TCP, ports, remote, key: `peers:${deployment}:${peerRole}:${iAmDestination ? "in" : "out"}:${p.port}`, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) };
    const result = evaluateFlow(estate, subnet, spec);
    const whole = result.verdict === "allowed";
    own = { result, spec, allowed: remoteSides(result, "Allow"), denied: whole ? EMPTY : remoteSides(result, "Deny"), unaudited: whole ? EMPTY : remoteSides(result, "Unaudited") };
  }
  const routeTables = new Set<string>();
  const peerResults: PeerResult[] = peers.map((peer) => {
    // A way there and back by route: a missing peering is no obstacle when routes send the traffic through the
    // hub's firewall (whose policy the sending side's flow judges).
    const [sender, receiver] = iAmDestination ? [peer, subnet] : [subnet, peer];
    const first = pairReach(estate, sender, receiver, routeTables);
    const farSpec: FlowSpec = { direction: iAmDestination ? "Outbound" : "Inbound", protocols: TCP, ports, remote: ownPrefixes, key: `subnet:${subnet.key}:${iAmDestination ? "out" : "in"}:${p.port}`, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) };
    // The sender's flow, for whom the receiver sees as the source: asked only when a firewall on the way may SNAT it,
    // and held already where an end checked here is the sender's (the counterpart check evaluates it anyway).
    const senderFlow = (): FlowResult | undefined =>
      iAmDestination ? evaluateFlow(estate, peer, farSpec) : (own?.result ?? evaluateFlow(estate, subnet, { ...farSpec, direction: "Outbound", remote: estate.rolePrefixes(peerRole, deployment), key: `peers:${deployment}:${peerRole}:out:${p.port}` }));
    const { reach, seen, from: snatFrom } = snatWay(estate, sender, receiver, (s) => estate.roleAddresses(s), first, senderFlow, ports, routeTables, p.appProtocol);
    const all = reach.reachable ? [] : reach.faults;
    // Whose routes a one-end check answers for: the sender's when it checks the sending end, else the receiver's.
    const otherOwner = p.ends === "both" ? undefined : p.ends === "source" ? "receiver" : "sender";
    const faults = all.filter((f) => f.owner !== otherOwner);
    const elsewhere = all.filter((f) => f.owner === otherOwner);
    // Doubts count where this check answers for them, also when the other end's fault leaves no way at all.
    const doubts = (reach.doubts ?? []).filter((d) => d.owner !== otherOwner);
    const routed = faults.length === 0;
    let ownVerdict = own ? attribute(estate.roleAddresses(peer), own) : undefined;
    let snatted: FlowResult[] = [];
    if (own && iAmDestination && seen) {
      // This subnet's inbound NSG meets the firewall's instances, not the peer, for the part a firewall SNATs.
      snatted = seen.filter((x) => x.firewall).map((x) => vouched(x, evaluateFlow(estate, subnet, { ...own!.spec, remote: x.addresses, key: `subnet:snat:${x.firewall!.key}:in:${p.port}` })));
      const direct = seen.find((x) => !x.firewall);
      // Each source stands for part of the traffic (or may, where a firewall SNATs part of the addresses): `partly`
      // where they differ, as mergeFlowResults judges the peer's end.
      const each = [...(direct ? [attribute(addrIntersect(direct.addresses, estate.roleAddresses(peer)), own)] : []), ...snatted.map((r) => r.verdict)];
      ownVerdict = each.every((v) => v === each[0]) ? each[0] : "partly";
    }
    let far: PeerResult["far"];
    if (farChecked && !iAmDestination && seen) {
      // The peer's inbound NSG meets the firewall's instances for the part a firewall SNATs, the sender for the rest.
      const parts = seen.map((x) => vouched(x, evaluateFlow(estate, peer, { ...farSpec, remote: x.addresses, key: x.firewall ? `subnet:snat:${x.firewall.key}:in:${p.port}` : farSpec.key })));
      far = { result: mergeFlowResults(parts), spec: { ...farSpec, remote: addrUnionAll(seen.map((x) => x.addresses)), key: undefined }, seen };
    } else if (farChecked) far = { result: evaluateFlow(estate, peer, farSpec), spec: farSpec };
    const verdicts = [ownVerdict, far?.result.verdict].filter((v): v is Verdict => v !== undefined);
    // A way the audit cannot vouch for makes the pair at best partly open: warn, never pass (CONTRACT §4).
    if (doubts.length) verdicts.push("partly");
    return { peer, routed, faults, elsewhere, doubts, own: ownVerdict, far, snatted, ...(seen ? { seen, snatFrom } : {}), verdict: routed ? combine(verdicts) : "blocked" };
  });

  const results = [...(own ? [own.result] : []), ...peerResults.flatMap((x) => [...x.snatted, ...(x.far ? [x.far.result] : [])])];
  const touched = touchedBy(results);
  for (const x of peerResults) touched.add(x.peer.key);
  // Whom the receiver meets follows the sender's flow (which firewall rule let it through): a fix there re-verifies this.
  for (const x of peerResults) for (const k of x.snatFrom?.touched ?? []) touched.add(k);
  // The route tables that decided whether there is a way at all: a route fix there re-verifies this finding.
  for (const k of routeTables) touched.add(k);
  const bad = peerResults.filter((x) => x.verdict !== "allowed");
  const allAllowed = bad.length === 0;
  const allBlocked = peerResults.every((x) => x.verdict === "blocked");
  // "Partly blocked" only where something denies or has no way; traffic only left unjudged is not known to be open.
  const denies = (r?: FlowResult) => !!r?.outcomes.some((o) => o.pieces.some((p) => p.access === "Deny"));
  const anyDenied = bad.some((x) => !x.routed) || denies(own?.result) || bad.some((x) => denies(x.far?.result) || x.snatted.some(denies));
  const state = allAllowed ? "open" : allBlocked ? "blocked" : anyDenied ? "partly blocked" : "not known to be open (part of it cannot be judged)";
  const optional = p.optionalWithReturnProxy && estate.subnetsIn("returnProxy", deployment).length > 0;
  const status = optional ? "info" : clamp(meta, allAllowed ? "pass" : allBlocked ? "fail" : "warn");
  const flowEnds = peers.map((x) => x.key);
  if (!env.plan) return outcome({ status, detail: "", touched, flowEnds });
  // Say which side was looked at, so an open inbound side does not read as a working flow (CONTRACT §4).
  const checkedSide = p.ends === "both" ? "at both ends" : `at the ${ROLE_NAMES[p.ends === "source" ? p.from : p.to]} end (${p.ends === "source" ? "outbound" : "inbound"})`;
  const otherEnd = p.ends === "both" ? "" : ` The ${ROLE_NAMES[p.ends === "source" ? p.to : p.from]} end is judged by its own check.`;
  const pairOf = (peer: Subnet) => (iAmDestination ? `${label(peer)} → ${label(subnet)}` : `${label(subnet)} → ${label(peer)}`);
  const pairsOf = (peers: Subnet[]) => (iAmDestination ? `${peers.map(label).join(", ")} → ${label(subnet)}` : `${label(subnet)} → ${peers.map(label).join(", ")}`);

  const parts: string[] = [];
  // Where firewalls SNAT every peer's traffic, nothing arrives from the peers' own addresses: their sentences follow.
  const ownMet = !iAmDestination || peerResults.some((x) => !x.seen || x.seen.some((y) => !y.firewall));
  const ownWords = own && ownMet ? `${iAmDestination ? "Inbound" : "Outbound"} at ${label(subnet)} ${explainFlow(estate, own.result)}` : "";
  if (ownWords) parts.push(ownWords);
  const listed = bad.slice(0, MAX_LISTED);
  // Each reason once: what this end's own flow already says of its routes is not said again for the way, and a doubt
  // several peers' ways share is one sentence naming them.
  const doubtWords = doubtsOnce(
    listed.filter((x) => x.routed).map((x) => ({ peer: x.peer, doubts: unsaidDoubts(x.doubts, subnet.key, ownWords) })),
    pairsOf,
  );
  for (const x of listed) {
    if (!x.routed) {
      parts.push(`${pairOf(x.peer)}: no route — ${x.faults.map(faultText).join("; ")}.`);
      continue;
    }
    parts.push(...(doubtWords.get(x.peer) ?? []));
    if (x.far && x.far.result.verdict !== "allowed") parts.push(`${pairOf(x.peer)}: ${iAmDestination ? "outbound" : "inbound"} at ${label(x.peer)} ${explainFlow(estate, x.far.result)}`);
  }
  if (bad.length > MAX_LISTED) parts.push(`…and ${bad.length - MAX_LISTED} more ${ROLE_NAMES[peerRole]} subnets.`);
  // Where a firewall SNATs, whom the receiving end's NSG met instead of the sender (lib/path/snat.ts).
  for (const x of peerResults.filter((y) => y.seen).slice(0, MAX_LISTED)) {
    const receiver = iAmDestination ? subnet : x.peer;
    const judged = x.snatted.map((r) => ` Inbound at ${label(receiver)} from the firewall's instances ${explainFlow(estate, r)}`).join("");
    parts.push(`${pairOf(x.peer)}: the traffic arrives ${seenSourceWords(x.seen!, label(receiver))}.${judged}`);
  }
  const bgp = new Set(bad.flatMap((x) => x.faults.flatMap((f) => (f.note ? [f.note] : []))));
  if (bgp.size) parts.push(`Note: ${[...bgp].join(" ")}`);
  const elsewhere = peerResults.filter((x) => x.elsewhere.length > 0);
  if (elsewhere.length) {
    // One sentence: the other end's own routes have no way, and whose check reports it (not counted here).
    const listed = elsewhere.slice(0, MAX_LISTED).map((x) => `${pairOf(x.peer)}: ${x.elsewhere.map(faultText).join("; ")}`);
    const more = elsewhere.length > MAX_LISTED ? `; and ${elsewhere.length - MAX_LISTED} more` : "";
    const at = elsewhere.length === 1 ? label(elsewhere[0].peer) : `each of those ${ROLE_NAMES[peerRole]} subnets`;
    parts.push(`The ${ROLE_NAMES[peerRole]} end's own routes have no way for this flow (${listed.join("; ")}${more}), which ${p.counterpart ?? "its own check"} on ${at} reports rather than this check.`);
  }
  if (allAllowed && farChecked && peerResults[0].far) parts.push(`At the ${ROLE_NAMES[peerRole]} end (${label(peerResults[0].peer)}${peers.length > 1 ? ` and ${peers.length - 1} more` : ""}): ${explainFlow(estate, peerResults[0].far.result)}`);
  const count = peers.length > 1 ? ` for ${allAllowed ? "all" : bad.length} of ${peers.length} ${ROLE_NAMES[peerRole]} subnets` : "";
  const proxies = estate.subnetsIn("returnProxy", deployment);

  if (optional) {
    return outcome({
      status,
      detail: `Not required: the profile names a return proxy (${proxies.map(label).join(", ")}), through which nodes reach CycleCloud. ${what} is currently ${state}${count}. ${parts.join(" ")}`,
      evidence: evidenceFor(results, allAllowed ? "pass" : "warn"),
      touched,
      flowEnds,
    });
  }
  const plans = [];
  const guidance = [];
  if (status !== "pass") {
    const unrouted = bad.filter((x) => !x.routed);
    // Written once: it names every unrouted peer's VNet, and thousands of peers may each need it.
    let peering: string | undefined;
    const peeringText = () =>
      (peering ??= `Peer the VNets (${[...new Set(unrouted.map((x) => `${subnet.vnetName} ↔ ${x.peer.vnetName}`))].join(", ")}) with "Allow virtual network access" in both directions, or route both ways through a hub firewall that both are peered with; NSG rules cannot open a flow without a route.`);
    const texts = new Set<string>();
    // Route faults first: a route through the hub's firewall where the end's own route table lacks one.
    let changes: Change[] | undefined = [];
    let unplanned = 0;
    for (const x of unrouted) {
      // With no plan possible any more, a few peers' guidance says what to do; thousands would bury it.
      if (!changes && texts.size >= MAX_LISTED) {
        unplanned++;
        continue;
      }
      const [sender, receiver] = iAmDestination ? [x.peer, subnet] : [subnet, x.peer];
      for (const f of x.faults) {
        if (f.toFirewall) {
          // Replies to a SNATing firewall: no route to the peer helps; the route that drops them is what to change.
          changes = undefined;
          const table = f.route.routeTableKey ? estate.snapshot.routeTables.get(f.route.routeTableKey)?.name : undefined;
          const route = table ? `route ${f.route.name} in ${table}` : `the system route for ${f.route.addressPrefix}`;
          texts.add(`${route[0].toUpperCase()}${route.slice(1)} takes ${label(receiver)}'s replies to Azure Firewall ${f.toFirewall}, which SNATs this flow, nowhere (next hop ${f.route.nextHopType}): change or delete it so the firewall's subnet is reached over the hub's peering; NSG rules cannot open a flow without a route.`);
          continue;
        }
        const at = f.owner === "sender" ? sender : f.owner === "receiver" ? receiver : undefined;
        const r: RoutePlan | undefined = at ? planRouteFix(estate, at, at === sender ? receiver : sender, f, changes ?? [], env.resourceNames) : undefined;
        if (r?.kind === "changes" && changes) changes.push(...r.changes);
        else {
          changes = undefined;
          texts.add(r?.kind === "guidance" ? r.text : sharedFaultText(estate, f, sender, receiver, peeringText));
        }
      }
    }
    if (unplanned) texts.add(`…and the same for ${unplanned} more ${ROLE_NAMES[peerRole]} subnet${unplanned > 1 ? "s" : ""} with no route (listed in this finding's detail and evidence).`);
    // A route that takes part of the peer's addresses nowhere while the rest has a way: the route is the thing to change.
    for (const x of bad.filter((y) => y.routed).slice(0, MAX_LISTED))
      for (const d of x.doubts.filter((y) => y.part)) texts.add(`${d.why[0].toUpperCase()}${d.why.slice(1)}: change or delete that route so the part it takes is routed as the rest is; NSG rules cannot open a flow without a route.`);
    const routeChanges = changes ?? [];
    if (changes) {
      // Each side is named by what the audit judges there: the CycleCloud server's own addresses when the profile
      // names it (lib/fixes/own-side.ts), else the subnet's prefixes.
      const template = (sources: string[], destinations: string[], direction: "Inbound" | "Outbound") => ({
        name: p.fixRuleName,
        direction,
        access: "Allow" as const,
        protocol: "Tcp" as const,
        sources,
        destinations,
        ports: [String(p.port)],
      });
      /**
       * The NSG rules a side needs; on the sending side then what its path needs beyond them (an Azure Firewall
       * rule collection from the sender to the receiver's addresses, as for the services: plan-path.ts).
       */
      const side = (at: Subnet, spec: FlowSpec, t: ReturnType<typeof template>, receiver: string[], planned: Change[] | undefined): Change[] | undefined => {
        if (!planned) return undefined;
        if (spec.direction === "Inbound") return planFlowFix(env, at, spec, t, planned);
        const local = { ...spec, stages: "local" as const, key: undefined };
        const nsg = planFlowFix(env, at, local, t, planned);
        return nsg && planPathFix(env, at, { ...spec, key: undefined }, nsg, { service: p.service, port: p.port, destinationCidrs: receiver });
      };
      // A new route sends the flow through the firewall, whose policy the sending side's flow then meets: re-plan
      // each side on top of the routes even where it was allowed before.
      const rerouted = routeChanges.length > 0;
      if (own && (rerouted || own.result.verdict !== "allowed" || bad.some((x) => x.snatted.some((r) => r.verdict !== "allowed")))) {
        // Only the peers that are not yet allowed (or, where a firewall SNATs, its instances); a different class, so
        // not the cached one.
        const remote = addrUnionAll(bad.flatMap((x) => (x.seen ?? [{ addresses: estate.roleAddresses(x.peer) }]).map((y) => y.addresses)));
        const peerCidrs = cidrsOf(remote);
        const spec = { ...own.spec, remote, key: undefined };
        changes = side(subnet, spec, iAmDestination ? template(peerCidrs, ownAddresses(estate, subnet), "Inbound") : template(ownAddresses(estate, subnet), peerCidrs, "Outbound"), peerCidrs, changes);
      }
      // Each peer's side is planned on what this end planned, not on the other peers' changes: a peer's rules are its
      // own (other subnets, priorities from the report's allocator, rule names kept apart per NSG), and chaining them
      // derived an estate holding every earlier peer's changes for each peer — quadratic in the peers, thousands of
      // them behind one firewall (README "Benchmarks", ninth round). The whole plan is verified as one.
      const base = changes;
      const peers: Change[] = [];
      for (const x of bad) {
        if (!changes || !x.far || (!rerouted && x.far.result.verdict === "allowed")) continue;
        const t = iAmDestination
          ? template(ownAddresses(estate, x.peer), ownAddresses(estate, subnet), "Outbound")
          : template(x.far.seen ? cidrsOf(x.far.spec.remote) : ownAddresses(estate, subnet), ownAddresses(estate, x.peer), "Inbound");
        const planned = side(x.peer, x.far.spec, t, cidrsOf(ownPrefixes), base);
        if (!planned) changes = undefined;
        else peers.push(...planned.slice(base!.length));
      }
      // Senders reaching this subnet through one firewall get one collection naming them all, not one each.
      if (changes && base && peers.length) changes = [...base, ...mergeSenderCollections(env, peers, subnet, p.service)];
      const beyondNsg = changes?.some((c) => c.kind === "add-firewall-rule-collection");
      const routesWords = routeChanges
        .flatMap((c) => (c.kind === "add-route" ? [`${c.route.addressPrefix} → ${c.route.nextHopIpAddress} in ${estate.snapshot.routeTables.get(c.routeTableKey)?.name ?? c.routeTableKey}`] : []))
        .join(", ");
      // A route plan is checked here as verification will check it (the finding must pass at this end with the
      // change applied); one that does not is not offered, and the route is given as guidance instead.
      const verified = () => {
        const after = estateWith(estate, changes!);
        return subnetFlowCheck({ ...env, estate: after, plan: false }, after.snapshot.subnets.get(subnet.key) ?? subnet, meta, p).status === "pass";
      };
      if (changes?.length && (!rerouted || verified())) {
        const summary = rerouted
          ? `Route ${what} through the hub's Azure Firewall (${routesWords})${changes.length > routeChanges.length ? `, and allow it at each ${beyondNsg ? "NSG and firewall" : "NSG"} that blocks it` : ""}.`
          : `Allow ${what} at each ${beyondNsg ? "NSG and firewall" : "NSG"} that blocks it.`;
        plans.push({ summary, changes });
      } else if (rerouted) {
        texts.add(`Routes through the hub's Azure Firewall (${routesWords}) would give this flow a way, but with them (and any NSG or firewall rule found) the finding would still not pass, so no fix is offered: ${peeringText()}`);
      }
    }
    for (const text of texts) guidance.push({ kind: "portal" as const, text });
  }
  // Ends with no address family in common: no rule, route or peering changes that (the routes and peerings the
  // guidance would name are for the family one end lacks), only an address of the other's family does.
  const noFamily = results.find((r) => r.nothing)?.nothing;
  // Open at both ends and by route, with only a way the audit cannot vouch for (an appliance, forwarding off): no
  // change could be verified to settle that, so the reason says so rather than "none was found".
  const onlyDoubts = status === "warn" && bad.length > 0 && bad.every((x) => x.routed && x.doubts.length > 0 && (x.own ?? "allowed") === "allowed" && (x.far?.result.verdict ?? "allowed") === "allowed" && x.snatted.every((r) => r.verdict === "allowed"));
  const doubtful = onlyDoubts && plans.length === 0 ? [...new Set(bad.flatMap((x) => x.doubts.map((d) => d.why)))] : [];
  return outcome({
    status,
    // The sentence naming the other end's check already says it is judged there.
    detail: `${what}, checked ${checkedSide}, is ${state}${count}. ${parts.join(" ")}${elsewhere.length ? "" : otherEnd}`,
    evidence: withRouteFaults(evidenceFor(results, status), bad.flatMap((x) => x.faults)),
    plans: noFamily ? [] : plans,
    guidance: noFamily ? adminRuleGuidance(results) : [...guidance, ...adminRuleGuidance(results)],
    touched,
    flowEnds,
    ...(noFamily ? { noFixReason: `The two ends share no address family (${noFamily.replace(/: no address family in common.*$/, "")}): give one of them an address of the other's family (a dual-stack subnet), as no NSG rule, route or peering carries IPv4 to IPv6.` } : {}),
    ...(!noFamily && doubtful.length ? { noFixReason: unjudgedNoFix(`${doubtful.slice(0, 2).join("; ")}${doubtful.length > 2 ? `; and ${doubtful.length - 2} more` : ""}`, "this") } : {}),
  });
}

/**
 * The doubt sentences of several peers' ways with each doubt said once: the doubts that concern the same peers make
 * one sentence naming each pair ("hpc/a, hpc/b → cc/snet-cc: cannot be judged — …"), given at the first of those
 * peers (the map's key), so the far ends' own sentences keep their places.
 */
function doubtsOnce(ways: { peer: Subnet; doubts: RouteDoubt[] }[], pairsOf: (peers: Subnet[]) => string): Map<Subnet, string[]> {
  const byDoubt = new Map<string, { doubt: RouteDoubt; peers: Subnet[] }>();
  for (const w of ways)
    for (const d of w.doubts) {
      const k = `${d.part ? "part" : "doubt"}|${faultText(d)}`;
      const e = byDoubt.get(k) ?? { doubt: d, peers: [] };
      if (!e.peers.includes(w.peer)) e.peers.push(w.peer);
      byDoubt.set(k, e);
    }
  const byPeers = new Map<string, { peers: Subnet[]; doubts: RouteDoubt[] }>();
  for (const e of byDoubt.values()) {
    const k = e.peers.map((p) => p.key).join("\n");
    const group = byPeers.get(k) ?? { peers: e.peers, doubts: [] };
    group.doubts.push(e.doubt);
    byPeers.set(k, group);
  }
  const out = new Map<Subnet, string[]>();
  for (const g of byPeers.values()) out.set(g.peers[0], [...(out.get(g.peers[0]) ?? []), ...doubtSentences(pairsOf(g.peers), g.doubts)]);
  return out;
}

/**
 * pathBetween for two role subnets, kept per pair: the cluster's NODE-EGRESS-AMQP and -HTTPS and the CycleCloud
 * subnet's CC-INGRESS-AMQP and -HTTPS all ask about the same pair, and a CycleCloud subnet asks for thousands.
 * Pinned like a peer's flow (lib/nsg/estate.ts cachedFlow), and read again after a fix only when a route table it
 * read, or either subnet, changed. The route tables it read are added to `routeTables`.
 */
function pairReach(estate: CheckEnv["estate"], sender: Subnet, receiver: Subnet, routeTables: Set<string>): Reach {
  const { reach, touched } = estate.cachedFlow(`${sender.key}|subnet:reach|${receiver.key}`, () => {
    const read = new Set<string>([sender.key, receiver.key]);
    return { reach: pathBetween(estate, sender, receiver, (s) => estate.roleAddresses(s), read), touched: read };
  });
  for (const k of touched) if (k !== sender.key && k !== receiver.key) routeTables.add(k);
  return reach;
}

/**
 * Guidance for a route fault no one end's table change can fix here: the firewall's own subnet has no way on (its
 * route table is the network team's), the two ways disagree about the firewall (asymmetric), or the VNets are not
 * connected at all (`peering`).
 */
function sharedFaultText(estate: CheckEnv["estate"], f: RouteFault, sender: Subnet, receiver: Subnet, peering: () => string): string {
  // A subnet peering on the way that leaves the firewall's subnet or an end out: its subnet lists are the fix.
  const unjoined = transitGuidance(estate, f, [receiver, sender]);
  if (unjoined) return unjoined;
  if (f.owner === "firewall") {
    const table = f.route.routeTableKey ? estate.snapshot.routeTables.get(f.route.routeTableKey)?.name : undefined;
    return `The Azure Firewall's own subnet has no way on (${f.why}): change ${table ? `route ${f.route.name} in ${table}` : "the routes of the firewall's subnet"} so the firewall delivers ${label(receiver)} and ${label(sender)} through the hub's peerings (a route on AzureFirewallSubnet must not send the traffic back to the firewall itself); NSG rules cannot open a flow without a route.`;
  }
  if (f.owner === "asymmetric") {
    const direct = estate.snapshot.subnets.get(f.subnetKey);
    const other = direct?.key === sender.key ? receiver : sender;
    return `${f.why[0].toUpperCase()}${f.why.slice(1)}. Make both ways agree: give ${direct ? label(direct) : "the end that goes directly"} a route for ${label(other)}'s prefixes to the same Azure Firewall's private IP, or route neither end's traffic for the other through the firewall.`;
  }
  return peering();
}

export function subnetFlowRule(meta: RuleMeta, params: SubnetFlow): RuleCheck {
  return { ...meta, requires: "allow", check: (env, subnet) => subnetFlowCheck(env, subnet, meta, params) };
}
