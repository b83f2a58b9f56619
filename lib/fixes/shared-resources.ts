// Who else a change touches: an NSG attached to other subnets, to NICs in them, or to a scale set's network profile
// placing instances in them; a route table associated with other subnets; a firewall policy used by other firewalls.
// A fix names them (CONTRACT §4, fix rules), so nobody cuts off a jumpbox or a domain controller without knowing.
import type { Snapshot, Subnet } from "../model/types";
import type { Change } from "./types";

interface Index {
  byNsg: Map<string, Set<string>>;
  byRouteTable: Map<string, Set<string>>;
  /** Per NSG, per subnet key: the NICs and scale sets there whose NIC level it is, by `kind|name`. */
  holders: Map<string, Map<string, Map<string, Holder>>>;
}

const cache = new WeakMap<Map<string, Subnet>, Index>();

function index(snapshot: Snapshot): Index {
  // By subnets map: a fix changes no NIC or scale set, so a snapshot with the same subnets has the same sharers.
  let hit = cache.get(snapshot.subnets);
  if (hit) return hit;
  const byNsg = new Map<string, Set<string>>();
  const byRouteTable = new Map<string, Set<string>>();
  const holders = new Map<string, Map<string, Map<string, Holder>>>();
  const add = (m: Map<string, Set<string>>, k: string | undefined, subnetKey: string) => {
    if (!k) return;
    let set = m.get(k);
    if (!set) m.set(k, (set = new Set()));
    set.add(subnetKey);
  };
  const hold = (nsgKey: string | undefined, subnetKey: string, who: Holder) => {
    if (!nsgKey) return;
    add(byNsg, nsgKey, subnetKey);
    let bySubnet = holders.get(nsgKey);
    if (!bySubnet) holders.set(nsgKey, (bySubnet = new Map()));
    let there = bySubnet.get(subnetKey);
    if (!there) bySubnet.set(subnetKey, (there = new Map()));
    there.set(`${who.kind}|${who.name}`, who);
  };
  for (const s of snapshot.subnets.values()) {
    add(byNsg, s.nsgKey, s.key);
    add(byRouteTable, s.routeTableKey, s.key);
  }
  for (const nic of snapshot.nics.values()) for (const ip of nic.ipConfigurations) if (ip.subnetKey) hold(nic.nsgKey, ip.subnetKey, { kind: "NIC", name: nic.name });
  // A scale set's NIC profile NSG is on every instance's NIC, running or not, in each subnet its IP configurations
  // name (as lib/nsg/estate.ts scaleSetsIn places them): a sharer exactly as a NIC's NSG is.
  // https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-networking#nsg--asgs-per-scale-set
  for (const vmss of snapshot.scaleSets?.values() ?? [])
    for (const config of vmss.nicConfigurations) for (const ip of config.ipConfigurations) if (ip.subnetKey) hold(config.nsgKey, ip.subnetKey, { kind: "scale set", name: vmss.name });
  hit = { byNsg, byRouteTable, holders };
  cache.set(snapshot.subnets, hit);
  return hit;
}

/** Subnet keys whose traffic an NSG decides (as the subnet's NSG, a NIC's in it, or a scale set's placing instances in it). */
export function subnetsUsingNsg(snapshot: Snapshot, nsgKey: string): string[] {
  return [...(index(snapshot).byNsg.get(nsgKey) ?? [])];
}

/** A NIC or a scale set whose NIC-level NSG a change reaches. */
export interface Holder {
  kind: "NIC" | "scale set";
  name: string;
}

/** A subnet a change reaches besides those it is meant for, and through whom: the NICs and scale sets holding a changed NSG there (none: the subnet's own NSG or route table). */
export interface SharedSubnet {
  subnet: Subnet;
  holders: Holder[];
}

/** The subnets a change affects, besides those it is meant for, with the workloads there it reaches; and the firewalls sharing a policy. */
export function sharedWith(snapshot: Snapshot, changes: readonly Change[], own: ReadonlySet<string>): { subnets: SharedSubnet[]; firewalls: string[] } {
  const keys = new Map<string, Map<string, Holder>>();
  const firewalls = new Set<string>();
  const { byNsg, byRouteTable, holders } = index(snapshot);
  const reach = (k: string) => {
    let set = keys.get(k);
    if (!set) keys.set(k, (set = new Map()));
    return set;
  };
  for (const c of changes) {
    if (c.kind === "add-rule" || c.kind === "update-rule" || c.kind === "delete-rule")
      for (const k of byNsg.get(c.nsgKey) ?? []) {
        const set = reach(k);
        // Held at the subnet level too: the whole subnet is reached, the holders need no naming.
        if (snapshot.subnets.get(k)?.nsgKey !== c.nsgKey) for (const [id, who] of holders.get(c.nsgKey)?.get(k) ?? []) set.set(id, who);
      }
    if (c.kind === "add-route" || c.kind === "delete-route") for (const k of byRouteTable.get(c.routeTableKey) ?? []) reach(k);
    if (c.kind === "add-firewall-rule-collection" && c.policyKey)
      for (const fw of snapshot.firewalls?.values() ?? []) if (fw.policyKey === c.policyKey) firewalls.add(fw.name);
  }
  for (const k of own) keys.delete(k);
  return {
    subnets: [...keys].flatMap(([k, who]) => {
      const subnet = snapshot.subnets.get(k);
      return subnet ? [{ subnet, holders: [...who.values()] }] : [];
    }),
    firewalls: [...firewalls],
  };
}
