// "Outbound TCP <port> to service tag <tag> allowed" — CC-EGRESS-STORAGE/AAD/MONITOR/ARM, NODE-EGRESS-STORAGE.
// The service is reachable when its tag gets through every stage of the path and, where an Azure Firewall
// is the next hop, the firewall lets the seed's FQDNs for it through (CONTRACT §4.1, destinations by FQDN).
// With an HTTPS proxy in the profile, CycleCloud's egress is checked to the proxy, then from the proxy on.
import type { Subnet } from "../../model/types";
import { type FlowResult, type FlowSpec, describeDenied, evaluateFlow } from "../../nsg/flow";
import type { Estate } from "../../nsg/estate";
import { TCP, UDP } from "../../net/protocols";
import { range } from "../../net/intervals";
import { type AddrSet, addrIsEmpty, addrOverlaps, addrUnionAll, concrete } from "../../net/addr-set";
import { cidrsToRanges, hostPort } from "../../net/ip";
import { type RuleTemplate, planFlowFix } from "../../fixes/plan-flow";
import { planPathFix } from "../../fixes/plan-path";
import { estateWith } from "../../fixes/apply";
import { ownAddresses } from "../../fixes/own-side";
import type { Change } from "../../fixes/types";
import { ANY_NAME, type NameTarget, SEED_FQDNS } from "../../path/fqdn";
import { blobNameUnresolved } from "../../path/private-dns";
import { storageNameTargets } from "../../path/storage-names";
import { endpointReads, storageEndpointsFor } from "../../path/private-endpoints";
import { subnetHolding } from "../../path/locate";
import { doubtSentences, pathBetween, unsaidDoubts } from "../../path/reach";
import { lastSegment } from "../../snapshot/arm-id";
import { firewallAt } from "../../path/firewall";
import { type AccountAdmission, accountAdmits, storageAccountOf } from "../../path/storage-account-access";
import { type DnsServerReach, type ResolverProblem, resolverProblem } from "../../path/name-resolution";
import { accountEndpointAddresses, firewallNameProblems, nameProblem } from "../../path/zone-overrides";
import type { CheckEnv, CheckOutcome, RuleCheck, RuleMeta } from "../types";
import { adminRuleGuidance, clamp, evidenceFor, explainFlow, outcome, requiredStatus, touchedBy, withRouteFaults } from "./shared";

export interface EgressToTag {
  tag: string;
  port: number;
  /** Rule name for the fix, e.g. the seed's `AllowAzureStorage`. */
  fixRuleName: string;
}

/** The seed's FQDNs for a service tag, which a firewall on the way must let through. */
export function namesFor(tag: string): NameTarget {
  const names = SEED_FQDNS[tag.toLowerCase()];
  return names ? { kind: "names", names } : ANY_NAME;
}

export function tagEgressSpec(estate: Estate, subnet: Subnet, tag: string, port: number): FlowSpec {
  return { direction: "Outbound", protocols: TCP, ports: range(port, port), remote: estate.context(subnet).resolve(tag).set, key: `egress:${tag.toLowerCase()}:tcp:${port}`, names: namesFor(tag), replies: true, appProtocol: "https" };
}

/** The seed's allow rule for a tag: `AllowAzureStorage 443 TCP Any Storage Allow`. */
export function allowEgressTemplate(req: EgressToTag): RuleTemplate {
  return { name: req.fixRuleName, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: [req.tag], ports: [String(req.port)] };
}

const label = (s: Subnet) => `${s.vnetName}/${s.name}`;

/**
 * CC-EGRESS-* through the profile's HTTPS proxy. Each leg is judged at the proxy itself, not its whole subnet:
 * CycleCloud → the proxy's address and port (CycleCloud's path out), the proxy receiving it (its admin rules and
 * NSGs, at the NIC holding the address), a way there and back between the two subnets (lib/path/reach.ts), then
 * the proxy → the service. Any leg blocked fails the finding; any the input cannot show is a warn.
 */
function proxiedCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta, params: EgressToTag, proxy: { address: string; port: number }): CheckOutcome {
  const { estate } = env;
  const r = cidrsToRanges([proxy.address]);
  const at = concrete(r.v4, r.v6);
  const ports = range(proxy.port, proxy.port);
  const toProxy = evaluateFlow(estate, subnet, { direction: "Outbound", protocols: TCP, ports, remote: at, key: `proxy:${proxy.address}:${proxy.port}` });
  // An Azure Firewall as the proxy (its explicit proxy): its application rules, not its subnet's NSG and outbound
  // path, decide what it forwards, and the audit does not model that mode: never a pass.
  // https://learn.microsoft.com/azure/firewall/explicit-proxy
  const firewall = firewallAt(estate, proxy.address);
  const holder = firewall ? undefined : subnetHolding(estate.snapshot, proxy.address);
  const received = holder ? evaluateFlow(estate, holder, { direction: "Inbound", protocols: TCP, ports, remote: estate.roleAddresses(subnet), key: `proxy-in:${proxy.address}:${proxy.port}|${subnet.key}`, localFilter: { addresses: at } }) : undefined;
  const onwardSpec = holder ? tagEgressSpec(estate, holder, params.tag, params.port) : undefined;
  // The proxy opens its own connection from its machine, in whichever family it has: judged from every address of
  // the endpoint holding the proxy address (a NIC's, or the subnet's when it has no NIC in the input; not the stand-in
  // of a subnet holding only private endpoints, which holds no address of its own).
  const host = holder ? addrUnionAll(estate.endpoints(holder).filter((e) => !e.privateEndpointsOnly && addrOverlaps(e.addresses, at)).map((e) => e.addresses)) : undefined;
  const from = host && !addrIsEmpty(host) ? host : at;
  const onward = holder && onwardSpec ? evaluateFlow(estate, holder, { ...onwardSpec, key: `${onwardSpec.key}|from:${proxy.address}`, localFilter: { addresses: from } }) : undefined;
  const read = new Set<string>();
  // Only the proxy address's family carries these connections: CycleCloud's other family needs no way to it.
  const own = estate.roleAddresses(subnet);
  const mine: AddrSet = { v4: at.v4.length ? own.v4 : [], v6: at.v6.length ? own.v6 : [], tags: own.tags };
  const reach = holder && holder.key !== subnet.key ? pathBetween(estate, subnet, holder, (s) => (s.key === subnet.key ? mine : at), read) : undefined;
  // From the proxy on, the profile's own storage account decides, as without a proxy (see ownAccountFlow).
  const ownAccount = holder && onward ? ownAccountFlow(estate, subnet, holder, onward.spec, params) : undefined;
  const ownDiffers = !!ownAccount && ownAccount.result.verdict !== onward!.verdict;
  const onwardDecides = ownAccount?.result ?? onward;
  const results: FlowResult[] = [toProxy, ...(received ? [received] : []), ...(onward ? [onward] : []), ...(ownAccount && ownDiffers ? [ownAccount.result] : [])];
  const touched = touchedBy(results);
  let onwardLeg = onwardDecides ? requiredStatus(onwardDecides.verdict) : "warn";
  const admission = ownAccount?.admission;
  if (admission && admission.state !== "yes" && onwardLeg !== "fail") onwardLeg = admission.state === "no" ? "fail" : "warn";
  // The proxy reaches Storage through a private endpoint from its own subnet, where its public path is blocked.
  const onwardEndpoints = onwardLeg === "fail" && holder && params.tag.toLowerCase() === "storage" ? servedByPrivateEndpoint(estate, holder, ownAccount?.account ?? profileStorageAccount(estate, subnet), touched) : undefined;
  const onwardEndpoint = onwardEndpoints?.served;
  if (onwardEndpoint) onwardLeg = "warn";
  // The proxy resolves the service's name with its own DNS servers.
  const resolver = holder ? nameResolution(estate, holder, touched) : undefined;
  if (resolver && onwardLeg !== "fail") onwardLeg = resolver.sure ? "fail" : "warn";
  // A private DNS zone linked where the proxy resolves may hide the service's names from it.
  const hidden = holder ? zoneOverrides(estate, holder, params, ownAccount?.account ?? profileStorageAccount(estate, subnet), onwardDecides ? [onwardDecides] : [], touched) : undefined;
  if (hidden && onwardLeg !== "fail") onwardLeg = hidden.sure ? "fail" : "warn";
  const legs = [requiredStatus(toProxy.verdict), received ? requiredStatus(received.verdict) : "warn", onwardLeg];
  if (reach) legs.push(!reach.reachable ? "fail" : reach.doubts?.length ? "warn" : "pass");
  const status = clamp(meta, legs.includes("fail") ? "fail" : legs.every((l) => l === "pass") ? "pass" : "warn");
  for (const k of read) touched.add(k);
  if (ownAccount) for (const k of ownAccount.result.touched) touched.add(k);
  if (!env.plan) return outcome({ status, detail: "", touched });
  const toProxyWords = explainFlow(estate, toProxy);
  // What the flow to the proxy already says of this subnet's routes is not said again for the way there.
  const doubts = reach?.reachable ? unsaidDoubts(reach.doubts ?? [], subnet.key, toProxyWords) : [];
  const way = !reach ? "" : !reach.reachable ? ` Between ${label(subnet)} and ${label(holder!)}: no route — ${reach.why}.` : doubts.length ? ` ${doubtSentences(`Between ${label(subnet)} and ${label(holder!)}`, doubts).join(" ")}` : "";
  const detail =
    `Through the HTTPS proxy ${hostPort(proxy.address, proxy.port)}: TCP ${proxy.port} from ${label(subnet)} to the proxy is ${toProxyWords} ` +
    (holder && received && onward
      ? `At the proxy (${label(holder)}), inbound TCP ${proxy.port} from ${label(subnet)} is ${explainFlow(estate, received)}${way} From the proxy, TCP ${params.port} to ${params.tag} is ${explainFlow(estate, onward)}${ownDiffers ? ` For the profile's storage account ${ownAccount!.account} (${ownAccount!.name}), which decides this check, it is ${explainFlow(estate, ownAccount!.result)}` : ""}${admissionWords(ownAccount)}${onwardEndpoint ? ` From the proxy's subnet:${onwardEndpoint}` : ""}${onwardEndpoints?.notServing ? ` From the proxy's subnet:${onwardEndpoints.notServing}` : ""}${resolverWords(resolver)}${hidden?.words ?? ""}`
      : firewall
        ? `The proxy is Azure Firewall ${firewall.name}'s explicit proxy, which this audit does not model: its policy's application rules decide what it forwards, so the way on to ${params.tag} cannot be judged.`
        : `No subnet of the input holds ${proxy.address}, so the proxy's own side and its way to ${params.tag} cannot be judged.`);
  const evidence = withRouteFaults(evidenceFor(results, status), reach && !reach.reachable ? reach.faults : []);
  const plans = [];
  // NSG legs only where the account itself does not refuse (no network change makes it admit the proxy).
  if (status !== "pass" && holder && received && onward && onwardDecides && (!admission || admission.state === "yes")) {
    const changes = planProxyLegs(env, subnet, holder, proxy, { toProxy, received, onward: onwardDecides, onwardLeg }, params);
    if (changes?.length) plans.push({ summary: `Let TCP ${proxy.port} from ${label(subnet)} reach the proxy ${proxy.address}, and TCP ${params.port} from the proxy reach ${params.tag}, through every stage that blocks them.`, changes });
  }
  const noFixReason = admission && admission.state !== "yes" && !onwardEndpoint ? accountNoFix(ownAccount!, !!onwardEndpoints?.notServing) : resolver && !plans.length ? resolverNoFix(resolver) : hidden && !plans.length ? zoneNoFix(hidden) : undefined;
  return outcome({ status, detail, evidence, plans, guidance: adminRuleGuidance(results), touched, ...(noFixReason ? { noFixReason } : {}) });
}

