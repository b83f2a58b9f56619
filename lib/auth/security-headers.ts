// Response headers of every answer (pages, API, static files), set by proxy.ts.

/** 128 random bits, fresh per request: an attacker who injects markup cannot guess it. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Strict CSP: scripts only with this response's nonce ('strict-dynamic' lets Next's nonce'd loader
 * pull its chunks), no 'unsafe-inline' for scripts. Style attributes stay allowed (style-src-attr):
 * table virtualisation and charts position rows with inline style attributes, which cannot carry a nonce.
 */
export function contentSecurityPolicy(nonce: string, { https, dev }: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    // React's dev build needs eval for its error overlay; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(csp: string, { https }: { https: boolean }): Record<string, string> {
  return {
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    // Share links carry scan and finding ids: never hand them to another site.
    "Referrer-Policy": "same-origin",
    // Older browsers that ignore frame-ancestors.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    // Over plain http (loopback) HSTS would be ignored by browsers, and would break a later http use.
    ...(https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** Served over HTTPS: the public URL says so, or the TLS-terminating proxy in front does. */
export function isHttps(authUrl: string | undefined, forwardedProto: string | null, requestProtocol: string): boolean {
  if (authUrl?.startsWith("https://")) return true;
  if (forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https") return true;
  return requestProtocol === "https:";
}
