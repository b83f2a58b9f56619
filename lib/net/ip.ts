// Address parsing onto the integer lines the interval sets work on. ipaddr.js does the parsing.
import ipaddr from "ipaddr.js";
import { type Intervals, range, unionAll } from "./intervals";

export const V4_MAX = 0xffffffff;
export const V6_MAX = (1n << 128n) - 1n;

export interface CidrRange {
  family: 4 | 6;
  v4: Intervals<number>;
  v6: Intervals<bigint>;
}

function bytesToBigInt(bytes: number[]): bigint {
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x;
}

function bytesToNumber(bytes: number[]): number {
  return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

/** A CIDR (`10.0.0.0/24`, `2001:db8::/32`) or a bare address, or null when it is neither. */
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Dotted decimal only: Azure reads `010.0.0.1` as 10.0.0.1, where ipaddr.js would read octal. */
function parseV4(s: string): CidrRange | null {
  const m = V4.exec(s);
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return null;
  const size = 2 ** (32 - bits);
  const lo = Math.floor(bytesToNumber(octets) / size) * size;
  return { family: 4, v4: range(lo, lo + size - 1), v6: [] };
}

export function parseCidr(text: string): CidrRange | null {
  const s = text.trim();
  if (!s.includes(":")) return parseV4(s);
  try {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    let bits: number;
    if (s.includes("/")) {
      [addr, bits] = ipaddr.parseCIDR(s);
    } else {
      if (!ipaddr.isValid(s)) return null;
      addr = ipaddr.parse(s);
      bits = addr.kind() === "ipv4" ? 32 : 128;
    }
    if (addr.kind() !== "ipv6") return null;
    const base = bytesToBigInt(addr.toByteArray());
    const hostBits = BigInt(128 - bits);
    const lo = (base >> hostBits) << hostBits;
    return { family: 6, v4: [], v6: range(lo, lo + (1n << hostBits) - 1n) };
  } catch {
    return null;
  }
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** Concrete ranges of a list of CIDRs; entries that are not CIDRs are skipped. Sorted and merged once: O(n log n). */
export function cidrsToRanges(cidrs: readonly string[]): { v4: Intervals<number>; v6: Intervals<bigint> } {
  const v4: Intervals<number>[] = [];
  const v6: Intervals<bigint>[] = [];
  for (const c of cidrs) {
    const r = parseCidr(c);
    if (!r) continue;
    if (r.family === 4) v4.push(r.v4);
    else v6.push(r.v6);
  }
  return { v4: unionAll(v4), v6: unionAll(v6) };
}

// Address space that is not reachable on the public internet, so never part of the `Internet` tag:
// RFC 1918, shared (RFC 6598), loopback, link-local, this-network, multicast and reserved; v6 ULA, link-local, multicast.
const NON_PUBLIC = cidrsToRanges([
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "::/128",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
  "ff00::/8",
]);

export const NON_PUBLIC_V4 = NON_PUBLIC.v4;
export const NON_PUBLIC_V6 = NON_PUBLIC.v6;

/** An IPv4 address (a 32-bit number) in dotted-decimal form. */
/** `address:port` as a URL writes it: an IPv6 address in brackets, so its port reads apart from it (`[fd00::4]:3128`). */
export function hostPort(address: string, port: number): string {
  return `${address.includes(":") ? `[${address}]` : address}:${port}`;
}

export function formatV4(x: number): string {
  return [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join(".");
}

/** An IPv6 address (a 128-bit bigint) in ipaddr.js's text form (RFC 5952's compressed zeros). */
export function formatV6(x: bigint): string {
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((x >> BigInt(i * 16)) & 0xffffn));
  return ipaddr.fromByteArray(parts.flatMap((p) => [p >> 8, p & 255])).toString();
}

/** Calls `each` with the base and prefix length of every CIDR block of the IPv4 range [lo, hi], in order (fewest blocks). */
export function forEachV4Cidr(lo: number, hi: number, each: (base: number, bits: number) => void): void {
  let cur = lo;
  while (cur <= hi) {
    let bits = 32;
    while (bits > 0) {
      const size = 2 ** (32 - bits + 1);
      if (cur % size !== 0 || cur + size - 1 > hi) break;
      bits--;
    }
    each(cur, bits);
    cur += 2 ** (32 - bits);
  }
}

/** As forEachV4Cidr, for an IPv6 range. */
export function forEachV6Cidr(lo: bigint, hi: bigint, each: (base: bigint, bits: number) => void): void {
  let cur = lo;
  while (cur <= hi) {
    let bits = 128;
    while (bits > 0) {
      const size = 1n << BigInt(128 - bits + 1);
      if (cur % size !== 0n || cur + size - 1n > hi) break;
      bits--;
    }
    each(cur, bits);
    cur += 1n << BigInt(128 - bits);
  }
}

/** Smallest list of CIDRs exactly covering [lo, hi] on the v4 line. */
export function v4RangeToCidrs(lo: number, hi: number): string[] {
  const out: string[] = [];
  forEachV4Cidr(lo, hi, (base, bits) => out.push(`${formatV4(base)}/${bits}`));
  return out;
}

/** As v4RangeToCidrs, on the v6 line. */
export function v6RangeToCidrs(lo: bigint, hi: bigint): string[] {
  const out: string[] = [];
  forEachV6Cidr(lo, hi, (base, bits) => out.push(`${formatV6(base)}/${bits}`));
  return out;
}
