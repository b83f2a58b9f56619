// Issue 13: the flow query answers from the same engine as the audit. Over generated worlds (routes,
// firewall policies, admin rules, NAT gateways, NSGs), a query for CycleCloud → each service tag on
// TCP 443 gives exactly the verdict of the finding it mirrors; and a query to a storage private endpoint's address
// is allowed exactly when CC-SE-STORAGE counts that endpoint (the only private path to Storage in the world).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { queryFlow } from "../../lib/path/query";
import { finding, id } from "../helpers/estate-builder";
import { WORK_SUBNET, buildEstate, pathWorldArb } from "./world";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";

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

  // A blob private endpoint of account `acct` (a name the worlds' application rules allow, exactly or by wildcard)
  // beside the work subnet or in VNet b, with the subnet's privateEndpointNetworkPolicies as generated.
  const SPOTS = { a: { subnet: "a/other", ip: "10.0.2.20" }, b: { subnet: "b/shared", ip: "10.100.1.20" } } as const;
  const endpointArb = fc.record({ where: fc.constantFrom<"a" | "b">("a", "b", "b"), policies: fc.constantFrom(undefined, "Disabled", "Enabled") });

  it("on generated worlds, CycleCloud → a storage private endpoint's address on TCP 443, as CC-SE-STORAGE counts it", () => {
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(pathWorldArb, endpointArb, (w, e) => {
        const where = e.where === "b" && !w.vnetB ? "a" : e.where;
        const spot = SPOTS[where];
        const [vnet, subnet] = spot.subnet.split("/");
        const subnetId = `${id("virtualNetworks", vnet)}/subnets/${subnet}`;
        const pe = id("privateEndpoints", "pe-acct-blob");
        const nic = id("networkInterfaces", "pe-acct-blob.nic");
        const b = buildEstate(w).extra(
          {
            id: pe,
            name: "pe-acct-blob",
            type: "Microsoft.Network/privateEndpoints",
            properties: {
              subnet: { id: subnetId },
              networkInterfaces: [{ id: nic }],
              privateLinkServiceConnections: [{ name: "c", properties: { privateLinkServiceId: "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/acct", groupIds: ["blob"], privateLinkServiceConnectionState: { status: "Approved" } } }],
            },
          },
          { id: nic, name: "pe-acct-blob.nic", type: "Microsoft.Network/networkInterfaces", properties: { privateEndpoint: { id: pe }, ipConfigurations: [{ name: "c", properties: { subnet: { id: subnetId }, privateIPAddress: spot.ip } }] } },
        );
        const resources = b.resources() as { name: string; properties: { subnets?: { name: string; properties: Record<string, unknown> }[] } }[];
        if (e.policies) resources.find((r) => r.name === vnet)!.properties.subnets!.find((s) => s.name === subnet)!.properties.privateEndpointNetworkPolicies = e.policies;
        const snapshot = loadSnapshot([{ name: "estate.json", value: { value: resources } }]);
        const report = audit(snapshot, { roles: { cyclecloud: [WORK_SUBNET], cluster: [], returnProxy: [] } }, { generatedAt: "2026-01-01T00:00:00.000Z" });
        const f = finding(report, WORK_SUBNET, "CC-SE-STORAGE");
        const q = queryFlow(snapshot, { from: WORK_SUBNET, to: spot.ip, protocol: "tcp", port: "443" });
        expect(q.verdict === "allowed", `${f.status}: ${f.detail} | query ${q.verdict}: ${q.parts.join(" ")}`).toBe(f.status === "pass");
        expect(q.notes.join(" ")).toContain(`${spot.ip} is private endpoint pe-acct-blob of storage account acct (blob)`);
        outcomes.add(q.verdict);
      }),
      { numRuns: 80 },
    );
    // Both an endpoint that counts and one that does not, or the comparison says little.
    expect(outcomes.has("allowed")).toBe(true);
    expect(outcomes.size).toBeGreaterThanOrEqual(2);
  });
});