/** The changes opening the legs to the proxy, per planning pass (its allocator) and CycleCloud subnet and proxy. */
const proxyLegPlans = new WeakMap<object, Map<string, Change[] | undefined>>();

/**
 * The changes that open every blocked leg of a proxied check, each where it is decided: CycleCloud's outbound rule to
 * the proxy's address and port, the proxy's inbound rule from CycleCloud's prefixes to its own address, and the proxy's
 * own way to the service (its NSGs, then its path, as without a proxy). Undefined when a leg cannot be opened.
 */
function planProxyLegs(
  env: CheckEnv,
  subnet: Subnet,
  holder: Subnet,
  proxy: { address: string; port: number },
  legs: { toProxy: FlowResult; received: FlowResult; onward: FlowResult; onwardLeg: string },
  params: EgressToTag,
): Change[] | undefined {
  // The legs to the proxy are the same flow for every CC-EGRESS-* check of the subnet: planned once, so the findings
  // offer one identical rule (pasting several is idempotent, and --fix-all writes it once) instead of a copy each.
  let byKey = proxyLegPlans.get(env.allocator);
  if (!byKey) proxyLegPlans.set(env.allocator, (byKey = new Map()));
  const key = `${subnet.key}|${holder.key}|${proxy.address}|${proxy.port}`;
  if (!byKey.has(key)) {
    const port = [String(proxy.port)];
    const at = [proxy.address];
    let legChanges: Change[] | undefined = [];
    if (legs.toProxy.verdict !== "allowed") {
      legChanges = planFlowFix(env, subnet, { ...legs.toProxy.spec, stages: "local", key: undefined }, { name: "AllowHttpsProxyOutbound", direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: at, ports: port }, legChanges);
    }
    if (legChanges && legs.received.verdict !== "allowed") {
      legChanges = planFlowFix(env, holder, { ...legs.received.spec, key: undefined }, { name: "AllowCycleCloudToProxy", direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ownAddresses(env.estate, subnet), destinations: at, ports: port }, legChanges);
    }
    byKey.set(key, legChanges);
  }
  let changes = byKey.get(key);
  if (changes && legs.onwardLeg !== "pass") {
    const spec = legs.onward.spec;
    const local = evaluateFlow(estateWith(env.estate, changes), holder, { ...spec, stages: "local", key: undefined });
    if (local.verdict !== "allowed") changes = planFlowFix(env, holder, { ...spec, stages: "local", key: undefined }, allowEgressTemplate(params), changes);
    if (changes) changes = planPathFix(env, holder, spec, changes, { service: params.tag, port: params.port }, changes.length ? undefined : legs.onward);
  }
  return changes;
}

