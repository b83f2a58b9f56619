// A subnet with no outbound path (a private subnet, no NAT gateway) that must reach Storage gets a
// Microsoft.Storage.Global service endpoint, not a NAT gateway: the gateway would let the subnet reach every public
// address and port its NSGs allow, and a cluster subnet has no lockdown check to catch that.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import { queryFlow } from "../../lib/path/query";
import { estate, finding } from "../helpers/estate-builder";

const roles = { cyclecloud: ["spoke/cc"], cluster: ["spoke/compute"], returnProxy: [] };

function privateCluster(endpoints: { service: string }[] = []) {
  return estate()
    .vnet("spoke", ["10.1.0.0/16"])
    .subnet("spoke/cc", "10.1.0.0/24")
    .subnet("spoke/compute", "10.1.8.0/22", { defaultOutboundAccess: false, serviceEndpoints: endpoints })
    .snapshot();
}

describe("Storage from a subnet with no outbound path", () => {
  it("is fixed by a Microsoft.Storage.Global service endpoint that keeps the subnet's other endpoints, and nothing else", () => {
    const report = audit(privateCluster([{ service: "Microsoft.KeyVault" }]), { roles });
    const f = finding(report, "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).not.toBe("pass");
    const az = f.fixes.find((x) => x.kind === "az-cli")!.text;
    // Appended, so the Key Vault endpoint keeps the locations it was read with (`--service-endpoints` alone would reset them).
    expect(az).toMatch(/ --add serviceEndpoints service=Microsoft\.Storage\.Global$/m);
    expect(az).not.toMatch(/nat gateway|public-ip/);
  });

  it("applied, Storage passes and the subnet still reaches no other public address", () => {
    const snapshot = privateCluster();
    const bundle = fixAll(snapshot, { roles });
    const mine = bundle.changes.filter((c) => "subnetKey" in c && c.subnetKey.endsWith("/subnets/compute"));
    // Besides the endpoint, only the seed page's NSG the subnet lacks (NET-NSG-ATTACHED): no NAT gateway, no public IP.
    expect(mine.map((c) => c.kind).sort()).toEqual(["add-service-endpoint", "attach-new-nsg"]);
    const after = applyChanges(snapshot, bundle.changes).snapshot;
    expect(finding(audit(after, { roles }), "spoke/compute", "NODE-EGRESS-STORAGE").status).toBe("pass");
    for (const snap of [snapshot, after]) expect(queryFlow(snap, { from: "spoke/compute", to: "198.51.100.10", protocol: "tcp", port: "22" }).verdict).toBe("blocked");
  });
});

describe("with a service endpoint policy on the subnet", () => {
  it("no endpoint fix swaps its Microsoft.Storage for the cross-region kind (the policy needs the endpoints it lists)", async () => {
    const { loadSnapshot } = await import("../../lib/snapshot");
    const { id } = await import("../helpers/estate-builder");
    const resources = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/compute", "10.1.8.0/22", { defaultOutboundAccess: false, serviceEndpoints: [{ service: "Microsoft.Storage" }] }).resources() as { type: string; properties: { subnets?: { properties: Record<string, unknown> }[] } }[];
    // The policy admits the profile's locker, so the account's region is served; other regions have no way out.
    const locker = `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/locker`;
    const policy = { id: id("serviceEndpointPolicies", "sep-hpc"), name: "sep-hpc", type: "Microsoft.Network/serviceEndpointPolicies", location: "westeurope", properties: { serviceEndpointPolicyDefinitions: [{ name: "storage", properties: { service: "Microsoft.Storage", serviceResources: [locker] } }] } };
    resources.find((r) => r.type === "Microsoft.Network/virtualNetworks")!.properties.subnets![0].properties.serviceEndpointPolicies = [{ id: policy.id }];
    const { parseProfile } = await import("../../lib/snapshot");
    const report = audit(loadSnapshot([{ name: "estate.json", value: { value: [...resources, policy] } }]), parseProfile("profile.json", { roles: { cluster: ["spoke/compute"] }, storageAccount: locker }));
    const f = finding(report, "spoke/compute", "NODE-EGRESS-STORAGE");
    expect(f.status).not.toBe("pass");
    expect(f.detail).toContain("no outbound path");
    expect(f.fixes.map((x) => x.text).join("\n")).not.toContain("Microsoft.Storage.Global");
  });
});
