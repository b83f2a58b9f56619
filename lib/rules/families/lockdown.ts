// CC-EGRESS-LOCKDOWN: outbound traffic to Internet addresses outside the service tags the CycleCloud page requires
// (Storage, AzureActiveDirectory, AzureMonitor, AzureResourceManager) must be denied (the seed's `BlockOutbound` rule at
// 4000), unless a default route takes it to an appliance or nowhere. Other tags are part of that Internet: an allow of
// `AzureCloud` or `AppService` lets CycleCloud reach any tenant's endpoint in Azure, the way out the page closes.
import type { SecurityRule, Subnet } from "../../model/types";
import { addrCovers, addrOverlaps, addrSubtract, addrUnionAll, concrete, symbolic } from "../../net/addr-set";
import { ALL_TAGS, NO_TAGS, describeTags, tagAtom, tagsSubtract, tagsUnion } from "../../net/tag-set";
import { parsePortRanges } from "../../net/ports";
import { NON_PUBLIC_V4, NON_PUBLIC_V6, cidrsToRanges, parseCidr } from "../../net/ip";
import * as iv from "../../net/intervals";
import { ALL_PORTS } from "../../net/ports";
import { TCP, UDP } from "../../net/protocols";
import { type FlowResult, type FlowSpec, describeAllowed, describeDenied, describePieces, evaluateFlow, flowEvidence, piecesWhere } from "../../nsg/flow";
import { estateWith } from "../../fixes/apply";
import { type RuleTemplate, makeRules, planFlowFix, ruleSides } from "../../fixes/plan-flow";
import type { Change } from "../../fixes/types";
import { noteNoFix } from "../../fixes/no-fix";
import { NAME_LIMIT, fitName, newNsgName } from "../../fixes/resource-names";
import { shown } from "../../fixes/quote";
import { REQUIRED_EGRESS } from "../required-egress";
import type { CheckEnv, CheckOutcome, RuleMeta } from "../types";
import { alwaysAllowGuidance, clamp, outcome, widenedNote } from "./shared";
import { type Evidence, type NsgEvidence, type RouteEvidence, evidenceStage } from "../../report/types";
import { INTERNET_OUTSIDE_REQUIRED_TAGS, internetEgress, noTagPrefixesNote, summarizeEgress } from "./internet-egress";
import { type PathPiece, cannotBeJudged } from "../../path/types";
import { describeNotDelivered } from "../../path/describe";
import { allowEgressTemplate, tagEgressSpec } from "./egress-to-tag";
import { SEED_TAGS } from "../../path/fqdn";
import type { AddressContext } from "../../nsg/context";
import type { Estate } from "../../nsg/estate";
import { pushTo } from "../../collections";
import { andList } from "../../words";
import { compileRule } from "../../nsg/compile";

const blockOutbound = (): RuleTemplate => ({ name: "BlockOutbound", direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["*"] });

/**
 * What a CycleCloud subnet behind the profile's HTTPS proxy is let out to instead of the services: the proxy's address
 * and port, where the proxy is at a public address (a private one is VirtualNetwork, which Azure's default rules and
 * BlockOutbound's Internet leave open). Undefined without a proxy.
 */
function proxyAllows(env: CheckEnv, subnet: Subnet): { t: RuleTemplate; at: number }[] | undefined {
  const { estate } = env;
  const proxy = estate.roles.get(subnet.key) === "cyclecloud" ? estate.placement.proxies.get(estate.deploymentOf(subnet)) : undefined;
  if (!proxy) return undefined;
  const r = cidrsToRanges([proxy.address]);
  // Public: not wholly inside the ranges that are not public (private, shared, link-local, ...).
  const pub = !iv.covers(NON_PUBLIC_V4, r.v4) || !iv.covers(NON_PUBLIC_V6, r.v6);
  const host = proxy.address.includes(":") ? `${proxy.address}/128` : `${proxy.address}/32`;
  return pub ? [{ t: { name: "AllowHttpsProxy", direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: [host], ports: [String(proxy.port)] }, at: 100 }] : [];
}

