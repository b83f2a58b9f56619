// Leaf checks for the fields the engine relies on. Each takes what Azure prints (any case,
// empty strings for "not set") and returns the canonical value, or undefined when invalid.
import { readingStored } from "./stored-read";
import ipaddr from "ipaddr.js";
import type { Access, Direction, Protocol, Subnet } from "@/lib/model/types";

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
// Service tags: `Storage`, `Storage.WestEurope`, `AzureFrontDoor.Frontend`, `VirtualNetwork`.
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

// A number written with a leading zero (`010`, `08`): ARM refuses such an address or prefix, and inet_aton, ping and
// some firewalls read `010` as octal 8, so the address a file names would be a different one for another tool.
// (A stored scan read before this check keeps reading them as decimal, as it was audited: stored-read.ts.)
const leadingZero = (digits: string) => digits.length > 1 && digits.charCodeAt(0) === 48 && !readingStored();

function isIpv4(text: string, needPrefix: boolean): boolean {
  const m = IPV4.exec(text);
  if (!m) return false;
  if (needPrefix && m[5] === undefined) return false;
  for (let i = 1; i <= 4; i++) if (Number(m[i]) > 255 || leadingZero(m[i])) return false;
  return m[5] === undefined || (Number(m[5]) <= 32 && !leadingZero(m[5]));
}

/**
 * Why an IPv4 address or prefix the checks here refuse is refused, when the reason is a leading zero (`010.0.0.0/8`,
 * `10.0.0.0/08`, `10.10.2.04`), for the message; undefined otherwise.
 */
export function leadingZeroNote(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  // The address parts of a range `a-b` or a list are checked one by one.
  for (const part of value.split(/[-,\s]+/)) {
    const m = IPV4.exec(part.trim());
    if (m && [m[1], m[2], m[3], m[4], m[5]].some((d) => d !== undefined && leadingZero(d))) {
      return "write IPv4 numbers without leading zeros (Azure refuses them, and some tools read 010 as octal 8)";
    }
  }
  return undefined;
}

function isIpv6(text: string, needPrefix: boolean): boolean {
  if (!text.includes(":")) return false;
  const slash = text.indexOf("/");
  if (slash < 0) return !needPrefix && ipaddr.IPv6.isValid(text);
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > 128) return false;
  return ipaddr.IPv6.isValid(text.slice(0, slash));
}

// The same few prefixes repeat across thousands of rules; remember the ones already checked.
// Bounded so a long-running server does not grow it without limit.
const knownGood = new Set<string>();
function remember(text: string): void {
  if (knownGood.size > 100_000) knownGood.clear();
  knownGood.add(text);
}

/** One IPv4 address, no prefix length (`10.2.6.4`): what a private DNS zone's A record holds. */
export function isIpv4Address(text: string): boolean {
  return !text.includes("/") && isIpv4(text, false);
}

/** One IPv4 or IPv6 address, no prefix length: what a VNet's `dhcpOptions.dnsServers` lists. */
export function isIpAddress(text: string): boolean {
  return !text.includes("/") && (isIpv4(text, false) || isIpv6(text, false));
}

export function isCidr(text: string): boolean {
  return isIpv4(text, true) || isIpv6(text, true);
}

/** An NSG address prefix: CIDR, plain IP, `*` or a service tag word. */
export function isAddressPrefix(text: string): boolean {
  if (text === "*" || knownGood.has(text)) return true;
  const ok = isIpv4(text, false) || isIpv6(text, false) || SERVICE_TAG.test(text);
  if (ok) remember(text);
  return ok;
}

/** `*`, `N` or `N-M` with 0 <= N <= M <= 65535. Hand-parsed: it runs for every port of every rule. */
export function isPortRange(text: string): boolean {
  if (text === "*") return true;
  const dash = text.indexOf("-");
  if (dash < 0) return portNumber(text, 0, text.length) >= 0;
  const low = portNumber(text, 0, dash);
  const high = portNumber(text, dash + 1, text.length);
  return low >= 0 && high >= low;
}

/** The port written in text[start, end), or -1 when that is not 1-5 digits within 0-65535. */
function portNumber(text: string, start: number, end: number): number {
  if (end <= start || end - start > 5) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= 65535 ? value : -1;
}

const PROTOCOLS = new Map<string, Protocol>(
  (["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"] as const).map((p) => [p.toLowerCase(), p]),
);
export function canonicalProtocol(text: string): Protocol | undefined {
  return PROTOCOLS.get(text.toLowerCase());
}

export function canonicalDirection(text: string): Direction | undefined {
  const lower = text.toLowerCase();
  return lower === "inbound" ? "Inbound" : lower === "outbound" ? "Outbound" : undefined;
}

export function canonicalAccess(text: string): Access | undefined {
  const lower = text.toLowerCase();
  return lower === "allow" ? "Allow" : lower === "deny" ? "Deny" : undefined;
}

const NEXT_HOP_TYPES = new Map<string, string>(
  ["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"].map((t) => [t.toLowerCase(), t]),
);
/**
 * A route table route's next hop type in Azure's spelling, or undefined for anything else: only
 * these five can be set on a user-defined route
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#user-defined).
 */
export function canonicalNextHopType(text: string): string | undefined {
  return NEXT_HOP_TYPES.get(text.toLowerCase());
}

const PRIVATE_ENDPOINT_NETWORK_POLICIES = new Map<string, NonNullable<Subnet["privateEndpointNetworkPolicies"]>>(
  (["Enabled", "Disabled", "NetworkSecurityGroupEnabled", "RouteTableEnabled"] as const).map((v) => [v.toLowerCase(), v]),
);
/**
 * A subnet's `privateEndpointNetworkPolicies` in Azure's spelling, or undefined for anything else
 * (https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy).
 */
export function canonicalPrivateEndpointNetworkPolicies(text: string): Subnet["privateEndpointNetworkPolicies"] {
  return PRIVATE_ENDPOINT_NETWORK_POLICIES.get(text.toLowerCase());
}
