// The profile file's shape (CONTRACT §1.2) and its parse into a Profile: which subnet plays which part, in which
// CycleCloud deployment, and the CycleCloud server, HTTPS proxy and storage account of each. Pure and small (zod and
// the IP parser only), so the upload form checks a profile in the browser with the server's own schema.
import { z } from "zod";
import type { Deployment, Profile, ProxySetting } from "@/lib/model/types";
import { parseCidr } from "@/lib/net/ip";
import { expectedMessage } from "./describe-value";
import { inputError, isObject, parseWith } from "./validate";

/** The name of the one deployment a `{ roles }` profile describes (README "Inputs"). */
export const SINGLE_DEPLOYMENT = "default";

/**
 * A deployment's name, in a profile and in a dashboard role edit alike: 1-200 characters, not all spaces, no control
 * character (it appears in labels and exports, and encoded in URLs). Profiles written before this rule named
 * deployments freely (`prod (weu)`, `Zürich`, `prod/weu`), so it refuses only what cannot be shown on one line.
 */
export const DEPLOYMENT_NAME = /^(?!\s*$)[^\u0000-\u001f\u007f-\u009f]{1,200}$/u;
/** What DEPLOYMENT_NAME asks for, in an error message. */
export const DEPLOYMENT_NAME_RULE = "expected a deployment name of 1-200 characters, not all spaces, without control characters";

/** The top-level keys a profile may have; any other is an input error. */
export const PROFILE_KEYS = ["roles", "deployments", "cyclecloudServer", "proxy", "storageAccount"] as const;

const refs = z.array(z.string()).nullish();
const roleLists = { cyclecloud: refs, cluster: refs, returnProxy: refs };

/**
 * Whether an IPv4 address is written with a leading zero in an octet (`10.10.2.04`, `010.0.0.1`). ARM refuses such an
 * address in a resource (lib/snapshot/field-values.ts), and other tools (inet_aton, curl, many proxies' configs) read
 * `010` as octal 8: in a profile, which names one machine, the spelling is ambiguous, so it is refused, not guessed.
 */
export function hasLeadingZeroOctet(address: string): boolean {
  const s = address.trim();
  return !s.includes(":") && s.split(/[./]/).slice(0, 4).some((octet) => /^0\d/.test(octet));
}

const LEADING_ZERO = "expected an IP address without leading zeros in an octet (some tools read 010 as octal 8)";
const proxySchema = z.strictObject({
  address: z
    .string()
    .refine((s) => parseCidr(s) !== null && !s.includes("/"), { error: "expected an IP address" })
    .refine((s) => !hasLeadingZeroOctet(s), { error: LEADING_ZERO }),
  port: z.number().int().min(1).max(65535),
});
const serverSchema = z.array(z.string()).nullish();
// CycleCloud's storage account (its locker): an account id, or the account's name (names are unique in Azure).
const storageAccountSchema = z
  .string()
  .refine((s) => (s.trim().startsWith("/") ? /\/providers\/microsoft\.storage\/storageaccounts\/[^/]+$/i.test(s.trim()) : /^[a-z0-9]{3,24}$/.test(s.trim())), {
    error: "expected a storage account id (/subscriptions/…/providers/Microsoft.Storage/storageAccounts/<name>) or name (3-24 lower-case letters and digits)",
  })
  .nullish();
// Strict: a key the product does not know is an input error, never ignored (CONTRACT §1.2).
const deploymentSchema = z.strictObject({ name: z.string().regex(DEPLOYMENT_NAME, { error: DEPLOYMENT_NAME_RULE }), ...roleLists, cyclecloudServer: serverSchema, proxy: proxySchema.nullish(), storageAccount: storageAccountSchema });
const profileSchema = z.strictObject({
  roles: z.strictObject(roleLists).nullish(),
  deployments: z.array(deploymentSchema).nullish(),
  cyclecloudServer: serverSchema,
  proxy: proxySchema.nullish(),
  storageAccount: storageAccountSchema,
});

/**
 * Whether a parsed JSON file is meant as a profile rather than Azure resources or service tags: an object without
 * `type` or a resource list (`value`, `data`, `resources`, `values`) that has at least one profile key
 * (`PROFILE_KEYS`). Such a file is read as a profile (the upload form) and refused as a snapshot (`unwrapSource`), so
 * the two never disagree on what a file is. It may still be a bad profile: `parseProfile` says where.
 */
export function looksLikeProfile(value: unknown): boolean {
  if (!isObject(value) || typeof value.type === "string") return false;
  if (["value", "data", "resources", "values"].some((k) => k in value)) return false;
  return PROFILE_KEYS.some((k) => k in value);
}

/**
 * Whether a parsed JSON file is a service tags file (`ServiceTags_Public_*.json`, `{ "values": [...] }`) rather than
 * Azure resources: an object without `type` or `id` whose `values` is a list. Read as service tags by the upload form,
 * refused as a snapshot (`unwrapSource`), by this one test.
 */
export function looksLikeServiceTags(value: unknown): boolean {
  return isObject(value) && typeof value.type !== "string" && typeof value.id !== "string" && Array.isArray(value.values) && !("resources" in value);
}

const list = (v: string[] | null | undefined) => v ?? [];