/**
 * The seed page's NSG for a subnet that has none: its role's required allows (100–103), then BlockOutbound at 4000.
 * Behind an HTTPS proxy, CycleCloud's direct egress to the services must be denied too (CONTRACT §1.2): the proxy's
 * allow (proxyAllows) stands for them.
 */
function seedRules(env: CheckEnv, subnet: Subnet): SecurityRule[] {
  const role = env.estate.roles.get(subnet.key)!;
  const key = `new:${subnet.key}`;
  // With the profile's CycleCloud server in the subnet, the rules name its addresses (lib/fixes/own-side.ts); a
  // dual-stack server needs a rule per address family, the IPv6 twin at the next priority the seed leaves free.
  const allows = proxyAllows(env, subnet) ?? REQUIRED_EGRESS[role].map((req) => ({ t: allowEgressTemplate(req), at: req.priority }));
  const wanted = [...allows, { t: blockOutbound(), at: 4000 }];
  const used = new Set(wanted.map((w) => w.at));
  const next = (after: number) => {
    let p = after + 1;
    while (used.has(p)) p++;
    used.add(p);
    return p;
  };
  return wanted.flatMap(({ t, at }) => {
    const sides = ruleSides(env, key, t, subnet);
    return makeRules(env, key, t, sides.map((_, i) => (i === 0 ? at : next(at))), subnet, sides);
  });
}

/**
 * A new NSG for a role's subnet that has none, holding the seed page's rules (seedRules), attached to the subnet.
 * Its name is never one the resource group holds (creating it would replace that NSG and its rules), and a subnet
 * planned again keeps the name it was given (lib/fixes/resource-names.ts). Every finding offering it for one subnet
 * in one audit gets the same change, rule names included, so applying any one of them satisfies the others. Seed page:
 * https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
 */
export function attachSeedNsg(env: CheckEnv, subnet: Subnet): Change {
  let planned = seedNsgs.get(env);
  if (!planned) seedNsgs.set(env, (planned = new Map()));
  let change = planned.get(subnet.key);
  if (!change) {
    const name = newNsgName(env, subnet, `nsg-${fitName(subnet.name, "-lockdown", NAME_LIMIT - "nsg-".length)}`);
    planned.set(subnet.key, (change = { kind: "attach-new-nsg", subnetKey: subnet.key, nsgName: name, rules: seedRules(env, subnet) }));
  }
  return change;
}

const seedNsgs = new WeakMap<CheckEnv, Map<string, Change>>();

/** Deny the Internet in the subnet's NSG below every rule that lets it out, then keep the role's required egress open. */
function planLockdown(env: CheckEnv, subnet: Subnet, allowPriorities: Map<string, number>): Change[] | undefined {
  const { estate } = env;
  const nsg = estate.nsg(subnet.nsgKey);
  if (!nsg) return [attachSeedNsg(env, subnet)];
  const winsOver = allowPriorities.get(nsg.key) ?? 65001;
  // One deny per address family the subnet's own side names (a dual-stack CycleCloud server: lib/fixes/address-family.ts).
  const sides = ruleSides(env, nsg.key, blockOutbound(), subnet);
  const priorities = sides.map(() => env.allocator.pick(nsg, winsOver));
  if (priorities.some((p) => p === undefined)) {
    noteNoFix(env.allocator, `NSG ${shown(nsg.name)} has no free priority below ${winsOver}, where a deny would have to go to win over the rule that lets the Internet out.`);
    return undefined;
  }
  const denies = makeRules(env, nsg.key, blockOutbound(), priorities as number[], subnet, sides);
  const why = shadowedAllows(env, subnet, nsg.securityRules, denies);
  let changes: Change[] | undefined = denies.map((rule) => ({ kind: "add-rule", nsgKey: nsg.key, rule, ...(why ? { why } : {}) }));
  const after = estateWith(estate, changes);
  // What was open and the deny would close is allowed again above it; a flow already blocked is its own finding's fix,
  // unless it is blocked only as the audit reads it: without AzureCloud's prefixes an Allow of it before a deny of the
  // Internet reads as not letting Storage (or a proxy at an Azure public IP) out (tags are taken apart, CONTRACT §4),
  // while in Azure it does, and a deny above that Allow would cut CycleCloud off.
  const keepOpen = (spec: FlowSpec) => {
    const before = evaluateFlow(estate, subnet, spec);
    if (evaluateFlow(after, subnet, spec).verdict === "allowed") return false;
    return before.verdict === "allowed" || passedOverUnsuppliedAzureCloud(estate.context(subnet), before);
  };
  // Behind an HTTPS proxy only the way to it is kept open (a public proxy's address and port), not the services.
  const proxied = proxyAllows(env, subnet);
  if (proxied) {
    for (const { t } of proxied) {
      const spec: FlowSpec = { direction: "Outbound", protocols: TCP, ports: parsePortRanges(t.ports), remote: estate.context(subnet).resolve(t.destinations[0]).set };
      if (keepOpen(spec)) changes = changes && planFlowFix(env, subnet, spec, t, changes);
    }
    return changes;
  }
  for (const req of REQUIRED_EGRESS[estate.roles.get(subnet.key)!]) {
    const spec = tagEgressSpec(estate, subnet, req.tag, req.port);
    if (keepOpen(spec)) changes = changes && planFlowFix(env, subnet, spec, allowEgressTemplate(req), changes);
  }
  return changes;
}

