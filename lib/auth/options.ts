import type { NextAuthOptions } from "next-auth";
import type { JWT } from "next-auth/jwt";
import AzureADProvider from "next-auth/providers/azure-ad";
import { isAllowed, matchingGrants } from "./access";
import { safeRedirect } from "./callback-url";
import { refreshAccessToken } from "./token-refresh";
import { authSettings, type AuthSettings, type SignInSettings } from "./settings";

/** Callback path segment: `${AUTH_URL}/api/auth/callback/microsoft-entra-id` is the app's redirect URI. */
export const PROVIDER_ID = "microsoft-entra-id";

/** A workday; the session cookie is rolled on use but never outlives this without activity. */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** What the encrypted, httpOnly session cookie holds. The user's tokens never leave the server. */
export interface AppToken extends JWT {
  oid?: string;
  /** The configured groups/roles this user holds (re-checked per request by isAllowed). */
  grants?: string[];
  accessToken?: string;
  accessTokenExpires?: number;
  refreshToken?: string;
  error?: "RefreshFailed";
}

/** Scope of the token the user hands the app for on-behalf-of: an API the app itself exposes. */
export function userApiScope(settings: AuthSettings): string | undefined {
  if (!settings.liveScanAsUser || !settings.signIn) return undefined;
  return process.env.LIVE_SCAN_USER_SCOPE?.trim() || `api://${settings.signIn.clientId}/access_as_user`;
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === "string" && value ? value : undefined;
}

/** `__Secure-` cookies when the public URL is https; the proxy and next-auth must agree on the name. */
export function sessionCookieIsSecure(signIn: SignInSettings): boolean {
  return signIn.url?.startsWith("https://") ?? false;
}

let cachedOptions: NextAuthOptions | undefined;

/** next-auth options, or undefined when sign-in is off (local mode). */
export function authOptions(): NextAuthOptions | undefined {
  const settings = authSettings();
  const signIn = settings.signIn;
  if (!signIn) return undefined;
  if (cachedOptions) return cachedOptions;

  const apiScope = userApiScope(settings);
  const scope = ["openid", "profile", "email", ...(apiScope ? ["offline_access", apiScope] : [])].join(" ");

  const entra = AzureADProvider({ clientId: signIn.clientId, clientSecret: signIn.clientSecret });
  cachedOptions = {
    secret: signIn.secret,
    // The proxy reads the same cookie name (see sessionCookieIsSecure).
    useSecureCookies: sessionCookieIsSecure(signIn),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      {
        ...entra,
        id: PROVIDER_ID,
        name: "Microsoft Entra ID",
        // Any OpenID issuer: Entra's `https://login.microsoftonline.com/<tenant>/v2.0`, or a local one in tests.
        wellKnown: `${signIn.issuer}/.well-known/openid-configuration`,
        authorization: { params: { scope } },
        idToken: true,
        checks: ["pkce", "state"],
        // The stock profile() fetches a photo from Microsoft Graph; the app stays offline and keeps no photo.
        profile(claims: Record<string, unknown>) {
          return {
            id: stringClaim(claims, "oid") ?? String(claims.sub),
            name: stringClaim(claims, "name") ?? stringClaim(claims, "preferred_username") ?? null,
            email: stringClaim(claims, "email") ?? stringClaim(claims, "preferred_username") ?? null,
            image: null,
          };
        },
      },
    ],
    callbacks: {
      // Only paths on this site: next-auth's default keeps any URL starting with "/", including `/\t/evil.example`.
      async redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const claims = profile as Record<string, unknown>;
          const fresh: AppToken = {
            sub: token.sub,
            name: token.name,
            email: token.email,
            oid: stringClaim(claims, "oid") ?? stringClaim(claims, "sub"),
            grants: matchingGrants(claims, signIn.allowedGroups),
          };
          if (apiScope && account.access_token) {
            fresh.accessToken = account.access_token;
            fresh.accessTokenExpires = account.expires_at;
            fresh.refreshToken = account.refresh_token;
          }
          return fresh;
        }
        const current = token as AppToken;
        if (current.refreshToken && current.accessTokenExpires && current.accessTokenExpires - 300 < Date.now() / 1000) {
          return refreshAccessToken(signIn, current, apiScope);
        }
        return current;
      },
      async session({ session, token }) {
        const appToken = token as AppToken;
        // Only what the page shows: no tokens, no group list.
        return {
          expires: session.expires,
          user: { name: appToken.name ?? null, email: appToken.email ?? null },
          allowed: isAllowed(appToken.grants, signIn.allowedGroups),
        };
      },
    },
  };
  return cachedOptions;
}
