// What the input did not let the audit see (CONTRACT §1.1): resource types it ignored, and
// references to resources no input holds, each with the listing that would supply it. A flow that
// depends on such a reference can then say "cannot be judged" rather than pass.
import type { InputGaps, Snapshot, Subnet } from "@/lib/model/types";
import type { Estate } from "../nsg/estate";
import { idParts, keyOf, lastSegment, parentId, scaleSetKeyOf } from "./arm-id";
import { NO_PREFIX_HINT } from "./subnet-prefix";
import { hasDeploymentList } from "../path/deployment-status";
import { isObject } from "./validate";
import { NICS_PER_DOMAIN } from "./read-effective-routes";
import { bgpLearning, bgpRouteTables } from "../path/routes";
import { isAzureManagedSubnet } from "../path/managed-subnets";

/** The snapshot as the path's lookups take an estate (`snapshot`, `memo`), before there is one. */
type LoadedView = Pick<Estate, "snapshot" | "memo">;

/** At most this many unresolved references are listed; the rest are counted in `unresolvedOmitted`. */
export const MAX_UNRESOLVED = 1000;

const HINT = {
  nsg: "add `az network nsg list`",
  routeTable: "add `az network route-table list`",
  natGateway: "add `az network nat gateway list`",
  loadBalancer: "add `az network lb list`",
  nic: "add `az network nic list` (and `az vmss nic list` for scale sets)",
  firewallPolicy: "add `az network firewall policy list`",
  ipGroup: "add `az network ip-group list`",
  serviceEndpointPolicy: "add `az network service-endpoint policy list`",
};

/**
 * A profile entry a partial live read left out (lib/snapshot/profile.ts `unmatchedProfileRefs`) as an unresolved
 * reference: from the profile entry (`profile.json: roles.cluster[1]`), of its kind, to the ref as written, with a hint
 * that the read, not the profile, may be at fault (CONTRACT §2: exit 3, what was read is still audited).
 */
/**
 * The NICs a subnet's `ipConfigurations` name that the input does not hold (each once, in the subnet's order): what
 * holds those addresses (its NSG, public IP, pools) cannot be read. The gaps list them; the estate and the profile's
 * CycleCloud server stand for each with a missing-NIC endpoint, so verdicts resting on one say so.
 */
export function missingNicKeys(snapshot: Snapshot, subnet: Subnet): string[] {
  return (subnet.ipConfigurationNicKeys ?? []).filter((k) => !snapshot.nics.has(k));
}

export function unmatchedProfileGap(profileName: string, u: { at: string; kind: string; ref: string; reason: string }): InputGaps["unresolved"][number] {
  return {
    from: `${profileName}: ${u.at}`,
    kind: u.kind,
    ref: u.ref,
    hint: `${u.reason}; the live read was partial (see \`errors\`), so it may be in what could not be read: left out of this audit until a complete read`,
  };
}

/** Case-insensitive counts of ignored types, keyed by the spelling of the first occurrence. */
export class IgnoredTypes {
  private readonly byLower = new Map<string, { type: string; count: number }>();

  add(type: string): void {
    const lower = type.toLowerCase();
    const seen = this.byLower.get(lower);
    if (seen) seen.count++;
    else this.byLower.set(lower, { type, count: 1 });
  }

  toMap(): Map<string, number> {
    return new Map([...this.byLower.values()].map(({ type, count }) => [type, count]));
  }
}

class Unresolved {
  readonly list: InputGaps["unresolved"] = [];
  private readonly seen = new Set<string>();
  omitted = 0;

  /** `live`: the subscriptions a live read reached; then a hint names the read to fix, not an export to add. */
  constructor(private readonly live?: ReadonlySet<string>) {}

