// visibleRows (the subnets table's rows per filter, each order sorted once) gives exactly applyFilters' rows in
// applyFilters' order, for any rows and filters, also when one rows array meets many filters in a row.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLE_FILTERS, SORT_KEYS, SUBNET_STATUSES, applyFilters, type ReportFilters } from "@/lib/report/filter";
import type { SubnetRow } from "./rows";
import { assumeSorted, verifyOrder, visibleRows } from "./visible-rows";

// Few names, so sorts meet ties that only the later keys (and finally the id) break.
const word = fc.constantFrom("hub", "spoke", "compute", "Compute", "cc", "proxy", "a", "b");
const rule = fc.constantFrom("CC-EGRESS-ARM", "NODE-EGRESS-STORAGE", "CC-INBOUND-SSH");

const row = (i: number) =>
  fc.record({
    name: word,
    vnet: word,
    status: fc.constantFrom(...SUBNET_STATUSES),
    role: fc.constantFrom("cyclecloud", "cluster", "returnProxy", null),
    subscriptionId: fc.option(fc.constantFrom("sub-a", "sub-b"), { nil: undefined }),
    deployment: fc.option(fc.constantFrom("prod", "dev"), { nil: undefined }),
    findings: fc.array(fc.record({ rule, status: fc.constantFrom("fail" as const, "warn" as const) }), { maxLength: 3 }),
  }).map((r): SubnetRow => ({ ...r, id: `/subscriptions/${r.subscriptionId ?? "x"}/virtualNetworks/${r.vnet}/subnets/${r.name}-${i}`, prefixes: [] }));

const rows = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => row(i))));

const filters: fc.Arbitrary<ReportFilters> = fc.record(
  {
    q: fc.constantFrom("hub", "compute", "storage", "hub cc", "sub-a"),
    status: fc.subarray([...SUBNET_STATUSES], { minLength: 1 }),
    role: fc.subarray([...ROLE_FILTERS], { minLength: 1 }),
    vnet: fc.subarray(["hub", "spoke"], { minLength: 1 }),
    rule: fc.subarray(["CC-EGRESS-ARM", "NODE-EGRESS-STORAGE"], { minLength: 1 }),
    deployment: fc.subarray(["prod", "dev", "none"], { minLength: 1 }),
    sort: fc.constantFrom(...SORT_KEYS),
    dir: fc.constantFrom("asc" as const, "desc" as const),
  },
  { requiredKeys: [] },
);

describe("visibleRows", () => {
  it("is applyFilters, row for row and in order, for any rows and any sequence of filters", () => {
    fc.assert(
      fc.property(rows, fc.array(filters, { minLength: 1, maxLength: 6 }), (given, sequence) => {
        for (const f of sequence) {
          expect(visibleRows(given, f).map((r) => r.id)).toEqual(applyFilters(given, f).map((r) => r.id));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an order taken on trust (assumeSorted) is applyFilters' once verifyOrder has checked it, right or wrong", () => {
    fc.assert(
      fc.property(rows, fc.boolean(), fc.array(filters, { minLength: 1, maxLength: 4 }), (given, sortedFirst, sequence) => {
        const list = sortedFirst ? applyFilters(given, {}) : [...given];
        assumeSorted(list, "status");
        // Before the check: the rows as given, in their own order.
        expect(visibleRows(list, {})).toBe(list);
        const wrong = applyFilters(list, {}).some((r, i) => r !== list[i]);
        expect(verifyOrder(list)).toBe(wrong);
        expect(verifyOrder(list)).toBe(false);
        for (const f of [{}, ...sequence]) {
          expect(visibleRows(list, f).map((r) => r.id)).toEqual(applyFilters(list, f).map((r) => r.id));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("sorts each order once per rows array: the same filters give the same array back", () => {
    const given = fc.sample(rows.filter((r) => r.length > 5), 1)[0];
    const first = visibleRows(given, { sort: "name" });
    expect(visibleRows(given, { sort: "name", dir: "asc" })).toBe(first);
    expect(visibleRows(given, {})).not.toBe(first);
  });
});
