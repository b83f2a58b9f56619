// A live read that reached only part of the estate (CONTRACT §2 exit 3): AuditOptions.readErrors. No finding may pass on
// what was read alone, and a profile entry naming what was not read is left out and listed, not an input error.
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import { InputError } from "@/lib/errors";
import { failedCalls } from "@/lib/partial-read";
import type { ReadError, Report } from "@/lib/report/types";
import { loadSnapshot, parseProfile } from "@/lib/snapshot";

const SUB = "11111111-2222-3333-4444-555555555555";
const NET = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network`;
const vnet = {
  id: `${NET}/virtualNetworks/hub`,
  name: "hub",
  type: "Microsoft.Network/virtualNetworks",
  properties: {
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
    subnets: [
      { id: `${NET}/virtualNetworks/hub/subnets/cc`, name: "cc", properties: { addressPrefix: "10.0.0.0/24", networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-cc` } } },
      { id: `${NET}/virtualNetworks/hub/subnets/compute`, name: "compute", properties: { addressPrefix: "10.0.1.0/24" } },
    ],
  },
};
// Denies AzureMonitor, so the audit has fails beside its passes.
const nsg = {
  id: `${NET}/networkSecurityGroups/nsg-cc`,
  name: "nsg-cc",
  type: "Microsoft.Network/networkSecurityGroups",
  properties: {
    securityRules: [
      { name: "deny-monitor", properties: { priority: 100, direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "AzureMonitor", destinationPortRange: "*" } },
    ],
  },
};
const snapshot = () => loadSnapshot([{ name: "estate.json", value: [vnet, nsg] }]);
const profile = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/compute"] } });
const forbidden = (operation: string, subscription = SUB): ReadError => ({ subscription, operation, code: "AuthorizationFailed", message: "does not have authorization" });
const findings = (r: Report) => r.subnets.flatMap((s) => s.findings.map((f) => ({ subnet: s.name, ...f })));

describe("audit with readErrors (a partial live read)", () => {
  const complete = audit(snapshot(), profile, { generatedAt: "t" });
  const partial = audit(snapshot(), profile, { generatedAt: "t", readErrors: [forbidden("networkManagers.listAll")] });

  it("passes nothing: each pass is a warn naming the failed call, and says it may decide the verdict", () => {
    const passed = findings(complete).filter((f) => f.status === "pass");
    expect(passed.length).toBeGreaterThan(3);
    expect(findings(partial).some((f) => f.status === "pass")).toBe(false);
    for (const before of passed) {
      const after = findings(partial).find((f) => f.id === before.id)!;
      expect(after.status, before.rule).toBe("warn");
      expect(after.detail.startsWith(before.detail)).toBe(true);
      expect(after.detail).toContain(`networkManagers.listAll in subscription ${SUB}: AuthorizationFailed`);
      expect(after.detail).toContain("may decide this verdict");
    }
    expect(partial.summary.pass).toBe(0);
    expect(partial.subnets.every((s) => s.status !== "pass")).toBe(true);
  });

  it("keeps fails and infos as they were, a fail saying the unread part may change it", () => {
    const monitor = findings(partial).find((f) => f.subnet === "cc" && f.rule === "CC-EGRESS-MONITOR")!;
    expect(findings(complete).find((f) => f.id === monitor.id)!.status).toBe("fail");
    expect(monitor.status).toBe("fail");
    expect(monitor.detail).toContain("networkManagers.listAll");
    for (const before of findings(complete).filter((f) => f.status === "fail" || f.status === "info")) {
      expect(findings(partial).find((f) => f.id === before.id)!.status).toBe(before.status);
    }
    expect(partial.summary.fail).toBe(complete.summary.fail);
  });

  it("changes nothing without read errors (absent or empty)", () => {
    expect(audit(snapshot(), profile, { generatedAt: "t", readErrors: [] })).toEqual(complete);
    expect(findings(complete).some((f) => f.detail.includes("live read failed"))).toBe(false);
  });

  it("a failed VM list alone holds back no pass (a NIC whose VM is missing is judged finding by finding), yet is listed", () => {
    const r = audit(snapshot(), profile, { generatedAt: "t", readErrors: [forbidden("virtualMachines.listAll")] });
    expect(r.subnets.map((s) => s.findings.map((f) => [f.status, f.detail]))).toEqual(complete.subnets.map((s) => s.findings.map((f) => [f.status, f.detail])));
    expect(r.errors).toEqual([forbidden("virtualMachines.listAll")]);
    // With another call failed beside it, only that one is named.
    const both = audit(snapshot(), profile, { generatedAt: "t", readErrors: [forbidden("virtualMachines.listAll"), forbidden("networkManagers.listAll")] });
    expect(both.summary.pass).toBe(0);
    expect(both.subnets.flatMap((s) => s.findings).find((f) => f.status === "warn" && f.detail.includes("networkManagers.listAll"))?.detail).not.toContain("virtualMachines");
  });

  it("names a few failed calls and counts the rest", () => {
    const errors = ["a.listAll", "b.listAll", "c.listAll", "d.listAll", "e.listAll"].map((op) => forbidden(op));
    const text = failedCalls([...errors, errors[0]])!;
    expect(text).toContain("a.listAll");
    expect(text).toContain("c.listAll");
    expect(text).not.toContain("d.listAll");
    expect(text).toMatch(/and 2 more failed calls$/);
    expect(failedCalls([])).toBeUndefined();
  });
});