export function egressToTagCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta, params: EgressToTag): CheckOutcome {
  const { estate } = env;
  const proxy = estate.roles.get(subnet.key) === "cyclecloud" ? estate.placement.proxies.get(estate.deploymentOf(subnet)) : undefined;
  if (proxy) return proxiedCheck(env, subnet, meta, params, proxy);
  const spec = tagEgressSpec(estate, subnet, params.tag, params.port);
  const result = evaluateFlow(estate, subnet, spec);
  const touched = touchedBy([result]);
  // The seed's name for Storage is a wildcard; when the profile names CycleCloud's account, that account's own name
  // decides (a firewall's Deny for it before the Allow for the wildcard fails it; a Deny for other accounts, or an
  // Allow for this one alone, does not). https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
  const own = ownAccountFlow(estate, subnet, subnet, spec, params);
  if (own) for (const k of own.result.touched) touched.add(k);
  const deciding = own?.result ?? result;
  // The account's own verdict is said, and its evidence shown, where it differs from the wildcard's.
  const ownDiffers = !!own && own.result.verdict !== result.verdict;
  let status = clamp(meta, requiredStatus(deciding.verdict));
  // Where the subnet's DNS gives the profile's account's blob name its private endpoints only, the machines connect
  // there: those paths decide, not the public one (and the account's network rules do not apply to them).
  const byName = own ? endpointsByName(estate, subnet, own, touched) : undefined;
  if (byName) status = clamp(meta, byName.status);
  // What the path delivers to the profile's account must still get past the account's own network rules.
  const admission = byName ? undefined : own?.admission;
  if (admission && admission.state !== "yes" && status !== "fail") status = clamp(meta, admission.state === "no" ? "fail" : "warn");
  // Storage that only a private endpoint serves is reachable, but only for that account (CONTRACT §4.1); for the
  // profile's account, only an endpoint to that account serves it.
  let viaEndpoint = "";
  const endpoints = !byName && status === "fail" && params.tag.toLowerCase() === "storage" ? servedByPrivateEndpoint(estate, subnet, own?.account, touched) : undefined;
  if (endpoints?.served) {
    status = clamp(meta, "warn");
    viaEndpoint = endpoints.served;
  }
  // The service is reached by name: a path that lets it through helps nothing where no DNS server answers.
  const resolver = nameResolution(estate, subnet, touched);
  if (resolver && status !== "fail") status = clamp(meta, resolver.sure ? "fail" : "warn");
  // A private DNS zone linked to the VNet that answers the service's names (azure.com, blob.core.windows.net) and
  // lacks them: no address at all, whatever the path allows.
  const hidden = zoneOverrides(estate, subnet, params, own?.account, [deciding], touched);
  if (hidden) status = clamp(meta, hidden.sure ? "fail" : status === "fail" ? "fail" : "warn");
  // The profile's account by name: where a linked privatelink zone lacks its record, its name gives no address at all
  // (said once: a zone above the name that answers it first is what hides it then).
  const unresolved = own && !hidden?.names.includes(own.name) ? blobNameUnresolved(estate, subnet, own.account) : undefined;
  if (unresolved) status = clamp(meta, "fail");
  if (!env.plan) return outcome({ status, detail: "", touched });
  const ownWords = ownDiffers ? ` For the profile's storage account ${own.account} (${own.name}), which decides this check, it is ${explainFlow(estate, own.result)}` : "";
  const detail = `Outbound TCP ${params.port} from ${label(subnet)} to ${params.tag} is ${explainFlow(estate, result)}${ownWords}${byName?.words ?? ""}${byName ? "" : admissionWords(own)}${viaEndpoint}${endpoints?.notServing ?? ""}${resolverWords(resolver)}${hidden?.words ?? ""}${unresolved ? ` But ${own!.name} does not resolve at all: ${unresolved}.` : ""}`;
  const plans = [];
  // A network change cannot make an account that refuses the subnet admit it: that is the account owners' setting.
  // A rule for Storage's public addresses does nothing for a path to a private endpoint.
  if (status !== "pass" && !byName && (!admission || admission.state === "yes")) {
    const template = allowEgressTemplate(params);
    const local = evaluateFlow(estate, subnet, { ...spec, stages: "local", key: `${spec.key}:local` });
    let changes = local.verdict === "allowed" ? [] : planFlowFix(env, subnet, { ...spec, stages: "local", key: undefined }, template);
    if (changes) changes = planPathFix(env, subnet, deciding.spec, changes, { service: params.tag, port: params.port }, deciding);
    if (changes?.length) plans.push({ summary: `Let outbound TCP ${params.port} to ${params.tag} through every stage that blocks it.`, changes });
  }
  const results = [result, ...(ownDiffers ? [own!.result] : []), ...(endpoints?.blockedFlows ?? []), ...(byName?.flows ?? [])];
  const noFixReason = unresolved
    ? `Name resolution decides this, not a network rule: ${unresolved} — https://learn.microsoft.com/azure/dns/private-dns-fallback`
    : byName && status !== "pass" && !plans.length
      ? `The machines reach ${own!.account} at its private endpoint, where its blob name resolves for them: mend what blocks the path to the endpoint (the detail names it); a rule for Storage's public addresses does not change it — https://learn.microsoft.com/azure/storage/common/storage-private-endpoints`
      : admission && admission.state !== "yes" && !viaEndpoint
      ? accountNoFix(own!, !!endpoints?.notServing)
      : resolver && !plans.length
        ? resolverNoFix(resolver)
        : hidden && !plans.length
          ? zoneNoFix(hidden)
          : undefined;
  return outcome({ status, detail, evidence: evidenceFor(results, status), plans, guidance: adminRuleGuidance(results), touched, ...(noFixReason ? { noFixReason } : {}) });
}

