// Roles set in the dashboard override the profile, subnet by subnet, for this scan and the estate's scans after it
// (until an upload brings a profile of its own: Store.createScan `profileReplacesRoles`).
import type { Profile, Role, Snapshot } from "@/lib/model/types";
import { ROLES, resolveRoles } from "@/lib/snapshot";
import type { ResolveOptions } from "@/lib/snapshot/profile";

export type RoleChoice = Role | "none";
export const ROLE_CHOICES: readonly RoleChoice[] = [...ROLES, "none"];

export interface RoleOverride {
  subnetKey: string;
  subnetId: string;
  role: RoleChoice;
  /** The deployment (CONTRACT §1.2) the subnet joins with this role; absent: the profile's, or its first. */
  deployment?: string;
}

export function isRoleChoice(value: unknown): value is RoleChoice {
  return typeof value === "string" && (ROLE_CHOICES as readonly string[]).includes(value);
}

/**
 * The overrides that change something for this snapshot and profile, as the engine's `roleOverrides` map.
 * Overrides for subnets absent from this snapshot are skipped (that estate has moved on); so are those that
 * agree with the profile already. Throws InputError when the profile itself is wrong, as the audit would
 * (`resolveOptions.partialRead`: a snapshot from a partial live read, whose unmatched refs are left out, not errors).
 */
export function applicableOverrides(
  snapshot: Snapshot,
  profile: Profile,
  overrides: RoleOverride[],
  profileName = "profile",
  resolveOptions: ResolveOptions = {},
): { map: Map<string, Role | null>; applied: RoleOverride[]; deployments: Map<string, string> } {
  const fromProfile = resolveRoles(snapshot, profile, profileName, resolveOptions);
  const map = new Map<string, Role | null>();
  const applied: RoleOverride[] = [];
  const deployments = new Map<string, string>();
  for (const o of overrides) {
    if (!snapshot.subnets.has(o.subnetKey)) continue;
    // An override that names a deployment may move a subnet between deployments without changing its role.
    const placed = o.deployment !== undefined && o.role !== "none";
    if ((fromProfile.get(o.subnetKey) ?? "none") === o.role && !placed) continue;
    map.set(o.subnetKey, o.role === "none" ? null : o.role);
    if (placed) deployments.set(o.subnetKey, o.deployment!);
    applied.push(o);
  }
  return { map, applied, deployments };
}

// A deployment name as the dashboard accepts it (trimmed): the profile parser's own rule, so a name a role edit
// creates can be written into a profile file, and the reverse.
export { DEPLOYMENT_NAME, DEPLOYMENT_NAME_RULE } from "@/lib/snapshot/parse-profile";
