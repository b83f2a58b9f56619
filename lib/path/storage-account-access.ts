// Whether a storage account's own network rules admit a subnet's traffic that reached its public endpoint. The path
// stages decide whether packets get there; the account then answers 403 to a caller its firewall does not admit, so
// for CycleCloud's own account (the profile's `storageAccount`) a delivered flow is not yet "reachable end to end".
// https://learn.microsoft.com/azure/storage/common/storage-network-security
import type { Snapshot, StorageAccount, Subnet } from "../model/types";
import type { FlowResult } from "../nsg/flow";
import type { Evidence } from "../report/types";

/**
 * `yes`: every delivered piece is admitted; `no`: none is (`why` says what refuses it); `part`: some pieces are and
 * others are not (say, over a service endpoint in one region, from a public address in the rest); `unknown`: the input
 * cannot tell for some of it (public addresses the account admits by IP rule, a network security perimeter).
 */
export type AccountAdmission = { state: "yes" } | { state: "no" | "part" | "unknown"; why: string };

/**
 * The storage account the input holds for a profile's `storageAccount` (an id, or a name matched case-insensitively),
 * or undefined when the input has no such account: then nothing can be said of its network rules.
 */
export function storageAccountOf(snapshot: Snapshot, ref: string): StorageAccount | undefined {
  const accounts = snapshot.storageAccounts;
  if (!accounts?.size) return undefined;
  const wanted = ref.trim().replace(/\/+$/, "").toLowerCase();
  for (const a of accounts.values()) if (a.key === wanted || a.id.toLowerCase() === wanted || a.name.toLowerCase() === wanted) return a;
  return undefined;
}

/** How a delivered piece meets the account: from the subnet over a service endpoint, or from a public address. */
type Arrival = "service-endpoint" | "public" | "appliance";

function arrivalOf(steps: readonly Evidence[]): Arrival {
  // The last route a piece took decides how it leaves the estate (a hub's own route after a peering, say).
  let hop: string | undefined;
  for (const s of steps) if (s.stage === "route") hop = s.nextHopType;
  if (hop === "VirtualNetworkServiceEndpoint") return "service-endpoint";
  if (hop === "VirtualAppliance") return "appliance";
  return "public";
}

const succeeded = (state?: string) => !state || state.toLowerCase() === "succeeded";

/**
 * Whether `account`'s network rules admit the pieces of `flow` (from `subnet` to the account's public endpoint) that
 * the path delivered. Public network access `Disabled` refuses all; `SecuredByPerimeter` cannot be judged (the perimeter
 * is not read); `defaultAction` `Allow` admits all. With `Deny`, a piece over the subnet's Storage service endpoint is
 * admitted by a virtual network rule for the subnet (state absent or `Succeeded`); one from a public address (the
 * subnet's outbound path, or an appliance such as an Azure Firewall that SNATs it) only by an IP rule, whose match the
 * input cannot show unless there is none. Units: none; errors: none.
 * https://learn.microsoft.com/azure/storage/common/storage-network-security
 */
export function accountAdmits(account: StorageAccount, subnet: Subnet, flow: FlowResult): AccountAdmission {
  const access = account.publicNetworkAccess?.toLowerCase();
  if (access === "disabled") return { state: "no", why: `its public network access is disabled (only a private endpoint reaches it)` };
  if (access === "securedbyperimeter") return { state: "unknown", why: `it is secured by a network security perimeter, which this audit does not read` };
  if (account.defaultAction !== "Deny") return { state: "yes" };
  const where = `${subnet.vnetName}/${subnet.name}`;
  const arrivals = new Set<Arrival>();
  for (const o of flow.outcomes) for (const p of o.pieces) if (p.access === "Allow") arrivals.add(arrivalOf(p.steps));
  const verdicts: AccountAdmission[] = [];
  if (arrivals.has("service-endpoint")) {
    const rule = account.virtualNetworkRules.find((r) => r.subnetKey === subnet.key);
    verdicts.push(
      rule && succeeded(rule.state)
        ? { state: "yes" }
        : { state: "no", why: rule ? `its virtual network rule for ${where} is ${rule.state}` : `its network rules (default action Deny) have no virtual network rule for ${where}, which reaches it over its service endpoint` },
    );
  }
  for (const from of ["public", "appliance"] as const) {
    if (!arrivals.has(from)) continue;
    const sender = from === "public" ? `${where}'s outbound public address` : `the public address of the appliance the route hands it to`;
    verdicts.push(
      account.ipRules.length === 0
        ? { state: "no", why: `its network rules (default action Deny) admit no public address, and traffic from ${where} reaches it from ${sender}` }
        : { state: "unknown", why: `its network rules (default action Deny) admit only the addresses of its IP rules (${account.ipRules.slice(0, 3).join(", ")}${account.ipRules.length > 3 ? ", …" : ""}); whether ${sender} is among them cannot be judged` },
    );
  }
  if (verdicts.every((v) => v.state === "yes")) return { state: "yes" };
  const why = verdicts.flatMap((v) => (v.state === "yes" ? [] : [v.why])).join("; ");
  if (verdicts.every((v) => v.state === "no")) return { state: "no", why };
  return { state: verdicts.some((v) => v.state === "unknown") ? "unknown" : "part", why };
}