/**
 * The NSG's own outbound allows the new deny comes before and overlaps (for this subnet's sources, to Internet
 * addresses), in one sentence, or undefined: from then on they let nothing to the Internet out of this subnet where the
 * deny meets them — a proxy's public address, a partner's endpoint — which the user should know before applying it.
 * The required egress the plan keeps open is re-allowed by its own rules.
 */
function shadowedAllows(env: CheckEnv, subnet: Subnet, rules: readonly SecurityRule[], denies: readonly SecurityRule[]): string | undefined {
  const ctx = env.estate.context(subnet);
  const set = (prefixes: readonly string[]) => addrUnionAll(prefixes.map((p) => ctx.resolve(p).set));
  // Internet addresses outside what VirtualNetwork holds: a rule to the VNet alone (whose tag also holds the platform's
  // 168.63.129.16) is not one that lets traffic to the Internet out.
  const internet = addrSubtract(ctx.resolve("Internet").set, ctx.resolve("VirtualNetwork").set);
  const hidden = rules.filter(
    (r) =>
      r.direction === "Outbound" &&
      r.access === "Allow" &&
      !r.isDefault &&
      denies.some((d) => d.priority < r.priority && addrOverlaps(set(r.sourceAddressPrefixes), set(d.sourceAddressPrefixes))) &&
      addrOverlaps(set(r.destinationAddressPrefixes), internet),
  );
  if (!hidden.length) return undefined;
  const named = hidden.slice(0, 5).map((r) => `${shown(r.name)} (${r.priority})`).join(", ");
  return `The deny goes before ${named}${hidden.length > 5 ? ` and ${hidden.length - 5} more` : ""} of the NSG's own outbound allows: traffic they let out to Internet addresses from this subnet (another service tag's, a proxy's or a partner's) stops leaving, except the Azure services CycleCloud needs, which this fix keeps allowed. If one of them is the HTTPS proxy CycleCloud uses, name it in the profile's \`proxy\` and audit again: the lockdown is then planned around it.`;
}

/**
 * CC-EGRESS-LOCKDOWN (CONTRACT §4.1 "Lockdown"): where Internet-bound traffic outside the CycleCloud page's service
 * tags really goes (AddressContext.internetOutsideRequiredTags; an allow of another tag, such as `AzureCloud`, lets
 * part of it out). `pass` when every piece is stopped at some stage, handed to an appliance outside the audit,
 * or let through only by a firewall's allow-list of domains; `fail` when all of it leaves; `warn` when part
 * of it does (a route hole, a `*` application rule, a TLD wildcard, web categories, one address family).
 */
