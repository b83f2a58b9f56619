// Whether a storage account's own network rules admit a subnet's traffic that reached its public endpoint. The path
// stages decide whether packets get there; the account then answers 403 to a caller its firewall does not admit, so
// for CycleCloud's own account (the profile's `storageAccount`) a delivered flow is not yet "reachable end to end".
// https://learn.microsoft.com/azure/storage/common/storage-network-security
import type { Snapshot, StorageAccount, Subnet } from "../model/types";
import type { FlowResult } from "../nsg/flow";
import type { Evidence, RouteEvidence } from "../report/types";
import { keyOf } from "../snapshot/arm-id";
import { firewallSubnet } from "./firewall";

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
  if (!snapshot.storageAccounts?.size) return undefined;
  let index = accountIndexes.get(snapshot);
  if (!index) {
    // By key, id and name (lower case), built once per snapshot: every subnet's Storage checks ask.
    index = new Map();
    for (const a of snapshot.storageAccounts.values()) for (const k of [a.key, a.id.toLowerCase(), a.name.toLowerCase()]) if (!index.has(k)) index.set(k, a);
    accountIndexes.set(snapshot, index);
  }
  return index.get(ref.trim().replace(/\/+$/, "").toLowerCase());
}

const accountIndexes = new WeakMap<Snapshot, Map<string, StorageAccount>>();

/**
 * How a delivered piece meets the account: over a subnet's Storage service endpoint (the source's own, or that of the
 * Azure Firewall's subnet that forwards it), or from a public address (the source's outbound path, or the appliance's)
 * in a region (its VNet's `location`, when the input shows it).
 */
type Arrival = { via: "service-endpoint"; from: Subnet } | { via: "public"; from: string; region?: string };

/** Whether a provisioning or rule state counts as done: absent (an export that leaves it out) or `Succeeded`. */
export const succeeded = (state?: string) => !state || state.toLowerCase() === "succeeded";
/** An Azure region as ARM spells `location` (`westeurope`), from any spelling (`West Europe`). */
export const regionOf = (location?: string) => location?.toLowerCase().replace(/\s+/g, "");

/**
 * Whether a Storage service endpoint (`Microsoft.Storage` with its `locations`, or `Microsoft.Storage.Global`) carries
 * traffic to an account in `accountRegion` (unknown: assumed so). Its provisioning state is the caller's to judge.
 * https://learn.microsoft.com/azure/virtual-network/virtual-network-service-endpoints-overview
 */
export function storageEndpointCovers(endpoint: Subnet["serviceEndpoints"][number], accountRegion: string | undefined): boolean {
  const service = endpoint.service.toLowerCase();
  if (service === "microsoft.storage.global") return true;
  if (service !== "microsoft.storage") return false;
  const locations = endpoint.locations.map(regionOf);
  return locations.length === 0 || locations.includes("*") || !accountRegion || locations.includes(accountRegion);
}

/** What an account without `networkAcls.defaultAction` lacks, in words (a cut or hand-made file: ARM always returns it). */
export const UNREAD_DEFAULT_ACTION = "networkAcls.defaultAction (ARM always returns it; add the account as az storage account list prints it)";

/** Whether `subnet` has a provisioned Storage service endpoint that carries traffic to an account in `accountRegion`. */
function storageEndpointFor(subnet: Subnet, accountRegion: string | undefined): boolean {
  return subnet.serviceEndpoints.some((e) => succeeded(e.provisioningState) && storageEndpointCovers(e, accountRegion));
}

function arrivalOf(snapshot: Snapshot, subnet: Subnet, account: StorageAccount, steps: readonly Evidence[]): Arrival {
  // The last route a piece took decides how it leaves the estate (a hub's own route after a peering, say).
  let last: RouteEvidence | undefined;
  // The firewall a piece met before its last route: that route is then the firewall's own subnet's.
  let firewallFirst: string | undefined;
  let firewallSeen: string | undefined;
  for (const s of steps) {
    if (s.stage === "firewall" && "firewallId" in s && s.firewallId) firewallSeen = s.firewallId;
    else if (s.stage === "route") [last, firewallFirst] = [s, firewallSeen];
  }
  const own = regionOf(snapshot.vnets.get(subnet.vnetKey)?.location);
  if (last?.nextHopType === "VirtualNetworkServiceEndpoint") {
    const firewall = firewallFirst ? snapshot.firewalls?.get(keyOf(firewallFirst)) : undefined;
    const fwSubnet = firewall && firewallSubnet(snapshot, firewall);
    return { via: "service-endpoint", from: fwSubnet ?? subnet };
  }
  if (last?.nextHopType === "VirtualAppliance") {
    // An Azure Firewall forwards from its own subnet: over that subnet's Storage service endpoint when it has one (the
    // pattern Azure Firewall's FAQ gives for PaaS), else from the firewall's public address.
    const firewall = last.nextHop?.startsWith("/") ? snapshot.firewalls?.get(keyOf(last.nextHop)) : undefined;
    const fwSubnet = firewall && firewallSubnet(snapshot, firewall);
    if (firewall && fwSubnet && storageEndpointFor(fwSubnet, account.location)) return { via: "service-endpoint", from: fwSubnet };
    const at = fwSubnet ? regionOf(snapshot.vnets.get(fwSubnet.vnetKey)?.location) : undefined;
    return { via: "public", from: firewall ? `Azure Firewall ${firewall.name}'s public address` : "the public address of the appliance the route hands it to", ...(at ? { region: at } : {}) };
  }
  return { via: "public", from: `${subnet.vnetName}/${subnet.name}'s outbound public address`, ...(own ? { region: own } : {}) };
}

