// Every request passes here first (Next 16 "proxy", formerly middleware): security headers on every
// answer, cross-site mutations refused, and, when sign-in is on, nobody but a signed-in, allowed user
// reaches a page or API route. Central, so a route added later is covered without doing anything.
import { NextResponse, type NextRequest } from "next/server";
import { isAllowed } from "@/lib/auth/access";
import { crossSiteRefusal } from "@/lib/auth/cross-site";
import { loopbackHostRefusal } from "@/lib/auth/host-guard";
import { isLoopbackHost } from "@/lib/auth/loopback";
import { contentSecurityPolicy, createNonce, isHttps, securityHeaders } from "@/lib/auth/security-headers";
import { readSessionToken } from "@/lib/auth/session-token";
import { authSettings } from "@/lib/auth/settings";
import { logEvent, requestIdOf, requestLogging } from "@/lib/ops/log";

/**
 * Response header telling scripts/html-cache.mjs that this request passed every check here, so its page may be cached
 * for requests with the same key (same Host, cookies, path and query): `local`, or the session's expiry in epoch ms.
 */
const HTML_CACHE_HEADER = "x-lockdown-html-cache";

/** The icons and manifest in public/: the sign-in page shows them too. */
const PUBLIC_FILES = new Set(["/favicon.ico", "/icon.svg", "/icon-192.png", "/icon-512.png", "/apple-touch-icon.png", "/site.webmanifest"]);

/** Reachable signed out: next-auth's own endpoints, the sign-in page, build assets, the health probe (no data in them). */
function isPublicPath(path: string): boolean {
  return (
    path.startsWith("/api/auth/") ||
    path === "/api/health" ||
    path === "/signin" ||
    path.startsWith("/_next/static/") ||
    PUBLIC_FILES.has(path)
  );
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/** One JSON line per request (lib/ops/log.ts) with its id, also handed to the app and returned as `x-request-id`. */
export async function proxy(request: NextRequest) {
  const requestId = requestIdOf(request.headers);
  const started = performance.now();
  const response = await decide(request, requestId);
  response.headers.set("x-request-id", requestId);
  const path = request.nextUrl.pathname;
  if (requestLogging() && !path.startsWith("/_next/static/")) {
    // A response the proxy made itself (refusal, redirect) has its final status; otherwise the app answers.
    const answered = !response.headers.has("x-middleware-next");
    logEvent("info", "request", {
      requestId,
      method: request.method,
      path,
      ...(answered ? { status: response.status } : { to: "app" }),
      ms: Math.round(performance.now() - started),
    });
  }
  return response;
}

async function decide(request: NextRequest, requestId: string): Promise<NextResponse> {
  const settings = authSettings();
  const signIn = settings.signIn;
  const path = request.nextUrl.pathname;
  // X-Forwarded-* headers are the client's own words unless a trusted reverse proxy set them (TRUST_PROXY=1).
  const https = isHttps(signIn?.url, settings.trustProxy ? request.headers.get("x-forwarded-proto") : null, request.nextUrl.protocol);
  const nonce = createNonce();
  const csp = contentSecurityPolicy(nonce, { https, dev: process.env.NODE_ENV === "development" });
  const withHeaders = <T extends Response>(response: T): T => {
    for (const [name, value] of Object.entries(securityHeaders(csp, { https }))) response.headers.set(name, value);
    return response;
  };
  const refuse = (status: 401 | 403 | 421, error: string) => withHeaders(NextResponse.json({ error }, { status }));

  // Local mode listens on loopback only; a foreign Host there is DNS rebinding (lib/auth/host-guard.ts).
  if (!signIn && isLoopbackHost(settings.host) && !settings.trustProxy) {
    const refusal = loopbackHostRefusal(request.headers.get("host"), { port: settings.port });
    if (refusal) return refuse(421, refusal);
  }

  // next-auth guards its own POSTs with a CSRF token; everything else is checked here.
  if (!path.startsWith("/api/auth/")) {
    const refusal = crossSiteRefusal(request, settings.publicUrl, { trustProxy: settings.trustProxy });
    if (refusal) return refuse(403, refusal);
  }

  // Until when the app's answer may be reused for this same request (scripts/html-cache.mjs): always in local mode,
  // until the session expires when sign-in is on; undefined: never (a public path, a session without expiry).
  let reusableUntil: string | undefined = signIn ? undefined : "local";
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
    if (typeof token.exp === "number") reusableUntil = String(token.exp * 1000);
  }

  // Next reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  // The dashboard layout answers 404 for a scan, finding or subnet that does not exist before its pages stream.
  requestHeaders.set("x-lockdown-path", path);
  // ... and for a finding's latest link, whose `?estate=` decides whether it exists (app/(dashboard)/_data/route-exists.ts).
  requestHeaders.set("x-lockdown-search", request.nextUrl.search);
  requestHeaders.set("x-request-id", requestId);
  const response = withHeaders(NextResponse.next({ request: { headers: requestHeaders } }));
  // Only when scripts/serve.mjs runs the HTML cache, which reads this header and removes it before the answer leaves.
  if (process.env.LOCKDOWN_HTML_CACHE === "1" && request.method === "GET" && reusableUntil) response.headers.set(HTML_CACHE_HEADER, reusableUntil);
  return response;
}

export const config = {
  // Every path, static files included (they get the headers too; isPublicPath skips sign-in for them).
  matcher: "/:path*",
};
