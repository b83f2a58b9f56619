// CC-SE-STORAGE / NODE-SE-STORAGE: private access to Azure Storage through a service endpoint on the
// subnet (that the storage accounts given admit), or a storage private endpoint in the VNet or a directly
// peered VNet that the subnet can reach and resolve (CONTRACT §4.2). Only endpoints that finished provisioning count.
// A service endpoint policy on the subnet limits the endpoint to the accounts it lists: it counts only when CycleCloud's
// account (profile `storageAccount`) is among them; otherwise `warn`, naming the policy.
// https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview
import type { Subnet } from "../../model/types";
import type { CheckEnv, CheckOutcome, RuleMeta } from "../types";
import { clamp, outcome } from "./shared";
import { endpointReads, storageEndpointsFor } from "../../path/private-endpoints";
import { profileStorageAccount } from "./egress-to-tag";
import { UNREAD_DEFAULT_ACTION, storageAccountOf, storageEndpointCovers, succeeded } from "../../path/storage-account-access";
import { flowEvidence } from "../../nsg/flow";
import { judgeStoragePolicies } from "../../path/service-endpoint-policies";
import { isStorageEndpoint, storageEndpointKind } from "../../fixes/service-endpoints";
import { type EffectiveRoute, lookup, routeWords, serviceEndpointTags, subnetRoutes } from "../../path/routes";
import { accountEndpointAddresses, nameProblem } from "../../path/zone-overrides";
import { anyLinkedZoneHolds } from "../../path/linked-zones";


/**
 * What the storage accounts in the input say of a service endpoint on this subnet (CONTRACT §4.2): it helps
 * only an account whose network rules admit the subnet, whose public network access is not Disabled, and whose
 * region the endpoint's `locations` hold (elsewhere the account's traffic does not take the endpoint). With the
 * profile's `storageAccount` in the input, that account alone is judged. `disabledOnly`: every refusal is an account
 * that takes no public traffic at all, which a virtual network rule would not change. An account is reached by its
 * blob name: where a private DNS zone linked where the subnet resolves hides that name (lib/path/zone-overrides.ts),
 * the endpoint does not help it (`unresolved`, sure) or may not (`unsure`, with why); `dnsOnly`: every refusal is that.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview
 */
function accountsRefusing(env: CheckEnv, subnet: Subnet, endpoint: Subnet["serviceEndpoints"][number], touched: Set<string>): { refusing: string[]; perimeter: string[]; unread: string[]; unsure: string[]; total: number; disabledOnly: boolean; dnsOnly: boolean } {
  const named = profileStorageAccount(env.estate, subnet);
  const own = named ? storageAccountOf(env.estate.snapshot, named) : undefined;
  const accounts = own ? [own] : [...(env.estate.snapshot.storageAccounts?.values() ?? [])];
  const refusing: string[] = [];
  const perimeter: string[] = [];
  // ARM always returns networkAcls.defaultAction: an account without it (a cut or hand-made file) cannot be judged.
  const unread: string[] = [];
  const unsure: string[] = [];
  let disabledOnly = true;
  let unresolved = 0;
  /** Whether the account's blob name resolves from the subnet: false where it surely does not (then refused). */
  const resolves = (account: string): boolean => {
    const blobName = `${account}.blob.core.windows.net`;
    // Asked for every account on every subnet: where no linked zone holds the name (the common case), nothing more.
    const name = anyLinkedZoneHolds(env.estate, blobName) ? nameProblem(env.estate, subnet, blobName, accountEndpointAddresses(env.estate, blobName)) : undefined;
    for (const k of name?.touched ?? []) touched.add(k);
    if (name && !name.sure) unsure.push(`${account} (${name.why}; ${name.fix})`);
    if (!name?.sure) return true;
    refusing.push(`${account} (its blob name does not resolve from this subnet: ${name.why}; ${name.fix})`);
    disabledOnly = false;
    unresolved++;
    return false;
  };
  // The profile's account by name, where the input does not hold the resource: only its name can be judged.
  if (named && !own) return { refusing, perimeter, unread, unsure, total: resolves(named) ? 0 : 1, disabledOnly: false, dnsOnly: true };
  for (const a of accounts) {
    const access = a.publicNetworkAccess?.toLowerCase();
    if (!resolves(a.name)) continue;
    if (access === "disabled") refusing.push(`${a.name} (public network access disabled)`);
    else if (access === "securedbyperimeter") perimeter.push(a.name);
    else if (!storageEndpointCovers(endpoint, a.location)) {
      refusing.push(`${a.name} (in ${a.location}, outside the service endpoint's locations)`);
      disabledOnly = false;
    } else if (a.defaultAction === undefined) unread.push(a.name);
    else if (a.defaultAction === "Deny" && !a.virtualNetworkRules.some((r) => r.subnetKey === subnet.key && succeeded(r.state))) {
      refusing.push(`${a.name} (its network rules do not admit this subnet)`);
      disabledOnly = false;
    }
  }
  return { refusing, perimeter, unread, unsure, total: accounts.length, disabledOnly, dnsOnly: unresolved === refusing.length };
}

