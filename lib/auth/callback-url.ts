// Where sign-in returns to. Only a path on this site may pass: browsers strip tabs and newlines from URLs
// and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` would otherwise leave the site, and a CR/LF
// in a Location header is a 500 (or header injection). https://url.spec.whatwg.org/#url-parsing
const PROBE_ORIGIN = "http://callback.invalid";

/** Longer than any path of this app plus its filters; a longer value is not a link a person followed. */
const MAX_LENGTH = 4096;

/**
 * A same-origin relative path (`/scans/x?status=fail#f`) to return to after sign-in, re-serialised by the URL
 * parser (non-ASCII percent-encoded), or `/` for anything else: absolute or protocol-relative URLs, backslashes,
 * control characters or whitespace anywhere (raw or produced by decoding), and over-long values.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_LENGTH) return "/";
  if (!value.startsWith("/") || value.startsWith("//")) return "/";
  // \s covers Unicode spaces and line separators too; \\ is read as / by browsers.
  if (/[\u0000-\u001f\u007f\\\s]/.test(value)) return "/";
  // Encoded forms of the same (%09, %0a, %0d, %5c, %2f%2f at the start) are refused as well.
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return "/";
  }
  if (/[\u0000-\u001f\u007f\\]/.test(decoded) || decoded.startsWith("//")) return "/";
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PROBE_ORIGIN) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse into `//host` (`/.//evil`): check what the parser made of it.
  return path.startsWith("//") ? "/" : path;
}

/**
 * next-auth's redirect callback: an absolute URL on the public base URL is kept as its path, anything else
 * goes through `safeCallbackUrl`. https://next-auth.js.org/configuration/callbacks#redirect-callback
 */
export function safeRedirect(url: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  let path = url;
  if (url.startsWith(`${base}/`) || url === base) path = url.slice(base.length) || "/";
  return `${base}${safeCallbackUrl(path)}`;
}