/**
 * Whether `subnet`'s machines can resolve the service's name (lib/path/name-resolution.ts), the subnet's path to each
 * custom DNS server judged as a flow on UDP 53; adds what it read to `touched`. Worked out once per subnet and estate:
 * every egress check of the subnet asks.
 */
function nameResolution(estate: Estate, subnet: Subnet, touched: Set<string>): ResolverProblem | undefined {
  const cache = estate.local("name-resolution", () => new Map<string, ResolverProblem | undefined>());
  if (!cache.has(subnet.key)) {
    // Out of this subnet, then into the server's own subnet when the input holds it (its NSG may refuse port 53).
    const reach = (server: string): DnsServerReach => {
      const r = cidrsToRanges([server]);
      const at = concrete(r.v4, r.v6);
      const out = evaluateFlow(estate, subnet, { direction: "Outbound", protocols: UDP, ports: range(53, 53), remote: at, key: `dns:${server}`, replies: true });
      const holder = subnetHolding(estate.snapshot, server);
      const mine = cidrsToRanges(subnet.addressPrefixes);
      const into = holder ? evaluateFlow(estate, holder, { direction: "Inbound", protocols: UDP, ports: range(53, 53), remote: concrete(mine.v4, mine.v6), key: `dns-in:${server}|${subnet.key}`, localFilter: { addresses: at } }) : undefined;
      const results = into ? [out, into] : [out];
      const touched = results.flatMap((x) => [...x.touched]);
      const blocked = results.find((x) => x.verdict === "blocked");
      if (blocked) return { verdict: "blocked", why: `${blocked === into ? `inbound at ${label(holder!)}: ` : ""}${describeDenied(estate, blocked)}`, touched };
      const partly = results.find((x) => x.verdict !== "allowed");
      if (partly) return { verdict: "partly", why: `${partly === into ? `inbound at ${label(holder!)}: ` : ""}${describeDenied(estate, partly)}`, touched };
      return { verdict: "allowed", touched };
    };
    cache.set(subnet.key, resolverProblem(estate, subnet, reach));
  }
  const problem = cache.get(subnet.key);
  for (const k of problem?.touched ?? []) touched.add(k);
  return problem;
}

