// Estate.releaseEvaluation lets go of compiled NSG rules, levels and cached flows before the report is written
// (issue 12: the peak of live memory). Whatever is asked afterwards must be built again with the same answer.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planAudit } from "@/lib/audit";
import { RULES } from "@/lib/rules";
import { PriorityAllocator } from "@/lib/fixes/priority";
import { loadSnapshot, parseJsonFile, parseProfile } from "@/lib/snapshot";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const FILES = ["vnets.json", "nsgs.json", "nics.json", "route-tables.json", "private-endpoints.json", "firewalls.json", "firewall-policies.json"];
const read = (f: string) => parseJsonFile(f, readFileSync(path.join(DEMO, f), "utf8"));

describe("an estate after releaseEvaluation", () => {
  it("gives every check of the demo the outcome it gave before (status, detail, evidence)", () => {
    const snapshot = loadSnapshot(FILES.map((f) => ({ name: f, value: read(f) })));
    const { env, checked } = planAudit(snapshot, parseProfile("profile.json", read("profile.json")));
    expect(checked.length).toBeGreaterThan(20);
    env.estate.releaseEvaluation();
    // Checked again (fix plans too, on a fresh allocator): the flows, NSG tables and rule cache are all rebuilt.
    const again = { ...env, allocator: new PriorityAllocator() };
    for (const c of checked) {
      const rule = RULES.find((r) => r.id === c.rule.id)!;
      const outcome = rule.check(again, c.subnet);
      expect({ rule: rule.id, status: outcome.status, detail: outcome.detail, evidence: outcome.evidence }).toEqual({ rule: c.rule.id, status: c.outcome.status, detail: c.outcome.detail, evidence: c.outcome.evidence });
    }
  });
});