/**
 * Why `value` is not a profile at all, in one line, or undefined: a snapshot (an array of resources, `{value}`,
 * `{data}`, `{resources}`, a resource with `type`) or a service tags file given as the profile. Otherwise the strict
 * schema would name the first key (`value: not a known setting`), which does not say what went wrong.
 */
function notAProfile(value: unknown): string | undefined {
  if (looksLikeServiceTags(value)) return "this looks like a service tags file (ServiceTags_Public_*.json), not a profile; give it with --service-tags";
  // An array is a snapshot when it holds a resource (an empty one is just the wrong shape).
  const isResource = (v: unknown) => isObject(v) && (typeof v.type === "string" || typeof v.id === "string");
  const resources = Array.isArray(value) ? value.some(isResource) : isObject(value) && (typeof value.type === "string" || ["value", "data", "resources"].some((k) => Array.isArray(value[k])));
  if (resources && !(isObject(value) && PROFILE_KEYS.some((k) => k in value))) return "this looks like a snapshot (ARM resources), not a profile; give it with --snapshot, and as --profile a file naming the role subnets ({\"roles\": {\"cyclecloud\": [...], \"cluster\": [...]}})";
  return undefined;
}

/**
 * Refuses a `cyclecloudServer` entry given twice (the same text, ignoring case and surrounding spaces: ids are
 * case-insensitive), naming the second, and an IPv4 address with a leading zero in an octet (hasLeadingZeroOctet).
 */
function checkServers(name: string, servers: string[] | null | undefined, at: (string | number)[]): void {
  const first = new Map<string, number>();
  (servers ?? []).forEach((ref, i) => {
    const key = ref.trim().toLowerCase();
    const earlier = first.get(key);
    if (earlier !== undefined) throw inputError(name, [...at, i], `${JSON.stringify(ref.trim())} is given twice (also ${at[at.length - 1]}[${earlier}])`);
    first.set(key, i);
    if (!key.startsWith("/") && parseCidr(key) && hasLeadingZeroOctet(key)) throw inputError(name, [...at, i], LEADING_ZERO);
  });
}

/**
 * Reads a profile: `{roles, cyclecloudServer?, proxy?, storageAccount?}` (one deployment named `default`) and/or
 * `{deployments: [...]}`. Throws an InputError naming the file and JSON path on an unknown key, a wrong
 * type, a duplicate deployment name, or a top-level server/proxy beside `deployments` without `roles`.
 * Whether each ref names a subnet is `resolveRoles`' job (lib/snapshot/profile.ts), against a snapshot.
 */
export function parseProfile(name: string, value: unknown): Profile {
  const other = notAProfile(value);
  if (other) throw inputError(name, [], other);
  if (!isObject(value)) throw inputError(name, [], expectedMessage("object", value));
  const p = parseWith(profileSchema, value, name, []);
  checkServers(name, p.cyclecloudServer, ["cyclecloudServer"]);
  (p.deployments ?? []).forEach((d, i) => checkServers(name, d.cyclecloudServer, ["deployments", i, "cyclecloudServer"]));
  const deployments: Deployment[] = [];
  const hasRoles = !!p.roles;
  if (hasRoles || (!p.deployments && (p.cyclecloudServer || p.proxy || p.storageAccount))) {
    deployments.push({
      name: SINGLE_DEPLOYMENT,
      roles: { cyclecloud: list(p.roles?.cyclecloud), cluster: list(p.roles?.cluster), returnProxy: list(p.roles?.returnProxy) },
      cyclecloudServer: list(p.cyclecloudServer),
      ...(p.proxy ? { proxy: p.proxy as ProxySetting } : {}),
      ...(p.storageAccount ? { storageAccount: p.storageAccount.trim() } : {}),
    });
  } else if (p.cyclecloudServer || p.proxy || p.storageAccount) {
    throw inputError(name, [p.proxy ? "proxy" : p.cyclecloudServer ? "cyclecloudServer" : "storageAccount"], "stands beside `roles` only; with `deployments`, put it in the deployment");
  }
  // Compared as a reader sees them: `prod`, `PROD` and `prod ` are one deployment written twice.
  const seen = new Set(deployments.map((d) => d.name.toLowerCase()));
  (p.deployments ?? []).forEach((d, i) => {
    const trimmed = d.name.trim();
    if (seen.has(trimmed.toLowerCase())) {
      throw inputError(name, ["deployments", i, "name"], `deployment name ${JSON.stringify(d.name)} is used twice${trimmed !== d.name ? " (names are compared without surrounding spaces)" : ""}`);
    }
    seen.add(trimmed.toLowerCase());
    deployments.push({
      name: trimmed,
      roles: { cyclecloud: list(d.cyclecloud), cluster: list(d.cluster), returnProxy: list(d.returnProxy) },
      cyclecloudServer: list(d.cyclecloudServer),
      ...(d.proxy ? { proxy: d.proxy as ProxySetting } : {}),
      ...(d.storageAccount ? { storageAccount: d.storageAccount.trim() } : {}),
    });
  });
  const roles = { cyclecloud: deployments.flatMap((d) => d.roles.cyclecloud), cluster: deployments.flatMap((d) => d.roles.cluster), returnProxy: deployments.flatMap((d) => d.roles.returnProxy) };
  return deployments.length ? { roles, deployments } : { roles };
}
