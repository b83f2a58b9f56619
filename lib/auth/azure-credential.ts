// Live scans read Azure either as the app (its own identity, the default) or, with LIVE_SCAN_AS_USER=1,
// as the signed-in user through the on-behalf-of flow: each person then sees only the subscriptions
// their own Azure RBAC lets them read. The app exchanges the user's token for an ARM token; the
// user's token never reaches the browser (it lives in the encrypted, httpOnly session cookie).
import { OnBehalfOfCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import { isKnownAuthorityHost } from "@/lib/azure/credential";
import type { AppToken } from "./options";
import { AuthRequiredError, currentSessionToken } from "./require-user";
import { authSettings, type AuthSettings, type SignInSettings } from "./settings";

/** `https://login.microsoftonline.com/<tenant>/v2.0` → authority host and tenant id. */
export function authorityOf(issuer: string): { authorityHost: string; tenantId: string } {
  const url = new URL(issuer);
  const tenantId = url.pathname.split("/").filter(Boolean)[0];
  if (!tenantId) {
    throw new Error(`AUTH_MICROSOFT_ENTRA_ID_ISSUER ${issuer} names no tenant; expected https://login.microsoftonline.com/<tenant>/v2.0`);
  }
  return { authorityHost: url.origin, tenantId };
}

export function onBehalfOfCredential(signIn: SignInSettings, userAssertionToken: string): OnBehalfOfCredential {
  const { authorityHost, tenantId } = authorityOf(signIn.issuer);
  return new OnBehalfOfCredential({
    tenantId,
    clientId: signIn.clientId,
    clientSecret: signIn.clientSecret,
    userAssertionToken,
    authorityHost,
    // Only Microsoft's own authorities can be validated by instance discovery (a sovereign or test one cannot).
    ...(isKnownAuthorityHost(authorityHost) ? {} : { disableInstanceDiscovery: true }),
  });
}

/**
 * The credential a live scan should use for this user, or undefined for the app's own identity
 * (LIVE_SCAN_AS_USER off, or sign-in off: then there is no user to act for).
 */
export function userAzureCredential(settings: AuthSettings, token: AppToken | null): TokenCredential | undefined {
  if (!settings.liveScanAsUser || !settings.signIn) return undefined;
  if (!token?.accessToken) {
    // Fail closed: never fall back to the app identity, which may read more than this user may.
    throw new AuthRequiredError(401, "Live scans run as you: sign out and sign in again to renew your Azure access");
  }
  return onBehalfOfCredential(settings.signIn, token.accessToken);
}

/** For route handlers: `readAzure({ credential: await azureCredentialForRequest() })`. */
export async function azureCredentialForRequest(): Promise<TokenCredential | undefined> {
  const settings = authSettings();
  if (!settings.liveScanAsUser || !settings.signIn) return undefined;
  return userAzureCredential(settings, await currentSessionToken());
}

/** What to do when no credential is configured: the service principal variables, or `az login` (README "Live Azure"). */
export const NO_AZURE_CREDENTIAL =
  "No Azure credential: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a service principal with the Reader role) for the server, or run `az login` as the user that runs it (a managed identity works too).";

/**
 * One line for a failed sign-in before a live read (lib/azure/sign-in.ts's ReadError): no credential at all →
 * NO_AZURE_CREDENTIAL; otherwise Entra's code and the first sentence of its message, never the SDK's whole chain.
 * https://learn.microsoft.com/javascript/api/@azure/identity/defaultazurecredential
 */
export function describeSignInFailure(failure: { code: string; message: string }, asUser: boolean): string {
  if (!asUser && (failure.code === "CredentialUnavailableError" || failure.code === "AggregateAuthenticationError")) return NO_AZURE_CREDENTIAL;
  if (failure.code === "Timeout") return `Azure sign-in did not answer (${failure.message}); check the server's network access to Microsoft Entra ID.`;
  const sentence = failure.message.replace(/\s+/g, " ").trim();
  const first = /^(.{1,240}?[.!?])(\s|$)/.exec(sentence)?.[1] ?? `${sentence.slice(0, 240)}${sentence.length > 240 ? "…" : ""}`;
  return `Azure sign-in failed (${failure.code}): ${first}`;
}