/**
 * Whether `account`'s network rules admit the pieces of `flow` (from `subnet` to the account's public endpoint) that
 * the path delivered. Public network access `Disabled` refuses all; `SecuredByPerimeter` cannot be judged (the perimeter
 * is not read); `defaultAction` `Allow` admits all, and one the input lacks cannot be judged (`unknown`). With `Deny`, a piece over a Storage service endpoint (the subnet's,
 * or that of the Azure Firewall's subnet forwarding it) is admitted by a virtual network rule for that subnet (state
 * absent or `Succeeded`); one from a public address only by an IP rule, which has no effect on requests from the
 * account's own region, and whose match the input cannot show otherwise unless there is none. Units: none; errors:
 * none. https://learn.microsoft.com/azure/storage/common/storage-network-security
 */
export function accountAdmits(snapshot: Snapshot, account: StorageAccount, subnet: Subnet, flow: FlowResult): AccountAdmission {
  const access = account.publicNetworkAccess?.toLowerCase();
  if (access === "disabled") return { state: "no", why: `its public network access is disabled (only a private endpoint reaches it)` };
  if (access === "securedbyperimeter") return { state: "unknown", why: `it is secured by a network security perimeter, which this audit does not read` };
  // ARM always returns `networkAcls.defaultAction` (`az`: `networkRuleSet`); without it (null `networkAcls`, a cut or
  // edited export) the account's answer is unknown, not open: reading it as Allow turned a refusal into a pass.
  if (account.defaultAction === undefined) return { state: "unknown", why: `the input does not hold its ${UNREAD_DEFAULT_ACTION}` };
  if (account.defaultAction === "Allow") return { state: "yes" };
  const where = `${subnet.vnetName}/${subnet.name}`;
  // One verdict per way of arriving (pieces arriving alike are judged once).
  const arrivals = new Map<string, Arrival>();
  for (const o of flow.outcomes)
    for (const p of o.pieces) {
      if (p.access !== "Allow") continue;
      const a = arrivalOf(snapshot, subnet, account, p.steps);
      arrivals.set(a.via === "service-endpoint" ? `se:${a.from.key}` : `public:${a.from}`, a);
    }
  const verdicts: AccountAdmission[] = [];
  for (const a of arrivals.values()) {
    if (a.via === "service-endpoint") {
      const at = `${a.from.vnetName}/${a.from.name}`;
      const rule = account.virtualNetworkRules.find((r) => r.subnetKey === a.from.key);
      verdicts.push(
        rule && succeeded(rule.state)
          ? { state: "yes" }
          : { state: "no", why: rule ? `its virtual network rule for ${at} is ${rule.state}` : `its network rules (default action Deny) have no virtual network rule for ${at}, which reaches it over its service endpoint` },
      );
      continue;
    }
    const sameRegion = !!a.region && !!account.location && a.region === account.location;
    verdicts.push(
      account.ipRules.length === 0
        ? { state: "no", why: `its network rules (default action Deny) admit no public address, and traffic from ${where} reaches it from ${a.from}` }
        : sameRegion
          ? { state: "no", why: `its IP rules have no effect on requests from its own region (${account.location}), and traffic from ${where} reaches it from ${a.from} there, which only a virtual network rule with a service endpoint admits` }
          : { state: "unknown", why: `its network rules (default action Deny) admit only the addresses of its IP rules (${account.ipRules.slice(0, 3).join(", ")}${account.ipRules.length > 3 ? ", …" : ""}); whether ${a.from} is among them cannot be judged` },
    );
  }
  if (verdicts.every((v) => v.state === "yes")) return { state: "yes" };
  const why = verdicts.flatMap((v) => (v.state === "yes" ? [] : [v.why])).join("; ");
  if (verdicts.every((v) => v.state === "no")) return { state: "no", why };
  return { state: verdicts.some((v) => v.state === "unknown") ? "unknown" : "part", why };
}