/**
 * The route-table routes of `subnet` that take (part of) the traffic its Storage service endpoint would carry: a route
 * table's route for the service's prefixes, or a more specific one, beats the endpoint's system route, so that traffic
 * leaves by the route's next hop, not over the endpoint (CONTRACT §4.1 stage 3: "a route-table route for `Storage`
 * overrides a Storage service endpoint"). Learned routes cannot override an endpoint's; a route whose reach the
 * supplied tags cannot tell (`regionUnknown`) is not counted. Only the families the subnet has prefixes in. Never throws.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route
 */
function endpointOverrides(env: CheckEnv, subnet: Subnet, endpoint: Subnet["serviceEndpoints"][number]): EffectiveRoute[] {
  const routes = subnetRoutes(env.estate, subnet);
  const families = ([4, 6] as const).filter((f) => subnet.addressPrefixes.some((p) => p.includes(":") === (f === 6)));
  const out = new Set<EffectiveRoute>();
  for (const tag of serviceEndpointTags(endpoint.service, endpoint.locations)) {
    const set = env.estate.context(subnet).resolve(tag).set;
    for (const family of families)
      for (const { route } of lookup(routes, family, set)) if (route.source === "User" && route.nextHopType !== "VirtualNetworkServiceEndpoint" && !route.regionUnknown) out.add(route);
  }
  return [...out];
}

