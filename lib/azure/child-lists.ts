// Lists that hang off a parent resource and have no subscription-wide list: a firewall policy's rule
// collection groups, Azure Virtual Network Manager's groups, members, configurations, rule collections
// and rules, a Uniform scale set's instance NICs, a private DNS zone's VNet links, A and CNAME records, a
// virtual hub's VNet connections, route tables and routing intent.
// One call per parent (never per instance or member); each answer may be the parent of the next level.
import type { TokenCredential } from "@azure/identity";
import type { ReadError } from "../report/types";
import type { ArmClientSettings } from "./arm-pipeline";
import { subscriptionClients, type SubscriptionClients } from "./clients";
import { collectRaw, runOperation } from "./operation";
import { mapPool } from "./pool";
import { pushTo } from "../collections";
import { keepListed } from "./resource-shape";

/** Where a parent sits: its resource group and the names along its id (`[manager, group]`). */
export interface ParentPath {
  resourceGroup: string;
  names: string[];
}

interface ChildListBase {
  operation: string;
  /** Type of the parent (lower-case, as ARM and Resource Graph both spell it once lower-cased). */
  parentType: string;
  /** In Resource Graph's `Resources` table too, so a Resource Graph read does not list it again. */
  inResourceGraph?: boolean;
  /** Whether this parent needs the call at all. */
  applies?: (parent: Record<string, unknown>) => boolean;
  /** Listed per resource group, not per parent: parents of one resource group share one call. */
  perResourceGroup?: boolean;
  list: (c: SubscriptionClients, at: ParentPath, signal: AbortSignal) => AsyncIterable<unknown>;
}

/** A list of resources: each keeps ARM's form, and a failed list is a read error. */
interface ResourceList extends ChildListBase {
  /** Type of what the list returns, given to items that lack one. */
  type: string;
}

/**
 * A list of entries that are no resources (no id, no type), which the loader knows by their fields. Its failure is no
 * read error: what it settles is left as without it (see the list's comment).
 */
interface EntryList extends ChildListBase {
  /** Each item as kept, given its parent's id; undefined drops it. */
  entry: (item: Record<string, unknown>, parentId: string) => Record<string, unknown> | undefined;
}

type ChildList = ResourceList | EntryList;

const lower = (s: string) => s.toLowerCase();

function field(resource: Record<string, unknown>, name: string): unknown {
  const props = resource.properties;
  if (props && typeof props === "object" && name in props) return (props as Record<string, unknown>)[name];
  return resource[name];
}

/**
 * Only a Uniform scale set's instance NICs live under the scale set; a Flexible one's instances are
 * ordinary VMs whose NICs `networkInterfaces.listAll` already returns. A scale set at capacity 0 (a
 * CycleCloud node array at rest) has no instance, so nothing to list.
 * https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-orchestration-modes
 */
function hasUniformInstances(vmss: Record<string, unknown>): boolean {
  const mode = field(vmss, "orchestrationMode");
  if (typeof mode === "string" && mode.toLowerCase() === "flexible") return false;
  const capacity = (vmss.sku as { capacity?: unknown } | undefined)?.capacity;
  return !(typeof capacity === "number" && capacity === 0);
}

/**
 * A VNet that can hold a virtual network gateway (it has a `GatewaySubnet`): the gateway's forced-tunnelling default
 * site decides where its Internet-bound traffic goes, and gateways have no subscription-wide list.
 * https://learn.microsoft.com/azure/vpn-gateway/site-to-site-tunneling
 */
function hasGatewaySubnet(vnet: Record<string, unknown>): boolean {
  const subnets = field(vnet, "subnets");
  return Array.isArray(subnets) && subnets.some((s) => typeof s === "object" && s !== null && String((s as { name?: unknown }).name).toLowerCase() === "gatewaysubnet");
}

const NETWORK = "microsoft.network/";
const MANAGER = `${NETWORK}networkmanagers`;
const HUB = `${NETWORK}virtualhubs`;

