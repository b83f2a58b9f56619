import ipaddr from "ipaddr.js";

/**
 * 127.0.0.0/8, ::1 (also IPv4-mapped) or localhost: only this machine can connect.
 * scripts/serve.mjs holds the same rule in plain JavaScript (test/hardening checks they agree).
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost") return true;
  if (!ipaddr.isValid(name)) return false;
  return ipaddr.process(name).range() === "loopback";
}