export function lockdownCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta): CheckOutcome {
  const { estate } = env;
  const proxy = estate.roles.get(subnet.key) === "cyclecloud" ? estate.placement.proxies.get(estate.deploymentOf(subnet)) : undefined;
  const all = internetEgress(estate, subnet, TCP | UDP, ALL_PORTS).result;
  // A proxy at a public address is where CycleCloud's egress must go: that traffic is the way out the profile names.
  const { result, toProxy } = proxy ? withoutProxyLeg(all, proxy) : { result: all, toProxy: 0 };
  const sum = summarizeEgress(result);
  // With a proxy, CycleCloud's own direct egress to the Azure services must be denied too (CONTRACT §1.2, §4.1 "Proxy").
  const direct = proxy ? directServiceEgress(env, subnet) : [];
  const leaving = sum.leaves.length + sum.broad.length;
  // Where none of the Internet leaves, an element that lets out a tag whose prefixes were not given may let part of it.
  const tagsOut = leaving === 0 ? unsuppliedTagEgress(estate, subnet) : undefined;
  const split = tagsOut ? mayLeave(tagsOut) : undefined;
  // What the Internet's own flow cannot judge is said once, for all of it.
  const tagParts = split && sum.unjudged.length ? { ...split, unjudged: { ...split.unjudged, outcomes: [] } } : split;
  const unsupplied = tagParts?.left;
  const unsuppliedLeaves = !!unsupplied?.outcomes.length || !!tagParts?.unjudged.outcomes.length;
  const touched = new Set([...result.touched, ...(tagsOut?.touched ?? []), ...direct.flatMap((d) => [...d.result.touched])]);
  // What the input cannot judge may leave: never "locked down" on it (an appliance outside the audit is another matter).
  const base = leaving === 0 ? (sum.unjudged.length || unsuppliedLeaves ? "warn" : "pass") : sum.stopped.length + sum.handedOff.length + sum.unjudged.length + sum.broad.length === 0 ? "fail" : "warn";
  const status = clamp(meta, base === "pass" && direct.length ? "warn" : base);
  if (!env.plan) return outcome({ status, detail: "", touched });
  const what = `Outbound TCP/UDP to ${INTERNET_OUTSIDE_REQUIRED_TAGS}`;
  const parts: string[] = [];
  if (direct.length) {
    const reached = direct.map((d) => `${d.tag} (${describeAllowed(d.result)})`).join("; ");
    parts.push(`Not locked down around the HTTPS proxy: with the proxy ${proxy!.address}:${proxy!.port} in the profile, CycleCloud's own direct egress must be denied, but it reaches ${reached} directly.`);
  }
  if (base === "pass") {
    // Handed to a gateway or appliance, it does leave the VNet, to wherever that sends it: only Azure's way out is shut.
    parts.push(`${direct.length ? "Otherwise" : "Locked down."} ${what} does not leave${sum.handedOff.length ? " through Azure" : ""}${toProxy ? ` but to the HTTPS proxy ${proxy!.address} on TCP ${proxy!.port}, as the profile requires` : ""}: ${describeDenied(estate, result, 4)}.`);
    if (sum.handedOff.length) parts.push("Traffic handed to an appliance or gateway outside the audit is not evaluated here; its own policy decides what leaves.");
  } else if (leaving === 0 && !sum.unjudged.length) {
    parts.push(`Not confirmed locked down. ${what} leaves nowhere the audit can see: ${describeDenied(estate, result, 3)}.`);
  } else if (leaving === 0) {
    parts.push(`Not confirmed locked down. ${what} leaves nowhere the audit can see, but part of it cannot be judged: ${describePieces(estate, result, cannotBeJudged, (p) => (p.why ?? "").replace(/^cannot be judged:\s*/, ""), 4)}.`);
    if (sum.stopped.length) parts.push(`The rest is stopped: ${describePieces(estate, result, (p) => p.access === "Deny", describeNotDelivered, 3)}.`);
  } else {
    parts.push(`${what} ${status === "fail" ? "leaves" : "partly leaves"}: ${describePieces(estate, result, (p) => p.access === "Allow", (p) => (p.broad ? `let through for ${p.broad}` : "leaves"), 4)}.`);
    parts.push(`It is let through by ${describeAllowed(result)}.`);
    const others = otherTagsAllowed(estate.context(subnet), result);
    if (others.length) {
      parts.push(
        `${others.join(", ")} ${others.length > 1 ? "are" : "is"} not among the CycleCloud page's service tags (${SEED_TAGS.join(", ")}): ${others.length > 1 ? "their" : "its"} addresses hold other tenants' public endpoints in Azure, which an allow of ${others.length > 1 ? "them" : "it"} lets CycleCloud reach.`,
      );
    }
    if (sum.stopped.length) parts.push(`The rest is stopped: ${describeDenied(estate, result, 3)}.`);
  }
  if (tagParts && unsuppliedLeaves) parts.push(unsuppliedTagsWords(estate, subnet, tagParts.left, tagParts.unjudged));
  if (sum.allowedNames.length) {
    parts.push(
      `A firewall lets through only named domains${sum.extraNames.length ? `; beyond the CycleCloud page's: ${sum.extraNames.slice(0, 8).join(", ")}${sum.extraNames.length > 8 ? ` and ${sum.extraNames.length - 8} more` : ""}` : " (all named on the CycleCloud page)"}.`,
    );
  }
  if (result.notes.length) parts.push(`Note: ${result.notes.join(" ")}`);
  const plans = [];
  // What lets out a tag whose prefixes were not given is closed as the rest of the Internet would be, also where part of
  // the Internet leaves too: a deny below that Allow would leave the finding `warn`.
  const tagsLeft = base === "pass" ? undefined : (unsupplied ?? mayLeave(unsuppliedTagEgress(estate, subnet)).left);
  for (const k of tagsLeft?.touched ?? []) touched.add(k);
  const guidance = [
    ...(direct.length
      ? [{ kind: "portal" as const, text: `Remove or narrow the rules that let CycleCloud reach ${direct.map((d) => d.tag).join(", ")} directly (named in this finding's detail): with the HTTPS proxy ${proxy!.address}:${proxy!.port}, CycleCloud needs only TCP ${proxy!.port} to the proxy, and the proxy's own subnet reaches the services.` }]
      : []),
    ...(tagsLeft ? alwaysAllowGuidance([result, tagsLeft]) : []),
  ];
  if (tagsLeft) {
    const allowPriorities = new Map<string, number>();
    const outcomes = [...result.outcomes, ...tagsLeft.outcomes];
    for (const o of outcomes)
      for (const p of o.pieces)
        if (p.access === "Allow")
          for (const d of p.decisions)
            if (d.level === "subnet" && d.rule.access === "Allow") allowPriorities.set(d.nsg.key, Math.min(allowPriorities.get(d.nsg.key) ?? Infinity, d.rule.priority));
    // A user route to the Internet under a default route to the firewall is a hole in the route table:
    // removing it sends that traffic back through the firewall.
    const holes = new Map<string, { table: string; route: string }>();
    for (const o of outcomes)
      for (const p of o.pieces)
        if (p.access === "Allow")
          for (const step of p.steps)
            if (evidenceStage(step) === "route") {
              const r = step as RouteEvidence;
              if (r.source === "User" && r.nextHopType === "Internet" && r.routeTable) holes.set(`${r.routeTable}|${r.route}`, { table: r.routeTable.toLowerCase(), route: r.route });
            }
    if (holes.size) {
      plans.push({
        summary: `Remove the route${holes.size > 1 ? "s" : ""} that send${holes.size > 1 ? "" : "s"} Internet traffic around the next hop: ${[...holes.values()].map((h) => h.route).join(", ")}.`,
        changes: [...holes.values()].map((h) => ({ kind: "delete-route" as const, routeTableKey: h.table, routeName: h.route })),
      });
    }
    const changes = planLockdown(env, subnet, allowPriorities);
    if (changes) plans.push({ summary: "Deny outbound traffic to the Internet service tag below the rules that let it out, keeping the required Azure services open (the CycleCloud page's BlockOutbound rule).", changes });
  }
  return outcome({
    status,
    // The sentence on tags whose prefixes the input lacks says what the general note would, and more.
    detail: `${parts.join(" ")}${unsuppliedLeaves ? "" : noTagPrefixesNote(estate)}`,
    evidence: [
      ...direct.flatMap((d) => flowEvidence(d.result, "Allow")),
      ...(leaving === 0 ? stoppedEvidence(result, tagParts) : flowEvidence(result, "Allow")),
    ],
    plans,
    guidance,
    touched,
  });
}