/** Every child list, by parent type. Docs: https://learn.microsoft.com/rest/api/ (virtualnetwork, firewall, network-manager, privatedns, virtualwan). */
export const CHILD_LISTS: readonly ChildList[] = [
  {
    // Listed per resource group (a gateway sits in its VNet's): one call per resource group, however many VNets ask.
    operation: "virtualNetworkGateways.list",
    parentType: `${NETWORK}virtualnetworks`,
    type: "Microsoft.Network/virtualNetworkGateways",
    inResourceGraph: true,
    applies: hasGatewaySubnet,
    perResourceGroup: true,
    list: (c, at, abortSignal) => c.network.virtualNetworkGateways.list(at.resourceGroup, { abortSignal }),
  },
  {
    operation: "firewallPolicyRuleCollectionGroups.list",
    parentType: `${NETWORK}firewallpolicies`,
    type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
    list: (c, at, abortSignal) => c.network.firewallPolicyRuleCollectionGroups.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "networkGroups.list",
    parentType: MANAGER,
    type: "Microsoft.Network/networkManagers/networkGroups",
    list: (c, at, abortSignal) => c.network.networkGroups.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "staticMembers.list",
    parentType: `${MANAGER}/networkgroups`,
    type: "Microsoft.Network/networkManagers/networkGroups/staticMembers",
    list: (c, at, abortSignal) => c.network.staticMembers.list(at.resourceGroup, at.names[0], at.names[1], { abortSignal }),
  },
  {
    operation: "securityAdminConfigurations.list",
    parentType: MANAGER,
    type: "Microsoft.Network/networkManagers/securityAdminConfigurations",
    list: (c, at, abortSignal) => c.network.securityAdminConfigurations.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    // Mesh and direct connectivity join VNets without peerings (connected groups).
    operation: "connectivityConfigurations.list",
    parentType: MANAGER,
    type: "Microsoft.Network/networkManagers/connectivityConfigurations",
    list: (c, at, abortSignal) => c.network.connectivityConfigurations.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    // Which configurations are deployed to which region (lib/path/deployment-status.ts): a read-only POST, the one
    // besides Resource Graph's that the read-only guard lets through. Its action,
    // Microsoft.Network/networkManagers/listDeploymentStatus/action, is not in Reader, so a refusal (or any failure)
    // is no read error: admin rules are then evaluated as deployed and connected groups cannot be judged, as for an
    // export without the list, and the report's gaps name the list.
    operation: "networkManagerDeploymentStatus.list",
    parentType: MANAGER,
    list: (c, at, abortSignal) => deploymentStatusPages(c, at, abortSignal),
    entry: keptDeploymentStatus,
  },
  {
    operation: "adminRuleCollections.list",
    parentType: `${MANAGER}/securityadminconfigurations`,
    type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
    list: (c, at, abortSignal) => c.network.adminRuleCollections.list(at.resourceGroup, at.names[0], at.names[1], { abortSignal }),
  },
  {
    operation: "adminRules.list",
    parentType: `${MANAGER}/securityadminconfigurations/rulecollections`,
    type: "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
    list: (c, at, abortSignal) => c.network.adminRules.list(at.resourceGroup, at.names[0], at.names[1], at.names[2], { abortSignal }),
  },
  {
    operation: "networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces",
    parentType: "microsoft.compute/virtualmachinescalesets",
    type: "Microsoft.Network/networkInterfaces",
    applies: hasUniformInstances,
    list: (c, at, abortSignal) => c.network.networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "virtualNetworkLinks.list",
    parentType: `${NETWORK}privatednszones`,
    type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    inResourceGraph: true,
    list: (c, at, abortSignal) => c.privateDns.virtualNetworkLinks.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "recordSets.listByType(A)",
    parentType: `${NETWORK}privatednszones`,
    type: "Microsoft.Network/privateDnsZones/A",
    list: (c, at, abortSignal) => c.privateDns.recordSets.listByType(at.resourceGroup, at.names[0], "A", { abortSignal }),
  },
  {
    // A CNAME for the account's name is followed to an A record, or the name cannot be judged (lib/path/private-dns.ts).
    operation: "recordSets.listByType(CNAME)",
    parentType: `${NETWORK}privatednszones`,
    type: "Microsoft.Network/privateDnsZones/CNAME",
    list: (c, at, abortSignal) => c.privateDns.recordSets.listByType(at.resourceGroup, at.names[0], "CNAME", { abortSignal }),
  },
  // A virtual hub's VNet connections (which VNet, which route table it learns from, whether it learns 0.0.0.0/0), route
  // tables and routing intent (Internet and private traffic to the hub's firewall). None is in Resource Graph's
  // Resources table (only virtualhubs, virtualhubs/bgpconnections and virtualhubs/ipconfigurations are):
  // https://learn.microsoft.com/azure/governance/resource-graph/reference/supported-tables-resources
  {
    operation: "hubVirtualNetworkConnections.list",
    parentType: HUB,
    type: "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
    list: (c, at, abortSignal) => c.network.hubVirtualNetworkConnections.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "hubRouteTables.list",
    parentType: HUB,
    type: "Microsoft.Network/virtualHubs/hubRouteTables",
    list: (c, at, abortSignal) => c.network.hubRouteTables.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
  {
    operation: "routingIntentOperations.list",
    parentType: HUB,
    type: "Microsoft.Network/virtualHubs/routingIntent",
    list: (c, at, abortSignal) => c.network.routingIntentOperations.list(at.resourceGroup, at.names[0], { abortSignal }),
  },
];

/** How many pages of one deployment status list are read at most: its skip token is the service's own, never trusted to end. */
const MAX_DEPLOYMENT_STATUS_PAGES = 50;

/**
 * Every page of a network manager's deployment status list (all regions and types), following its body's skip token.
 * A list longer than MAX_DEPLOYMENT_STATUS_PAGES fails as a whole: part of it could leave a configuration out that a
 * later page deploys.
 */
async function* deploymentStatusPages(c: SubscriptionClients, at: ParentPath, abortSignal: AbortSignal): AsyncIterable<unknown> {
  let skipToken: string | undefined;
  for (let page = 0; page < MAX_DEPLOYMENT_STATUS_PAGES; page++) {
    const result = await c.network.networkManagerDeploymentStatusOperations.list(at.resourceGroup, at.names[0], skipToken ? { skipToken } : {}, { abortSignal });
    yield* result.value ?? [];
    if (!result.skipToken || result.skipToken === skipToken) return;
    skipToken = result.skipToken;
  }
  throw new Error(`the deployment status list of ${at.names[0]} has more than ${MAX_DEPLOYMENT_STATUS_PAGES} pages`);
}

/**
 * One deployment status entry as the snapshot keeps it: tagged with the network manager whose list it is (Azure's
 * entries name none, and only a manager's own list settles what it left out), `configurationIds` null read as none.
 * The service marks every field optional: an entry without a region or a status says nothing and is dropped, where an
 * export with one would be bad input.
 */
function keptDeploymentStatus(item: Record<string, unknown>, parentId: string): Record<string, unknown> | undefined {
  if (typeof item.region !== "string" || typeof item.deploymentStatus !== "string") return undefined;
  const ids = Array.isArray(item.configurationIds) ? item.configurationIds.filter((c): c is string => typeof c === "string") : [];
  return { ...item, configurationIds: ids, networkManagerId: parentId };
}

/** The parent types that have child lists (lower-case). */
export const PARENT_TYPES = new Set(CHILD_LISTS.map((l) => l.parentType));

/**
 * `/subscriptions/s/resourceGroups/rg/providers/Ns/t1/n1/t2/n2` → `{ resourceGroup: rg, names: [n1, n2] }`,
 * or undefined for an id that is not a resource-group resource.
 */
export function parentPath(id: string): ParentPath | undefined {
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/(.+)$/i.exec(id);
  if (!m) return undefined;
  const segments = m[2].split("/");
  if (segments.length % 2 !== 0) return undefined;
  return { resourceGroup: m[1], names: segments.filter((_, i) => i % 2 === 1) };
}

/**
 * Reads, for each given resource that is a parent (and every child that is a parent in turn), its child
 * lists through `clients` (the parents' subscription). With `resourceGraph`, lists whose items Resource
 * Graph already returned are skipped. A failed list is one entry in `errors`; its siblings are still read.
 */
export async function readChildLists(
  clients: SubscriptionClients,
  parents: readonly Record<string, unknown>[],
  timeoutMs: number,
  opts: { resourceGraph: boolean },
): Promise<{ resources: Record<string, unknown>[]; errors: ReadError[] }> {
  const resources: Record<string, unknown>[] = [];
  const errors: ReadError[] = [];
  const queue = parents.filter((p) => typeof p.type === "string" && PARENT_TYPES.has(lower(p.type)));
  const done = new Set<string>();
  // Breadth first, one call at a time (the clients share one CallScope): manager → groups → members.
  for (let i = 0; i < queue.length; i++) {
    const parent = queue[i];
    const type = lower(String(parent.type));
    const at = parentPath(String(parent.id));
    if (!at) continue;
    for (const child of CHILD_LISTS) {
      if (child.parentType !== type) continue;
      if (opts.resourceGraph && child.inResourceGraph) continue;
      if (child.applies && !child.applies(parent)) continue;
      const operation = `${child.operation}(${(child.perResourceGroup ? [at.resourceGroup] : [at.resourceGroup, ...at.names]).join("/")})`;
      if (done.has(operation)) continue;
      done.add(operation);
      const result = await runOperation(clients.scope, clients.subscriptionId, operation, timeoutMs, (signal) =>
        collectRaw(clients.scope, child.list(clients, at, signal)),
      );
      if (!result.ok) {
        if ("type" in child) errors.push(result.error);
        continue;
      }
      if ("entry" in child) {
        for (const item of result.value) {
          if (typeof item !== "object" || item === null || Array.isArray(item)) continue;
          const kept = child.entry(item as Record<string, unknown>, String(parent.id));
          if (kept) resources.push(kept);
        }
        continue;
      }
      const kept = keepListed(result.value, child.type, clients.subscriptionId, operation, errors);
      resources.push(...kept);
      for (const item of kept) if (typeof item.type === "string" && PARENT_TYPES.has(lower(item.type))) queue.push(item);
    }
  }
  return { resources, errors };
}

/**
 * The child lists of parents read some other way (Resource Graph rows, in ARM form with lower-case
 * types): grouped by the subscription in each parent's id, `concurrency` subscriptions at a time.
 */
export async function readChildListsBySubscription(
  credential: TokenCredential,
  settings: ArmClientSettings,
  parents: readonly Record<string, unknown>[],
  concurrency: number,
  timeoutMs: number,
): Promise<{ resources: Record<string, unknown>[]; errors: ReadError[] }> {
  const bySubscription = new Map<string, Record<string, unknown>[]>();
  for (const parent of parents) {
    if (typeof parent.type !== "string" || !PARENT_TYPES.has(lower(parent.type))) continue;
    const sub = /^\/subscriptions\/([^/]+)\//i.exec(String(parent.id))?.[1];
    if (!sub) continue;
    pushTo(bySubscription, lower(sub), parent);
  }
  const reads = await mapPool([...bySubscription], concurrency, ([, list]) => {
    const sub = /^\/subscriptions\/([^/]+)\//i.exec(String(list[0].id))![1];
    return readChildLists(subscriptionClients(credential, settings, sub), list, timeoutMs, { resourceGraph: true });
  });
  return { resources: reads.flatMap((r) => r.resources), errors: reads.flatMap((r) => r.errors) };
}