describe("a profile entry that matches nothing read", () => {
  const unread = parseProfile("profile.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/compute", "spoke/compute-2"] } });

  it("is an input error after a complete read", () => {
    expect(() => audit(snapshot(), unread, { profileName: "profile.json" })).toThrow(InputError);
    expect(() => audit(snapshot(), unread, { profileName: "profile.json" })).toThrow('profile.json: roles.cluster[1]: no subnet matches "spoke/compute-2"');
  });

  it("after a partial read is left out and listed in gaps.unresolved, and the rest is audited", () => {
    const report = audit(snapshot(), unread, { profileName: "profile.json", readErrors: [forbidden("virtualNetworks.listAll", "22222222-0000-4000-8000-000000000000")] });
    expect(report.subnets.map((s) => [s.name, s.role])).toEqual([["cc", "cyclecloud"], ["compute", "cluster"]]);
    expect(report.gaps?.unresolved[0]).toEqual({ from: "profile.json: roles.cluster[1]", kind: "subnet", ref: "spoke/compute-2", hint: expect.stringContaining("the live read was partial") });
  });

  it("stays an input error when only the VM list failed (it cannot hide a subnet; a typo is still a typo)", () => {
    expect(() => audit(snapshot(), unread, { profileName: "profile.json", readErrors: [forbidden("virtualMachines.listAll")] })).toThrow('profile.json: roles.cluster[1]: no subnet matches "spoke/compute-2"');
  });

  it("as a CycleCloud server after a partial read is left out and listed too", () => {
    const server = parseProfile("p.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/compute"] }, cyclecloudServer: [`${NET}/networkInterfaces/nic-cc`] });
    expect(() => audit(snapshot(), server, { profileName: "p.json" })).toThrow(/cyclecloudServer\[0\]: no NIC/);
    const report = audit(snapshot(), server, { profileName: "p.json", readErrors: [forbidden("networkInterfaces.listAll")] });
    expect(report.gaps?.unresolved).toContainEqual({ from: "p.json: cyclecloudServer[0]", kind: "cyclecloudServer", ref: `${NET}/networkInterfaces/nic-cc`, hint: expect.stringContaining("left out of this audit") });
    expect(report.subnets.find((s) => s.name === "cc")!.findings.length).toBeGreaterThan(0);
  });

  it("that is ambiguous or contradicts another stays an input error after a partial read", () => {
    const twice = parseProfile("p.json", { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/cc"] } });
    expect(() => audit(snapshot(), twice, { profileName: "p.json", readErrors: [forbidden("x.listAll")] })).toThrow(/already in role cyclecloud/);
  });
});