const REQUIRED_TAG_KEYS: ReadonlySet<string> = new Set(SEED_TAGS.map((t) => t.toLowerCase()));
/** Tags of the platform's own addresses (168.63.129.16, 169.254.169.254), which are not the Internet (CONTRACT §4.1 stage 4). */
const PLATFORM_TAGS = ["AzureLoadBalancer", "AzurePlatformDNS", "AzurePlatformIMDS", "AzurePlatformLKM"];
/** Address words of a rule that are no tag of Azure's public services (they hold no other tenant's endpoint). */
const NOT_A_SERVICE = new Set(["*", "any", "internet", "virtualnetwork", ...PLATFORM_TAGS.map((t) => t.toLowerCase())]);

/** An NSG rule's address word, trimmed, when it names a service tag outside the CycleCloud page's (and their variants). */
function otherServiceTag(prefix: string): string | undefined {
  const t = prefix.trim();
  const lower = t.toLowerCase();
  return NOT_A_SERVICE.has(lower) || parseCidr(t) || !/^[a-z]/.test(lower) || REQUIRED_TAG_KEYS.has(lower.split(".")[0]) ? undefined : t;
}

/**
 * The service tags outside the CycleCloud page's (and their variants) that NSG Allow rules name where they let part of
 * the Internet out (the tag's addresses meet an allowed piece), as written (`AzureCloud`, `AppService.WestEurope`): with
 * real prefixes those tags are part of the Internet the lockdown closes, which a user may not expect of a tag that
 * reads as "Azure".
 */
