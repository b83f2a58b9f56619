// The live read of routes learned over BGP: for each VNet that holds a virtual network gateway or Route Server (and
// the VNets peered with it that use its gateway), one NIC's effective route table, the only view Azure gives of what a
// gateway learned from on-premises, ExpressRoute or an NVA (lib/snapshot/read-effective-routes.ts reads it).
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
import { NICS_PER_DOMAIN, readEffectiveRouteTable } from "../snapshot/read-effective-routes";

/** The subnets whose name says a gateway or Route Server may sit there (Azure requires these names). */
const GATEWAY_SUBNET = /^(gatewaysubnet|routeserversubnet)$/i;

type Raw = Record<string, unknown>;

const props = (r: Raw): Raw => (r.properties && typeof r.properties === "object" ? (r.properties as Raw) : {});
const refId = (v: unknown): string | undefined => {
  const id = v && typeof v === "object" ? (v as { id?: unknown }).id : undefined;
  return typeof id === "string" && id ? keyOf(id) : undefined;
};
const typeIs = (r: Raw, type: string) => typeof r.type === "string" && r.type.toLowerCase() === type;
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.filter((x): x is Raw => !!x && typeof x === "object") : []);

/** A BGP domain: the VNet whose gateway or Route Server learns the routes, and the NICs to ask, best first. */
export interface BgpDomainNics {
  /** The id of the VNet holding the gateway subnet (as the read spelled it). */
  vnetId: string;
  /** NIC ids (as the read spelled them), at most NICS_PER_DOMAIN. */
  nicIds: string[];
}

/**
 * Which NICs' effective route tables would show each BGP domain's learned routes, from resources in ARM form (a
 * list-all read or Resource Graph rows). A domain is a VNet with a `GatewaySubnet` or `RouteServerSubnet` and the VNets
 * with a peering to it that uses remote gateways ("the spoke learns the hub gateway's routes"). A NIC qualifies when it
 * is a VM's (Azure computes no table for an unattached one), sits in one of those VNets, and its subnet's route table,
 * if the read holds it, does not disable BGP route propagation (a table taken there shows no learned route). Scale set
 * instance NICs are left out: the API takes a NIC of a resource group. Pure; order: the gateway's own VNet first, then by id.
 * https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-peering-gateway-transit
 */
export function bgpDomainNics(resources: readonly Raw[]): BgpDomainNics[] {
  const vnets = resources.filter((r) => typeIs(r, "microsoft.network/virtualnetworks") && typeof r.id === "string");
  const propagationOff = new Set(resources.filter((r) => typeIs(r, "microsoft.network/routetables") && props(r).disableBgpRoutePropagation === true).map((r) => keyOf(String(r.id))));
  const subnetVnet = new Map<string, string>();
  const quiet = new Set<string>();
  const roots: Raw[] = [];
  for (const vnet of vnets) {
    let gateway = false;
    for (const s of list(props(vnet).subnets)) {
      if (typeof s.id !== "string") continue;
      subnetVnet.set(keyOf(s.id), keyOf(String(vnet.id)));
      const table = refId(props(s).routeTable);
      if (table && propagationOff.has(table)) quiet.add(keyOf(s.id));
      if (GATEWAY_SUBNET.test(String(s.name ?? ""))) gateway = true;
    }
    if (gateway) roots.push(vnet);
  }
  if (!roots.length) return [];
  // Members of each domain: the root, then the VNets whose peering to it uses its gateway.
  const domainOf = new Map<string, string>();
  for (const root of roots) domainOf.set(keyOf(String(root.id)), keyOf(String(root.id)));
  for (const vnet of vnets) {
    const key = keyOf(String(vnet.id));
    if (domainOf.has(key)) continue;
    const remote = list(props(vnet).virtualNetworkPeerings).map((p) => (props(p).useRemoteGateways === true ? refId(props(p).remoteVirtualNetwork) : undefined)).find((k) => k && domainOf.get(k) === k);
    if (remote) domainOf.set(key, remote);
  }
  const nics = new Map<string, { id: string; own: boolean }[]>();
  for (const nic of resources) {
    if (!typeIs(nic, "microsoft.network/networkinterfaces") || typeof nic.id !== "string" || /\/virtualMachineScaleSets\//i.test(nic.id)) continue;
    if (!refId(props(nic).virtualMachine)) continue;
    const subnet = list(props(nic).ipConfigurations).map((c) => refId(props(c).subnet)).find((k) => k && subnetVnet.has(k));
    if (!subnet || quiet.has(subnet)) continue;
    const vnet = subnetVnet.get(subnet)!;
    const domain = domainOf.get(vnet);
    if (!domain) continue;
    const at = nics.get(domain) ?? [];
    at.push({ id: nic.id, own: vnet === domain });
    nics.set(domain, at);
  }
  return roots.flatMap((root) => {
    const found = nics.get(keyOf(String(root.id))) ?? [];
    found.sort((a, b) => Number(b.own) - Number(a.own) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return found.length ? [{ vnetId: String(root.id), nicIds: found.slice(0, NICS_PER_DOMAIN).map((n) => n.id) }] : [];
  });
}

/**
 * Asks, per BGP domain (bgpDomainNics), for its NICs' effective route tables one after the other until one answers,
 * domains `concurrency` at a time, through the SDK's long-running operation (it polls the answer's Location with GETs).
 * Returns each table as the snapshot keeps it, `{ networkInterfaceId, value }` (the form README "Routes learned over
 * BGP" asks of an export), and never throws for Azure's answers: a subscription that refuses the action once is not
 * asked again, and an answer the loader would refuse (no rows, a prefix that is no CIDR, a next page) is dropped.
 */
export async function readEffectiveRouteTables(
  credential: TokenCredential,
  settings: ArmClientSettings,
  resources: readonly Raw[],
  concurrency: number,
  timeoutMs: number,
): Promise<Raw[]> {
  const refused = new Set<string>();
  // By domain, in bgpDomainNics' order, whichever answers first: the saved read does not depend on timing.
  const tables: (Raw | undefined)[] = [];
  await mapPool(bgpDomainNics(resources), concurrency, async (domain, index) => {
    for (const nicId of domain.nicIds) {
      const subscription = /^\/subscriptions\/([^/]+)\//i.exec(nicId)?.[1] ?? "";
      // A domain's spokes may sit in other subscriptions: only this NIC's is known to refuse.
      if (refused.has(subscription.toLowerCase())) continue;
      const at = parentPath(nicId);
      if (!at) continue;
      const clients = subscriptionClients(credential, settings, subscription);
      const result = await runOperation(clients.scope, subscription, `networkInterfaces.getEffectiveRouteTable(${at.resourceGroup}/${at.names[0]})`, timeoutMs, (abortSignal) =>
        clients.network.networkInterfaces.beginGetEffectiveRouteTableAndWait(at.resourceGroup, at.names[0], { abortSignal }),
      );
      if (!result.ok) {
        // A stopped VM's NIC: try the next. A refusal: the action is missing for the whole subscription.
        if (result.error.code === "AuthorizationFailed") refused.add(subscription.toLowerCase());
        continue;
      }
      const table: Raw = { networkInterfaceId: nicId, value: (result.value.value ?? []).map(armRow) };
      if (result.value.nextLink) table.nextLink = result.value.nextLink;
      try {
        readEffectiveRouteTable(table, "live read", []);
      } catch {
        continue;
      }
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
