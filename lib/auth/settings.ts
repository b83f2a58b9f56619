// Sign-in settings of CONTRACT §5, read once from the environment. Plain data: the proxy, the
// next-auth options, the banner and the on-behalf-of credential all read this one shape.

export interface SignInSettings {
  clientId: string;
  clientSecret: string;
  /** OpenID issuer, e.g. `https://login.microsoftonline.com/<tenant>/v2.0` (any issuer in tests). */
  issuer: string;
  secret: string;
  /** Public base URL (`AUTH_URL`); next-auth 4 reads it as NEXTAUTH_URL. */
  url: string | undefined;
  /** Group object ids (or app role values); empty = every user the issuer signs in is allowed. */
  allowedGroups: string[];
}

export interface AuthSettings {
  /** undefined = sign-in is off (local mode). */
  signIn: SignInSettings | undefined;
  /** Live scans read Azure as the signed-in user (on-behalf-of) instead of the app identity. */
  liveScanAsUser: boolean;
  /** The address the server listens on (for the local-mode banner). */
  host: string;
  /** PORT, the one the server listens on (local mode's Host check compares against it). */
  port: string | undefined;
  allowUnauthenticated: boolean;
  /**
   * TRUST_PROXY=1: the server sits behind a reverse proxy that sets Host / X-Forwarded-Host / X-Forwarded-Proto,
   * so those headers may name this site. Off by default: a client can send any of them.
   */
  trustProxy: boolean;
  /** The public base URL for links in exports: PUBLIC_URL, else AUTH_URL (no trailing slash). */
  publicUrl: string | undefined;
}

type Env = Record<string, string | undefined>;

/** Comma- or whitespace-separated list, trimmed, empties dropped; ids compared case-insensitively. */
export function parseList(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,\s]+/)
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);
}

/** PUBLIC_URL or AUTH_URL as an origin-and-path base without a trailing slash; undefined when unset or not http(s). */
export function publicBaseUrl(env: Env): string | undefined {
  for (const name of ["PUBLIC_URL", "AUTH_URL", "NEXTAUTH_URL"]) {
    const value = env[name]?.trim();
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.protocol === "http:" || url.protocol === "https:") return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
    } catch {
      // not a URL: try the next name
    }
  }
  return undefined;
}

export function readAuthSettings(env: Env = process.env): AuthSettings {
  const clientId = env.AUTH_MICROSOFT_ENTRA_ID_ID?.trim();
  const base = {
    liveScanAsUser: env.LIVE_SCAN_AS_USER === "1",
    host: env.HOST?.trim() || "127.0.0.1",
    port: env.PORT?.trim() || undefined,
    allowUnauthenticated: env.ALLOW_UNAUTHENTICATED === "1",
    trustProxy: env.TRUST_PROXY === "1",
    publicUrl: publicBaseUrl(env),
  };
  if (!clientId) return { signIn: undefined, ...base };

  // Fail closed: a half-configured sign-in must never fall back to local mode.
  const missing = ["AUTH_MICROSOFT_ENTRA_ID_SECRET", "AUTH_MICROSOFT_ENTRA_ID_ISSUER", "AUTH_SECRET"].filter(
    (name) => !env[name]?.trim(),
  );
  if (missing.length) {
    throw new Error(`Sign-in is configured (AUTH_MICROSOFT_ENTRA_ID_ID is set) but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} missing`);
  }
  return {
    signIn: {
      clientId,
      clientSecret: env.AUTH_MICROSOFT_ENTRA_ID_SECRET!.trim(),
      issuer: env.AUTH_MICROSOFT_ENTRA_ID_ISSUER!.trim().replace(/\/+$/, ""),
      secret: env.AUTH_SECRET!.trim(),
      url: env.AUTH_URL?.trim() || env.NEXTAUTH_URL?.trim() || undefined,
      allowedGroups: parseList(env.AUTH_ALLOWED_GROUPS),
    },
    ...base,
  };
}

let cached: AuthSettings | undefined;

/** Settings of this process; also maps AUTH_* onto the NEXTAUTH_* names next-auth 4 reads itself. */
export function authSettings(): AuthSettings {
  if (!cached) {
    cached = readAuthSettings();
    const signIn = cached.signIn;
    if (signIn) {
      if (signIn.url) process.env.NEXTAUTH_URL ??= signIn.url;
      process.env.NEXTAUTH_SECRET ??= signIn.secret;
    }
  }
  return cached;
}

export function isSignInEnabled(): boolean {
  return authSettings().signIn !== undefined;
}
