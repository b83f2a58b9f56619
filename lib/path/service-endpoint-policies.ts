// Service endpoint policies on a subnet: with one attached, traffic over the subnet's Microsoft.Storage service
// endpoint reaches only the storage accounts the policies' definitions list (an account, every account of a resource
// group, or of a subscription); several policies allow the union; without a policy every account is reachable.
// https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoint-policies-overview
// Which account CycleCloud uses is known only when the profile names it (`storageAccount`, CONTRACT §1.2); without it
// the policy's effect on CycleCloud cannot be judged, and no check may pass on the service endpoint. A flow query to a
// storage account's name (`--to <account>.blob.core.windows.net`) judges that account the same way instead.
import type { ServiceEndpointPolicy, Snapshot, Subnet } from "../model/types";
import { lastSegment } from "../snapshot/arm-id";
import type { Estate } from "../nsg/estate";
import type { EffectiveRoute } from "./routes";
import type { NextHop } from "./next-hop";
import type { Evidence } from "../report/types";

/** The Storage part of the policies on a subnet: the policies the input holds, the ones it lacks, and their scope. */
export interface StoragePolicyScope {
  policies: ServiceEndpointPolicy[];
  /** Names of policies the subnet refers to that the input does not hold. */
  missing: string[];
  /** `serviceResources` of every `Microsoft.Storage` definition, as written. */
  resources: string[];
}

/**
 * What a subnet's service endpoint policies mean for CycleCloud's storage account over the Storage service endpoint:
 * `none` (no policy: every account), `in` (the account is in their scope), `out` (denied), `unknown` (cannot be
 * judged: the profile names no account, or a policy or the account's id is not in the input). `words` says which
 * policy and why, for a finding's detail or a route's evidence.
 */
export type StoragePolicyJudgement = { state: "none" } | { state: "in" | "out" | "unknown"; words: string; policies: string[] };


/** The subnet's policies and their Storage scope; undefined when the subnet has no service endpoint policy. */
function storagePolicyScope(snapshot: Snapshot, subnet: Subnet): StoragePolicyScope | undefined {
  const keys = subnet.serviceEndpointPolicyKeys ?? [];
  if (!keys.length) return undefined;
  const policies: ServiceEndpointPolicy[] = [];
  const missing: string[] = [];
  for (const k of keys) {
    const p = snapshot.serviceEndpointPolicies?.get(k);
    if (p) policies.push(p);
    else missing.push(lastSegment(k));
  }
  const resources = policies.flatMap((p) => p.definitions.filter((d) => d.service.toLowerCase() === "microsoft.storage").flatMap((d) => d.serviceResources));
  return { policies, missing, resources };
}

/** Whether an ARM id lies within a `serviceResources` entry (the account itself, its resource group or subscription). */
function within(accountId: string, entry: string): boolean {
  const a = accountId.trim().replace(/\/+$/, "").toLowerCase();
  const e = entry.trim().replace(/\/+$/, "").toLowerCase();
  return a === e || a.startsWith(`${e}/`);
}

const isAccountId = (entry: string) => /\/providers\/microsoft\.storage\/storageaccounts\/[^/]+\/?$/i.test(entry.trim());

/**
 * The ARM id of storage account `name` as the input shows it: a storage account resource of that name, else a private
 * endpoint connection to it (its `privateLinkServiceId` is the account's id); undefined when the input holds neither.
 * Account names are unique in Azure, so either names the one account.
 * https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name
 */
function storageAccountIdOf(snapshot: Snapshot, name: string): string | undefined {
  const n = name.trim().toLowerCase();
  const resource = [...(snapshot.storageAccounts?.values() ?? [])].find((a) => a.name.toLowerCase() === n);
  if (resource) return resource.id;
  for (const pe of snapshot.privateEndpoints.values()) {
    const conn = pe.connections.find((c) => isAccountId(c.targetId) && lastSegment(c.targetId).toLowerCase() === n);
    if (conn) return conn.targetId.trim().replace(/\/+$/, "");
  }
  return undefined;
}

/** Estates made for a flow query that names a storage account (`--to <account>.blob.core.windows.net`): that name. */
const queriedAccounts = new WeakMap<Estate, string>();

/**
 * Marks `estate` (one made for this query alone, so no memo of it holds another account's judgement) as judging the
 * policies for storage account `name`, which the flow query's destination names, instead of the profile's account.
 * Returns the estate.
 */
export function judgingQueriedAccount(estate: Estate, name: string): Estate {
  queriedAccounts.set(estate, name);
  return estate;
}

/**
 * Judges the subnet's service endpoint policies for the storage account the profile names for the subnet's deployment
 * (CONTRACT §1.2 `storageAccount`), or the one a flow query names (judgingQueriedAccount): an id is matched against the
 * scopes; a name through its id in the input (storageAccountIdOf), else against the account ids the policies list.
 */
