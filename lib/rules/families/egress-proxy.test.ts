// CC-EGRESS-* behind the profile's HTTPS proxy: a blocked leg gets a fix where it is decided (README "Fixes").
import { describe, expect, it } from "vitest";
import { type RuleSpec, estate, finding } from "../../../test/helpers/estate-builder";
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

describe("CC-EGRESS-LOCKDOWN with the HTTPS proxy (CONTRACT §1.2: CycleCloud's own direct Internet egress must be denied)", () => {
  const deny = { name: "BlockOutbound", priority: 4000, direction: "Outbound" as const, access: "Deny" as const, protocol: "*", src: "*", dst: "Internet", ports: "*" };
  const toProxy = (address: string) => ({ name: "AllowProxy", priority: 150, direction: "Outbound" as const, access: "Allow" as const, protocol: "Tcp", src: "*", dst: `${address}/32`, ports: "3128" });
  const allowArm = { name: "AllowAzureRM", priority: 103, direction: "Outbound" as const, access: "Allow" as const, protocol: "Tcp", src: "*", dst: "AzureResourceManager", ports: "443" };
  /** CycleCloud behind nsg-cc with `rules`, and the proxy's subnet. */
  const lockdown = (rules: RuleSpec[], proxy: string | undefined) =>
    finding(
      estate()
        .vnet("hub", ["10.0.0.0/16"])
        .nsg("nsg-cc", rules)
        .subnet("hub/cc", "10.0.1.0/24", { nsg: "nsg-cc" })
        .subnet("hub/compute", "10.0.2.0/24")
        .subnet("hub/proxy", "10.0.9.0/24")
        .nic("nic-proxy", "hub/proxy", { ip: "10.0.9.4" })
        .auditProfile({ roles: profile.roles, ...(proxy ? { proxy: { address: proxy, port: 3128 } } : {}) }),
      "hub/cc",
      "CC-EGRESS-LOCKDOWN",
    );

  it("a direct allow to a service beside the proxy: warn naming it, with guidance (a deny below it would keep it open); without it: pass", () => {
    const f = lockdown([allowArm, toProxy("10.0.9.4"), deny], "10.0.9.4");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("with the proxy 10.0.9.4:3128 in the profile, CycleCloud's own direct egress must be denied, but it reaches AzureResourceManager (AllowAzureRM (103) in nsg-cc");
    expect(f.fixes.map((x) => x.kind)).toEqual(["portal"]);
    expect(lockdown([toProxy("10.0.9.4"), deny], "10.0.9.4").status).toBe("pass");
    // Without a proxy in the profile the same direct allow is what the required egress needs.
    expect(lockdown([allowArm, deny], undefined).status).toBe("pass");
  });

  it("its fix behind a proxy denies the Internet without keeping direct allows to the services (review: the plan that kept them was discarded), and applied it passes", () => {
    const world = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .nsg("nsg-cc", [])
      .subnet("hub/cc", "10.0.1.0/24", { nsg: "nsg-cc" })
      .subnet("hub/compute", "10.0.2.0/24")
      .subnet("hub/proxy", "10.0.9.0/24")
      .nic("nic-proxy", "hub/proxy", { ip: "10.0.9.4" });
    for (const address of ["10.0.9.4", "203.0.113.10"]) {
      const prof = { roles: profile.roles, proxy: { address, port: 3128 } };
      const report = world.auditProfile(prof);
      const f = finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN");
      expect(f.status, address).toBe("fail");
      const az = f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";
      expect(az, address).toMatch(/--name BlockOutbound/);
      expect(az, address).not.toMatch(/AzureResourceManager|AllowAzureRM/);
      if (address.startsWith("203.")) expect(az).toMatch(/--name AllowHttpsProxy[\s\S]*--destination-address-prefixes 203\.0\.113\.10\/32[\s\S]*--destination-port-ranges 3128/);
      const bundle = fixAll(world.snapshot(), parseProfile("profile.json", prof), report);
      expect(bundle.unfixed.map((u) => u.rule), address).not.toContain("CC-EGRESS-LOCKDOWN");
    }
  });

  it("a proxy at a public address: TCP to its port is the way out the profile names, not a hole", () => {
    const f = lockdown([toProxy("203.0.113.10"), deny], "203.0.113.10");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("but to the HTTPS proxy 203.0.113.10 on TCP 3128, as the profile requires");
    // Not named as the proxy, it is a hole.
    expect(lockdown([toProxy("203.0.113.10"), deny], undefined).status).toBe("warn");
  });
});
