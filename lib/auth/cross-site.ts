// Cross-site request forgery guard for mutations (POST, PUT, PATCH, DELETE).

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

/**
 * Why a mutation is refused, or undefined when it may proceed. Browsers send Origin and
 * Sec-Fetch-Site on every cross-site POST (forms and fetch alike), so a browser request from another
 * site is always recognisable. A request with neither header is not a browser's (a script using the
 * §5 API, e.g. curl); it carries no ambient cookies from a victim's browser, so it passes here and
 * still needs a session when sign-in is on.
 */
export function crossSiteRefusal(request: MutationRequest, publicUrl?: string): string | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const site = request.headers.get("sec-fetch-site")?.toLowerCase();
  if (site && site !== "same-origin") return `cross-site request refused (Sec-Fetch-Site: ${site})`;

  const origin = request.headers.get("origin");
  if (origin === null) return undefined;
  const originHost = hostOf(origin);
  if (!originHost) return "cross-site request refused (Origin is not a URL)";
  const ownHosts = [
    request.headers.get("x-forwarded-host")?.split(",")[0]?.trim(),
    request.headers.get("host"),
    publicUrl ? hostOf(publicUrl) : undefined,
  ]
    .filter((host): host is string => Boolean(host))
    .map((host) => host.toLowerCase());
  if (ownHosts.includes(originHost)) return undefined;
  return `cross-site request refused (Origin ${origin} is not this site)`;
}
