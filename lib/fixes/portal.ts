// Portal steps for a change: what to click and what to enter. Names are shown quoted with control
// characters made visible (a person reads them; nothing executes them).
import { endpointsReplaced } from "./service-endpoints";
import type { SecurityRule, Snapshot, Subnet } from "../model/types";
import { endpointsAfter } from "./az";
import { shown } from "./quote";
import type { Change } from "./types";

const list = (xs: readonly string[]) => xs.map(shown).join(", ");

function ruleText(r: SecurityRule): string {
  return `Priority ${r.priority}; Source ${list(r.sourceAddressPrefixes.length ? r.sourceAddressPrefixes : r.sourceAsgKeys)}; Source port ranges ${list(r.sourcePortRanges)}; Destination ${list(r.destinationAddressPrefixes.length ? r.destinationAddressPrefixes : r.destinationAsgKeys)}; Destination port ranges ${list(r.destinationPortRanges)}; Protocol ${r.protocol}; Action ${r.access}`;
}

/** The Region to pick for a resource attached to the subnet: its VNet's (the Create blade offers the resource group's). */
const region = (snapshot: Snapshot, s: Subnet) => {
  const location = snapshot.vnets.get(s.vnetKey)?.location;
  return `, region ${location ? shown(location) : `of ${shown(s.vnetName)}`} (the VNet's)`;
};

export function portalStep(snapshot: Snapshot, c: Change): string {
  switch (c.kind) {
    case "add-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return `Network security groups → ${shown(nsg.name)} (resource group ${shown(nsg.resourceGroup)}) → ${c.rule.direction} security rules → Add: Name ${shown(c.rule.name)}; ${ruleText(c.rule)}.`;
    }
    case "update-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return `Network security groups → ${shown(nsg.name)} (resource group ${shown(nsg.resourceGroup)}) → ${c.before.direction} security rules → ${shown(c.before.name)}: change it to ${ruleText(c.after)} → Save.`;
    }
    case "add-service-endpoint": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      const current = s.serviceEndpoints.map((e) => e.service);
      const replaced = endpointsReplaced(current, c.service);
      const keep = current.filter((e) => !replaced.includes(e));
      const swap = replaced.length ? `, in place of ${list(replaced)}, which cannot stay beside it` : "";
      return `Virtual networks → ${shown(s.vnetName)} → Subnets → ${shown(s.name)} → Service endpoints: add ${shown(c.service)}${swap} (keep ${keep.length ? list(keep) : "no other endpoints"}; the list becomes ${list(endpointsAfter(s, c.service))}) → Save.`;
    }
    case "attach-new-nsg": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      return `Network security groups → Create: ${shown(c.nsgName)} in resource group ${shown(s.resourceGroup)}${region(snapshot, s)}; add the rules ${c.rules.map((r) => `${shown(r.name)} (${r.priority})`).join(", ")}; then Subnets → Associate → ${shown(`${s.vnetName}/${s.name}`)}.`;
    }
    case "add-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      const fields = `Destination ${shown(c.route.addressPrefix)}; Next hop type ${shown(c.route.nextHopType)}${c.route.nextHopIpAddress ? `; Next hop address ${shown(c.route.nextHopIpAddress)}` : ""}`;
      // A route the table already holds by that name is edited in place (see the add-route change).
      if (t.routes.some((r) => r.name.toLowerCase() === c.route.name.toLowerCase())) return `Route tables → ${shown(t.name)} → Routes → ${shown(c.route.name)}: change it to ${fields} → Save.`;
      return `Route tables → ${shown(t.name)} → Routes → Add: Name ${shown(c.route.name)}; ${fields}.`;
    }
    case "delete-route": {
      const t = snapshot.routeTables.get(c.routeTableKey)!;
      return `Route tables → ${shown(t.name)} → Routes → ${shown(c.routeName)} → Delete.`;
    }
    case "delete-rule": {
      const nsg = snapshot.nsgs.get(c.nsgKey)!;
      return `Network security groups → ${shown(nsg.name)} (resource group ${shown(nsg.resourceGroup)}) → ${c.rule.direction} security rules → ${shown(c.rule.name)} → Delete.`;
    }
    case "attach-nat-gateway": {
      const s = snapshot.subnets.get(c.subnetKey)!;
      return `NAT gateways → Create: ${shown(c.natGatewayName)} in resource group ${shown(s.resourceGroup)}${region(snapshot, s)}, with a new Standard public IP ${shown(c.publicIpName)}; Subnet: ${shown(`${s.vnetName}/${s.name}`)} → Create.`;
    }
    case "add-firewall-rule-collection": {
      const col = c.collection;
      const where = c.policyKey
        ? `Firewall policies → ${shown(snapshot.firewallPolicies?.get(c.policyKey)?.name ?? c.policyKey)} → ${col.kind === "application" ? "Application" : "Network"} rules → Add a rule collection (group ${shown(c.groupName)})`
        : `Firewalls → ${shown(snapshot.firewalls?.get(c.firewallKey ?? "")?.name ?? "")} → Rules (classic) → ${col.kind === "application" ? "Application" : "Network"} rule collection → Add`;
      return `${where}: Name ${shown(col.name)}; Priority ${col.priority}; Action ${col.action}; rules ${col.rules.map((r) => shown(r.name)).join(", ")}.`;
    }
  }
}
