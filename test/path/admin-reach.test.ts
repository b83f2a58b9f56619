// Where a security admin configuration reaches beyond its network groups: the network manager's scope, a network intent
// policy in the VNet (SQL Managed Instance, Azure Databricks), one configuration per manager and region, a conflict
// between two managers. Each case is one an earlier version passed. Private endpoints, never under admin rules, are held
// by test/cases/reports/pe-admin-*-does-not-reach-endpoint.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-network-manager-scope
// https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";
import { SUB, estate, finding, id } from "../helpers/estate-builder";

const MANAGER = id("networkManagers", "avnm");

/** The hub's CycleCloud subnet whose only lockdown is a security admin Deny of outbound traffic to the Internet. */
function lockedByAdmin() {
  return estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
    .nsg("nsg-cc", [])
    .adminRule("deny-internet", ["hub"], { priority: 100, direction: "Outbound", access: "Deny", protocol: "Any", dst: ["Internet"] });
}

const lockdown = (resources: unknown[]) =>
  finding(audit(loadSnapshot([{ name: "estate.json", value: { value: resources } }]), { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } }), "hub/cc", "CC-EGRESS-LOCKDOWN");

const manager = (scopes: { subscriptions?: string[]; managementGroups?: string[] }, name = "avnm") => ({
  id: id("networkManagers", name),
  name,
  type: "Microsoft.Network/networkManagers",
  properties: { networkManagerScopes: { subscriptions: scopes.subscriptions ?? [], managementGroups: scopes.managementGroups ?? [] } },
});

const configuration = (apply: string[] | undefined, name = "sac") => ({
  id: `${MANAGER}/securityAdminConfigurations/${name}`,
  name,
  type: "Microsoft.Network/networkManagers/securityAdminConfigurations",
  properties: apply ? { applyOnNetworkIntentPolicyBasedServices: apply } : {},
});

describe("a network manager's scope", () => {
  it("holding the VNet's subscription: its Deny locks the subnet down", () => {
    expect(lockdown([...lockedByAdmin().resources(), manager({ subscriptions: [`/subscriptions/${SUB}`] })]).status).toBe("pass");
  });

  it("not holding it (subscriptions only): none of its rules apply, though a network group lists the VNet, and the detail says why", () => {
    const f = lockdown([...lockedByAdmin().resources(), manager({ subscriptions: ["/subscriptions/99999999-0000-0000-0000-000000000000"] })]);
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("Network manager avnm's scope (subscription 99999999-0000-0000-0000-000000000000) does not hold subscription");
  });

  it("holding it through a cross-tenant scope: its rules apply (review: crossTenantScopes was not read)", () => {
    const cross = { ...manager({ subscriptions: ["/subscriptions/99999999-0000-0000-0000-000000000000"] }) };
    cross.properties.networkManagerScopes = { ...cross.properties.networkManagerScopes, crossTenantScopes: [{ tenantId: "t2", subscriptions: [`/subscriptions/${SUB}`], managementGroups: [] }] } as typeof cross.properties.networkManagerScopes;
    expect(lockdown([...lockedByAdmin().resources(), cross]).status).toBe("pass");
  });

  it("naming management groups only: whether the subscription is under one is not in the input, so the Deny cannot be counted on (warn)", () => {
    const f = lockdown([...lockedByAdmin().resources(), manager({ managementGroups: ["/providers/Microsoft.Management/managementGroups/mg-hpc"] })]);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("names management group mg-hpc but not subscription");
  });
});

describe("a VNet holding a service with a network intent policy", () => {
  const withSqlMi = () => lockedByAdmin().subnet("hub/sqlmi", "10.0.9.0/24", { delegations: ["Microsoft.Sql/managedInstances"] });

  it("by default (None, or not set) gets none of the configuration's rules", () => {
    for (const apply of [["None"], undefined]) {
      const f = lockdown([...withSqlMi().resources(), configuration(apply)]);
      expect(f.status).toBe("fail");
      expect(f.detail).toContain("VNet hub holds SQL Managed Instance (subnet sqlmi)");
      expect(f.detail).toContain("none of its rules applies there");
    }
  });

  it("with AllowRulesOnly gets its Allow and AlwaysAllow rules, not its Deny", () => {
    const f = lockdown([...withSqlMi().resources(), configuration(["AllowRulesOnly"])]);
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("its Deny rules do not apply there");
  });

  it("with All gets every rule; Azure Databricks counts as SQL Managed Instance does", () => {
    expect(lockdown([...withSqlMi().resources(), configuration(["All"])]).status).toBe("pass");
    const databricks = lockedByAdmin().subnet("hub/dbx", "10.0.9.0/24", { delegations: ["Microsoft.Databricks/workspaces"] });
    expect(lockdown([...databricks.resources(), configuration(["None"])]).status).toBe("fail");
  });

  it("a value Azure does not take is bad input naming the field, never read as None", () => {
    expect(() => lockdown([...withSqlMi().resources(), configuration(["Bogus"])])).toThrow(/applyOnNetworkIntentPolicyBasedServices\[0\]: expected None, All or AllowRulesOnly/);
  });

  it("without the configuration in the input: whether its rules apply cannot be told (warn), naming what to add", () => {
    const resources = withSqlMi().resources().filter((r) => (r as { type?: string }).type !== "Microsoft.Network/networkManagers/securityAdminConfigurations");
    const f = lockdown(resources);
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("az network manager security-admin-config list");
  });
});

describe("configurations and managers that compete for the VNet", () => {
  it("two configurations of one manager, no deployment status: only one can be deployed to a region, so neither is counted on", () => {
    const b = lockedByAdmin().adminRule("allow-443", ["hub"], { priority: 200, direction: "Outbound", access: "AlwaysAllow", dst: ["Internet"], ports: ["443"], configuration: "sac-open" });
    const f = lockdown(b.resources());
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("can deploy only one security admin configuration to a region at a time, and which of sac, sac-open is deployed");
  });

  it("the same two with the status list naming the deployed one: that one decides", () => {
    const b = lockedByAdmin().adminRule("allow-443", ["hub"], { priority: 200, direction: "Outbound", access: "AlwaysAllow", dst: ["Internet"], ports: ["443"], configuration: "sac-open" });
    const status = { commitTime: "2026-11-01T00:00:00Z", configurationIds: [`${MANAGER}/securityAdminConfigurations/sac`], deploymentStatus: "Deployed", deploymentType: "SecurityAdmin", errorMessage: "", region: "westeurope" };
    expect(lockdown([...b.resources(), status]).status).toBe("pass");
  });

  it("two network managers' rules in conflict: the one of higher scope wins whatever the priorities, so the lower priority number does not settle it", () => {
    const b = lockedByAdmin().adminRule("allow-443", ["hub"], { priority: 500, direction: "Outbound", access: "AlwaysAllow", dst: ["Internet"], ports: ["443"], manager: "avnm-root" });
    const f = lockdown(b.resources());
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("may conflict with a rule of another network manager");
    // One manager: priorities order them, and the Deny at 100 decides.
    const one = lockedByAdmin().adminRule("allow-443", ["hub"], { priority: 500, direction: "Outbound", access: "AlwaysAllow", dst: ["Internet"], ports: ["443"] });
    expect(lockdown(one.resources()).status).toBe("pass");
  });
});
