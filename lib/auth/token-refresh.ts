import type { AppToken } from "./options";
import type { SignInSettings } from "./settings";

const discovered = new Map<string, string>();

async function tokenEndpoint(issuer: string): Promise<string> {
  const known = discovered.get(issuer);
  if (known) return known;
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`OpenID discovery of ${issuer} answered ${response.status}`);
  const endpoint = ((await response.json()) as { token_endpoint?: unknown }).token_endpoint;
  if (typeof endpoint !== "string") throw new Error(`OpenID discovery of ${issuer} has no token_endpoint`);
  discovered.set(issuer, endpoint);
  return endpoint;
}

/**
 * The user's API token (for on-behalf-of) lives about an hour, the session a workday: renew it with
 * the refresh token. On failure the token is dropped and marked, so a live scan as the user asks
 * for a new sign-in instead of failing later with an opaque Azure error.
 */
export async function refreshAccessToken(signIn: SignInSettings, token: AppToken, scope: string | undefined): Promise<AppToken> {
  try {
    const body = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: token.refreshToken ?? "",
      client_id: signIn.clientId,
      client_secret: signIn.clientSecret,
      ...(scope ? { scope: `${scope} offline_access` } : {}),
    });
    const response = await fetch(await tokenEndpoint(signIn.issuer), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json()) as { access_token?: string; expires_in?: number; refresh_token?: string };
    if (!response.ok || !answer.access_token) throw new Error(`token endpoint answered ${response.status}`);
    return {
      ...token,
      accessToken: answer.access_token,
      accessTokenExpires: Math.floor(Date.now() / 1000) + (answer.expires_in ?? 3600),
      refreshToken: answer.refresh_token ?? token.refreshToken,
      error: undefined,
    };
  } catch {
    return { ...token, accessToken: undefined, accessTokenExpires: undefined, refreshToken: undefined, error: "RefreshFailed" };
  }
}
