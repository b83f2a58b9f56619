// Azure Virtual Network Manager connected groups: VNets a connectivity configuration joins without peerings. "Virtual
// networks in a connected group can communicate to each other just like if you were to connect virtual networks
// together manually", with effective routes of next hop type `ConnectedGroup`. A mesh joins every VNet of its network
// groups; a hub-and-spoke configuration joins the spokes of a group with direct connectivity (its hub peerings are
// ordinary peerings the VNets list). Only VNets of one region are joined unless the configuration (or, for direct
// connectivity, the group) is global. Traffic to address space that two members share is dropped ("routing is
// non-deterministic"). Group members are the static members the input lists.
// A configuration takes effect only once deployed to the region, which GETs cannot show, and assuming it deployed
// would pass traffic Azure may drop: traffic that only a connected group carries is "cannot be judged", never a pass,
// unless the input holds the network manager's deployment status list (a POST, from an export) saying it is deployed.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
// https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
import type { ConnectivityConfiguration } from "../model/types";
import type { Estate } from "../nsg/estate";
import { cidrsToRanges } from "../net/ip";
import * as iv from "../net/intervals";
import { lastSegment } from "../snapshot/arm-id";
import { deploymentIn, regionKey } from "./deployment-status";
import { peeringConnected } from "./routes";

/** A VNet joined to others by a connected group: the configuration, and the members' prefixes. */
export interface ConnectedGroup {
  configuration: ConnectivityConfiguration;
  /** The other members' address prefixes (each member's own space, as the VNet lists it). */
  prefixes: string[];
  /** Of those, the ones that overlap another member's space (or this VNet's): traffic there is dropped. */
  overlapping: string[];
  /** The other members (VNet keys). */
  vnetKeys: string[];
  /**
   * Whether the configuration is deployed to this VNet's region, as the input's deployment status list says:
   * `deployed`, or `unknown` (no entry for the region, or a deployment not finished). A region whose list leaves the
   * configuration out has no connected group: the VNet is not in this list of groups at all.
   */
  deployment: "deployed" | "unknown";
  /** With `unknown`: the state the list gives the configuration's deployment there (`Deploying`, `Failed`), when it has one. */
  deploymentStatus?: string;
}

interface Membership {
  configuration: ConnectivityConfiguration;
  members: string[];
  /** `<member>|<prefix>` of the prefixes another member's space overlaps, worked out on first use. */
  overlaps?: Set<string>;
}

/**
 * The connected groups VNet `vnetKey` is in (none when no configuration of the input joins it), each with the other
 * members' prefixes. A group is built once per estate family (fixes never change configurations or VNets), and each
 * member's view is worked out when asked, so a mesh of N VNets costs N × N prefixes only where they are used.
 * Never throws. https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
 */
export function connectedGroupsOf(estate: Estate, vnetKey: string): readonly ConnectedGroup[] {
  const index = membershipIndex(estate);
  const mine = index.get(vnetKey);
  if (!mine?.length) return [];
  return estate.memo(`connected-groups|${vnetKey}`, () =>
    mine.flatMap((m) => {
      const { key, name, networkManagerKey: managerKey } = m.configuration;
      const deployment = deploymentIn(estate, { key, name, managerKey }, "connectivity", estate.snapshot.vnets.get(vnetKey)?.location);
      if (deployment.state === "absent") return [];
      return [{ ...view(estate, vnetKey, m, deployment.state), ...(deployment.state === "unknown" && deployment.status ? { deploymentStatus: deployment.status } : {}) }];
    }),
  );
}

/** Which groups each VNet is in, per estate family. */
function membershipIndex(estate: Estate): Map<string, Membership[]> {
  return estate.memo("connected-group-members", () => {
    const { snapshot } = estate;
    const out = new Map<string, Membership[]>();
    const region = (k: string) => regionKey(snapshot.vnets.get(k)?.location);
    const add = (keys: readonly string[], configuration: ConnectivityConfiguration, global: boolean) => {
      const unique = [...new Set(keys)];
      // Regional: one group per region (a VNet whose region the input does not give joins every region's).
      const byRegion = new Map<string, string[]>();
      for (const k of unique) {
        const r = global ? "*" : (region(k) ?? "?");
        byRegion.set(r, [...(byRegion.get(r) ?? []), k]);
      }
      const unknown = byRegion.get("?") ?? [];
      for (const [r, keysOfRegion] of byRegion) {
        const members = r === "?" ? unique : [...keysOfRegion, ...unknown];
        if (members.length < 2) continue;
        for (const k of r === "?" ? unknown : keysOfRegion) out.set(k, [...(out.get(k) ?? []), { configuration, members }]);
      }
    };
    const members = (groupKey: string) => snapshot.networkGroups?.get(groupKey)?.memberVnetKeys ?? [];
    for (const c of snapshot.connectivityConfigurations?.values() ?? []) {
      if (c.topology === "Mesh") add(c.appliesToGroups.flatMap((g) => members(g.groupKey)), c, c.isGlobal);
      else for (const g of c.appliesToGroups) if (g.directlyConnected) add(members(g.groupKey).filter((m) => !c.hubVnetKeys.includes(m)), c, c.isGlobal || g.isGlobal);
    }
    return out;
  });
}

