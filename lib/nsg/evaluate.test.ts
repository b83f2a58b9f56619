// First-match over one NSG, and the notes it leaves where a verdict rests on service tag prefixes not supplied
// (CONTRACT §4 "Address semantics": distinct tags are treated as disjoint; say so where a verdict depends on it).
import { describe, expect, it } from "vitest";
import { ALL_PORTS } from "../net/ports";
import { TCP } from "../net/protocols";
import { type RuleSpec, estate } from "../../test/helpers/estate-builder";
import { Estate } from "./estate";
import type { Box } from "./box";
import { firstMatch } from "./evaluate";

/** The outbound rules of nsg-cc as compiled for subnet hub/cc, and a box from the subnet to `to` on TCP 443. */
function setup(rules: RuleSpec[], serviceTags?: unknown) {
  const b = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", rules);
  if (serviceTags) b.serviceTags = serviceTags;
  const snapshot = b.snapshot();
  const est = new Estate(snapshot, new Map());
  const subnet = [...snapshot.subnets.values()].find((s) => s.name === "cc")!;
  const nsg = [...snapshot.nsgs.values()][0];
  const compiled = est.compiledNsg(nsg, "Outbound", subnet);
  const ctx = est.context(subnet);
  const box = (to: string): Box => ({ proto: TCP, src: ctx.resolve("10.0.0.0/24").set, srcPorts: ALL_PORTS, dst: ctx.resolve(to).set, dstPorts: [443, 443] });
  return { compiled, box };
}

const deny = (name: string, dst: string, priority = 100): RuleSpec => ({ name, priority, direction: "Outbound", access: "Deny", dst, ports: "443" });
const allow = (name: string, dst: string, priority: number): RuleSpec => ({ name, priority, direction: "Outbound", access: "Allow", dst, ports: "443" });

describe("firstMatch notes on tags taken as disjoint", () => {
  it("a Deny on AzureCloud passed over by Storage traffic that an Allow then takes: one note naming both", () => {
    const { compiled, box } = setup([deny("DenyCloud", "AzureCloud"), allow("AllowStorage", "Storage", 200)]);
    const notes: string[] = [];
    const out = firstMatch(compiled, [box("Storage")], notes);
    expect(out.map((o) => o.rule.rule.name)).toEqual(["AllowStorage"]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^NSG rule DenyCloud \(100, Deny\) in nsg-cc \(AzureCloud\) — without service tag prefixes \(--service-tags\), assumed not to overlap Storage/);
  });

  it("a regional variant of the flow's own tag is a known containment: no note", () => {
    const { compiled, box } = setup([deny("DenyWE", "Storage.WestEurope"), allow("AllowStorage", "Storage", 200)]);
    const notes: string[] = [];
    firstMatch(compiled, [box("Storage")], notes);
    expect(notes).toEqual([]);
  });

  it("Internet-wide traffic meeting a public CIDR: its concrete part is judged exactly, no note", () => {
    const { compiled, box } = setup([deny("Deny20", "20.0.0.0/8")]);
    const notes: string[] = [];
    const out = firstMatch(compiled, [box("Internet")], notes);
    expect(out.some((o) => o.rule.rule.name === "Deny20")).toBe(true);
    expect(notes).toEqual([]);
  });

  it("with the flow's tag's real prefixes, nothing is assumed", () => {
    const tags = { values: [{ name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["20.60.0.0/16"] } }] };
    const { compiled, box } = setup([deny("Deny20", "20.0.0.0/8"), allow("AllowStorage", "Storage", 200)], tags);
    const notes: string[] = [];
    const out = firstMatch(compiled, [box("Storage")], notes);
    expect(out.map((o) => o.rule.rule.name)).toEqual(["Deny20"]);
    expect(notes).toEqual([]);
  });
});
