// Destinations by name. The CycleCloud page lists what CycleCloud must reach by FQDN; an Azure Firewall's
// application rules match names, not addresses, so a flow that meets one is judged per name.
// https://learn.microsoft.com/azure/cyclecloud/how-to/running-in-locked-down-network
// https://learn.microsoft.com/azure/firewall/rule-processing

/** The names a flow is about at a firewall: the service's own FQDNs, or any name at all (Internet egress). */
export type NameTarget = { kind: "names"; names: readonly string[] } | { kind: "any" };

export const ANY_NAME: NameTarget = { kind: "any" };

/**
 * The seed page's FQDNs per service tag. Storage is reached at per-account names, so its target is the
 * wildcard the firewall has to allow; a rule naming one account covers only part of it.
 */
export const SEED_FQDNS: Readonly<Record<string, readonly string[]>> = {
  azureresourcemanager: ["management.azure.com"],
  azureactivedirectory: ["login.microsoftonline.com"],
  azuremonitor: ["dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com"],
  storage: ["*.blob.core.windows.net"],
};

/** The seed's four service tags as Azure spells them (one list for every module that names them). */
export const SEED_TAGS = ["AzureResourceManager", "AzureActiveDirectory", "AzureMonitor", "Storage"] as const;

/** The seed's service tags as Azure spells them, by their lower-case keys in SEED_FQDNS. */
const SEED_TAG_NAMES: Readonly<Record<string, string>> = Object.fromEntries(SEED_TAGS.map((t) => [t.toLowerCase(), t]));

/**
 * A storage account's service names: `<account>.<blob|file|queue|table|dfs>.core.windows.net` (and a static
 * website's `<account>.z<nn>.web.core.windows.net`), or a `*.` wildcard of one; their public addresses are in
 * service tag Storage. https://learn.microsoft.com/azure/storage/common/storage-account-overview#standard-endpoints
 */
const STORAGE_NAME = /^(\*|[a-z0-9-]+)(\.z[0-9]+\.web|\.(blob|file|queue|table|dfs))\.core\.windows\.net$/;

/**
 * The service tag whose addresses a destination name stands for, as the audit maps names to tags: the seed's
 * FQDNs (management.azure.com → AzureResourceManager, login.microsoftonline.com → AzureActiveDirectory, the
 * Application Insights names → AzureMonitor) and a storage account's service names (→ Storage). Undefined for
 * any other name, which the flow query takes as the public Internet outside the CycleCloud page's tags (AzureCloud's
 * addresses among it: such a name may resolve into Azure). Case and a trailing dot do not matter.
 */
export function serviceTagOfName(name: string): string | undefined {
  const n = norm(name);
  const key = Object.entries(SEED_FQDNS).find(([, names]) => names.includes(n))?.[0];
  if (key) return SEED_TAG_NAMES[key];
  return STORAGE_NAME.test(n) ? "Storage" : undefined;
}

/** Names CycleCloud uses beyond the four service tags (seed page), and what it loses without them. */
export const GITHUB_FQDNS = ["github.com", "codeload.github.com", "objects.githubusercontent.com"] as const;
export const TELEMETRY_FQDNS = ["watson.telemetry.microsoft.com"] as const;
export const PRICE_SHEET_FQDNS = ["ratecard.azure-api.net"] as const;

/** Every FQDN the seed page names, to tell an allow-list's extra names apart. */
export const SEED_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(SEED_FQDNS).flat(),
  ...TELEMETRY_FQDNS,
  ...PRICE_SHEET_FQDNS,
]);

const norm = (s: string) => {
  // Most names arrive already normalised (compiled rules, the seed's lists): skip the work then.
  const t = s.trim();
  const lower = t.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
};

/**
 * Whether a firewall FQDN pattern (`management.azure.com`, `*.blob.core.windows.net`, `*`) covers the whole
 * of a target, which may itself be a wildcard (`*.blob.core.windows.net`). Azure Firewall wildcards stand
 * only at the start and match one or more labels.
 */
export function patternCovers(pattern: string, target: string): boolean {
  const p = norm(pattern);
  const t = norm(target);
  if (p === "*" || p === t) return true;
  if (p.charCodeAt(0) !== 42 /* * */ || p.charCodeAt(1) !== 46 /* . */) return false;
  // `*.S` covers every name under S; a wildcard target `*.T` is covered when T is S or lies under it.
  const dotSuffix = p.slice(1);
  if (t.startsWith("*.")) return t.slice(1) === dotSuffix || t.endsWith(dotSuffix);
  return t.endsWith(dotSuffix);
}

/** Whether a pattern covers some but not all of a wildcard target (`acct.blob.core.windows.net` in `*.blob.core.windows.net`). */
export function patternOverlaps(pattern: string, target: string): boolean {
  if (patternCovers(pattern, target)) return true;
  const t = norm(target);
  if (!t.startsWith("*.")) return false;
  const p = norm(pattern);
  const suffix = t.slice(1);
  return p.endsWith(suffix) && p.length > suffix.length;
}

/**
 * A pattern that lets a broad, open-ended part of the Internet through: `*`, a top-level-domain wildcard
 * (`*.com`), or a registrable-domain-wide wildcard of a shared host (`*.azurewebsites.net` is narrower and
 * not counted). The contract counts these as egress that leaves.
 */
export function isBroadPattern(pattern: string): boolean {
  const p = norm(pattern);
  if (p === "*") return true;
  if (!p.startsWith("*.")) return false;
  return p.slice(2).split(".").length < 2;
}
