// A security admin configuration takes effect in a region only once committed there, and a commit deploys the whole
// set of the region's security admin configurations. GETs cannot show it, so the rules are evaluated as deployed with
// "takes effect once deployed to <region>" (CONTRACT §4.1 stage 1) — unless the input holds the network manager's
// deployment status list, which settles it: a Deny of a configuration the region's deployment leaves out drops nothing.
// https://learn.microsoft.com/azure/virtual-network-manager/concept-deployments
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { loadSnapshot } from "../../lib/snapshot";
import { estate, finding, id } from "../helpers/estate-builder";

const SAC = `${id("networkManagers", "avnm")}/securityAdminConfigurations/sac`;

/** The hub's CycleCloud subnet under a Deny of outbound 443 in configuration `sac`, plus deployment status entries. */
function denied(entries: unknown[]) {
  const b = estate()
    .vnet("hub", ["10.0.0.0/16"])
    .subnet("hub/cc", "10.0.0.0/24")
    .adminRule("deny-443", ["hub"], { priority: 10, direction: "Outbound", access: "Deny", dst: ["*"], ports: ["443"] });
  return [...b.resources(), ...entries];
}

const arm = (resources: unknown[]) =>
  finding(audit(loadSnapshot([{ name: "estate.json", value: { value: resources } }]), { roles: { cyclecloud: ["hub/cc"], cluster: [], returnProxy: [] } }), "hub/cc", "CC-EGRESS-ARM");

const entry = (configurationIds: string[], deploymentStatus: string, deploymentType = "SecurityAdmin", region = "westeurope") => ({
  commitTime: "2026-11-01T00:00:00Z",
  configurationIds,
  deploymentStatus,
  deploymentType,
  errorMessage: "",
  region,
});

describe("security admin rules and the network manager's deployment status list", () => {
  it("without the list: evaluated as deployed, saying it takes effect once deployed to the region", () => {
    const f = arm(denied([]));
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("denied by security admin rule deny-443");
    expect(f.detail).toContain("takes effect once deployed to westeurope");
    expect(f.detail).toContain("az network manager list-deploy-status");
  });

  it("deployed to the VNet's region (by id or, as in Microsoft's sample, by name): the Deny decides, with no 'once deployed'", () => {
    for (const ids of [[SAC], ["sac"], ["SAC"]]) {
      const f = arm(denied([entry(ids, "Deployed")]));
      expect(f.status).toBe("fail");
      expect(f.detail).toContain("denied by security admin rule deny-443");
      expect(f.detail).not.toContain("once deployed");
    }
  });

  it("bare names (Microsoft's sample) show a configuration deployed, never what was left out: whose list they are is unknown", () => {
    expect(arm(denied([entry(["sac-other"], "Deployed")])).detail).toContain("takes effect once deployed to westeurope");
  });

  it("the region's finished deployment holds other configurations only: the rules are left out, and the detail says why", () => {
    const f = arm(denied([entry([`${id("networkManagers", "avnm")}/securityAdminConfigurations/sac-other`], "Deployed")]));
    expect(f.status).toBe("pass");
    expect(f.detail).not.toContain("denied by security admin rule");
    expect(f.detail).toContain("Security admin configuration sac is not deployed to westeurope");
    expect(f.detail).toContain("deploys sac-other there");
  });

  it("listed in a deployment that is not Deployed: the rule may or may not be in force, so what it decides cannot be judged (warn), naming the state", () => {
    for (const e of [entry(["sac"], "Deploying"), entry(["sac"], "Failed"), entry(["sac"], "NotStarted")]) {
      const f = arm(denied([e]));
      expect(f.status).toBe("warn");
      expect(f.detail).toContain(`its deployment there is ${e.deploymentStatus}`);
    }
  });

  it("an AlwaysAllow of a configuration whose deployment Failed does not pass what the NSG denies", () => {
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", [{ name: "DenyAllOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*", dst: "*", ports: "*" }])
      .adminRule("allow-443", ["hub"], { priority: 10, direction: "Outbound", access: "AlwaysAllow", dst: ["*"], ports: ["443"] });
    expect(arm(b.resources()).status).toBe("pass");
    expect(arm([...b.resources(), entry(["sac"], "Failed")]).status).toBe("warn");
    expect(arm([...b.resources(), entry(["sac"], "Deployed")]).status).toBe("pass");
  });

  it("another region's list, another deployment type's, another configuration's unfinished one, or an untyped entry of bare names settles nothing: evaluated as deployed", () => {
    for (const e of [entry(["sac-other"], "Deployed", "SecurityAdmin", "eastus"), entry(["cc-hpc"], "Deployed", "Connectivity"), entry(["sac-other"], "Deploying"), { ...entry(["cc-hpc"], "Deployed"), deploymentType: undefined }]) {
      const f = arm(denied([e]));
      expect(f.status).toBe("fail");
      expect(f.detail).toContain("takes effect once deployed to westeurope");
      expect(f.detail).not.toContain("its deployment there is");
    }
  });

  it("only a configuration's own network manager's list leaves it out: another manager's deployment to the region says nothing of it", () => {
    const otherManager = `${id("networkManagers", "nm-b")}/securityAdminConfigurations/sac-b`;
    const f = arm(denied([entry([otherManager], "Deployed")]));
    expect(f.status).toBe("fail");
    expect(f.detail).toContain("denied by security admin rule deny-443");
    // The live read tags each entry with the manager it listed: nm-b's entry naming a configuration "sac" is not avnm's.
    expect(arm(denied([{ ...entry(["sac"], "Deployed"), networkManagerId: id("networkManagers", "nm-b") }])).detail).toContain("takes effect once deployed to westeurope");
    // avnm's own list with nothing deployed: its rules are left out, said so.
    const none = arm(denied([{ ...entry([], "Deployed"), networkManagerId: id("networkManagers", "avnm") }]));
    expect(none.status).toBe("pass");
    expect(none.detail).toContain("has no security admin configuration deployed there");
  });

  it("Microsoft's sample type name AdminPolicy counts as a security admin deployment", () => {
    expect(arm(denied([entry([`${id("networkManagers", "avnm")}/securityAdminConfigurations/sac-other`], "Deployed", "AdminPolicy")])).status).toBe("pass");
    expect(arm(denied([entry(["sac"], "Deployed", "AdminPolicy")])).status).toBe("fail");
  });
});
