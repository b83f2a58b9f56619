// Whether a Virtual Network Manager configuration is deployed to a region, as its network manager's deployment status
// list says (`az network manager list-deploy-status`, or the live read's listDeploymentStatus). A configuration takes
// effect in a region only once committed there, and a commit sets the region's goal state for one network manager and
// one configuration type: "only one security admin configuration can be deployed from a single network manager to a
// region at a time". Several managers may each deploy their own there, so only a manager's own list settles what it
// left out. https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
// https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status
import type { Snapshot } from "../model/types";
import type { Estate } from "../nsg/estate";

/** The configuration types of the list: connectivity, and security admin (`SecurityAdmin`, or `AdminPolicy` in Microsoft's sample). */
export type DeploymentKind = "connectivity" | "securityAdmin";

/**
 * `deployed`; `absent` when the manager's own finished deployment of that kind to the region does not name the
 * configuration; `unknown` otherwise — with `status` when the list names the configuration in a deployment that is not
 * `Deployed` (`NotStarted`, `Deploying`, `Failed`).
 */
export type DeploymentState = { state: "deployed" } | { state: "absent"; deployedThere: string[] } | { state: "unknown"; status?: string };

/** A region as the list and ARM's `location` both spell it, compared: lower case, no spaces. */
export const regionKey = (location: string | undefined) => location?.toLowerCase().replace(/\s+/g, "") || undefined;

const KIND_TYPES: Record<DeploymentKind, readonly string[]> = {
  connectivity: ["connectivity"],
  securityAdmin: ["securityadmin", "adminpolicy"],
};
const KIND_SEGMENT: Record<DeploymentKind, string> = { connectivity: "/connectivityconfigurations/", securityAdmin: "/securityadminconfigurations/" };

type Entry = NonNullable<Snapshot["deploymentStatuses"]>[number];

/** An entry with what it belongs to: its network manager (key) and kind, where the entry or its ids tell. */
interface Attributed {
  entry: Entry;
  manager?: string;
  kind?: DeploymentKind;
}

/**
 * What the input's deployment status lists say of configuration `configuration` (its id, lower-cased, name and network
 * manager key) of kind `kind` in region `location`. An entry belongs to a manager when it names it (the live read tags
 * each entry with the manager it listed) or when its configuration ids are that manager's; to a kind when its
 * `deploymentType` says so and its ids' path does not say otherwise (an untyped entry: its ids' path). Only the
 * manager's own entries settle `absent`. An entry of bare names, as in Microsoft's sample, belongs to no known manager:
 * it can show a configuration deployed (or not yet) by its name when no other configuration of the input has that
 * name, never what was left out. Never throws.
 */
export function deploymentIn(estate: Estate, configuration: { key: string; name: string; managerKey: string }, kind: DeploymentKind, location: string | undefined): DeploymentState {
  const region = regionKey(location);
  if (!region) return { state: "unknown" };
  const here = latestCommits(attributed(estate).filter((a) => a.entry.region === region && a.kind === kind));
  const name = configuration.name.toLowerCase();
  const ours = here.filter((a) => a.manager === configuration.managerKey);
  const loose = here.filter((a) => a.manager === undefined && uniqueNames(estate, kind).has(name));
  const mine = [...ours, ...loose].filter((a) => a.entry.configurations.some((c) => c === configuration.key || c === name));
  const deployed = (a: Attributed) => a.entry.status.toLowerCase() === "deployed";
  if (mine.some(deployed)) return { state: "deployed" };
  if (mine.length) return { state: "unknown", status: mine[0].entry.status };
  const finished = ours.filter(deployed);
  if (finished.length) return { state: "absent", deployedThere: [...new Set(finished.flatMap((a) => a.entry.configurations.map(shortName)))] };
  return { state: "unknown" };
}

/**
 * The entries of the latest commit of each manager (bare-name entries as one group): two exports of one list taken at
 * different times must not unite an old deployment with a newer one that replaced it. Entries without a commit time
 * are kept.
 */
function latestCommits(entries: Attributed[]): Attributed[] {
  const latest = new Map<string, number>();
  for (const a of entries) {
    if (!a.entry.commitTime) continue;
    const at = Date.parse(a.entry.commitTime);
    const k = a.manager ?? "";
    if (!(latest.get(k)! >= at)) latest.set(k, at);
  }
  return entries.filter((a) => !a.entry.commitTime || Date.parse(a.entry.commitTime) === latest.get(a.manager ?? ""));
}

/** Whether the input holds any entry of network manager `managerKey`'s deployment status list (an empty list says nothing). */
export function hasDeploymentList(estate: Pick<Estate, "snapshot" | "memo">, managerKey: string): boolean {
  const { snapshot } = estate;
  const names = new Set<string>();
  for (const c of snapshot.connectivityConfigurations?.values() ?? []) if (c.networkManagerKey === managerKey) names.add(c.name.toLowerCase());
  for (const c of snapshot.adminRuleCollections?.values() ?? []) if (c.networkManagerKey === managerKey) names.add(c.configurationName.toLowerCase());
  return attributed(estate).some((a) => a.manager === managerKey || (a.manager === undefined && a.entry.configurations.some((c) => names.has(c))));
}

/** Every entry with its manager and kind, worked out once per estate family. */
function attributed(estate: Pick<Estate, "snapshot" | "memo">): Attributed[] {
  return estate.memo("deployment-status-entries", () =>
    (estate.snapshot.deploymentStatuses ?? []).map((entry) => {
      const fromIds = new Set(entry.configurations.map((c) => MANAGER_OF.exec(c)?.[1]));
      const manager = entry.manager ?? (fromIds.size === 1 ? [...fromIds][0] : undefined);
      const typed = entry.type?.toLowerCase();
      const byType = typed === undefined ? undefined : KINDS.find((k) => KIND_TYPES[k].includes(typed));
      const byPath = entry.configurations.length ? KINDS.find((k) => entry.configurations.every((c) => c.includes(KIND_SEGMENT[k]))) : undefined;
      const pathSays = entry.configurations.some((c) => c.startsWith("/"));
      // A type the ids' path contradicts is not trusted either way.
      const kind = byType && pathSays && byPath !== byType ? undefined : (byType ?? byPath);
      return { entry, ...(manager ? { manager } : {}), ...(kind ? { kind } : {}) };
    }),
  );
}

const KINDS = Object.keys(KIND_TYPES) as DeploymentKind[];
const MANAGER_OF = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.network\/networkmanagers\/[^/]+)\//;

/** The configuration names of a kind that only one configuration of the input has (lower case). */
function uniqueNames(estate: Pick<Estate, "snapshot" | "memo">, kind: DeploymentKind): Set<string> {
  return estate.memo(`deployment-unique-names|${kind}`, () => {
    const { snapshot } = estate;
    const keysByName = new Map<string, Set<string>>();
    const add = (name: string, key: string) => keysByName.set(name.toLowerCase(), (keysByName.get(name.toLowerCase()) ?? new Set()).add(key));
    if (kind === "connectivity") for (const c of snapshot.connectivityConfigurations?.values() ?? []) add(c.name, c.key);
    else for (const c of snapshot.adminRuleCollections?.values() ?? []) add(c.configurationName, c.configurationKey);
    return new Set([...keysByName].filter(([, keys]) => keys.size === 1).map(([name]) => name));
  });
}

/** A configuration as the list names it, for words: the last segment of an id. */
const shortName = (c: string) => c.split("/").pop() ?? c;
