// Whether a Virtual Network Manager configuration is deployed to a region, as the network manager's deployment status
// list says (`az network manager list-deploy-status`, or the live read's listDeploymentStatus). A configuration
// takes effect in a region only once committed there, and "a commit deploys the whole set of a region's
// configurations of one type": a region whose finished deployment lists other configurations has none of the rest.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
// https://learn.microsoft.com/rest/api/networkmanager/network-managers/list-deployment-status
import type { Estate } from "../nsg/estate";

/** The configuration types of the list: connectivity, and security admin (`SecurityAdmin`, or `AdminPolicy` in Microsoft's sample). */
export type DeploymentKind = "connectivity" | "securityAdmin";

/**
 * `deployed`; `absent` when the region's finished deployment of that kind is listed without the configuration;
 * `unknown` when no entry settles it (no list, no entry for the region, a region not given, or a deployment
 * `NotStarted`, `Deploying` or `Failed`, whose `status` is then given for the words).
 */
export type DeploymentState = { state: "deployed" } | { state: "absent"; deployedThere: string[] } | { state: "unknown"; status?: string };

/** A region as the list and ARM's `location` both spell it, compared: lower case, no spaces. */
export const regionKey = (location: string | undefined) => location?.toLowerCase().replace(/\s+/g, "") || undefined;

const KIND_TYPES: Record<DeploymentKind, readonly string[]> = {
  connectivity: ["connectivity"],
  securityAdmin: ["securityadmin", "adminpolicy"],
};

/**
 * What the input's deployment status lists say of configuration `configuration` (its id, lower-cased, and name) of
 * kind `kind` in region `location`. Entries without a `deploymentType` count for either kind. Configurations are
 * named by id or, as in Microsoft's sample, by name. Never throws.
 */
export function deploymentIn(estate: Estate, configuration: { key: string; name: string }, kind: DeploymentKind, location: string | undefined): DeploymentState {
  const region = regionKey(location);
  if (!region) return { state: "unknown" };
  const types = KIND_TYPES[kind];
  const entries = (estate.snapshot.deploymentStatuses ?? []).filter((e) => e.region === region && (!e.type || types.includes(e.type.toLowerCase())));
  if (!entries.length) return { state: "unknown" };
  const names = [configuration.key, configuration.name.toLowerCase()];
  const mine = entries.filter((e) => e.configurations.some((c) => names.includes(c)));
  const deployed = (e: { status: string }) => e.status.toLowerCase() === "deployed";
  if (mine.some(deployed)) return { state: "deployed" };
  if (mine.length) return { state: "unknown", status: mine[0].status };
  const finished = entries.filter(deployed);
  if (finished.length) return { state: "absent", deployedThere: [...new Set(finished.flatMap((e) => e.configurations.map(shortName)))] };
  return { state: "unknown", status: entries[0].status };
}

/** A configuration as the list names it, for words: the last segment of an id. */
const shortName = (c: string) => c.split("/").pop() ?? c;
