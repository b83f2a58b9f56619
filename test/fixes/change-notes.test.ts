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
