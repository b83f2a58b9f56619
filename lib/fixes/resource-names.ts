// Names for what a fix creates: an NSG, a NAT gateway and its public IP, a route in a route table, a firewall rule
// collection in a group. A name must be free where Azure keeps it unique (a PUT with a name that is taken replaces
// that resource or child: an existing NSG would lose its rules, a route its next hop), and two fixes of one audit
// must not give one name to two different things; yet the same thing (one subnet's NAT gateway, asked for by
// several findings) keeps one name everywhere, so `--fix-all` merges it into one change. Like NSG rule names
// (freeRuleName), a taken name gets `-2`, `-3`, ….
// Names are compared case-insensitively, as Azure does ("Always perform a case-insensitive comparison of names"):
// https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
import type { RouteTable, Snapshot, Subnet } from "../model/types";
import type { CheckEnv } from "../rules/types";
import { idParts } from "../snapshot/arm-id";

/** What is being named; each kind has its own names (an NSG and a NAT gateway may share one). */
export type NamedKind = "networkSecurityGroups" | "natGateways" | "publicIPAddresses" | "routes" | "ruleCollections";

/**
 * Azure's name length limit, in characters, for every kind named here. Microsoft.Network networkSecurityGroups,
 * natGateways, publicIPAddresses and routeTables/routes: 1–80, letters, digits, `_`, `.`, `-`, starting with a letter or
 * digit and ending with one or `_` (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftnetwork).
 * Rule collections are not listed there; 80, the limit of the other Microsoft.Network names, is kept for them.
 */
export const NAME_LIMIT = 80;

/** `s` with every character but letters, digits and `-` made a `-` (runs of them one): safe in every name kind and every fix form. */
export const plainName = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "-").replace(/-+/g, "-");

/**
 * `stem` + `suffix` within `max` characters: the stem is cut, not the suffix (`-lockdown`, `-2` say what the
 * name is), and a cut stem loses trailing `-`/`.` (Azure names end with a letter, digit or `_`).
 */
export function fitName(stem: string, suffix: string, max: number): string {
  // Trailing `-`/`.` go whether or not the stem was cut: `plainName("compute_")` ends in `-`, and Azure refuses it.
  const cut = stem.length + suffix.length <= max ? stem : stem.slice(0, Math.max(1, max - suffix.length));
  return `${cut.replace(/[-.]+$/, "") || "x"}${suffix}`;
}

/** A resource group as a scope of names: `/subscriptions/<id>/resourcegroups/<name>`, lower-cased; undefined without one. */
function groupScope({ subscriptionId, resourceGroup }: { subscriptionId: string; resourceGroup: string }): string | undefined {
  return subscriptionId && resourceGroup ? `/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}`.toLowerCase() : undefined;
}

/** The resource group a fix creates a subnet's new NSG, NAT gateway or public IP in (the subnet's own; see apply.ts). */
const subnetResourceGroupScope = (s: Subnet) => groupScope(s) ?? "";

/** Per resource group scope, the lower-cased names the snapshot holds of one resource type. */
function namesByGroup(items: Iterable<{ id: string; name: string }>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of items) {
    const scope = groupScope(idParts(r.id));
    if (!scope) continue;
    let set = out.get(scope);
    if (!set) out.set(scope, (set = new Set()));
    set.add(r.name.toLowerCase());
  }
  return out;
}

/**
 * The names one audit gives to what its fixes create. One per audit (CheckEnv.resourceNames), beside the rule
 * names of `env.ruleNames`: every planner asks it, so fixes shown together never collide.
 */
export class ResourceNames {
  /** Per kind and scope, each name given, lower-cased, → the subject it was given to. */
  private given = new Map<string, Map<string, string>>();
  /** Per kind, scope and subject, the name it was given. */
  private bySubject = new Map<string, string>();
  /** Resource names of the snapshot per type and resource group, indexed on first use (one pass, not one per fix). */
  private held = new WeakMap<Snapshot, Map<NamedKind, Map<string, Set<string>>>>();

  /**
   * The lower-cased names of resource type `kind` the snapshot holds in resource group `scope`
   * (`/subscriptions/<id>/resourcegroups/<name>`, lower-cased). Only NSGs, NAT gateways and public IPs.
   */
  heldInGroup(snapshot: Snapshot, kind: "networkSecurityGroups" | "natGateways" | "publicIPAddresses", scope: string): ReadonlySet<string> {
    let byKind = this.held.get(snapshot);
    if (!byKind) this.held.set(snapshot, (byKind = new Map()));
    let index = byKind.get(kind);
    if (!index) {
      const items = kind === "networkSecurityGroups" ? snapshot.nsgs.values() : kind === "natGateways" ? (snapshot.natGateways?.values() ?? []) : (snapshot.publicIps?.values() ?? []);
      byKind.set(kind, (index = namesByGroup(items)));
    }
    return index.get(scope) ?? new Set();
  }

