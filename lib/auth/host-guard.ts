// DNS rebinding guard for local mode. A page on another site can point its own name at 127.0.0.1 and then talk to
// the loopback-only dashboard as "same origin" from the browser's point of view; the one thing it cannot change is
// the Host header, which still names the attacker's domain. So a loopback-only server answers only requests whose
// Host is a loopback name or address on its own port.
// https://developer.mozilla.org/docs/Web/Security/Attacks/DNS_rebinding
import { isLoopbackHost } from "./loopback";

/** `host[:port]` split, IPv6 brackets kept off the name; undefined when it is not a Host header value. */
export function splitHostHeader(value: string): { name: string; port: string | undefined } | undefined {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]/\s@]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  return { name: m[1].replace(/^\[(.*)\]$/, "$1"), port: m[2] };
}

export interface HostGuardOptions {
  /** The port the server listens on (PORT); undefined skips the port check (e.g. `next dev` without PORT). */
  port: string | undefined;
}

/**
 * Why a request to a loopback-only server is refused (one line), or undefined. Accepted: `localhost`,
 * 127.0.0.0/8 and `[::1]` (also IPv4-mapped), with no port (the default port 80) or the server's own port.
 */
export function loopbackHostRefusal(hostHeader: string | null, options: HostGuardOptions): string | undefined {
  if (!hostHeader) return "request refused: no Host header";
  const host = splitHostHeader(hostHeader);
  if (!host || !isLoopbackHost(host.name)) {
    return `request refused: Host ${JSON.stringify(hostHeader.slice(0, 100))} is not a loopback name; this server runs in local mode and answers only to localhost, 127.0.0.1 or [::1]`;
  }
  const port = host.port ?? "80";
  if (options.port && port !== options.port) {
    return `request refused: Host ${JSON.stringify(hostHeader.slice(0, 100))} names port ${port}, but this server listens on ${options.port}`;
  }
  return undefined;
}
