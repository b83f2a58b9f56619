// Which sources a finding sent through a firewall. A finding's `touched` keys name what it read, so a fix re-runs
// only the findings it can change; for a firewall that is too coarse, because every subnet behind a hub reads the
// hub's policy. Rules match packets by source, so an Allow collection appended for one subnet (the fixes do that)
// can change only what reached the firewall from addresses its rules name: verification asks this index for those
// findings rather than re-running every subnet behind the hub, which made fix verification quadratic in subnets.
// https://learn.microsoft.com/azure/firewall/rule-processing
import { type AddrSet, addrOverlaps, concrete } from "../net/addr-set";
import { cidrsToRanges, isCidr } from "../net/ip";
import { tagsIsEmpty } from "../net/tag-set";

const PREFIX = "fwsrc|";

/**
 * The touched key saying "a piece from `src` reached the firewall or policy `key`". A source with service tags
 * (not a concrete address set) is written as `*`: it may overlap anything.
 */
export function firewallSourceKey(key: string, src: AddrSet | "*"): string {
  if (src === "*" || !tagsIsEmpty(src.tags)) return `${PREFIX}${key}|*`;
  return `${PREFIX}${key}|${src.v4.join(",")}|${src.v6.join(",")}`;
}

function parseSource(rest: string): AddrSet | "*" {
  if (rest === "*") return "*";
  const [v4, v6] = rest.split("|");
  return concrete(v4 ? v4.split(",").map(Number) : [], v6 ? v6.split(",").map((x) => BigInt(x)) : []);
}

/**
 * The addresses a firewall rule source list names, when every item is a plain address or CIDR; undefined for
 * `*`, service tags, ranges and IP groups (then the caller falls back to every finding that read the firewall).
 */
export function plainSources(items: readonly string[], ipGroupKeys: readonly string[] = []): AddrSet | undefined {
  if (ipGroupKeys.length || items.length === 0) return undefined;
  if (!items.every((x) => isCidr(x))) return undefined;
  const r = cidrsToRanges(items.map((x) => x.trim()));
  return concrete(r.v4, r.v6);
}

interface Span {
  lo: number;
  hi: number;
  findings: readonly number[];
}

/** One key's recorded sources: IPv4 spans sorted by start, with the running maximum of their ends; the rest in a list. */
interface KeyIndex {
  spans: Span[];
  maxHi: number[];
  other: { src: AddrSet | "*"; findings: readonly number[] }[];
  sorted: boolean;
}

/** Findings (by index) per firewall or policy key, with the sources each sent there; built from touched keys. */
export class FirewallSourceIndex {
  private readonly keys = new Map<string, KeyIndex>();

  /** Takes a touched key and the findings that have it; returns false for keys that are not firewall-source keys. */
  add(touchedKey: string, findings: readonly number[]): boolean {
    if (!touchedKey.startsWith(PREFIX)) return false;
    const rest = touchedKey.slice(PREFIX.length);
    // The firewall or policy key is an ARM id (no `|`); what follows is the source.
    const bar = rest.indexOf("|");
    const key = rest.slice(0, bar);
    let index = this.keys.get(key);
    if (!index) this.keys.set(key, (index = { spans: [], maxHi: [], other: [], sorted: true }));
    const src = parseSource(rest.slice(bar + 1));
    if (src === "*" || src.v6.length) index.other.push({ src, findings });
    else for (let i = 0; i < src.v4.length; i += 2) index.spans.push({ lo: src.v4[i], hi: src.v4[i + 1], findings });
    index.sorted = false;
    return true;
  }

  /**
   * Findings that sent something from addresses overlapping `sources` to `key`: a binary search per source range
   * over the IPv4 spans (sorted once), so a fix for one subnet behind a hub of 10,000 costs a few steps.
   */
  findingsFrom(key: string, sources: AddrSet): number[] {
    const index = this.keys.get(key);
    if (!index) return [];
    if (!index.sorted) {
      index.spans.sort((a, b) => a.lo - b.lo);
      let max = -1;
      index.maxHi = index.spans.map((s) => (max = Math.max(max, s.hi)));
      index.sorted = true;
    }
    const out = new Set<number>();
    for (let r = 0; r < sources.v4.length; r += 2) {
      const [a, b] = [sources.v4[r], sources.v4[r + 1]];
      // The first span whose running maximum end reaches `a`: no span before it can overlap [a, b].
      let lo = 0;
      let hi = index.spans.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (index.maxHi[mid] < a) lo = mid + 1;
        else hi = mid;
      }
      for (let t = lo; t < index.spans.length && index.spans[t].lo <= b; t++) if (index.spans[t].hi >= a) for (const f of index.spans[t].findings) out.add(f);
    }
    for (const e of index.other) if (e.src === "*" || addrOverlaps(e.src, sources)) for (const f of e.findings) out.add(f);
    return [...out];
  }
}
