// Who may see the dashboard: pure decisions over ID-token claims and the session token.

/**
 * The configured groups (or app roles) this user's ID token carries. Entra puts group object ids in
 * `groups` (once "groups claim" is added in Token configuration) and app roles in `roles`. Only the
 * matches are kept in the session, not the user's whole group list (it can hold 200 ids).
 */
export function matchingGrants(claims: Record<string, unknown>, allowedGroups: readonly string[]): string[] {
  const held = new Set<string>();
  for (const claim of ["groups", "roles"]) {
    const value = claims[claim];
    if (!Array.isArray(value)) continue;
    for (const item of value) if (typeof item === "string") held.add(item.trim().toLowerCase());
  }
  return allowedGroups.filter((group) => held.has(group));
}

/**
 * Re-checked on every request against the current setting, so removing a group from
 * AUTH_ALLOWED_GROUPS revokes existing sessions at once. No groups configured = any signed-in user.
 */
export function isAllowed(grants: unknown, allowedGroups: readonly string[]): boolean {
  if (allowedGroups.length === 0) return true;
  if (!Array.isArray(grants)) return false;
  return grants.some((grant) => typeof grant === "string" && allowedGroups.includes(grant));
}
