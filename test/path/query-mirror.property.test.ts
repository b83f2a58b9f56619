// Issue 13: the flow query answers from the same engine as the audit. Over generated worlds (routes,
// firewall policies, admin rules, NAT gateways, NSGs), a query for CycleCloud → each service tag on
// TCP 443 gives exactly the verdict of the finding it mirrors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { queryFlow } from "../../lib/path/query";
import { finding } from "../helpers/estate-builder";
import { WORK_SUBNET, buildEstate, pathWorldArb } from "./world";

const STATUS_OF = { allowed: "pass", blocked: "fail", partial: "warn" } as const;
const MIRRORED: [string, string][] = [
  ["CC-EGRESS-ARM", "AzureResourceManager"],
  ["CC-EGRESS-AAD", "AzureActiveDirectory"],
  ["CC-EGRESS-MONITOR", "AzureMonitor"],
];

describe("a flow query mirrors its finding", () => {
  it("on generated worlds, CycleCloud → each service tag on TCP 443", () => {
    let seen = 0;
    const statuses = new Set<string>();
    fc.assert(
      fc.property(pathWorldArb, (w) => {
        const b = buildEstate(w);
        const report = b.audit({ cyclecloud: [WORK_SUBNET] });
        const snapshot = b.snapshot();
        for (const [rule, tag] of MIRRORED) {
          const f = finding(report, WORK_SUBNET, rule);
          const q = queryFlow(snapshot, { from: WORK_SUBNET, to: tag, protocol: "tcp", port: "443" });
          expect(STATUS_OF[q.verdict], `${rule}: ${f.detail}`).toBe(f.status);
          statuses.add(f.status);
          seen++;
        }
      }),
      { numRuns: 60 },
    );
    expect(seen).toBe(60 * MIRRORED.length);
    // The worlds must exercise more than one outcome, or the comparison says little.
    expect(statuses.size).toBeGreaterThanOrEqual(2);
  });
});
