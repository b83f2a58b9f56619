// Roles set in the dashboard override the uploaded profile, subnet by subnet, for this scan and the ones after it.
import type { Profile, Role, Snapshot } from "@/lib/model/types";
import { ROLES, resolveRoles } from "@/lib/snapshot";

export type RoleChoice = Role | "none";
export const ROLE_CHOICES: readonly RoleChoice[] = [...ROLES, "none"];

export interface RoleOverride {
  subnetKey: string;
  subnetId: string;
  role: RoleChoice;
}

export function isRoleChoice(value: unknown): value is RoleChoice {
  return typeof value === "string" && (ROLE_CHOICES as readonly string[]).includes(value);
}

/**
 * The overrides that change something for this snapshot and profile, as the engine's `roleOverrides` map.
 * Overrides for subnets absent from this snapshot are skipped (that estate has moved on); so are those that
 * agree with the profile already. Throws InputError when the profile itself is wrong, as the audit would.
 */
export function applicableOverrides(
  snapshot: Snapshot,
  profile: Profile,
  overrides: RoleOverride[],
  profileName = "profile",
): { map: Map<string, Role | null>; applied: RoleOverride[] } {
  const fromProfile = resolveRoles(snapshot, profile, profileName);
  const map = new Map<string, Role | null>();
  const applied: RoleOverride[] = [];
  for (const o of overrides) {
    if (!snapshot.subnets.has(o.subnetKey)) continue;
    if ((fromProfile.get(o.subnetKey) ?? "none") === o.role) continue;
    map.set(o.subnetKey, o.role === "none" ? null : o.role);
    applied.push(o);
  }
  return { map, applied };
}