function otherTagsAllowed(ctx: AddressContext, result: FlowResult): string[] {
  const out = new Set<string>();
  for (const o of result.outcomes)
    for (const p of o.pieces)
      if (p.access === "Allow")
        for (const d of p.decisions)
          if (d.rule.access === "Allow")
            for (const prefix of d.rule.destinationAddressPrefixes) {
              const t = otherServiceTag(prefix);
              if (t && addrOverlaps(ctx.resolve(t).set, p.box.dst)) out.add(t);
            }
  return [...out];
}

/**
 * Whether a piece of `result` (a required service's flow, or the way to the profile's proxy) that an NSG denied passed over, in that NSG, an outbound
 * Allow of `AzureCloud` whose prefixes the input does not give, covering the piece's protocol and ports and meeting its
 * sources (ASGs included, as compiled): in Azure AzureCloud holds the public ranges of Azure's own services, so that Allow lets the
 * service out, and the audit's "blocked" rests on taking tags apart (CONTRACT §4; lib/net/assumed-apart.ts notes it).
 * Other tags (`Sql`, `AppService`) do not hold the page's services, nor does a regional `AzureCloud.<region>` hold
 * them all: an Allow of those is taken to let none out, so a user's own deny after it keeps deciding.
 * https://learn.microsoft.com/azure/virtual-network/service-tags-overview
 */
function passedOverUnsuppliedAzureCloud(ctx: AddressContext, result: FlowResult): boolean {
  const azureCloud = ctx.resolve("AzureCloud").set;
  // With AzureCloud's prefixes the Allow was judged on them: nothing rests on an assumption.
  if (azureCloud.v4.length || azureCloud.v6.length) return false;
  for (const o of result.outcomes)
    for (const p of o.pieces) {
      if (p.access !== "Deny") continue;
      for (const d of p.decisions) {
        if (d.rule.access !== "Deny") continue;
        for (const r of d.nsg.securityRules) {
          if (r.direction !== "Outbound" || r.access !== "Allow" || r.priority >= d.rule.priority) continue;
          if (!r.destinationAddressPrefixes.some((x) => x.trim().toLowerCase() === "azurecloud")) continue;
          const { box } = compileRule(d.nsg, r, ctx);
          // The whole of the piece's protocol and ports, as the service's connections use them (any source port).
          if ((p.box.proto & ~box.proto) === 0 && iv.covers(box.dstPorts, p.box.dstPorts) && iv.covers(box.srcPorts, p.box.srcPorts) && addrOverlaps(box.src, p.box.src)) return true;
        }
      }
    }
  return false;
}

