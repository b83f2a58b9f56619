// The live read of routes learned over BGP: per BGP domain (a VNet holding a virtual network gateway or Route Server
// and the VNets whose peering uses it, or a VNet connected to a virtual hub), one NIC's effective route table, the only
// view Azure gives of what was learned from on-premises, ExpressRoute or an NVA (lib/snapshot/read-effective-routes.ts
// reads it).
// `POST .../networkInterfaces/{nic}/effectiveRouteTable` only reads, but it is an action Reader lacks
// (Microsoft.Network/networkInterfaces/effectiveRouteTable/action) and Azure answers it only for a NIC attached to a
// running VM, so a refusal or failure is no read error: the report's gaps name the table instead (lib/snapshot/gaps.ts).
// https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table
import type { TokenCredential } from "@azure/identity";
import type { ArmClientSettings } from "./arm-pipeline";
import { subscriptionClients } from "./clients";
import { runOperation } from "./operation";
import { mapPool } from "./pool";
import { parentPath } from "./child-lists";
import { keyOf } from "../snapshot/arm-id";
import { isGatewayOrRouteServerSubnet } from "../path/managed-subnets";
import { NICS_PER_DOMAIN, readEffectiveRouteTable } from "../snapshot/read-effective-routes";

type Raw = Record<string, unknown>;

const props = (r: Raw): Raw => (r.properties && typeof r.properties === "object" ? (r.properties as Raw) : {});
const refId = (v: unknown): string | undefined => {
  const id = v && typeof v === "object" ? (v as { id?: unknown }).id : undefined;
  return typeof id === "string" && id ? keyOf(id) : undefined;
};
const typeIs = (r: Raw, type: string) => typeof r.type === "string" && r.type.toLowerCase() === type;
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter((x): x is Raw => !!x && typeof x === "object") : []);

/** A BGP domain: the VNet whose gateway, Route Server or hub connection learns the routes, and the NICs to ask, best first. */
export interface BgpDomainNics {
  /** The id of the VNet holding the gateway (the remote VNet a spoke's peering names, read or not), or of a hub-connected VNet. */
  vnetId: string;
  /** NIC ids (as the read spelled them), at most NICS_PER_DOMAIN. */
  nicIds: string[];
  /** Those of `nicIds` whose subnet's route table the read lacks: only a table stating propagation counts for them. */
  statedOnly: string[];
}

/**
 * Which NICs' effective route tables would show each BGP domain's learned routes, from resources in ARM form (a
 * list-all read or Resource Graph rows), as the path reads them (lib/path/routes.ts `bgpLearning`, `bgpRouteTables`;
 * on ARM's form because the read is loaded only once it is complete, this call included):
 * a VNet's routes come from the remote VNet of its connected peering that uses remote gateways ("the spoke learns the
 * hub gateway's routes"), read or not, else from its own gateway or Route Server (a `GatewaySubnet` or
 * `RouteServerSubnet`) or virtual hub connection. A NIC qualifies when it is a VM's (Azure computes no table for an
 * unattached one) and its subnet's route table, if read, does not disable BGP route propagation (a table taken there
 * shows no learned route); those whose route table the read lacks come last, since only a table stating propagation
 * counts then. Scale set instance NICs are left out: the API takes a NIC of a resource group. Pure; order within a
 * domain: the gateway's own VNet first, then by id. https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit
 */
