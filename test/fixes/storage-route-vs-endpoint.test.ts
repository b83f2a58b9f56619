// Review (fix planner, routes): a route table's route for Storage beats a Storage service endpoint's system route
// (CONTRACT §4.1 stage 3). So where a route drops or strands Storage, the fix is the Microsoft.Storage.Global service
// endpoint (its routes are more specific than the default route and need no outbound path), never a Storage route to
// the Internet beside the endpoint it would defeat; and CC-SE-STORAGE does not pass on an endpoint a route overrides.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Report } from "../../lib/report/types";
import { SEED_RULES, type SubnetOpts, estate, finding } from "../helpers/estate-builder";

const roles = { cyclecloud: ["spoke/snet-cc"], cluster: [], returnProxy: [] };
const azOf = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";

/** The CycleCloud subnet with the seed's NSG and route table rt-cc holding `routes`; `opts` adds to the subnet. */
function world(routes: { name: string; prefix: string; hop: string }[], opts: SubnetOpts = {}) {
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc", ...opts })
    .nsg("nsg-cc", SEED_RULES)
    .routeTable("rt-cc", routes)
    .snapshot();
}
const dropDefault = { name: "drop-default", prefix: "0.0.0.0/0", hop: "None" };
const storageRoute = (f: ReturnType<typeof finding>) => /--address-prefix Storage\b/.test(azOf(f));

describe("Storage behind a route that drops it", () => {
  it("route to None: the Storage fix is the service endpoint, and the bundle holds no Storage route to the Internet", () => {
    const snapshot = world([dropDefault]);
    const report = audit(snapshot, { roles });
    const f = finding(report, "spoke/snet-cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(azOf(f)).toContain("--service-endpoints Microsoft.Storage.Global");
    expect(storageRoute(f)).toBe(false);
    const bundle = fixAll(snapshot, { roles });
    expect(bundle.changes.some((c) => c.kind === "add-route" && c.route.addressPrefix.toLowerCase().startsWith("storage"))).toBe(false);
    expect(bundle.changes.some((c) => c.kind === "add-service-endpoint")).toBe(true);
    const after: Report = audit(applyChanges(snapshot, bundle.changes).snapshot, { roles });
    const storage = finding(after, "spoke/snet-cc", "CC-EGRESS-STORAGE");
    expect(storage.status).toBe("pass");
    // Over the backbone, not out through default outbound access.
    expect(storage.evidence.some((e) => "nextHopType" in e && e.nextHopType === "VirtualNetworkServiceEndpoint")).toBe(true);
    expect(finding(after, "spoke/snet-cc", "CC-SE-STORAGE").status).toBe("pass");
  });

  it("with the endpoint on the subnet and a Storage route to None beating it: no Storage route to the Internet is offered", () => {
    const snapshot = world([dropDefault, { name: "drop-storage", prefix: "Storage", hop: "None" }], { serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] });
    const f = finding(audit(snapshot, { roles }), "spoke/snet-cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(storageRoute(f)).toBe(false);
    expect(f.noFixReason).toMatch(/Route "drop-storage" in route table "rt-cc"[^.]*would override its Microsoft\.Storage\.Global service endpoint/);
    expect(fixAll(snapshot, { roles }).changes.some((c) => c.kind === "add-route" && c.route.addressPrefix === "Storage")).toBe(false);
  });

  it("a Storage route to None the endpoint cannot beat: the route is pointed at the Internet, and the endpoint tried first is not left in the fix", () => {
    const snapshot = world([{ name: "no-storage", prefix: "Storage", hop: "None" }]);
    const f = finding(audit(snapshot, { roles }), "spoke/snet-cc", "CC-EGRESS-STORAGE");
    expect(azOf(f)).toMatch(/--name no-storage[\s\S]*--address-prefix Storage[\s\S]*--next-hop-type Internet/);
    expect(azOf(f)).not.toContain("--service-endpoints");
  });
});

describe("CC-SE-STORAGE with a route that overrides the service endpoint", () => {
  it("a Storage route to the Internet beside the Microsoft.Storage.Global endpoint: warn, naming the route (was a false pass)", () => {
    const snapshot = world([dropDefault, { name: "Allow-Storage-Internet", prefix: "Storage", hop: "Internet" }], { serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] });
    const f = finding(audit(snapshot, { roles }), "spoke/snet-cc", "CC-SE-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/route Allow-Storage-Internet in rt-cc/);
    expect(f.detail).toMatch(/Microsoft\.Storage\.Global service endpoint/);
  });

  it("control: the endpoint with only the default route dropped passes", () => {
    const snapshot = world([dropDefault], { serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] });
    expect(finding(audit(snapshot, { roles }), "spoke/snet-cc", "CC-SE-STORAGE").status).toBe("pass");
  });

  it("a route for another tag does not count against the endpoint", () => {
    const snapshot = world([{ name: "aad", prefix: "AzureActiveDirectory", hop: "Internet" }], { serviceEndpoints: [{ service: "Microsoft.Storage.Global" }] });
    expect(finding(audit(snapshot, { roles }), "spoke/snet-cc", "CC-SE-STORAGE").status).toBe("pass");
  });
});
