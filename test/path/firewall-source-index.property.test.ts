// The firewall's source index (lib/path/firewall.ts fromSource) narrows a long rule list to the rules whose sources
// share a /16 block with the flow's: it must give exactly the rules, in exactly the order, that checking every rule
// gives — first match decides, so a rule lost or reordered would change a verdict.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AddrSet, addrOverlaps, concrete, symbolic } from "../../lib/net/addr-set";
import { cidrsToRanges } from "../../lib/net/ip";
import { ALL_TAGS } from "../../lib/net/tag-set";
import { type CompiledFirewallRule, fromSource } from "../../lib/path/firewall";

const octet = fc.integer({ min: 0, max: 255 });
/** CIDRs clustered in a few /16s (as spokes are), with some broad ones and some IPv6. */
const cidr = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(10, 172), fc.integer({ min: 0, max: 3 }), octet, fc.constantFrom(16, 20, 24, 26, 32)).map(([a, b, c, len]) => `${a}.${b}.${c}.0/${len}`) },
  { weight: 1, arbitrary: fc.constantFrom("10.0.0.0/8", "0.0.0.0/0", "10.0.0.0/13") },
  { weight: 1, arbitrary: fc.constantFrom("fd00::/64", "2001:db8::/48") },
);
const addrs = (cidrs: string[]): AddrSet => {
  const r = cidrsToRanges(cidrs);
  return concrete(r.v4, r.v6);
};
const source = fc.oneof({ weight: 9, arbitrary: fc.array(cidr, { minLength: 1, maxLength: 3 }).map(addrs) }, { weight: 1, arbitrary: fc.constant(symbolic(ALL_TAGS)) });
const rule = (src: AddrSet, i: number) => ({ name: `r${i}`, box: { src } }) as unknown as CompiledFirewallRule;

describe("the firewall's source index", () => {
  it("gives the same rules, in the same order, as checking each rule", () => {
    fc.assert(
      fc.property(fc.array(source, { minLength: 60, maxLength: 300 }), fc.array(cidr, { minLength: 1, maxLength: 3 }), (sources, query) => {
        const list = sources.map(rule);
        const src = addrs(query);
        // The full check: every rule's sources against the flow's (what filtering without the index does).
        const want = list.filter((r) => addrOverlaps(r.box.src, src));
        expect(fromSource(list, src).map((r) => r.name)).toEqual(want.map((r) => r.name));
      }),
      { numRuns: 300 },
    );
  });
});
