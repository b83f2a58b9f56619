// Azure Virtual Network Manager connected groups: VNets a connectivity configuration joins without peerings. "Virtual
// networks in a connected group can communicate to each other just like if you were to connect virtual networks
// together manually", with effective routes of next hop type `ConnectedGroup`. A mesh joins every VNet of its network
// groups; a hub-and-spoke configuration joins the spokes of a group with direct connectivity (its hub peerings are
// ordinary peerings the VNets list). Only VNets of one region are joined unless the configuration (or, for direct
// connectivity, the group) is global. Group members are the static members the input lists (members added by Azure
// Policy cannot be seen); whether the configuration is deployed to the region cannot be read with GETs, so it is
// judged as deployed and the route's name says "takes effect once deployed".
// https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
import type { ConnectivityConfiguration, Snapshot } from "../model/types";
import { lastSegment } from "../snapshot/arm-id";

/** A VNet joined to another by a connected group, and the configuration that joins them. */
export interface ConnectedVnet {
  vnetKey: string;
  configuration: ConnectivityConfiguration;
}

const byConfigurations = new WeakMap<ReadonlyMap<string, ConnectivityConfiguration>, Map<string, ConnectedVnet[]>>();

/**
 * The VNets `vnetKey` shares a connected group with (itself excluded), each once with the first configuration that
 * joins them. Worked out once per set of configurations (estates derived by fixes share it: fixes never change them).
 * Never throws. https://learn.microsoft.com/azure/virtual-network-manager/concept-connectivity-configuration
 */
export function connectedGroupVnets(snapshot: Snapshot, vnetKey: string): readonly ConnectedVnet[] {
  const configurations = snapshot.connectivityConfigurations;
  if (!configurations?.size) return [];
  let index = byConfigurations.get(configurations);
  if (!index) byConfigurations.set(configurations, (index = buildIndex(snapshot, configurations)));
  return index.get(vnetKey) ?? [];
}

function buildIndex(snapshot: Snapshot, configurations: ReadonlyMap<string, ConnectivityConfiguration>): Map<string, ConnectedVnet[]> {
  const out = new Map<string, ConnectedVnet[]>();
  const region = (k: string) => snapshot.vnets.get(k)?.location?.toLowerCase().replace(/\s+/g, "");
  const join = (members: readonly string[], configuration: ConnectivityConfiguration, global: boolean) => {
    for (const a of members) {
      for (const b of members) {
        if (a === b) continue;
        // A VNet whose region the input does not give is taken to share it.
        const [ra, rb] = [region(a), region(b)];
        if (!global && ra && rb && ra !== rb) continue;
        const list = out.get(a) ?? [];
        if (!list.some((x) => x.vnetKey === b)) list.push({ vnetKey: b, configuration });
        out.set(a, list);
      }
    }
  };
  const members = (groupKey: string) => snapshot.networkGroups?.get(groupKey)?.memberVnetKeys ?? [];
  for (const c of configurations.values()) {
    if (c.topology === "Mesh") join([...new Set(c.appliesToGroups.flatMap((g) => members(g.groupKey)))], c, c.isGlobal);
    else for (const g of c.appliesToGroups) if (g.directlyConnected) join(members(g.groupKey).filter((m) => !c.hubVnetKeys.includes(m)), c, c.isGlobal || g.isGlobal);
  }
  return out;
}

/** Words for a connected group's route: the configuration, its manager, and that it holds once deployed. */
export function connectedGroupWords(configuration: ConnectivityConfiguration): string {
  return `Connected group of connectivity configuration ${configuration.name} (network manager ${lastSegment(configuration.networkManagerKey)}; takes effect once deployed to the region)`;
}
