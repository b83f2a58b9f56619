// An Azure Firewall, its policy or one of the policy's rule collection groups in provisioning state Failed (its last
// operation did not succeed): what its rules allow and what they deny alike cannot be judged (the failed update may be
// the one that tightened them), and the report's notes name the firewall once.
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { readNotes } from "@/lib/live/read-notes";
import type { Profile } from "@/lib/model/types";
import { loadSnapshot } from "@/lib/snapshot";
import { finding, hubAndSpoke } from "../../test/helpers/estate-builder";
import { flattenResource } from "../../test/snapshot/flatten";

const FW_IP = "10.100.0.4";
const SEED = ["management.azure.com", "login.microsoftonline.com", "dc.applicationinsights.azure.com", "dc.applicationinsights.microsoft.com", "dc.services.visualstudio.com", "*.blob.core.windows.net"];
const profile: Profile = { roles: { cyclecloud: ["spoke/cc"], cluster: [], returnProxy: [] } };

type Resource = { type?: string; properties: Record<string, unknown> };

/**
 * The spoke's CycleCloud subnet routed to the hub's firewall, whose policy `fwp` (base policy `fwp-base`) allows the
 * seed's names by application rules and, with `openAll`, everything by a network rule; `states` sets provisioningState.
 */
function snapshot(states: { firewall?: string; policy?: string; base?: string; group?: string } = {}, opts: { openAll?: boolean; flat?: boolean } = {}) {
  const resources = hubAndSpoke(FW_IP)
    .firewall("fw", "hub", FW_IP, { policy: "fwp" })
    .policy("fwp-base", [])
    .policy(
      "fwp",
      [
        ...(opts.openAll ? [{ name: "rcg-open", priority: 100, collections: [{ name: "open", priority: 100, rules: [{ kind: "network" as const, name: "any", protocols: ["Any"], dst: ["*"], ports: ["*"] }] }] }] : []),
        { name: "rcg-cc", priority: 200, collections: [{ name: "seed", priority: 100, rules: [{ kind: "application" as const, name: "seed", src: ["10.1.0.0/16"], fqdns: SEED }] }] },
      ],
      { base: "fwp-base" },
    )
    .resources() as Resource[];
  const set = (type: string, name: string, state: string | undefined) => {
    const r = resources.find((x) => x.type === type && (x as unknown as { name: string }).name === name);
    if (state) r!.properties.provisioningState = state;
  };
  set("Microsoft.Network/azureFirewalls", "fw", states.firewall);
  set("Microsoft.Network/firewallPolicies", "fwp", states.policy);
  set("Microsoft.Network/firewallPolicies", "fwp-base", states.base);
  set("Microsoft.Network/firewallPolicies/ruleCollectionGroups", "rcg-cc", states.group);
  return loadSnapshot([{ name: "estate.json", value: opts.flat ? resources.map(flattenResource) : resources }]);
}
const report = (...args: Parameters<typeof snapshot>) => audit(snapshot(...args), profile, { generatedAt: "2026-01-01T00:00:00.000Z" });

describe("a firewall whose provisioning state is Failed", () => {
  it("Succeeded (or unstated): the required egress the rules allow passes, with no note (control)", () => {
    expect(finding(report(), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(finding(report({ firewall: "Succeeded", policy: "Succeeded" }), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
    expect(snapshot({ firewall: "Succeeded" }).inputNotes).toBeUndefined();
  });

  it("the firewall Failed: what its rules allow cannot be judged (warn, naming the state), in either form", () => {
    for (const flat of [false, true]) {
      const f = finding(report({ firewall: "Failed" }, { flat }), "spoke/cc", "CC-EGRESS-ARM");
      expect(f.status).toBe("warn");
      expect(f.detail).toContain("Azure Firewall fw is in provisioning state Failed");
    }
  });

  it("its policy or a base policy Failed: the same, naming the policy", () => {
    expect(finding(report({ policy: "Failed" }), "spoke/cc", "CC-EGRESS-ARM").detail).toContain("firewall policy fwp of Azure Firewall fw is in provisioning state Failed");
    expect(finding(report({ base: "Failed" }), "spoke/cc", "CC-EGRESS-ARM").status).toBe("warn");
  });

  it("one of its policy's rule collection groups Failed: the same, naming the group", () => {
    const f = finding(report({ group: "Failed" }), "spoke/cc", "CC-EGRESS-ARM");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("rule collection group rcg-cc of firewall policy fwp (Azure Firewall fw) is in provisioning state Failed");
  });

  it("what its rules deny cannot be judged either: the lockdown its default deny makes is no longer a pass", () => {
    expect(finding(report(), "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    const f = finding(report({ firewall: "Failed" }), "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("which has it denied, no rule matching it");
  });

  it("Internet egress a rule allows is no longer judged as leaving: the lockdown fail becomes cannot be judged", () => {
    expect(finding(report({}, { openAll: true }), "spoke/cc", "CC-EGRESS-LOCKDOWN").status).toBe("fail");
    const f = finding(report({ firewall: "Failed" }, { openAll: true }), "spoke/cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("cannot be judged");
  });

  it("the report's notes name the firewall once", () => {
    const s = snapshot({ policy: "Failed" });
    expect(readNotes(s)).toEqual([
      "Firewall policy fwp of Azure Firewall fw is in provisioning state Failed: its last operation did not succeed, so it may be forwarding by an earlier set of rules than the one exported. What its rules allow or deny is reported as cannot be judged. Restore the Succeeded state (repeat the last update) and export it again.",
    ]);
  });
});
