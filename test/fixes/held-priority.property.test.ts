// Property: over generated NSGs crowded at the low priorities (denies and allows at 100-112, some
// aimed at the required traffic), every fix offered turns its finding to pass on its own, and the
// fix-all bundle of the report, applied together, leaves no finding worse and every fixable one passing.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Report } from "../../lib/report/types";
import { statusRank } from "../../lib/rules/status-rank";
import { RULES } from "../../lib/rules";

/** Advice a lockdown is meant to raise (GitHub staging, packages): a fix may make it worse by design. */
const ADVISORY = new Set(RULES.filter((r) => r.advisory).map((r) => r.id));
import { type RuleSpec, estate } from "../helpers/estate-builder";
import { applyAz } from "./apply-az";

const FAR = ["Internet", "Storage", "AzureActiveDirectory", "AzureMonitor", "*", "10.1.0.0/24", "VirtualNetwork"];
const rule: fc.Arbitrary<Omit<RuleSpec, "name" | "priority">> = fc.record({
  direction: fc.constantFrom("Inbound" as const, "Outbound" as const),
  access: fc.constantFrom("Allow" as const, "Deny" as const, "Deny" as const),
  protocol: fc.constantFrom("Tcp", "*"),
  far: fc.constantFrom(...FAR),
  ports: fc.constantFrom(["*"], ["443"], ["443", "445"], ["5672"], ["5672", "9443"], ["80"]),
}).map(({ direction, access, protocol, far, ports }) => ({ direction, access, protocol, ports: [...ports], ...(direction === "Outbound" ? { dst: far } : { src: far }) }));

const nsgRules = fc.uniqueArray(fc.tuple(fc.integer({ min: 100, max: 112 }), rule), { minLength: 1, maxLength: 10, selector: ([p, r]) => `${p}|${r.direction}` }).map((xs) => xs.map(([priority, r], i): RuleSpec => ({ name: `r${i}`, priority, ...r })));

const roles = { cyclecloud: ["hub/cc"], cluster: ["spoke/c1"] };
const build = (cc: RuleSpec[], cluster: RuleSpec[]) =>
  estate()
    .vnet("hub", ["10.0.0.0/16"])
    .vnet("spoke", ["10.1.0.0/16"])
    .peer("hub", "spoke")
    .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
    .subnet("hub/jump", "10.0.1.0/24", { nsg: "nsg-cc" })
    .subnet("spoke/c1", "10.1.0.0/24", { nsg: "nsg-c" })
    .nsg("nsg-cc", cc.map((r) => ({ ...r })))
    .nsg("nsg-c", cluster.map((r) => ({ ...r })));

const all = (r: Report) => new Map(r.subnets.flatMap((s) => s.findings.map((f) => [f.id!, f] as const)));

describe("held priorities, generated", () => {
  it("each fix passes alone; all of them together leave nothing worse and every fixable finding passing", () => {
    fc.assert(
      fc.property(nsgRules, nsgRules, (cc, cluster) => {
        const before = build(cc, cluster).audit(roles);
        const findings = all(before);
        for (const f of findings.values()) {
          const az = f.fixes.find((x) => x.kind === "az-cli");
          if (!az) continue;
          const b = build(cc, cluster);
          applyAz(b, az.text);
          expect(all(b.audit(roles)).get(f.id!)!.status, `${f.rule}: ${az.text}`).toBe("pass");
        }
        const b = build(cc, cluster);
        const snapshot = b.snapshot();
        const profile = { roles: { cyclecloud: roles.cyclecloud, cluster: roles.cluster, returnProxy: [] } };
        const bundle = fixAll(snapshot, profile);
        const after = all(audit(applyChanges(snapshot, bundle.changes).snapshot, profile));
        for (const [id, f] of findings) {
          const now = after.get(id)!;
          if (ADVISORY.has(f.rule)) continue;
          expect(statusRank(now.status), `${f.rule} got worse`).toBeLessThanOrEqual(statusRank(f.status));
          // Fixed together, or reported as not fixed together (two fixes competing for the same slots), with a reason.
          if ((f.status === "fail" || f.status === "warn") && f.fixes.some((x) => x.kind === "az-cli") && now.status !== "pass")
            expect(bundle.unfixed.find((u) => u.id === id)?.why, `${f.rule} not fixed by the bundle and not reported`).toMatch(/\w/);
        }
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
