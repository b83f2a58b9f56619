// Cross-site request forgery guard for mutations (POST, PUT, PATCH, DELETE).
import { splitHostHeader } from "./host-guard";
import { isLoopbackHost } from "./loopback";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface MutationRequest {
  method: string;
  headers: { get(name: string): string | null };
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

export interface CrossSiteOptions {
  /** TRUST_PROXY=1: Host and X-Forwarded-Host come from a reverse proxy we trust, so they may name this site. */
  trustProxy?: boolean;
}

/**
 * Why a mutation is refused, or undefined when it may proceed. Browsers send Origin and
 * Sec-Fetch-Site on every cross-site POST (forms and fetch alike), so a browser request from another
 * site is always recognisable. A request with neither header is not a browser's (a script using the
 * §5 API, e.g. curl); it carries no ambient cookies from a victim's browser, so it passes here and
 * still needs a session when sign-in is on.
 *
 * This site is the public URL (PUBLIC_URL / AUTH_URL) and, when the Host header is a loopback name (local
 * mode, where proxy.ts refuses any other Host), that Host. Host and X-Forwarded-Host are otherwise chosen by the
 * client (DNS rebinding, a forged header from a script), so they count only with TRUST_PROXY=1.
 */
export function crossSiteRefusal(request: MutationRequest, publicUrl?: string, options: CrossSiteOptions = {}): string | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const site = request.headers.get("sec-fetch-site")?.toLowerCase();
  if (site && site !== "same-origin") return `cross-site request refused (Sec-Fetch-Site: ${site})`;

  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  const originHost = hostOf(origin);
  if (!originHost) return "cross-site request refused (Origin is not a URL)";
  const host = request.headers.get("host")?.trim().toLowerCase();
  const hostIsLoopback = host ? isLoopbackHost(splitHostHeader(host)?.name ?? "") : false;
  const ownHosts = [
    publicUrl ? hostOf(publicUrl) : undefined,
    options.trustProxy || hostIsLoopback ? host : undefined,
    options.trustProxy ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim().toLowerCase() : undefined,
  ].filter((h): h is string => Boolean(h));
  if (ownHosts.includes(originHost)) return undefined;
  return `cross-site request refused (Origin ${origin} is not this site; behind a reverse proxy set TRUST_PROXY=1 or PUBLIC_URL)`;
}
