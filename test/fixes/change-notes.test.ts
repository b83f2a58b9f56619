// What a fix changes beyond its finding is said in every form and in the bundle (review of the fix suggestions):
// a Storage service endpoint changes the address storage accounts see, and a service-tag route around an appliance
// that drops the traffic bypasses that appliance.
import path from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { fixAll } from "../../lib/fixes/fix-all";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import { SEED_RULES, estate, finding } from "../helpers/estate-builder";

const flat = (text: string) => text.replace(/\s*(#|\/\/)\s+/g, " ");

describe("notes on what a fix changes beyond its finding", () => {
  it("a Storage service endpoint: accounts admitting the subnet by IP rule stop admitting it, in every form and in the bundle", () => {
    const snapshot = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
      .nsg("nsg-cc", SEED_RULES)
      .routeTable("rt-cc", [{ name: "drop-default", prefix: "0.0.0.0/0", hop: "None" }])
      .snapshot();
    const profile = { roles: { cyclecloud: ["spoke/snet-cc"], cluster: [], returnProxy: [] } };
    const report = audit(snapshot, profile);
    const f = finding(report, "spoke/snet-cc", "CC-EGRESS-STORAGE");
    expect(f.fixes.length).toBeGreaterThan(0);
    for (const fix of f.fixes) expect(flat(fix.text), fix.kind).toContain("stops admitting it; give such accounts a virtual network rule for the subnet");
    expect(fixAll(snapshot, profile, report).sh).toContain("# Note: With the service endpoint, the subnet reaches Azure Storage from its private addresses");
  });

  it("a route around an appliance that drops the traffic names the appliance and the other way, in every form and in the bundle", () => {
    const dir = path.resolve(__dirname, "../cases/reports/nva-ip-forwarding-off");
    const snapshot = loadSnapshot([{ name: "snapshot.json", value: JSON.parse(readFileSync(path.join(dir, "snapshot.json"), "utf8")) }]);
    const profile = parseProfile("profile.json", JSON.parse(readFileSync(path.join(dir, "profile.json"), "utf8")));
    const report = audit(snapshot, profile);
    const f = finding(report, "vnet-hpc/snet-cyclecloud", "CC-EGRESS-ARM");
    expect(f.fixes.length).toBeGreaterThan(0);
    for (const fix of f.fixes) {
      expect(flat(fix.text), fix.kind).toContain("This route takes AzureResourceManager traffic around an appliance");
      expect(flat(fix.text), fix.kind).toContain("nic-opnsense-lan, whose IP forwarding is off");
    }
    expect(fixAll(snapshot, profile, report).sh).toContain("# Note: This route takes AzureResourceManager traffic around an appliance");
  });
});

describe("the lockdown's deny", () => {
  it("names the NSG's own outbound allows to the Internet it goes before, in every form", () => {
    const snapshot = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", [
        { name: "AllowProxyOut", priority: 300, direction: "Outbound", access: "Allow", protocol: "Tcp", src: "*", dst: "203.0.113.10", ports: "3128" },
        { name: "AllowVnetOnly", priority: 320, direction: "Outbound", access: "Allow", protocol: "*", src: "*", dst: "VirtualNetwork", ports: "*" },
      ])
      .snapshot();
    const f = finding(audit(snapshot, { roles: { cyclecloud: ["spoke/snet-cc"], cluster: [], returnProxy: [] } }), "spoke/snet-cc", "CC-EGRESS-LOCKDOWN");
    expect(f.status).toBe("fail");
    expect(f.fixes.length).toBeGreaterThan(0);
    for (const fix of f.fixes) {
      expect(flat(fix.text), fix.kind).toContain('The deny goes before "AllowProxyOut" (300)');
      // A rule to the VNet alone is not shadowed by a deny of the Internet.
      expect(fix.text, fix.kind).not.toContain("AllowVnetOnly");
    }
  });
});
