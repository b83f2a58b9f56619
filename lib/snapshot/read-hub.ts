// Readers for Virtual WAN (CONTRACT §4.1 stage 3, extended): virtual hubs, their VNet connections, route tables and
// routing intent, which together give a connected VNet the routes it learns from its hub.
// https://learn.microsoft.com/azure/virtual-wan/about-virtual-hub-routing
import type { HubRouteTable, HubVirtualNetworkConnection, RoutingIntent, VirtualHub } from "@/lib/model/types";
import { isCidr } from "./field-values";
import { keyOf, parentId } from "./arm-id";
import { type ResourceBase, child, refKey, refKeys } from "./read-common";
import { hubConnectionProps, hubRouteTableProps, routingIntentProps, virtualHubProps } from "./schemas-path";
import { type ArmNode, type JsonPath, inputError, parseWith } from "./validate";

const trimmed = (list: readonly string[] | null | undefined) => (list ?? []).map((s) => s.trim()).filter(Boolean);

/** The hub a child resource (`…/virtualHubs/<hub>/<kind>/<name>`) belongs to, lower-cased. */
function hubKeyOf(base: ResourceBase): string {
  return keyOf(parentId(base.id, 1) ?? base.id);
}

/** A virtual hub: its address prefix and its Azure Firewall. https://learn.microsoft.com/rest/api/virtualwan/virtual-hubs/get */
export function readVirtualHub(node: ArmNode, base: ResourceBase, file: string): VirtualHub {
  const p = parseWith(virtualHubProps, node.props, file, node.propsAt);
  const hub: VirtualHub = { id: base.id, key: base.key, name: base.name };
  const prefix = p.addressPrefix?.trim();
  if (prefix && !isCidr(prefix)) throw inputError(file, [...node.propsAt, "addressPrefix"], `expected a CIDR such as 10.200.0.0/23, got ${JSON.stringify(prefix)}`);
  if (prefix) hub.addressPrefix = prefix;
  const fw = refKey(p.azureFirewall);
  if (fw) hub.firewallKey = fw;
  const wan = refKey(p.virtualWan);
  if (wan) hub.virtualWanKey = wan;
  return hub;
}

/**
 * A hub's connection to a VNet, with its routing configuration and static routes. `enableInternetSecurity` absent reads as true (the portal's default).
 * https://learn.microsoft.com/rest/api/virtualwan/hub-virtual-network-connections/get
 */
export function readHubConnection(node: ArmNode, base: ResourceBase, file: string): HubVirtualNetworkConnection {
  const p = parseWith(hubConnectionProps, node.props, file, node.propsAt);
  const conn: HubVirtualNetworkConnection = { id: base.id, key: base.key, name: base.name, hubKey: hubKeyOf(base), enableInternetSecurity: p.enableInternetSecurity !== false };
  const vnet = refKey(p.remoteVirtualNetwork);
  if (vnet) conn.remoteVnetKey = vnet;
  if (p.provisioningState) conn.provisioningState = p.provisioningState;
  const routing = p.routingConfiguration;
  const associated = refKey(routing?.associatedRouteTable);
  if (associated) conn.associatedRouteTableKey = associated;
  if (routing?.propagatedRouteTables) {
    conn.propagatedRouteTableKeys = refKeys(routing.propagatedRouteTables.ids);
    conn.propagatedLabels = trimmed(routing.propagatedRouteTables.labels);
  }
  const statics = routing?.vnetRoutes?.staticRoutes ?? [];
  if (statics.length) {
    conn.staticRoutes = statics.map((r, i) => {
      const at = [...node.propsAt, "routingConfiguration", "vnetRoutes", "staticRoutes", i];
      const addressPrefixes = trimmed(r.addressPrefixes);
      const bad = addressPrefixes.findIndex((d) => !isCidr(d));
      if (bad >= 0) throw inputError(file, [...at, "addressPrefixes", bad], `expected a CIDR such as 10.0.0.0/8, got ${JSON.stringify(addressPrefixes[bad])}`);
      return { name: r.name?.trim() || `static route ${i}`, addressPrefixes, ...(r.nextHopIpAddress?.trim() ? { nextHopIpAddress: r.nextHopIpAddress.trim() } : {}) };
    });
  }
  const propagate = routing?.vnetRoutes?.staticRoutesConfig?.propagateStaticRoutes;
  if (typeof propagate === "boolean") conn.propagateStaticRoutes = propagate;
  return conn;
}

/**
 * A hub route table. A CIDR route's destinations must be CIDRs: a route Azure would refuse is an input error naming
 * the field, never a route silently dropped. https://learn.microsoft.com/rest/api/virtualwan/hub-route-tables/get
 */
export function readHubRouteTable(node: ArmNode, base: ResourceBase, file: string): HubRouteTable {
  const p = parseWith(hubRouteTableProps, node.props, file, node.propsAt);
  const routes = (p.routes ?? []).map((r, i) => {
    const at: JsonPath = child(node.propsAt, "routes", i);
    const destinations = trimmed(r.destinations);
    if ((r.destinationType ?? "CIDR").toLowerCase() === "cidr") {
      const bad = destinations.findIndex((d) => !isCidr(d));
      if (bad >= 0) throw inputError(file, [...at, "destinations", bad], `expected a CIDR such as 10.0.0.0/8 (destinationType CIDR), got ${JSON.stringify(destinations[bad])}`);
    }
    return {
      name: r.name?.trim() || `route ${i}`,
      ...(r.destinationType ? { destinationType: r.destinationType } : {}),
      destinations,
      ...(r.nextHop?.trim() ? { nextHopKey: keyOf(r.nextHop.trim()) } : {}),
    };
  });
  return { id: base.id, key: base.key, name: base.name, hubKey: hubKeyOf(base), labels: trimmed(p.labels), routes };
}

/** A hub's routing intent: its policies' destinations (`Internet`, `PrivateTraffic`) and next hops. https://learn.microsoft.com/rest/api/virtualwan/routing-intent/get */
export function readRoutingIntent(node: ArmNode, base: ResourceBase, file: string): RoutingIntent {
  const p = parseWith(routingIntentProps, node.props, file, node.propsAt);
  const policies = (p.routingPolicies ?? []).map((r, i) => {
    const destinations = trimmed(r.destinations);
    // Azure knows two: a typo read as neither would silently drop the policy and pass what the firewall refuses.
    const bad = destinations.findIndex((d) => !/^(internet|privatetraffic)$/i.test(d));
    if (bad >= 0) throw inputError(file, [...child(node.propsAt, "routingPolicies", i), "destinations", bad], `expected Internet or PrivateTraffic, got ${JSON.stringify(destinations[bad])}`);
    return { name: r.name?.trim() || `policy ${i}`, destinations, ...(r.nextHop?.trim() ? { nextHopKey: keyOf(r.nextHop.trim()) } : {}) };
  });
  return { id: base.id, key: base.key, name: base.name, hubKey: hubKeyOf(base), policies };
}
