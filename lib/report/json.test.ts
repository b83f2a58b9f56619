import { describe, expect, it } from "vitest";
import { renderJson, renderJsonChunks } from "./json";
import { sampleReport } from "./__fixtures__/sample-report";
import type { Report } from "./types";
import { audit } from "../audit";
import { loadSnapshot } from "../snapshot";
import { generateEstate } from "../../test/snapshot/generate-estate";

const joined = (r: Report) => Buffer.concat([...renderJsonChunks(r)]).toString("utf8");

describe("renderJsonChunks", () => {
  it("writes the bytes renderJson writes, in pieces of a few subnets", () => {
    const r = sampleReport();
    expect(joined(r)).toBe(renderJson(r));
    const many = { ...r, subnets: Array.from({ length: 150 }, (_, i) => ({ ...r.subnets[i % r.subnets.length], name: `s-${i} → ü` })) };
    expect(joined(many)).toBe(renderJson(many));
    const pieces = [...renderJsonChunks(many)].map((c) => Buffer.from(c).toString("utf8")).filter((c) => c.includes('"name": "s-'));
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((c) => c.length))).toBeLessThan(renderJson(many).length / 2);
  });

  it("matches on an audited estate with path evidence, and on edge shapes", () => {
    const resources = generateEstate({ vnets: 2, subnets: 6, nsgs: 3, rulesPerNsg: 6, nics: 6, hub: { firewallRules: 20 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
    const ids = resources.flatMap((x) => (x.type === "Microsoft.Network/virtualNetworks" && x.name !== "vnet-hub" ? (x.properties.subnets ?? []).map((s) => s.id) : []));
    const report = audit(loadSnapshot([{ name: "e.json", value: { value: resources } }]), { roles: { cyclecloud: [ids[0]], returnProxy: [], cluster: ids.slice(1) } });
    expect(report.subnets.some((s) => s.findings.some((f) => f.evidence.some((e) => "stage" in e && e.stage === "firewall")))).toBe(true);
    expect(joined(report)).toBe(renderJson(report));
    const edge = { ...sampleReport(), subnets: [], sources: undefined, note: "a\nb \u2028 \"q\" → ↔ é" } as unknown as Report;
    expect(joined(edge)).toBe(renderJson(edge));
    expect(joined({} as Report)).toBe(renderJson({} as Report));
  });
});