/**
 * Every service tag but the CycleCloud page's (and their variants), as symbolic regions: the addresses of a tag whose
 * prefixes the input does not give. A tag whose prefixes it gives resolves to them (AddressContext.resolve), so no
 * element naming it meets these regions.
 */
const OTHER_TAGS_UNSUPPLIED = symbolic([...SEED_TAGS, ...PLATFORM_TAGS].reduce((t, tag) => tagsSubtract(t, tagAtom(tag)), ALL_TAGS));
/** Words for OTHER_TAGS_UNSUPPLIED in a finding's detail and evidence. */
const OTHER_TAGS_LABEL = "service tags outside the CycleCloud page's whose prefixes the input does not give";

/**
 * The lockdown's flow to the service tags outside the CycleCloud page's whose prefixes the input does not give
 * (OTHER_TAGS_UNSUPPLIED): without prefixes such a tag is taken to hold no public address (CONTRACT §4), so the Internet
 * flow never meets an element naming it, though `AzureCloud` (the az-hop and CycleCloud Workspace for Slurm templates'
 * `AllowAzureCloudServiceAccess`) holds much of that Internet. Whatever stage lets these regions out — an NSG or admin
 * rule, a tag route to `Internet`, a firewall's network rule — lets out part of the Internet the lockdown closes, to
 * an extent only the tag's prefixes tell: the lockdown then cannot be judged (CONTRACT §4: "say so rather than guess").
 */
function unsuppliedTagEgress(estate: Estate, subnet: Subnet): FlowResult {
  return evaluateFlow(estate, subnet, { direction: "Outbound", protocols: TCP | UDP, ports: ALL_PORTS, remote: OTHER_TAGS_UNSUPPLIED, remoteLabel: OTHER_TAGS_LABEL, key: "internet:unsupplied-tags" });
}

/**
 * The pieces of `result` that may leave: those let out (for any name, or a broad part of them) and those that reach
 * what the input cannot show (a firewall policy it lacks): `left` and `unjudged`, each as a result of its own.
 */
function mayLeave(result: FlowResult): { left: FlowResult; unjudged: FlowResult } {
  const sum = summarizeEgress(result);
  const left = new Set([...sum.leaves, ...sum.broad]);
  const unjudged = new Set(sum.unjudged);
  return { left: piecesWhere(result, (p) => left.has(p)), unjudged: piecesWhere(result, (p) => unjudged.has(p)) };
}

/**
 * The detail's sentence on traffic to tags whose prefixes the input lacks that is let out (`left`) or reaches what the
 * input cannot show (`unjudged`): which traffic, what let it through or what cannot be judged, and what would judge it.
 */
function unsuppliedTagsWords(estate: Estate, subnet: Subnet, left: FlowResult, unjudged: FlowResult): string {
  const ctx = estate.context(subnet);
  // Pieces split on the way (a service endpoint's region of Sql) are one tag again in words.
  const tags = describeTags([...left.outcomes, ...unjudged.outcomes].reduce((t, o) => o.pieces.reduce((u, p) => tagsUnion(u, p.box.dst.tags), t), NO_TAGS), ctx.tagDisplay);
  const one = tags.length === 1;
  // What let each piece out, from that piece alone: a tag let out by an NSG rule is not credited to another's route.
  const by = (p: PathPiece) => describeAllowed(piecesWhere(left, (x) => x === p), 4);
  const ways = [
    ...(left.outcomes.length ? [describePieces(estate, left, () => true, (p) => `let out by ${by(p)}`, 4)] : []),
    ...(unjudged.outcomes.length ? [describePieces(estate, unjudged, cannotBeJudged, (p) => (p.why ?? "").replace(/^cannot be judged:\s*/, ""), 3)] : []),
  ];
  const widened = widenedNote(left);
  const supplied = !!estate.snapshot.serviceTags?.size;
  return (
    `But it cannot be judged whether part of it leaves: ${ways.join("; ")}.${widened.length ? ` ${widened.join(" ")}` : ""} ${andList(tags)} ${one ? "is" : "are"} not among the CycleCloud page's service tags (${SEED_TAGS.join(", ")}): ${one ? "its" : "their"} addresses are Azure's public endpoints, other customers' among them, and so part of this Internet, ` +
    (supplied
      ? `but the service tags given do not hold ${one ? "its" : "their"} prefixes: give a ServiceTags_Public_*.json that does to judge ${one ? "it" : "them"}.`
      : `but the input does not give ${one ? "its" : "their"} prefixes: give --service-tags ServiceTags_Public_*.json to judge ${one ? "it" : "them"}.`)
  );
}

