// The environment of CONTRACT §1.3, parsed once at the boundary.
import { z } from "zod";
import { InputError } from "../errors";

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

// Subscription ids are GUIDs; a typo here should be a clear input error, not a 404 per call.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const httpsUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return new URL(v).protocol === "https:";
    } catch {
      return false;
    }
  }, "expected an https:// URL");

export interface AzureEnv {
  /** ARM endpoint without a trailing slash, e.g. `https://management.azure.com`. */
  armEndpoint: string;
  /** The token scope every ARM client asks for: `<endpoint>/.default`. */
  armScope: string;
  authorityHost?: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Explicit subscriptions, or undefined to list every subscription the credential sees. */
  subscriptionIds?: string[];
}

function blankToUndefined(v: string | undefined): string | undefined {
  return v && v.trim() ? v.trim() : undefined;
}

function fail(variable: string, detail: string): never {
  throw new InputError("environment", variable, detail);
}

/** Any environment-like record: `process.env`, or a copy with some variables set. */
export type EnvLike = Readonly<Record<string, string | undefined>>;

export function readAzureEnv(env: EnvLike): AzureEnv {
  const endpointRaw = blankToUndefined(env.AZURE_RESOURCE_MANAGER_ENDPOINT) ?? DEFAULT_ARM_ENDPOINT;
  const endpoint = httpsUrl.safeParse(endpointRaw);
  if (!endpoint.success) fail("AZURE_RESOURCE_MANAGER_ENDPOINT", `expected an https:// URL, got ${JSON.stringify(endpointRaw)}`);
  const armEndpoint = endpoint.data.replace(/\/+$/, "");

  const authorityRaw = blankToUndefined(env.AZURE_AUTHORITY_HOST);
  let authorityHost: string | undefined;
  if (authorityRaw) {
    const parsed = httpsUrl.safeParse(authorityRaw);
    if (!parsed.success) fail("AZURE_AUTHORITY_HOST", `expected an https:// URL, got ${JSON.stringify(authorityRaw)}`);
    authorityHost = parsed.data.replace(/\/+$/, "");
  }

  let subscriptionIds: string[] | undefined;
  const subsRaw = blankToUndefined(env.AZURE_SUBSCRIPTION_IDS);
  if (subsRaw) {
    const ids = subsRaw.split(",").map((s) => s.trim()).filter(Boolean);
    ids.forEach((id, i) => {
      if (!GUID.test(id)) fail(`AZURE_SUBSCRIPTION_IDS[${i}]`, `expected a subscription id (GUID), got ${JSON.stringify(id)}`);
    });
    // Same subscription twice would read it twice; ids are case-insensitive.
    const seen = new Set<string>();
    subscriptionIds = ids.filter((id) => {
      const key = id.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  return {
    armEndpoint,
    armScope: `${armEndpoint}/.default`,
    authorityHost,
    tenantId: blankToUndefined(env.AZURE_TENANT_ID),
    clientId: blankToUndefined(env.AZURE_CLIENT_ID),
    clientSecret: blankToUndefined(env.AZURE_CLIENT_SECRET),
    subscriptionIds,
  };
}
