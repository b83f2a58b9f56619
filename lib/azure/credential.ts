// Which credential reads Azure: a service principal when its three variables are set,
// otherwise the DefaultAzureCredential chain (managed identity, az login, ...).
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { AzureEnv } from "./azure-env";

// Microsoft Entra authorities of the public and sovereign clouds (MSAL's trusted host list).
// Any other host (Azure Stack Hub, a private cloud, a test emulator) cannot be validated through
// login.microsoft.com instance discovery, so discovery must be off or every token request fails.
const KNOWN_AUTHORITY_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoft.com",
  "login.windows.net",
  "sts.windows.net",
  "login.microsoftonline.us",
  "login.usgovcloudapi.net",
  "login-us.microsoftonline.com",
  "login.cloudgovapi.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.microsoftonline.de",
]);

export function isKnownAuthorityHost(authorityHost: string): boolean {
  try {
    return KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

export function authorityOptions(env: AzureEnv): { authorityHost?: string; disableInstanceDiscovery?: boolean } {
  if (!env.authorityHost) return {};
  // @azure/identity does not derive this from AZURE_AUTHORITY_HOST on its own; it must be passed in code.
  return isKnownAuthorityHost(env.authorityHost)
    ? { authorityHost: env.authorityHost }
    : { authorityHost: env.authorityHost, disableInstanceDiscovery: true };
}

export function createCredential(env: AzureEnv): TokenCredential {
  const authority = authorityOptions(env);
  if (env.tenantId && env.clientId && env.clientSecret) {
    return new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, authority);
  }
  return new DefaultAzureCredential({ ...authority, ...(env.tenantId ? { tenantId: env.tenantId } : {}) });
}