export function storageAccessCheck(env: CheckEnv, subnet: Subnet, meta: RuleMeta): CheckOutcome {
  const touched = new Set([subnet.key]);
  const where = `${subnet.vnetName}/${subnet.name}`;
  const endpoints = subnet.serviceEndpoints.filter((e) => isStorageEndpoint(e.service));
  const good = endpoints.find((e) => succeeded(e.provisioningState));
  // A route of the subnet's table can take the endpoint's traffic elsewhere: then the endpoint gives no private path.
  if (good && subnet.routeTableKey) touched.add(subnet.routeTableKey);
  const overrides = good ? endpointOverrides(env, subnet, good) : [];
  // A service endpoint policy lets the endpoint reach only the accounts it lists: it helps CycleCloud only when its
  // account is among them, which only the profile can say.
  const policy = good ? judgeStoragePolicies(env.estate, subnet) : { state: "none" as const };
  if (policy.state !== "none") for (const k of subnet.serviceEndpointPolicyKeys ?? []) touched.add(k);
  const policyWords = policy.state === "none" ? "" : `${policy.words}.`;
  if (good && !overrides.length && (policy.state === "none" || policy.state === "in")) {
    const { refusing, perimeter, unread, unsure, total, disabledOnly, dnsOnly } = accountsRefusing(env, subnet, good, touched);
    const head = `${where} has the ${good.service} service endpoint${good.locations.length ? ` (${good.locations.join(", ")})` : ""}.`;
    const list = (xs: string[]) => `${xs.slice(0, 3).join(", ")}${xs.length > 3 ? ` and ${xs.length - 3} more` : ""}`;
    if (total > 0 && refusing.length === total) return outcome({ status: clamp(meta, "warn"), detail: `${head} But it helps no storage account ${total === 1 && profileStorageAccount(env.estate, subnet) ? "CycleCloud uses" : "in the input"}: ${list(refusing)}. ${dnsOnly ? "Mend its name resolution first: no network path helps a name that does not resolve." : disabledOnly ? "Use a private endpoint." : "Use a private endpoint, or admit this subnet (a virtual network rule, the account's region in the endpoint's locations)."}`, touched });
    if (perimeter.length) return outcome({ status: clamp(meta, "warn"), detail: `${head} Storage account${perimeter.length > 1 ? "s" : ""} ${list(perimeter)} ${perimeter.length > 1 ? "are" : "is"} secured by a network security perimeter, which this audit does not read.`, touched });
    if (unsure.length) return outcome({ status: clamp(meta, "warn"), detail: `${head} Whether it helps storage account${unsure.length > 1 ? "s" : ""} ${list(unsure)} cannot be judged: a private DNS zone linked where this subnet resolves answers ${unsure.length > 1 ? "their names" : "its name"}.`, touched });
    if (unread.length) return outcome({ status: clamp(meta, "warn"), detail: `${head} Whether storage account${unread.length > 1 ? "s" : ""} ${list(unread)} admit${unread.length > 1 ? "" : "s"} it cannot be judged: the input does not hold ${unread.length > 1 ? "their" : "its"} ${UNREAD_DEFAULT_ACTION}.`, touched });
    return outcome({ status: "pass", detail: `${head}${refusing.length ? ` It does not help ${list(refusing)}.` : ""}${policyWords ? ` The ${policyWords}` : ""}`, touched });
  }
  // The endpoint exists but the policy denies CycleCloud's account, or whether it does cannot be judged.
  const policed = good && !overrides.length && policy.state !== "none" ? `${where} has the ${good.service} service endpoint, but ${policy.state === "out" ? "" : "whether it serves CycleCloud's storage account cannot be judged: "}${policyWords}` : "";

  const notReady: string[] = endpoints.map((e) => `service endpoint ${e.service} is ${e.provisioningState}`);
  // A private endpoint serves its own account only: with the profile's account named, only an endpoint to it counts.
  const account = profileStorageAccount(env.estate, subnet);
  const uses = storageEndpointsFor(env.estate, subnet).filter((u) => !account || u.account.toLowerCase() === account);
  endpointReads(uses, touched);
  const usable = uses.find((u) => u.state === "usable");
  if (usable) return outcome({ status: "pass", detail: `${where} reaches Azure Storage privately through ${usable.detail}.${policed ? ` (${policed})` : ""}`, touched });
  if (policed) return outcome({ status: clamp(meta, "warn"), detail: `${policed}${uses.length ? ` No storage private endpoint serves it either: ${uses[0].detail}.` : ""}`, touched });
  if (good && overrides.length) {
    const by = overrides.slice(0, 3).map((r) => `${routeWords(r)} (${r.addressPrefix}, next hop ${r.nextHopType})`);
    return outcome({
      status: clamp(meta, "warn"),
      detail: `${where} has the ${good.service} service endpoint, but ${by.join(", ")}${overrides.length > 3 ? ` and ${overrides.length - 3} more` : ""} ${overrides.length > 1 ? "take" : "takes"} Storage traffic the endpoint would carry: a route table's route beats the endpoint's system route, so that traffic does not take the endpoint.${uses.length ? ` No storage private endpoint serves it either: ${uses[0].detail}.` : ""}`,
      touched,
    });
  }
  const near = uses.find((u) => u.state === "partial") ?? uses.find((u) => u.state === "blocked") ?? uses.find((u) => u.state === "unjudged") ?? uses.find((u) => u.state === "unusable");
  if (near) {
    return outcome({ status: clamp(meta, "warn"), detail: `${where} ${near.state === "partial" ? "has a private path to Azure Storage from only part of the subnet" : "has no working private path to Azure Storage"}: ${near.detail}${notReady.length ? `; ${notReady.join("; ")} (not counted)` : ""}.`, evidence: near.flow ? flowEvidence(near.flow, near.state === "unjudged" ? "Unaudited" : "Deny") : [], touched });
  }
  const plans = [];
  const endpointKind = storageEndpointKind(subnet);
  if (env.plan) {
    plans.push({
      summary: `Add the ${endpointKind} service endpoint to ${where}, keeping its existing endpoints.`,
      changes: [{ kind: "add-service-endpoint" as const, subnetKey: subnet.key, service: endpointKind }],
    });
  }
  return outcome({
    status: clamp(meta, "warn"),
    detail: `${where} has no working private path to Azure Storage: no Microsoft.Storage service endpoint and no storage private endpoint in ${subnet.vnetName} or a directly peered VNet${notReady.length ? ` (${notReady.join("; ")}; not counted)` : ""}.`,
    plans,
    touched,
  });
}