export function bgpDomainNics(resources: readonly Raw[]): BgpDomainNics[] {
  const vnets = resources.filter((r) => typeIs(r, "microsoft.network/virtualnetworks") && typeof r.id === "string");
  const tables = new Map(resources.filter((r) => typeIs(r, "microsoft.network/routetables") && typeof r.id === "string").map((r) => [keyOf(String(r.id)), props(r).disableBgpRoutePropagation === true]));
  const hubConnected = new Set(resources.filter((r) => typeIs(r, "microsoft.network/virtualhubs/hubvirtualnetworkconnections")).map((c) => refId(props(c).remoteVirtualNetwork)).filter((k): k is string => !!k));
  const subnets = new Map<string, { vnet: string; routeTable?: string }>();
  /** Domain key → the id to name it by. */
  const domains = new Map<string, string>();
  const domainOf = new Map<string, string>();
  for (const vnet of vnets) {
    const key = keyOf(String(vnet.id));
    let gateway = false;
    for (const s of list(props(vnet).subnets)) {
      if (typeof s.id !== "string") continue;
      subnets.set(keyOf(s.id), { vnet: key, routeTable: refId(props(s).routeTable) });
      if (isGatewayOrRouteServerSubnet(String(s.name ?? ""))) gateway = true;
    }
    const peerings = list(props(vnet).virtualNetworkPeerings).map(props);
    const remote = peerings.find((p) => p.useRemoteGateways === true && p.allowVirtualNetworkAccess !== false && String(p.peeringState ?? "Connected").toLowerCase() === "connected" && refId(p.remoteVirtualNetwork));
    if (remote) {
      const remoteId = String((remote.remoteVirtualNetwork as { id: string }).id);
      domainOf.set(key, keyOf(remoteId));
      if (!domains.has(keyOf(remoteId))) domains.set(keyOf(remoteId), remoteId);
    } else if (gateway || hubConnected.has(key) || peerings.some((p) => p.useRemoteGateways === true)) {
      domainOf.set(key, key);
      domains.set(key, String(vnet.id));
    }
  }
  const nics = new Map<string, { id: string; rank: number; unread: boolean }[]>();
  for (const nic of resources) {
    if (!typeIs(nic, "microsoft.network/networkinterfaces") || typeof nic.id !== "string" || /\/virtualMachineScaleSets\//i.test(nic.id)) continue;
    if (!refId(props(nic).virtualMachine)) continue;
    const subnetKey = list(props(nic).ipConfigurations).map((c) => refId(props(c).subnet)).find((k) => k && subnets.has(k));
    if (!subnetKey) continue;
    const subnet = subnets.get(subnetKey)!;
    const domain = domainOf.get(subnet.vnet);
    if (!domain) continue;
    const off = subnet.routeTable ? tables.get(subnet.routeTable) : false;
    if (off === true) continue;
    // 0: in the gateway's own VNet; 1: a spoke; +2: its route table unread, so its table must state propagation.
    const rank = (subnet.vnet === domain ? 0 : 1) + (off === undefined ? 2 : 0);
    const at = nics.get(domain) ?? [];
    at.push({ id: nic.id, rank, unread: off === undefined });
    nics.set(domain, at);
  }
  return [...domains].flatMap(([key, vnetId]) => {
    const found = nics.get(key) ?? [];
    found.sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const asked = found.slice(0, NICS_PER_DOMAIN);
    return asked.length ? [{ vnetId, nicIds: asked.map((n) => n.id), statedOnly: asked.filter((n) => n.unread).map((n) => n.id) }] : [];
  });
}

/**
 * Asks, per BGP domain (bgpDomainNics), for its NICs' effective route tables one after the other until one answers
 * with a table the path uses, domains `concurrency` at a time, through the SDK's long-running operation (it polls the
 * operation's status and then its Location with GETs, under `timeoutMs` per NIC).
 * Returns each table as the snapshot keeps it, `{ networkInterfaceId, value }` (the form README "Routes learned over
 * BGP" asks of an export), and never throws for Azure's answers: a resource group that refuses the action once is not
 * asked again, and an answer the loader would refuse (no rows, a prefix that is no CIDR, a next page) is dropped.
 */
export async function readEffectiveRouteTables(
  credential: TokenCredential,
  settings: ArmClientSettings,
  resources: readonly Raw[],
  concurrency: number,
  timeoutMs: number,
): Promise<Raw[]> {
  // A refusal is per scope the role was (not) granted at: the resource group is the narrowest a custom role is
  // commonly assigned to, so another resource group is still asked.
  const refused = new Set<string>();
  // By domain, in bgpDomainNics' order, whichever answers first: the saved read does not depend on timing.
  const tables: (Raw | undefined)[] = [];
  await mapPool(bgpDomainNics(resources), concurrency, async (domain, index) => {
    for (const nicId of domain.nicIds) {
      const subscription = /^\/subscriptions\/([^/]+)\//i.exec(nicId)?.[1] ?? "";
      const at = parentPath(nicId);
      if (!at || refused.has(keyOf(`${subscription}/${at.resourceGroup}`))) continue;
      const clients = subscriptionClients(credential, settings, subscription);
      const result = await runOperation(clients.scope, subscription, `networkInterfaces.getEffectiveRouteTable(${at.resourceGroup}/${at.names[0]})`, timeoutMs, async (abortSignal) => {
        const poller = await clients.network.networkInterfaces.beginGetEffectiveRouteTable(at.resourceGroup, at.names[0], { abortSignal });
        // The SDK's *AndWait form polls without a signal: a deadline would wait out the service's Retry-After.
        return poller.pollUntilDone({ abortSignal });
      });
      if (!result.ok) {
        // A stopped VM's NIC answers a 4xx: the next one is tried.
        if (result.error.code === "AuthorizationFailed") refused.add(keyOf(`${subscription}/${at.resourceGroup}`));
        continue;
      }
      const table: Raw = { networkInterfaceId: nicId, value: (result.value.value ?? []).map(armRow) };
      if (result.value.nextLink) table.nextLink = result.value.nextLink;
      let read;
      try {
        read = readEffectiveRouteTable(table, "live read", []);
      } catch {
        continue;
      }
      // A table the path would not use (lib/path/routes.ts bgpRouteTables): propagation off where it was taken, or
      // unknown with the subnet's route table unread. The next NIC may show the routes.
      if (read.propagationOff || (domain.statedOnly.includes(nicId) && !read.propagationStated)) continue;
      tables[index] = table;
      return;
    }
  });
  return tables.filter((t): t is Raw => t !== undefined);
}

/** An effective route as ARM spells it (the SDK's model keeps ARM's names for these fields), without absent fields. */
function armRow(route: object): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(route)) if (v !== undefined) out[k] = v;
  return out;
}