/** The service's names that a linked private DNS zone keeps from resolving, in words (lib/path/zone-overrides.ts). */
interface HiddenNames {
  /** The names a zone hides (lower case). */
  names: string[];
  /** true: every name the check stands for surely gets no address. */
  sure: boolean;
  words: string;
  fix: string;
}

/**
 * The names the check stands for (the seed's FQDNs for the tag; for Storage the profile's account's blob name, else the
 * seed's `*.blob.core.windows.net`) that a private DNS zone linked where `subnet` resolves answers without them
 * (nameProblem), or where a firewall letting `results` through by an application rule resolves them itself
 * (firewallNameProblems); adds the zones to `touched`. `account`: the profile's storage account, whose private
 * blob endpoints' addresses its blob name may lawfully resolve to. Undefined when no zone stands in the way.
 */
function zoneOverrides(estate: Estate, subnet: Subnet, params: EgressToTag, account: string | undefined, results: FlowResult[], touched: Set<string>): HiddenNames | undefined {
  const storage = params.tag.toLowerCase() === "storage";
  const names = storage && account ? [`${account}.blob.core.windows.net`] : (SEED_FQDNS[params.tag.toLowerCase()] ?? []);
  const accept = storage && account ? accountEndpointAddresses(estate, names[0]) : undefined;
  const problems = [...names.flatMap((n) => nameProblem(estate, subnet, n, accept) ?? []), ...firewallNameProblems(estate, results, names, accept)];
  if (!problems.length) return undefined;
  for (const p of problems) for (const k of p.touched) touched.add(k);
  // A name fails where its client or the firewall connecting for it surely gets no address.
  const failed = new Set(problems.filter((p) => p.sure).map((p) => p.name));
  return {
    names: [...new Set(problems.map((p) => p.name))],
    sure: names.every((n) => failed.has(n)),
    words: problems.map((p) => (p.sure ? ` But ${p.name} does not resolve: ${p.why}.` : ` Whether ${p.name} resolves: ${p.why}.`)).join(""),
    fix: [...new Set(problems.map((p) => p.fix))].join("; "),
  };
}

/** Where a linked private DNS zone hides the service's names: the change that mends it is not a network rule. */
function zoneNoFix(hidden: HiddenNames): string {
  return `Name resolution decides this, not a network rule: ${hidden.fix} — https://learn.microsoft.com/azure/private-link/private-endpoint-dns`;
}

/** The sentence on name resolution, where the subnet's DNS servers do not (or may not) answer (resolverProblem). */
function resolverWords(problem: ResolverProblem | undefined): string {
  if (!problem) return "";
  return problem.sure ? ` But its name does not resolve: ${problem.why}.` : ` Whether its name resolves: ${problem.why}.`;
}

/** Where name resolution is what fails: the change that mends it is not a network rule. */
function resolverNoFix(problem: ResolverProblem): string {
  return `Name resolution decides this, not a network rule: ${problem.remedy} — https://learn.microsoft.com/azure/firewall/dns-settings`;
}

