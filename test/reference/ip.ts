// Brute-force address arithmetic for the reference evaluator, written without lib/net so that a bug
// there cannot hide in both places. Only the spellings the generators produce need to parse; anything
// else returns null and the generator check in the tests fails loudly.

export interface RefPrefix {
  family: 4 | 6;
  lo: bigint;
  hi: bigint;
}

export function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let x = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    x = x * 256n + BigInt(Number(p));
  }
  return x;
}

export function parseV6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let x = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    x = (x << 16n) | BigInt(parseInt(g, 16));
  }
  return x;
}

const parsed = new Map<string, RefPrefix | null>();

/** `a.b.c.d`, `a.b.c.d/n`, a v6 address or `v6/n`; host bits are ignored as NSGs do. */
export function parsePrefix(text: string): RefPrefix | null {
  if (!parsed.has(text)) parsed.set(text, parsePrefixUncached(text));
  return parsed.get(text)!;
}

function parsePrefixUncached(text: string): RefPrefix | null {
  const [addr, bitsText, extra] = text.trim().split("/");
  if (extra !== undefined) return null;
  const v4 = parseV4(addr);
  const family: 4 | 6 = v4 !== null ? 4 : 6;
  const value = v4 ?? parseV6(addr);
  if (value === null) return null;
  const width = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? width : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!(bits >= 0 && bits <= width)) return null;
  const size = 1n << BigInt(width - bits);
  const lo = (value / size) * size;
  return { family, lo, hi: lo + size - 1n };
}

export function mustParsePrefix(text: string): RefPrefix {
  const p = parsePrefix(text);
  if (!p) throw new Error(`reference cannot parse prefix ${JSON.stringify(text)}`);
  return p;
}

export const V4_TOP = (1n << 32n) - 1n;
export const V6_TOP = (1n << 128n) - 1n;

const NON_PUBLIC = [
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
].map(mustParsePrefix);

export function inPrefix(family: 4 | 6, value: bigint, p: RefPrefix): boolean {
  return p.family === family && p.lo <= value && value <= p.hi;
}

export function isPublic(family: 4 | 6, value: bigint): boolean {
  return !NON_PUBLIC.some((p) => inPrefix(family, value, p));
}
