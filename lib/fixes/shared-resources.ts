// Who else a change touches: an NSG attached to other subnets (or to NICs in them), a route table
// associated with other subnets, a firewall policy used by other firewalls. A fix names them
// (CONTRACT §4, fix rules), so nobody cuts off a jumpbox or a domain controller without knowing.
import type { Snapshot, Subnet } from "../model/types";
import type { Change } from "./types";

interface Index {
  byNsg: Map<string, Set<string>>;
  byRouteTable: Map<string, Set<string>>;
}

const cache = new WeakMap<Map<string, Subnet>, Index>();

function index(snapshot: Snapshot): Index {
  let hit = cache.get(snapshot.subnets);
  if (hit) return hit;
  const byNsg = new Map<string, Set<string>>();
  const byRouteTable = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string | undefined, subnetKey: string) => {
    if (!k) return;
    let set = m.get(k);
    if (!set) m.set(k, (set = new Set()));
    set.add(subnetKey);
  };
  for (const s of snapshot.subnets.values()) {
    add(byNsg, s.nsgKey, s.key);
    add(byRouteTable, s.routeTableKey, s.key);
  }
  for (const nic of snapshot.nics.values()) for (const ip of nic.ipConfigurations) if (ip.subnetKey) add(byNsg, nic.nsgKey, ip.subnetKey);
  hit = { byNsg, byRouteTable };
  cache.set(snapshot.subnets, hit);
  return hit;
}

/** Subnet keys whose traffic an NSG decides (as the subnet's NSG or a NIC's in it). */
export function subnetsUsingNsg(snapshot: Snapshot, nsgKey: string): string[] {
  return [...(index(snapshot).byNsg.get(nsgKey) ?? [])];
}

/** The subnets (by key) a change affects, besides those it is meant for; and the firewalls sharing a policy. */
export function sharedWith(snapshot: Snapshot, changes: readonly Change[], own: ReadonlySet<string>): { subnets: Subnet[]; firewalls: string[] } {
  const keys = new Set<string>();
  const firewalls = new Set<string>();
  const { byNsg, byRouteTable } = index(snapshot);
  for (const c of changes) {
    if (c.kind === "add-rule" || c.kind === "update-rule" || c.kind === "delete-rule") for (const k of byNsg.get(c.nsgKey) ?? []) keys.add(k);
    if (c.kind === "add-route" || c.kind === "delete-route") for (const k of byRouteTable.get(c.routeTableKey) ?? []) keys.add(k);
    if (c.kind === "add-firewall-rule-collection" && c.policyKey)
      for (const fw of snapshot.firewalls?.values() ?? []) if (fw.policyKey === c.policyKey) firewalls.add(fw.name);
  }
  for (const k of own) keys.delete(k);
  return { subnets: [...keys].flatMap((k) => snapshot.subnets.get(k) ?? []), firewalls: [...firewalls] };
}