  /** `liveText`: the hint for a live read, when the generic one (grant Reader, reach the subscription) does not fit. */
  add(from: string, kind: string, ref: string, hint: string, liveText?: string): void {
    const id = `${from}\n${kind}\n${ref}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    // A subnet without an address prefix is what Azure answered, not something the read missed.
    const fit = this.live && kind !== "addressPrefix" ? (liveText ?? liveHint(ref, this.live)) : hint;
    if (this.list.length < MAX_UNRESOLVED) this.list.push({ from, kind, ref, hint: fit });
    else this.omitted++;
  }
}

/**
 * What to do about a reference a live read did not return: the `az ... list` export hints mean nothing to someone who
 * ran `--live` or the dashboard's read. A subscription the read never reached is added to AZURE_SUBSCRIPTION_IDS;
 * in one it reached, the credential lacks Reader on that resource's type (or the resource is gone).
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader
 */
function liveHint(ref: string, reached: ReadonlySet<string>): string {
  const subscription = idParts(ref).subscriptionId.toLowerCase();
  if (subscription && !reached.has(subscription)) {
    return `the live read did not reach subscription ${subscription}: add it to AZURE_SUBSCRIPTION_IDS (or leave that unset to read every subscription the credential lists) and give the credential Reader there`;
  }
  return `the live read of subscription ${subscription || "(unknown)"} did not return it: give the credential Reader on it (a failed list is in \`errors\`), or check that it still exists`;
}

const reachedBySnapshot = new WeakMap<Snapshot, Set<string>>();

/**
 * The hint for a reference `snapshot` does not hold, fitting how it was read: `exportHint` (``add `az ... list` ``) for
 * files, the read to fix for a live read (its `readMethod`). For texts outside the gaps (a finding's "cannot be judged").
 */
export function missingRefHint(snapshot: Snapshot, ref: string, exportHint: string): string {
  if (!snapshot.readMethod) return exportHint;
  let reached = reachedBySnapshot.get(snapshot);
  if (!reached) reachedBySnapshot.set(snapshot, (reached = subscriptionsReached(snapshot)));
  return liveHint(ref, reached);
}

/** The subscriptions (lower-cased ids) a snapshot holds VNets, NSGs, NICs or firewall policies of: those a live read reached. */
function subscriptionsReached(snapshot: Snapshot): Set<string> {
  const out = new Set<string>();
  // The subscriptions the read listed (it saves their names), and those holding what every read lists.
  for (const id of snapshot.subscriptionNames?.keys() ?? []) out.add((idParts(id).subscriptionId || id.split("/").pop() || id).toLowerCase());
  for (const map of [snapshot.vnets, snapshot.nsgs, snapshot.nics, snapshot.routeTables, snapshot.firewallPolicies ?? new Map()]) {
    for (const key of map.keys()) {
      const sub = idParts(key).subscriptionId;
      if (sub) out.add(sub.toLowerCase());
    }
  }
  return out;
}

/** `az vmss nic list` for one scale set, with its real names, when the NIC id sits under a scale set. */
function nicHint(nicKey: string, snapshot: Snapshot): string {
  const scaleSetKey = scaleSetKeyOf(nicKey);
  if (!scaleSetKey) return HINT.nic;
  const scaleSet = snapshot.scaleSets?.get(scaleSetKey);
  const name = scaleSet?.name ?? lastSegment(scaleSetKey);
  const group = scaleSet?.resourceGroup || idParts(scaleSetKey).resourceGroup;
  return `add \`az vmss nic list --vmss-name ${name} -g ${group}\``;
}

/**
 * Every reference of the snapshot checked against what it holds; deduplicated and bounded. `live`: the snapshot is a
 * live read (its `readMethod`), so each hint says which read to fix rather than which `az ... list` to add.
 */
export function findGaps(snapshot: Snapshot, ignored: IgnoredTypes, { live = false }: { live?: boolean } = {}): InputGaps {
  const out = new Unresolved(live ? subscriptionsReached(snapshot) : undefined);
  const nsgs = snapshot.nsgs;
  for (const subnet of snapshot.subnets.values()) {
    // Not a reference, but as much a hole in what the input shows: the subnet is in no check (subnet-prefix.ts).
    if (subnet.missingPrefixAt) out.add(subnet.id, "addressPrefix", `${subnet.missingPrefixAt.file}: ${subnet.missingPrefixAt.path}`, NO_PREFIX_HINT);
    if (subnet.nsgKey && !nsgs.has(subnet.nsgKey)) out.add(subnet.id, "networkSecurityGroup", subnet.nsgKey, HINT.nsg);
    if (subnet.routeTableKey && !snapshot.routeTables.has(subnet.routeTableKey)) out.add(subnet.id, "routeTable", subnet.routeTableKey, HINT.routeTable);
    if (subnet.natGatewayKey && !snapshot.natGateways?.has(subnet.natGatewayKey)) out.add(subnet.id, "natGateway", subnet.natGatewayKey, HINT.natGateway);
    for (const key of subnet.serviceEndpointPolicyKeys ?? []) {
      if (!snapshot.serviceEndpointPolicies?.has(key)) out.add(subnet.id, "serviceEndpointPolicy", key, HINT.serviceEndpointPolicy);
    }
    for (const nicKey of missingNicKeys(snapshot, subnet)) out.add(subnet.id, "networkInterface", nicKey, nicHint(nicKey, snapshot));
  }
  // A backend pool's load balancer decides the outbound path (CONTRACT §4.1 stage 4): the pool's id names it.
  const poolRef = (from: string, poolKey: string) => {
    const lbKey = poolKey.split("/backendaddresspools/")[0];
    if (!snapshot.loadBalancers?.has(lbKey)) out.add(from, "loadBalancer", lbKey, HINT.loadBalancer);
  };
  for (const nic of snapshot.nics.values()) {
    if (nic.nsgKey && !nsgs.has(nic.nsgKey)) out.add(nic.id, "networkSecurityGroup", nic.nsgKey, HINT.nsg);
    for (const ipc of nic.ipConfigurations) for (const poolKey of ipc.lbBackendPoolKeys ?? []) poolRef(nic.id, poolKey);
  }
  for (const scaleSet of snapshot.scaleSets?.values() ?? []) {
    for (const config of scaleSet.nicConfigurations) {
      if (config.nsgKey && !nsgs.has(config.nsgKey)) out.add(scaleSet.id, "networkSecurityGroup", config.nsgKey, HINT.nsg);
      for (const ipc of config.ipConfigurations) for (const poolKey of ipc.lbBackendPoolKeys) poolRef(scaleSet.id, poolKey);
    }
  }
  for (const endpoint of snapshot.privateEndpoints.values()) {
    for (const nicKey of endpoint.nicKeys ?? []) if (!snapshot.nics.has(nicKey)) out.add(endpoint.id, "networkInterface", nicKey, "add `az network nic list`");
  }
  for (const firewall of snapshot.firewalls?.values() ?? []) {
    if (firewall.policyKey && !snapshot.firewallPolicies?.has(firewall.policyKey)) out.add(firewall.id, "firewallPolicy", firewall.policyKey, HINT.firewallPolicy);
  }
  for (const policy of snapshot.firewallPolicies?.values() ?? []) {
    if (policy.basePolicyKey && !snapshot.firewallPolicies?.has(policy.basePolicyKey)) out.add(policy.id, "firewallPolicy", policy.basePolicyKey, HINT.firewallPolicy);
    const group = idParts(policy.id).resourceGroup;
    for (const key of policy.ruleCollectionGroupKeys) {
      if (!snapshot.ruleCollectionGroups?.has(key)) {
        out.add(policy.id, "ruleCollectionGroup", key, `add \`az network firewall policy rule-collection-group list --policy-name ${policy.name} -g ${group}\``);
      }
    }
  }
  const ipGroupRef = (from: string, key: string) => {
    if (!snapshot.ipGroups?.has(key)) out.add(from, "ipGroup", key, HINT.ipGroup);
  };
  for (const group of snapshot.ruleCollectionGroups?.values() ?? []) {
    for (const collection of group.ruleCollections) {
      for (const rule of collection.rules) {
        if (rule.kind === "nat") continue;
        for (const key of rule.sourceIpGroupKeys) ipGroupRef(group.id, key);
        if (rule.kind === "network") for (const key of rule.destinationIpGroupKeys) ipGroupRef(group.id, key);
      }
    }
  }
  for (const firewall of snapshot.firewalls?.values() ?? []) {
    for (const collection of [...firewall.networkRuleCollections, ...firewall.applicationRuleCollections]) {
      for (const rule of collection.rules) {
        if (rule.kind === "nat") continue;
        for (const key of rule.sourceIpGroupKeys) ipGroupRef(firewall.id, key);
        if (rule.kind === "network") for (const key of rule.destinationIpGroupKeys) ipGroupRef(firewall.id, key);
      }
    }
  }
  for (const collection of snapshot.adminRuleCollections?.values() ?? []) {
    for (const key of collection.appliesToGroupKeys) {
      if (!snapshot.networkGroups?.has(key)) {
        const manager = snapshot.networkManagers?.get(collection.networkManagerKey);
        const name = manager?.name ?? lastSegment(collection.networkManagerKey);
        out.add(collection.id, "networkGroup", key, `add \`az network manager group list --network-manager-name ${name} -g ${idParts(collection.id).resourceGroup}\` and its static members`);
      }
    }
  }
  // A rule whose collection is absent: which network groups it applies to is unknown (lib/path/admin-rules.ts).
  for (const rule of snapshot.adminRules?.values() ?? []) {
    if (snapshot.adminRuleCollections?.has(rule.collectionKey)) continue;
    const collectionId = parentId(rule.id) ?? rule.collectionKey;
    const managerId = parentId(collectionId, 2) ?? "";
    const manager = snapshot.networkManagers?.get(keyOf(managerId))?.name ?? lastSegment(managerId);
    const hint = `add \`az network manager security-admin-config rule-collection list --network-manager-name ${manager} -g ${idParts(rule.id).resourceGroup} --configuration-name ${lastSegment(parentId(collectionId) ?? "")}\``;
    out.add(rule.id, "adminRuleCollection", rule.collectionKey, hint);
  }
  virtualWanGaps(snapshot, out);
  // The loader's snapshot has no estate yet: what the path's lookups remember is kept for this walk only.
  const memo = new Map<string, unknown>();
  const view: LoadedView = { snapshot, memo: <T>(key: string, build: () => T): T => (memo.has(key) ? (memo.get(key) as T) : (memo.set(key, build()), memo.get(key) as T)) };
  deploymentStatusGaps(view, out);
  // An effective route table places its BGP routes by its NIC's subnet (lib/path/routes.ts bgpRouteTables).
  for (const t of snapshot.effectiveRouteTables?.values() ?? []) if (!snapshot.nics.has(t.nicKey)) out.add(`${t.file}: networkInterfaceId`, "networkInterface", t.nicId, HINT.nic);
  learnedRouteGaps(view, out);
  const gaps: InputGaps = { ignoredTypes: ignored.toMap(), unresolved: out.list };
  if (out.omitted) gaps.unresolvedOmitted = out.omitted;
  return gaps;
}

/**
 * Gives each unresolved reference the spelling its input wrote (`/resourceGroups/rg-Hub/.../fwp-Base`) instead of the
 * lower-cased key it was looked up by: the user searches the portal and their templates for it. Only the top-level
 * entries that refer to one (its `from`, or the VNet holding that subnet) are walked, so a large estate pays for a few
 * resources, not all. A reference written nowhere as one string (derived from a longer id, such as a NIC from its IP
 * configuration's id) keeps its key. `lists`: each source's top-level entries. Mutates `gaps`.
 */
export function spellRefsAsWritten(gaps: InputGaps, lists: readonly (readonly unknown[])[]): void {
  const wanted = new Map<string, string | undefined>();
  const holders = new Set<string>();
  for (const u of gaps.unresolved) {
    if (!u.ref.startsWith("/")) continue;
    wanted.set(u.ref, undefined);
    // The referring resource and each id it sits under (a subnet is written inside its VNet).
    const from = keyOf(u.from);
    for (let end = from.length; end > 0; end = from.lastIndexOf("/", end - 1)) holders.add(end === from.length ? from : from.slice(0, end));
  }
  if (!wanted.size) return;
  const stack: unknown[] = [];
  for (const items of lists) {
    for (const item of items) {
      const id = isObject(item) ? item.id : undefined;
      if (typeof id === "string" && holders.has(keyOf(id))) stack.push(item);
    }
  }
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (value.length > 1 && value.charCodeAt(0) === 47 /* "/" */ && value !== value.toLowerCase()) {
        const key = keyOf(value);
        if (wanted.has(key) && wanted.get(key) === undefined) wanted.set(key, value);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (isObject(value)) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
  for (const u of gaps.unresolved) u.ref = wanted.get(u.ref) ?? u.ref;
}

/**
 * A network manager with connectivity or security admin configurations none of which the input's deployment status
 * lists name: its admin rules are then evaluated as deployed and its connected groups cannot be judged
 * (lib/path/deployment-status.ts). A live read asks for the list with a POST whose action Reader lacks, and leaves it
 * out when refused; the hint says which permission settles it.
 * https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status
 */
function deploymentStatusGaps(view: LoadedView, out: Unresolved): void {
  const { snapshot } = view;
  const managers = new Set<string>();
  for (const c of snapshot.connectivityConfigurations?.values() ?? []) managers.add(c.networkManagerKey);
  for (const c of snapshot.adminRuleCollections?.values() ?? []) managers.add(c.networkManagerKey);
  for (const managerKey of managers) {
    if (hasDeploymentList(view, managerKey)) continue;
    const manager = snapshot.networkManagers?.get(managerKey);
    const id = manager?.id ?? managerKey;
    const until = "until then its security admin rules are evaluated as deployed and its connected groups cannot be judged";
    out.add(
      id,
      "deploymentStatus",
      `${id}/listDeploymentStatus`,
      `add \`az network manager list-deploy-status --network-manager-name ${manager?.name ?? lastSegment(managerKey)} -g ${idParts(id).resourceGroup} --regions <the VNets' regions>\` (the virtual-network-manager extension); ${until}`,
      `the live read asks for it (POST listDeploymentStatus) and was refused or failed: it needs Microsoft.Network/networkManagers/listDeploymentStatus/action, which Reader lacks (Network Contributor has it, or a custom role with that one action); ${until}`,
    );
  }
}

/**
 * A VNet whose subnets may install routes learned over BGP (a gateway or Route Server in it, a peering using a remote
 * gateway, a virtual hub connection; an ordinary subnet whose route table does not disable propagation) while no
 * effective route table of the input shows its BGP domain's routes: they show nowhere else, and the path notes them as
 * unseen. The same predicates as that note (lib/path/routes.ts `bgpLearning`, `bgpRouteTables`), so a gap is raised
 * exactly where a table would change what the audit sees.
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#border-gateway-protocol
 */
function learnedRouteGaps(view: LoadedView, out: Unresolved): void {
  const { snapshot } = view;
  const until = "until then routes it learns over BGP (from on-premises, ExpressRoute or an NVA; a 0.0.0.0/0 among them sends Internet-bound traffic there) are not seen";
  for (const vnet of snapshot.vnets.values()) {
    const learns = vnet.subnetKeys.some((k) => {
      const subnet = snapshot.subnets.get(k);
      return !!subnet && !isAzureManagedSubnet(subnet) && bgpLearning(view, subnet) !== undefined;
    });
    if (!learns || bgpRouteTables(view, vnet.key).length) continue;
    out.add(
      vnet.id,
      "effectiveRouteTable",
      `${vnet.id}/effectiveRoutes`,
      `add the effective route table of a running VM's NIC in ${vnet.name}, in a subnet whose route table does not disable BGP route propagation: \`az network nic show-effective-route-table --ids "$NIC" -o json | jq --arg id "$NIC" '. + {networkInterfaceId: $id}'\` (README "Routes learned over BGP"); ${until}`,
      `the live read asks for one (POST effectiveRouteTable, up to ${NICS_PER_DOMAIN} VMs' NICs per gateway or hub connection) and was refused, failed, or found no running VM's NIC whose table shows them: it needs Microsoft.Network/networkInterfaces/effectiveRouteTable/action, which Reader lacks (Network Contributor has it, or a custom role with that one action), and a running VM in a subnet whose route table does not disable propagation; ${until}`,
    );
  }
}

/**
 * What a connected VNet's hub routes need and the input lacks (lib/path/virtual-hub.ts judges those routes "cannot be
 * judged"): a connection's hub; the route table it learns from, or the hub's routing intent; a routing policy's
 * firewall; for a VNet peered with a hub's managed VNet (`HV_…`), its connection. And a connectivity configuration's
 * network group (lib/path/connected-groups.ts). https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
 */
function virtualWanGaps(snapshot: Snapshot, out: Unresolved): void {
  const hubCmd = (hubKey: string, what: string) => {
    const hub = snapshot.virtualHubs?.get(hubKey);
    return `add \`az network vhub ${what} --vhub${what === "routing-intent list" ? "" : "-name"} ${hub?.name ?? lastSegment(hubKey)} -g ${idParts(hub?.id ?? hubKey).resourceGroup}\``;
  };
  const intents = new Set([...(snapshot.routingIntents?.values() ?? [])].map((i) => i.hubKey));
  const connected = new Set<string>();
  for (const c of snapshot.hubConnections?.values() ?? []) {
    if (c.remoteVnetKey) connected.add(c.remoteVnetKey);
    if (!snapshot.virtualHubs?.has(c.hubKey)) out.add(c.id, "virtualHub", c.hubKey, "add `az network vhub list`");
    const table = c.associatedRouteTableKey ?? `${c.hubKey}/hubroutetables/defaultroutetable`;
    if (!intents.has(c.hubKey) && !snapshot.hubRouteTables?.has(table)) out.add(c.id, "hubRouteTable", table, `${hubCmd(c.hubKey, "route-table list")} and ${hubCmd(c.hubKey, "routing-intent list")}`);
  }
  for (const intent of snapshot.routingIntents?.values() ?? []) {
    for (const p of intent.policies) {
      if (p.nextHopKey?.includes("/providers/microsoft.network/azurefirewalls/") && !snapshot.firewalls?.has(p.nextHopKey)) out.add(intent.id, "azureFirewall", p.nextHopKey, "add `az network firewall list`");
    }
  }
  for (const vnet of snapshot.vnets.values()) {
    if (connected.has(vnet.key)) continue;
    const peering = vnet.peerings.find((p) => p.remoteVnetKey && /^hv_/i.test(lastSegment(p.remoteVnetKey)));
    if (peering) out.add(vnet.id, "hubVirtualNetworkConnection", peering.remoteVnetKey!, "add `az network vhub list`, then per hub `az network vhub connection list`, `az network vhub route-table list` and `az network vhub routing-intent list`");
  }
  for (const c of snapshot.connectivityConfigurations?.values() ?? []) {
    const manager = snapshot.networkManagers?.get(c.networkManagerKey)?.name ?? lastSegment(c.networkManagerKey);
    for (const g of c.appliesToGroups) {
      if (!snapshot.networkGroups?.has(g.groupKey)) out.add(c.id, "networkGroup", g.groupKey, `add \`az network manager group list --network-manager-name ${manager} -g ${idParts(c.id).resourceGroup}\` and its static members`);
    }
  }
}
