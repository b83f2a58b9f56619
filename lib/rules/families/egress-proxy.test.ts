// CC-EGRESS-* behind the profile's HTTPS proxy: a blocked leg gets a fix where it is decided (README "Fixes").
import { describe, expect, it } from "vitest";
import { estate, finding } from "../../../test/helpers/estate-builder";
import { fixAll } from "../../fixes/fix-all";
import { parseProfile } from "../../snapshot";

const SERVICES = ["CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"];
const profile = { roles: { cyclecloud: ["hub/cc"], cluster: ["hub/compute"] }, proxy: { address: "10.0.9.4", port: 3128 } };

/** CycleCloud, a cluster and the proxy's subnet; the proxy's NSG admits nothing from the VNet. */
const world = () =>
  estate()
    .vnet("hub", ["10.0.0.0/16"])
    .nsg("nsg-proxy", [{ name: "DenyVnetIn", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*", src: "VirtualNetwork", dst: "*", ports: "*" }])
    .subnet("hub/cc", "10.0.1.0/24")
    .subnet("hub/compute", "10.0.2.0/24")
    .subnet("hub/proxy", "10.0.9.0/24", { nsg: "nsg-proxy" })
    .nic("nic-proxy", "hub/proxy", { ip: "10.0.9.4" });

describe("CC-EGRESS-* through the HTTPS proxy", () => {
  it("a proxy whose NSG refuses CycleCloud gets one inbound rule, the same in every finding, that makes each pass", () => {
    const b = world();
    const report = b.auditProfile(profile);
    const texts = SERVICES.map((rule) => {
      const f = finding(report, "hub/cc", rule);
      expect(f.status, rule).toBe("fail");
      expect(f.detail).toContain("At the proxy (hub/proxy), inbound TCP 3128 from hub/cc is blocked");
      return f.fixes.find((x) => x.kind === "az-cli")!.text;
    });
    // Verified by the audit before it is shown; one rule at the proxy's NSG from CycleCloud's prefix to the proxy alone.
    expect(texts[0]).toMatch(/--nsg-name nsg-proxy --name AllowCycleCloudToProxy[\s\S]*--direction Inbound[\s\S]*--source-address-prefixes 10\.0\.1\.0\/24[\s\S]*--destination-address-prefixes 10\.0\.9\.4[\s\S]*--destination-port-ranges 3128/);
    expect(new Set(texts).size).toBe(1);
    // --fix-all writes it once and, applied, passes all four.
    const bundle = fixAll(b.snapshot(), parseProfile("profile.json", profile), report);
    expect(bundle.sh.match(/--name AllowCycleCloudToProxy/g)).toHaveLength(1);
    expect(bundle.findings.filter((f) => SERVICES.includes(f.rule)).map((f) => f.rule).sort()).toEqual([...SERVICES].sort());
    expect(bundle.unfixed).toEqual([]);
  });

  it("with the profile's CycleCloud server, the proxy's inbound rule admits the server alone, as the audit judges it", () => {
    const report = world().nic("nic-cc", "hub/cc", { ip: "10.0.1.4" }).auditProfile({ ...profile, cyclecloudServer: ["10.0.1.4"] });
    const az = finding(report, "hub/cc", "CC-EGRESS-ARM").fixes.find((x) => x.kind === "az-cli")!.text;
    expect(az).toMatch(/--name AllowCycleCloudToProxy[\s\S]*--source-address-prefixes 10\.0\.1\.4\/32/);
  });
});