/** The sentence on the profile's account's own network rules, where they do not admit all the path delivers. */
function admissionWords(own: OwnAccountFlow | undefined): string {
  const a = own?.admission;
  if (!a || a.state === "yes") return "";
  const who = `storage account ${own!.account}`;
  if (a.state === "no") return ` But ${who} refuses it: ${a.why}.`;
  if (a.state === "part") return ` But ${who} admits only part of it: ${a.why}.`;
  return ` Whether ${who} admits it cannot be judged: ${a.why}.`;
}

/**
 * Why a network fix is not offered when the profile's account itself refuses the subnet. `endpointExists`: a private
 * endpoint to it is there but does not serve the subnet (the detail says why), so mending that is the way.
 */
function accountNoFix(own: OwnAccountFlow, endpointExists: boolean): string {
  const endpoint = endpointExists ? "mend what keeps its private endpoint from serving the subnet (the detail names it)" : "give the subnet a private endpoint to the account";
  return `Storage account ${own.account}'s own network settings decide this, not the network path: ${endpoint}, or have its owners admit the subnet (a virtual network rule with the Microsoft.Storage service endpoint, or public network access) — https://learn.microsoft.com/azure/storage/common/storage-network-security`;
}

/** Storage private endpoints for a subnet whose public path to Storage is blocked: whether one serves it, and why others do not. */
interface EndpointService {
  /** The sentence saying Storage is still served (the finding is then `warn`); undefined when none serves it. */
  served?: string;
  /** Where endpoints exist but none serves: the sentence naming each and why (its DNS, the NSG at its subnet, ...). */
  notServing?: string;
  /** The flows that blocked those endpoints, shown as evidence (an NSG at the endpoint's subnet). */
  blockedFlows: FlowResult[];
}

/**
 * Where Storage blocked on its public path (`*-EGRESS-STORAGE` would fail) is still served by a storage private endpoint
 * from `subnet` — usable, usable from part of the subnet, or on a path the audit cannot follow to the end — the
 * sentence saying so (the finding is then `warn`: "reachable only through private endpoint …", CONTRACT §4.1). Where
 * endpoints exist and none serves, the sentence naming why each does not (an unlinked DNS zone, the NSG at the
 * endpoint's subnet), and the flows that blocked them for the evidence. With `account` (the profile's, lower case), only
 * an endpoint to that account serves it. Adds what it read to `touched`.
 */
function servedByPrivateEndpoint(estate: Estate, subnet: Subnet, account: string | undefined, touched: Set<string>): EndpointService {
  const uses = storageEndpointsFor(estate, subnet).filter((u) => !account || u.account.toLowerCase() === account);
  endpointReads(uses, touched);
  const usable = uses.filter((u) => u.state === "usable");
  // An endpoint whose path nothing denies but the audit cannot follow to the end may serve it: not a fail.
  const unjudged = uses.filter((u) => u.state === "unjudged");
  const partial = uses.filter((u) => u.state === "partial");
  const what = account ? `The profile's storage account ${account}` : "Storage";
  if (usable.length) return { served: ` ${what} is reachable only through ${usable.map((u) => `private endpoint ${u.endpoint.name} to ${u.account}`).join(", ")}.`, blockedFlows: [] };
  if (partial.length) return { served: ` ${what} is reachable only through a private endpoint, and not from all of the subnet: ${partial.map((u) => u.detail).join("; ")}.`, blockedFlows: [] };
  if (unjudged.length) return { served: ` ${what} may be reachable only through a private endpoint whose path cannot be judged: ${unjudged.map((u) => u.detail).join("; ")}.`, blockedFlows: [] };
  if (!uses.length) return { blockedFlows: [] };
  const blockedFlows = uses.flatMap((u) => (u.state === "blocked" && u.flow ? [u.flow] : []));
  return { notServing: ` No private endpoint serves it either: ${uses.map((u) => u.detail).join("; ")}.`, blockedFlows };
}

/** The profile's account's private endpoints, where its blob name resolves to them alone for a subnet. */
interface ByName {
  status: "pass" | "warn" | "fail";
  words: string;
  /** The flows that blocked the endpoints, for the evidence. */
  flows: FlowResult[];
}

