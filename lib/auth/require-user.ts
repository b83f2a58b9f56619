import { cookies, headers } from "next/headers";
import { isAllowed } from "./access";
import { readSessionToken } from "./session-token";
import { authSettings } from "./settings";
import type { AppToken } from "./options";

export interface AppUser {
  name: string | null;
  email: string | null;
  /** Entra object id; null in local mode. */
  oid: string | null;
  /** Sign-in is off: everyone who can reach the (loopback) server is this one local user. */
  local: boolean;
}

/** Thrown by requireUser; `response()` is the JSON answer a route handler returns as is. */
export class AuthRequiredError extends Error {
  constructor(
    readonly status: 401 | 403,
    message = status === 401 ? "Sign-in required" : "Your account is not in a group allowed to use this dashboard",
  ) {
    super(message);
    this.name = "AuthRequiredError";
  }
  response(): Response {
    return Response.json({ error: this.message }, { status: this.status });
  }
}

const LOCAL_USER: AppUser = { name: "local", email: null, oid: null, local: true };

/** The session token of the current request (server components and route handlers). */
export async function currentSessionToken(): Promise<AppToken | null> {
  const signIn = authSettings().signIn;
  if (!signIn) return null;
  return readSessionToken({ headers: await headers(), cookies: await cookies() } as never, signIn);
}

/**
 * The signed-in, allowed user of this request. The proxy already refuses everyone else; this is for
 * handlers that need the identity, and a second lock should a route ever escape the proxy's matcher.
 */
export async function requireUser(): Promise<AppUser> {
  if (!authSettings().signIn) return LOCAL_USER;
  const token = await currentSessionToken();
  if (!token) throw new AuthRequiredError(401);
  if (!isAllowed(token.grants, authSettings().signIn!.allowedGroups)) throw new AuthRequiredError(403);
  return { name: token.name ?? null, email: token.email ?? null, oid: token.oid ?? null, local: false };
}