/** VNet `vnetKey`'s view of one group: the others' prefixes, and which of them overlap another member's space. */
function view(estate: Estate, vnetKey: string, m: Membership, deployment: ConnectedGroup["deployment"]): ConnectedGroup {
  const spaceOf = (k: string) => estate.snapshot.vnets.get(k)?.addressPrefixes ?? [];
  m.overlaps ??= overlapsIn(m.members, spaceOf);
  const prefixes: string[] = [];
  const overlapping: string[] = [];
  // A peering between two members governs their traffic: "if subnet peering is configured over these two VNETs, subnet
  // peering takes preference and the connectivity between nonpeered subnets gets dropped" (a whole-VNet peering's
  // routes are the group's anyway). https://learn.microsoft.com/azure/virtual-network/how-to-configure-subnet-peering
  const peered = new Set((estate.snapshot.vnets.get(vnetKey)?.peerings ?? []).filter((p) => p.remoteVnetKey && peeringConnected(estate, vnetKey, p)).map((p) => p.remoteVnetKey));
  for (const other of m.members) {
    if (other === vnetKey || peered.has(other)) continue;
    for (const p of spaceOf(other)) {
      prefixes.push(p);
      if (m.overlaps.has(`${other}|${p}`)) overlapping.push(p);
    }
  }
  return { configuration: m.configuration, prefixes, overlapping, vnetKeys: m.members.filter((k) => k !== vnetKey && !peered.has(k)), deployment };
}

/** The members' prefixes (`<member>|<prefix>`) that overlap a prefix of another member: once per group. */
function overlapsIn(members: readonly string[], spaceOf: (k: string) => readonly string[]): Set<string> {
  const all = members.flatMap((k) => spaceOf(k).map((p) => ({ k, p, r: cidrsToRanges([p]) })));
  const out = new Set<string>();
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [all[i], all[j]];
      if (a.k === b.k) continue;
      if (!iv.isEmpty(iv.intersect(a.r.v4, b.r.v4)) || !iv.isEmpty(iv.intersect(a.r.v6, b.r.v6))) out.add(`${a.k}|${a.p}`).add(`${b.k}|${b.p}`);
    }
  }
  return out;
}

/** The prefixes of every VNet a connected group joins `vnetKey` with, for its `VirtualNetwork` tag. */
export function connectedGroupPrefixes(estate: Estate, vnetKey: string): string[] {
  return connectedGroupsOf(estate, vnetKey).flatMap((g) => g.prefixes);
}

/** Words for a connected group's route: the configuration and its manager. */
export function connectedGroupWords(configuration: ConnectivityConfiguration): string {
  return `Connected group of connectivity configuration ${configuration.name} (network manager ${lastSegment(configuration.networkManagerKey)})`;
}

/**
 * The sentence saying a connected group may join more VNets than the input shows: a connectivity configuration applies
 * to a network group that is not in the input, or lists no static member (members Azure Policy adds cannot be read).
 * Undefined when every group is known. Memoised per estate family.
 */
export function connectedGroupMembershipNote(estate: Estate): string | undefined {
  return estate.memo("connected-group-membership-note", () => {
    const { snapshot } = estate;
    const unknown = new Set<string>();
    for (const c of snapshot.connectivityConfigurations?.values() ?? []) {
      for (const g of c.appliesToGroups) {
        const group = snapshot.networkGroups?.get(g.groupKey);
        if ((c.topology === "Mesh" || g.directlyConnected) && !group?.memberVnetKeys.length) unknown.add(`${c.name} (network group ${group?.name ?? lastSegment(g.groupKey)})`);
      }
    }
    if (!unknown.size) return undefined;
    return `Connectivity configuration${unknown.size > 1 ? "s" : ""} ${[...unknown].join(", ")} ${unknown.size > 1 ? "apply" : "applies"} to a network group whose members the input does not show (not listed, or added by Azure Policy): a connected group may join these VNets (add \`az network manager group static-member list\`).`;
  });
}