  /**
   * A name for `subject` (a stable key of what is named: a subnet key for its NSG or NAT gateway, a route
   * table and prefix for a route) among the `kind` names of `scope` (a resource group, route table or rule
   * collection group key): the name this subject was already given; else `wanted` when neither `held` (the
   * input's names there, lower-cased) nor another subject of this audit has it; else `wanted-2`, `wanted-3`, ….
   * Every name is cut to NAME_LIMIT (fitName). The name is reserved for the subject.
   */
  claim(kind: NamedKind, scope: string, subject: string, wanted: string, held: ReadonlySet<string>): string {
    const subjectKey = `${kind}|${scope}|${subject}`;
    const known = this.bySubject.get(subjectKey);
    if (known) return known;
    const scopeKey = `${kind}|${scope}`;
    let given = this.given.get(scopeKey);
    if (!given) this.given.set(scopeKey, (given = new Map()));
    const free = (n: string) => !held.has(n.toLowerCase()) && (given!.get(n.toLowerCase()) ?? subject) === subject;
    let name = fitName(wanted, "", NAME_LIMIT);
    for (let i = 2; !free(name); i++) name = fitName(wanted, `-${i}`, NAME_LIMIT);
    given.set(name.toLowerCase(), subject);
    this.bySubject.set(subjectKey, name);
    return name;
  }
}

/**
 * The name of the new NSG a fix creates for `subnet` (in the subnet's resource group): `wanted` unless an NSG of
 * that resource group in the input, or another subnet's new NSG in this audit, has it; then `wanted-2`, ….
 * Never an existing NSG's name: `az network nsg create` and a Bicep declaration of it would replace that NSG and its rules
 * (https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/create-or-update).
 */
export function newNsgName(env: CheckEnv, subnet: Subnet, wanted: string): string {
  const scope = subnetResourceGroupScope(subnet);
  return env.resourceNames.claim("networkSecurityGroups", scope, subnet.key, wanted, env.resourceNames.heldInGroup(env.estate.snapshot, "networkSecurityGroups", scope));
}

/**
 * The names of the NAT gateway and its public IP a fix creates for `subnet` (in its resource group):
 * `natgw-<subnet>` and `pip-<gateway name>`, each free in the input's resource group and among this audit's fixes.
 * Subnets of one name in two VNets get two gateways: a NAT gateway serves the subnets of one VNet only
 * (https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource). Every finding of the subnet gets the same names.
 */
export function natGatewayNames(env: CheckEnv, subnet: Subnet): { natGatewayName: string; publicIpName: string } {
  const scope = subnetResourceGroupScope(subnet);
  const names = env.resourceNames;
  const natGatewayName = names.claim("natGateways", scope, subnet.key, plainName(`natgw-${subnet.name}`), names.heldInGroup(env.estate.snapshot, "natGateways", scope));
  const publicIpName = names.claim("publicIPAddresses", scope, subnet.key, `pip-${natGatewayName}`, names.heldInGroup(env.estate.snapshot, "publicIPAddresses", scope));
  return { natGatewayName, publicIpName };
}

/**
 * The name of a route for `addressPrefix` in `table`. A route the table already holds for exactly that prefix keeps its
 * name (the fix edits it: Azure allows one route per prefix in a table, "RouteConflict"); otherwise `wanted`, or
 * `wanted-2`, …, never a route name the table holds (`az network route-table route create` with it would overwrite that
 * route: https://learn.microsoft.com/cli/azure/network/route-table/route#az-network-route-table-route-create).
 */
export function newRouteName(env: CheckEnv, table: RouteTable, addressPrefix: string, wanted: string): string {
  const prefix = addressPrefix.trim().toLowerCase();
  const same = table.routes.find((r) => r.addressPrefix.trim().toLowerCase() === prefix);
  if (same) return same.name;
  return env.resourceNames.claim("routes", table.key, prefix, wanted, new Set(table.routes.map((r) => r.name.toLowerCase())));
}

/**
 * The name of a new rule collection in a rule collection group (or classic firewall) `scope`: `wanted`, or `wanted-2`,
 * …, free of `held` (the names of its collections in the input) and of other fixes' collections there. `subject`
 * says what the collection is for (kind, service, subnet key), so the same collection keeps its name in every finding.
 */
export function newCollectionName(env: CheckEnv, scope: string, subject: string, wanted: string, held: Iterable<string>): string {
  return env.resourceNames.claim("ruleCollections", scope, subject, plainName(wanted), new Set([...held].map((n) => n.toLowerCase())));
}