/**
 * The evidence of a lockdown where none of the Internet leaves: what stopped it or handed it on and, from the flow to
 * tags whose prefixes the input lacks, what let that out or could not be judged, as one list in path order (each entry
 * once; an NSG's rules by priority, as Azure meets them).
 */
function stoppedEvidence(result: FlowResult, tags?: { left: FlowResult; unjudged: FlowResult }): Evidence[] {
  const stopped = piecesWhere(result, (p) => p.access === "Deny" || p.access === "Unaudited");
  const merged = tags ? { ...result, outcomes: [...stopped.outcomes, ...tags.left.outcomes, ...tags.unjudged.outcomes] } : stopped;
  const out = flowEvidence(merged);
  const nsgAt = out.flatMap((e, i) => (evidenceStage(e) === "nsg" ? [i] : []));
  const nsgs = nsgAt.map((i) => out[i] as NsgEvidence);
  // Each NSG (and level) where it first appears, its rules together in priority order.
  const byNsg = new Map<string, NsgEvidence[]>();
  for (const e of nsgs) pushTo(byNsg, `${e.nsg.toLowerCase()}|${e.level}|${e.nic ?? ""}`, e);
  const sorted = [...byNsg.values()].flatMap((rules) => rules.sort((a, b) => a.priority - b.priority));
  nsgAt.forEach((at, k) => (out[at] = sorted[k]));
  return out;
}

/**
 * `result` without the pieces that go only to the profile's HTTPS proxy (TCP to its address and port): where the proxy
 * has a public address, that is the way out the profile names, not a hole in the lockdown. `toProxy`: how many.
 */
function withoutProxyLeg(result: FlowResult, proxy: { address: string; port: number }): { result: FlowResult; toProxy: number } {
  const r = cidrsToRanges([proxy.address]);
  const at = concrete(r.v4, r.v6);
  const onlyToProxy = (p: PathPiece) => p.access === "Allow" && (p.box.proto & ~TCP) === 0 && addrCovers(at, p.box.dst) && iv.covers([proxy.port, proxy.port], p.box.dstPorts);
  let toProxy = 0;
  const outcomes = result.outcomes.map((o) => ({
    ...o,
    pieces: o.pieces.filter((p) => {
      const skip = onlyToProxy(p);
      if (skip) toProxy++;
      return !skip;
    }),
  }));
  return { result: toProxy ? { ...result, outcomes } : result, toProxy };
}

/**
 * CycleCloud's required services (REQUIRED_EGRESS) that its subnet reaches directly, at least in part, by their tags
 * and seed names: with an HTTPS proxy in the profile, that direct egress must be denied (CONTRACT §1.2).
 */
function directServiceEgress(env: CheckEnv, subnet: Subnet): { tag: string; result: FlowResult }[] {
  const out: { tag: string; result: FlowResult }[] = [];
  for (const req of REQUIRED_EGRESS.cyclecloud) {
    const result = evaluateFlow(env.estate, subnet, tagEgressSpec(env.estate, subnet, req.tag, req.port));
    if (result.outcomes.some((o) => o.pieces.some((p) => p.access === "Allow"))) out.push({ tag: req.tag, result });
  }
  return out;
}