export function judgeStoragePolicies(estate: Estate, subnet: Subnet): StoragePolicyJudgement {
  const scope = storagePolicyScope(estate.snapshot, subnet);
  if (!scope) return { state: "none" };
  const names = [...scope.policies.map((p) => p.name), ...scope.missing];
  const which = `service endpoint polic${names.length > 1 ? "ies" : "y"} ${names.join(", ")} on ${subnet.vnetName}/${subnet.name}`;
  const list = scope.resources.length ? scope.resources.slice(0, 3).map(lastSegment).join(", ") + (scope.resources.length > 3 ? ` and ${scope.resources.length - 3} more` : "") : "no storage account";
  const lets = `${which} lets the Microsoft.Storage service endpoint reach only ${list}`;
  const absent = scope.missing.length ? `; ${scope.missing.join(", ")} ${scope.missing.length > 1 ? "are" : "is"} not in the input (add \`az network service-endpoint policy list\`)` : "";
  const queried = queriedAccounts.get(estate);
  const ref = queried ?? estate.placement.storageAccounts?.get(estate.deploymentOf(subnet));
  if (!ref) {
    return { state: "unknown", policies: names, words: `${lets}${absent}, and which storage account CycleCloud uses is not known (name it as \`storageAccount\` in the profile, by id)` };
  }
  const id = ref.startsWith("/") ? ref : storageAccountIdOf(estate.snapshot, ref);
  const account = id ? lastSegment(id) : ref;
  const whose = queried ? "storage account" : "CycleCloud's storage account";
  const inScope = id ? scope.resources.some((e) => within(id, e)) : scope.resources.some((e) => isAccountId(e) && lastSegment(e).toLowerCase() === ref.toLowerCase());
  if (inScope) return { state: "in", policies: names, words: `${which} admits ${whose} ${account}` };
  // A name alone cannot be placed in a resource group or subscription scope.
  if (!id && scope.resources.some((e) => !isAccountId(e))) {
    const why = queried
      ? `storage account ${account}'s resource id is not in the input, so whether it lies in a resource group or subscription the policy names is not known (add \`az storage account list\`)`
      : `storage account ${account} is named without its id and is not in the input (give \`storageAccount\` as an id, or add \`az storage account list\`)`;
    return { state: "unknown", policies: names, words: `${lets}, and ${why}` };
  }
  if (scope.missing.length) return { state: "unknown", policies: names, words: `${lets}, not ${whose} ${account}${absent}` };
  return { state: "out", policies: names, words: `${lets}, not ${whose} ${account}: traffic to it over the service endpoint is denied` };
}

/** Whether a route is a Storage service-endpoint route (`Storage`, `Storage.<region>`), which the policies filter. */
function isStorageEndpointRoute(route: EffectiveRoute): boolean {
  return route.nextHopType === "VirtualNetworkServiceEndpoint" && /^storage(\.|$)/i.test(route.addressPrefix.trim());
}

/**
 * The next hop of a Storage service-endpoint route on a subnet with service endpoint policies: delivered when they
 * admit CycleCloud's account, dropped when they do not (naming the policy), `missing` (cannot be judged) when the
 * account or a policy is unknown; undefined when the route is another or the subnet has no policy. One object per
 * subnet, deployment and route, so evidence built from it is shared (see evaluate.ts).
 */
export function policedStorageHop(estate: Estate, subnet: Subnet, route: EffectiveRoute): NextHop | undefined {
  if (!subnet.serviceEndpointPolicyKeys?.length || !isStorageEndpointRoute(route)) return undefined;
  const bySubnet = estate.memo("storage-policy-hops", () => new Map<string, WeakMap<EffectiveRoute, NextHop | undefined>>());
  const k = `${subnet.key}|${estate.deploymentOf(subnet)}|${subnet.vnetName}`;
  let byRoute = bySubnet.get(k);
  if (!byRoute) bySubnet.set(k, (byRoute = new WeakMap()));
  if (byRoute.has(route)) return byRoute.get(route);
  const j = judgeStoragePolicies(estate, subnet);
  const hop: NextHop | undefined = j.state === "out" ? { kind: "drop", why: j.words } : j.state === "unknown" ? { kind: "missing", what: j.words } : undefined;
  byRoute.set(route, hop);
  return hop;
}

/**
 * The flow query's note on a subnet whose Storage traffic took a service-endpoint route through a service endpoint
 * policy (`steps`: the answer's evidence): which accounts the policy admits and how CycleCloud's account fares. A
 * route the policy decided already says so in its evidence; the note keeps an `allowed` answer from hiding the policy.
 */
export function storagePolicyNotes(estate: Estate, subnet: Subnet, steps: readonly Evidence[]): string[] {
  if (!subnet.serviceEndpointPolicyKeys?.length) return [];
  if (!steps.some((e) => e.stage === "route" && e.nextHopType === "VirtualNetworkServiceEndpoint" && /^storage(\.|$)/i.test(e.addressPrefix.trim()))) return [];
  const j = judgeStoragePolicies(estate, subnet);
  if (j.state === "none") return [];
  return [`Storage over the service endpoint: ${j.words}; the policy denies every storage account outside its scope.`];
}
