// Every request passes here first (Next 16 "proxy", formerly middleware): security headers on every
// answer, cross-site mutations refused, and, when sign-in is on, nobody but a signed-in, allowed user
// reaches a page or API route. Central, so a route added later is covered without doing anything.
import { NextResponse, type NextRequest } from "next/server";
import { isAllowed } from "@/lib/auth/access";
import { crossSiteRefusal } from "@/lib/auth/cross-site";
import { contentSecurityPolicy, createNonce, isHttps, securityHeaders } from "@/lib/auth/security-headers";
import { readSessionToken } from "@/lib/auth/session-token";
import { authSettings } from "@/lib/auth/settings";

/** Reachable signed out: next-auth's own endpoints, the sign-in page, build assets (no data in them). */
function isPublicPath(path: string): boolean {
  return (
    path.startsWith("/api/auth/") ||
    path === "/signin" ||
    path.startsWith("/_next/static/") ||
    path === "/favicon.ico"
  );
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

export async function proxy(request: NextRequest) {
  const settings = authSettings();
  const signIn = settings.signIn;
  const path = request.nextUrl.pathname;
  const https = isHttps(signIn?.url, request.headers.get("x-forwarded-proto"), request.nextUrl.protocol);
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { https, dev: process.env.NODE_ENV === "development" });
  const withHeaders = <T extends Response>(response: T): T => {
    for (const [name, value] of Object.entries(securityHeaders(csp, { https }))) response.headers.set(name, value);
    return response;
  };
  const refuse = (status: 401 | 403, error: string) => withHeaders(NextResponse.json({ error }, { status }));

  // next-auth guards its own POSTs with a CSRF token; everything else is checked here.
  if (!path.startsWith("/api/auth/")) {
    const refusal = crossSiteRefusal(request, signIn?.url);
    if (refusal) return refuse(403, refusal);
  }

  if (signIn && !isPublicPath(path)) {
    const base = signIn.url ?? request.nextUrl.origin;
    const token = await readSessionToken(request, signIn);
    if (!token) {
      if (isApiPath(path)) return refuse(401, "Sign-in required");
      const target = new URL("/signin", base);
      // Relative, so next-auth's same-site redirect check accepts it: a share link lands on its finding.
      target.searchParams.set("callbackUrl", `${path}${request.nextUrl.search}`);
      return withHeaders(NextResponse.redirect(target));
    }
    if (!isAllowed(token.grants, signIn.allowedGroups)) {
      if (isApiPath(path)) return refuse(403, "Your account is not in a group allowed to use this dashboard");
      if (path !== "/no-access") return withHeaders(NextResponse.redirect(new URL("/no-access", base)));
    }
  }

  // Next reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }));
}

export const config = {
  // Every path, static files included (they get the headers too; isPublicPath skips sign-in for them).
  matcher: "/:path*",
};
