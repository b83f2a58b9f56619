// The profile says which subnet plays which part (CONTRACT §1.2).
import { InputError } from "@/lib/errors";
import type { Profile, Role, Snapshot, Subnet } from "@/lib/model/types";
import { expectedMessage } from "./describe-value";
import { profileSchema } from "./schemas";
import { inputError, isObject, parseWith } from "./validate";

export const ROLES: readonly Role[] = ["cyclecloud", "cluster", "returnProxy"];

export function parseProfile(name: string, value: unknown): Profile {
  if (!isObject(value)) throw inputError(name, [], expectedMessage("object", value));
  const roles = parseWith(profileSchema, value, name, []).roles;
  return {
    roles: {
      cyclecloud: roles?.cyclecloud ?? [],
      cluster: roles?.cluster ?? [],
      returnProxy: roles?.returnProxy ?? [],
    },
  };
}

function describeSubnet(subnet: Subnet): string {
  return `${subnet.vnetName}/${subnet.name}`;
}

/** Subnets by `vnetname/subnetname`, lower-cased: the short ref users type. */
function indexByShortName(snapshot: Snapshot): Map<string, Subnet[]> {
  const index = new Map<string, Subnet[]>();
  for (const subnet of snapshot.subnets.values()) {
    const short = `${subnet.vnetName}/${subnet.name}`.toLowerCase();
    const list = index.get(short);
    if (list) list.push(subnet);
    else index.set(short, [subnet]);
  }
  return index;
}

/**
 * Resolves every ref of the profile to a subnet key. A ref that matches nothing, matches two
 * subnets, or puts one subnet in two roles is an input error: guessing would audit the wrong subnet.
 */
export function resolveRoles(snapshot: Snapshot, profile: Profile, profileName: string): Map<string, Role> {
  let shortNames: Map<string, Subnet[]> | undefined;
  const resolved = new Map<string, Role>();
  for (const role of ROLES) {
    profile.roles[role].forEach((rawRef, i) => {
      const at = `roles.${role}[${i}]`;
      const ref = rawRef.trim();
      let subnet: Subnet | undefined;
      if (ref.startsWith("/")) {
        subnet = snapshot.subnets.get(ref.toLowerCase());
      } else {
        shortNames ??= indexByShortName(snapshot);
        const matches = shortNames.get(ref.toLowerCase()) ?? [];
        if (matches.length > 1) {
          const subscriptions = [...new Set(matches.map((m) => m.subscriptionId))].join(", ");
          throw new InputError(
            profileName,
            at,
            `"${rawRef}" matches ${matches.length} subnets (subscriptions ${subscriptions}); use the full subnet id`,
          );
        }
        subnet = matches[0];
      }
      if (!subnet) throw new InputError(profileName, at, `no subnet matches ${JSON.stringify(rawRef)}`);
      const earlier = resolved.get(subnet.key);
      if (earlier !== undefined && earlier !== role) {
        throw new InputError(profileName, at, `subnet ${describeSubnet(subnet)} is already in role ${earlier}; a subnet plays one role`);
      }
      resolved.set(subnet.key, role);
    });
  }
  return resolved;
}