/**
 * Where the DNS `subnet`'s machines ask gives the profile's account's blob name (`own.name`) only its private
 * endpoints' addresses (storageNameTargets, as the flow query judges the name), the paths to those endpoints decide
 * (storageEndpointsFor, as CC-SE-STORAGE judges them): one usable → pass; open from part of the subnet, or not
 * judged to the end → warn; every one blocked → fail. Undefined where the name may lead to the public address (no
 * private endpoint, no private DNS zones, DNS that cannot be judged), or gives no address at all (said elsewhere).
 * https://learn.microsoft.com/azure/storage/common/storage-private-endpoints
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 */
function endpointsByName(estate: Estate, subnet: Subnet, own: OwnAccountFlow, touched: Set<string>): ByName | undefined {
  const named = storageNameTargets(estate, subnet, own.name);
  if (named.public || named.unresolved || !named.endpoints.length) return undefined;
  const resolvedTo = new Set(named.endpoints.map((e) => e.endpoint.key));
  const uses = storageEndpointsFor(estate, subnet).filter((u) => resolvedTo.has(u.endpoint.key));
  if (!uses.length) return undefined;
  endpointReads(uses, touched);
  const to = `${own.name} resolves for ${label(subnet)} to ${named.endpoints.map((e) => `private endpoint ${e.endpoint.name}`).join(", ")} (its private DNS zone gives that address), so the machines connect there, not to Storage's public addresses:`;
  const usable = uses.filter((u) => u.state === "usable");
  if (usable.length) return { status: "pass", words: ` ${to} ${usable.map((u) => `private endpoint ${u.endpoint.name} serves it`).join("; ")}.`, flows: [] };
  const flows = uses.flatMap((u) => (u.flow ? [u.flow] : []));
  const doubt = uses.some((u) => u.state === "partial" || u.state === "unjudged");
  return { status: doubt ? "warn" : "fail", words: ` But ${to} ${uses.map((u) => u.detail).join("; ")}.`, flows };
}

/**
 * The name (lower case) of the storage account the profile names for `subnet`'s deployment (`storageAccount`, by name or
 * id), or undefined when it names none.
 */
export function profileStorageAccount(estate: Estate, subnet: Subnet): string | undefined {
  const ref = estate.placement.storageAccounts?.get(estate.deploymentOf(subnet));
  return ref ? (ref.startsWith("/") ? lastSegment(ref) : ref).toLowerCase() : undefined;
}

/**
 * The Storage flow from `from` to the one account the profile names for `checked`'s deployment (`storageAccount`, by
 * name or id; README "Inputs"): `spec` with the account's blob name (`<account>.blob.core.windows.net`) in place of
 * the seed's wildcard, which only a firewall's application rules tell apart. Undefined for other tags, or when the
 * profile names no account. https://learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints
 */
function ownAccountFlow(estate: Estate, checked: Subnet, from: Subnet, spec: FlowSpec, params: EgressToTag): OwnAccountFlow | undefined {
  if (params.tag.toLowerCase() !== "storage") return undefined;
  const account = profileStorageAccount(estate, checked);
  if (!account) return undefined;
  const name = `${account}.blob.core.windows.net`;
  // An account the input holds lives in its region: its addresses are that region's part of Storage, which a service
  // endpoint carries only when its `locations` name the region.
  const resource = storageAccountOf(estate.snapshot, estate.placement.storageAccounts!.get(estate.deploymentOf(checked))!);
  const regional = resource?.location ? `Storage.${resource.location}` : undefined;
  const remote = regional ? estate.context(from).resolve(regional).set : spec.remote;
  const result = evaluateFlow(estate, from, { ...spec, remote, names: { kind: "names", names: [name] }, key: `${spec.key}:account:${account}${regional ? `:${regional}` : ""}` });
  return { account, name, result, ...(resource ? { admission: accountAdmits(estate.snapshot, resource, from, result) } : {}) };
}

interface OwnAccountFlow {
  /** The account's name, lower case. */
  account: string;
  /** Its blob name, which a firewall's application rules judge. */
  name: string;
  result: FlowResult;
  /** Whether the account's own network rules admit what `result` delivers; absent when the input lacks the account. */
  admission?: AccountAdmission;
}

export function egressToTagRule(meta: RuleMeta, params: EgressToTag): RuleCheck {
  return { ...meta, requires: "allow", check: (env, subnet) => egressToTagCheck(env, subnet, meta, params) };
}
