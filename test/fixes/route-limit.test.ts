// Azure refuses a route table of more than 400 routes: a fix adding a route to a full table is no fix (review: the
// service-tag routes to the Internet were offered on a table already at the limit).
// https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import { routeLimitProblem } from "../../lib/fixes/route-limit";
import { SEED_RULES, estate, finding } from "../helpers/estate-builder";

const roles = { cyclecloud: ["spoke/snet-cc"], cluster: [], returnProxy: [] };

/** The CycleCloud subnet behind a default route to None, in a route table of `size` routes (the others /32s elsewhere). */
function full(size: number) {
  const filler = Array.from({ length: size - 1 }, (_, i) => ({ name: `r${i}`, prefix: `192.0.${Math.floor(i / 256)}.${i % 256}/32`, hop: "None" }));
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
    .nsg("nsg-cc", SEED_RULES)
    .routeTable("rt-cc", [{ name: "drop-default", prefix: "0.0.0.0/0", hop: "None" }, ...filler])
    .snapshot();
}

describe("a route table at Azure's limit", () => {
  it("gets no route fix, and the finding says why", () => {
    const f = finding(audit(full(400), { roles }), "spoke/snet-cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("fail");
    expect(f.fixes).toEqual([]);
    expect(f.noFixReason).toContain('route table "rt-cc" would hold 401 routes, past Azure\'s limit of 400');
  });

  it("one route below it, the route fix is offered as before", () => {
    const f = finding(audit(full(399), { roles }), "spoke/snet-cc", "CC-EGRESS-ARM");
    expect(f.fixes.find((x) => x.kind === "az-cli")?.text).toMatch(/--address-prefix AzureResourceManager\s*\\?\s*--next-hop-type Internet/);
  });

  it("counts a route of a name the table holds as a replacement, and a deleted one as freed", () => {
    const snapshot = full(400);
    const key = [...snapshot.routeTables.keys()][0];
    const route = { name: "r0", addressPrefix: "AzureResourceManager", nextHopType: "Internet" };
    expect(routeLimitProblem(snapshot, [{ kind: "add-route", routeTableKey: key, route }])).toBeUndefined();
    const added = { kind: "add-route" as const, routeTableKey: key, route: { ...route, name: "new" } };
    expect(routeLimitProblem(snapshot, [added])).toContain("401 routes");
    expect(routeLimitProblem(snapshot, [{ kind: "delete-route", routeTableKey: key, routeName: "R1" }, added])).toBeUndefined();
  });

  it("fix-all counts the routes of all its fixes together: each fits alone, the bundle stops at the limit and says why", () => {
    const snapshot = full(399);
    // Alone, each route fix fits (one route into a table of 399).
    const report = audit(snapshot, { roles });
    const routeFixes = ["CC-EGRESS-ARM", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR"].filter((id) => finding(report, "spoke/snet-cc", id).fixes.some((x) => x.kind === "az-cli" && x.text.includes("route-table route create")));
    expect(routeFixes.length).toBeGreaterThan(1);
    const bundle = fixAll(snapshot, { roles });
    const key = [...snapshot.routeTables.keys()][0];
    expect(applyChanges(snapshot, bundle.changes).snapshot.routeTables.get(key)!.routes.length).toBeLessThanOrEqual(400);
    expect(routeLimitProblem(snapshot, bundle.changes)).toBeUndefined();
    // The fixes left out are listed with why, at the top of the script, as the bundle's other conflicts are.
    expect(bundle.unfixed.length).toBeGreaterThan(0);
    for (const u of bundle.unfixed) {
      expect(u.why).toContain('route table "rt-cc" would hold 401 routes, past Azure\'s limit of 400');
      expect(bundle.sh).toContain(`# Not fixed by this bundle: ${u.rule} on `);
      expect(bundle.findings.map((f) => f.id)).not.toContain(u.id);
    }
  });
});
