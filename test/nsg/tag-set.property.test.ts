// Symbolic tag sets against brute force over a finite universe of atoms (base, region). Sets are built
// only from named bases and regions, so one unnamed base and one unnamed region stand for all the
// others: every cofinite set treats them alike.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_TAGS,
  NO_TAGS,
  type TagSet,
  tagAtom,
  tagsIntersect,
  tagsIsAll,
  tagsIsEmpty,
  tagsOverlap,
  tagsSubtract,
  tagsUnion,
} from "@/lib/net/tag-set";
import { tagsHave } from "../reference/membership";

const BASES = ["storage", "sql", "azuremonitor"];
const REGIONS = ["westeurope", "eastus"];
const UNIVERSE = [...BASES, "unnamedbase"].flatMap((base) => [...REGIONS, "unnamedregion"].map((region) => ({ base, region })));

type Expr =
  | { op: "none" | "all" }
  | { op: "atom"; name: string }
  | { op: "union" | "intersect" | "subtract"; a: Expr; b: Expr };

const casing = (s: string, mask: number) => [...s].map((c, i) => ((mask >> (i % 8)) & 1 ? c.toUpperCase() : c)).join("");

const atomArb: fc.Arbitrary<Expr> = fc
  .tuple(fc.constantFrom(...BASES), fc.option(fc.constantFrom(...REGIONS), { nil: undefined }), fc.nat(255))
  .map(([base, region, mask]) => ({ op: "atom" as const, name: casing(region ? `${base}.${region}` : base, mask) }));

// Composite nodes are weighted up so that regions get carved out of a base and then put back
// (cofinite ∪ finite, finite \ cofinite), which shallow expressions rarely do.
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { maxDepth: 4, depthSize: "medium", withCrossShrink: true },
    { arbitrary: fc.constant<Expr>({ op: "none" }), weight: 1 },
    { arbitrary: fc.constant<Expr>({ op: "all" }), weight: 1 },
    { arbitrary: atomArb, weight: 3 },
    // A base with holes, or everything but a tag: cofinite region and base sets as ready-made leaves.
    { arbitrary: fc.tuple(fc.constantFrom<Expr>({ op: "all" }, { op: "atom", name: "storage" }, { op: "atom", name: "Sql" }), atomArb).map(([a, b]) => ({ op: "subtract" as const, a, b })), weight: 3 },
    {
      arbitrary: fc.record({ op: fc.constantFrom("union" as const, "intersect" as const, "subtract" as const), a: tie("expr"), b: tie("expr") }),
      weight: 4,
    },
  ),
})).expr;

function build(e: Expr): TagSet {
  switch (e.op) {
    case "none":
      return NO_TAGS;
    case "all":
      return ALL_TAGS;
    case "atom":
      return tagAtom(e.name);
    case "union":
      return tagsUnion(build(e.a), build(e.b));
    case "intersect":
      return tagsIntersect(build(e.a), build(e.b));
    case "subtract":
      return tagsSubtract(build(e.a), build(e.b));
  }
}

/** Brute force: the expression as a predicate on one atom. */
function holds(e: Expr, base: string, region: string): boolean {
  switch (e.op) {
    case "none":
      return false;
    case "all":
      return true;
    case "atom": {
      const [b, r] = e.name.toLowerCase().split(".");
      return b === base && (r === undefined || r === region);
    }
    case "union":
      return holds(e.a, base, region) || holds(e.b, base, region);
    case "intersect":
      return holds(e.a, base, region) && holds(e.b, base, region);
    case "subtract":
      return holds(e.a, base, region) && !holds(e.b, base, region);
  }
}

describe("tag sets vs brute force", () => {
  it("every operation agrees with the predicate on every atom, and emptiness/fullness/overlap agree", () => {
    fc.assert(
      fc.property(exprArb, exprArb, (ea, eb) => {
        for (const e of [ea, eb, { op: "union", a: ea, b: eb } as Expr, { op: "intersect", a: ea, b: eb } as Expr, { op: "subtract", a: ea, b: eb } as Expr]) {
          const set = build(e);
          const truth = UNIVERSE.map(({ base, region }) => holds(e, base, region));
          expect(UNIVERSE.map(({ base, region }) => tagsHave(set, base, region))).toEqual(truth);
          expect(tagsIsEmpty(set)).toBe(!truth.some(Boolean));
          expect(tagsIsAll(set)).toBe(truth.every(Boolean));
        }
        const both = UNIVERSE.some(({ base, region }) => holds(ea, base, region) && holds(eb, base, region));
        expect(tagsOverlap(build(ea), build(eb))).toBe(both);
      }),
      { numRuns: 1500 },
    );
  });

  it("ALL minus a tag keeps its siblings and every unnamed tag; a tag holds its regions", () => {
    const notStorage = tagsSubtract(ALL_TAGS, tagAtom("Storage"));
    expect(tagsHave(notStorage, "storage", "westeurope")).toBe(false);
    expect(tagsHave(notStorage, "sql", "eastus")).toBe(true);
    expect(tagsHave(notStorage, "somethingelse", "x")).toBe(true);
    const storageButWestEurope = tagsSubtract(tagAtom("Storage"), tagAtom("Storage.WestEurope"));
    expect(tagsHave(storageButWestEurope, "storage", "westeurope")).toBe(false);
    expect(tagsHave(storageButWestEurope, "storage", "eastus")).toBe(true);
    expect(tagsIsEmpty(tagsSubtract(tagAtom("storage.westeurope"), tagAtom("STORAGE")))).toBe(true);
  });
});
