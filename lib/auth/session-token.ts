import { getToken } from "next-auth/jwt";
import type { AppToken } from "./options";
import { sessionCookieIsSecure } from "./options";
import type { SignInSettings } from "./settings";

type TokenRequest = Parameters<typeof getToken>[0]["req"];

/** The decrypted session cookie, or null (absent, expired, forged or sealed with another secret). */
export async function readSessionToken(req: TokenRequest, signIn: SignInSettings): Promise<AppToken | null> {
  const token = await getToken({ req, secret: signIn.secret, secureCookie: sessionCookieIsSecure(signIn) });
  return (token as AppToken | null) ?? null;
}
