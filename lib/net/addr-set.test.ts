// describeAddrs writes out the first prefixes of a set and counts the rest without writing them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concrete, describeAddrs } from "./addr-set";
import { cidrsToRanges, formatV4, v4RangeToCidrs, v6RangeToCidrs } from "./ip";

/** Every prefix of the set, written out (v4 ranges of one address without `/32`): the description's oracle. */
function allPrefixes(v4: number[], v6: bigint[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < v4.length; i += 2) out.push(...(v4[i] === v4[i + 1] ? [formatV4(v4[i])] : v4RangeToCidrs(v4[i], v4[i + 1])));
  for (let i = 0; i < v6.length; i += 2) out.push(...v6RangeToCidrs(v6[i], v6[i + 1]));
  return out;
}

describe("describeAddrs", () => {
  it("shows the first prefixes and counts the rest", () => {
    const r = cidrsToRanges(["10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/29", "10.1.0.0/24", "2001:db8::/64", "2001:db8:1::1/128"]);
    // 10.0.0.1–10.0.0.15 merge into one range of four blocks; then 10.1.0.0/24 and the two IPv6 prefixes.
    expect(describeAddrs(concrete(r.v4, r.v6))).toBe("10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/30, 10.0.0.8/29, +3 more prefixes");
    expect(describeAddrs(concrete(r.v4, r.v6), undefined, 6)).toBe("10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/30, 10.0.0.8/29, 10.1.0.0/24, 2001:db8::/64, +1 more prefixes");
  });

  it("agrees with writing every prefix out, for any ranges and any limit", () => {
    const v4Range = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0x0a000000 + Math.min(a, b) * 7, 0x0a000000 + Math.max(a, b) * 7 + 3]);
    fc.assert(
      fc.property(fc.array(v4Range, { maxLength: 5 }), fc.integer({ min: 1, max: 8 }), (ranges, max) => {
        const cidrs = ranges.flatMap(([lo, hi]) => v4RangeToCidrs(lo, hi));
        const r = cidrsToRanges(cidrs);
        const all = allPrefixes(r.v4 as number[], r.v6 as bigint[]);
        const expected = [...all.slice(0, max), ...(all.length > max ? [`+${all.length - max} more prefixes`] : [])].join(", ") || "no address";
        expect(describeAddrs(concrete(r.v4, r.v6), undefined, max)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
