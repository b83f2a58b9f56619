// Review r1 #2: with the profile's `cyclecloudServer` in a CycleCloud subnet shared with other VMs (az-hop's
// `admin` holds CycleCloud and the scheduler), the audit judges CC-INGRESS-*, NODE-EGRESS-* and CC-EGRESS-LOCKDOWN at
// the server's own address; their fixes must name that address too (its /32 as the inbound rule's destination, the
// outbound rule's source), or pasting them opens 9443 to the scheduler and cuts the scheduler's Internet egress.
import { describe, expect, it } from "vitest";
import { type RuleSpec, estate, finding } from "../helpers/estate-builder";
import { fixAll } from "../../lib/fixes/fix-all";
import { parseProfile } from "../../lib/snapshot";
import { applyAz } from "./apply-az";

// shared/arm-examples/cyclecloud/azhop_network.bicep, cut down: `nsg-common` on every subnet, VNet traffic denied
// both ways at 3100, CycleCloud (10.0.0.20) and the scheduler (10.0.0.21) in one admin subnet.
const rules = (): RuleSpec[] => [
  { name: "DenyVnetInbound", priority: 3100, direction: "Inbound", access: "Deny", protocol: "*", src: "VirtualNetwork", dst: "VirtualNetwork" },
  { name: "DenyVnetOutbound", priority: 3100, direction: "Outbound", access: "Deny", protocol: "*", src: "VirtualNetwork", dst: "VirtualNetwork" },
];
const azhop = () =>
  estate()
    .vnet("hpcvnet", ["10.0.0.0/16"])
    .subnet("hpcvnet/frontend", "10.0.0.0/28", { nsg: "nsg-common" })
    .subnet("hpcvnet/admin", "10.0.0.16/28", { nsg: "nsg-common" })
    .subnet("hpcvnet/compute", "10.0.1.0/24", { nsg: "nsg-common" })
    .nsg("nsg-common", rules())
    .nic("cyclecloud-nic", "hpcvnet/admin", { ip: "10.0.0.20" })
    .nic("scheduler-nic", "hpcvnet/admin", { ip: "10.0.0.21" })
    .nic("node-nic", "hpcvnet/compute", { ip: "10.0.1.4" });
const profile = (server: string) => ({ roles: { cyclecloud: ["hpcvnet/admin"], cluster: ["hpcvnet/compute"] }, cyclecloudServer: [server] });
const az = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";
const CHECKS: [string, string, RegExp][] = [
  ["hpcvnet/admin", "CC-INGRESS-AMQP", /--destination-address-prefixes 10\.0\.0\.20\/32\b/],
  ["hpcvnet/admin", "CC-INGRESS-HTTPS", /--destination-address-prefixes 10\.0\.0\.20\/32\b/],
  ["hpcvnet/compute", "NODE-EGRESS-AMQP", /--destination-address-prefixes 10\.0\.0\.20\/32\b/],
  ["hpcvnet/compute", "NODE-EGRESS-HTTPS", /--destination-address-prefixes 10\.0\.0\.20\/32\b/],
  ["hpcvnet/admin", "CC-EGRESS-LOCKDOWN", /--name BlockOutbound[\s\S]*--source-address-prefixes 10\.0\.0\.20\/32\b/],
];

describe("fixes for flows judged at the profile's CycleCloud server name the server's own address", () => {
  it("each fix names 10.0.0.20/32, never the admin subnet's 10.0.0.16/28, and says the subnet's other machines are left as they are", () => {
    const r = azhop().auditProfile(profile("10.0.0.20"));
    for (const [subnet, rule, wanted] of CHECKS) {
      const f = finding(r, subnet, rule);
      expect(f.status, rule).toBe("fail");
      expect(az(f), rule).toMatch(wanted);
      // The commands (the comment names the subnet's prefixes to say they are left alone).
      expect(az(f).replace(/^#.*$/gm, ""), rule).not.toContain("10.0.0.16/28");
      expect(f.fixes.find((x) => x.kind === "portal")!.text, rule).toMatch(/CycleCloud server's own address \(10\.0\.0\.20\/32\)[^:]*: the subnet's other machines are left as they are/);
    }
  });

  it("pasted, every fix passes; judged at the scheduler instead, its flows and Internet egress are as before", () => {
    const before = azhop().auditProfile(profile("10.0.0.20"));
    const b = azhop();
    for (const [subnet, rule] of CHECKS) applyAz(b, az(finding(before, subnet, rule)));
    const after = b.auditProfile(profile("10.0.0.20"));
    for (const [subnet, rule] of CHECKS) expect(finding(after, subnet, rule).status, rule).toBe("pass");
    // The same estate judged as if the scheduler were the server: nothing of the fixes reached it.
    const scheduler = b.auditProfile(profile("10.0.0.21"));
    for (const [subnet, rule] of CHECKS) expect(finding(scheduler, subnet, rule).status, `${rule} at the scheduler`).toBe("fail");
  });

  it("the --fix-all bundle scopes the same way and leaves the scheduler's flows as they were", () => {
    const b = azhop();
    const bundle = fixAll(b.snapshot(), parseProfile("profile.json", profile("10.0.0.20")));
    expect(bundle.sh).toContain("10.0.0.20/32");
    expect(bundle.sh).not.toContain("10.0.0.16/28");
    applyAz(b, bundle.sh.replace(/^(#.*|set .*)\n/gm, ""));
    for (const [subnet, rule] of CHECKS) expect(finding(b.auditProfile(profile("10.0.0.20")), subnet, rule).status, rule).toBe("pass");
    for (const [subnet, rule] of CHECKS) expect(finding(b.auditProfile(profile("10.0.0.21")), subnet, rule).status, `${rule} at the scheduler`).toBe("fail");
  });

  it("a deny aimed at the cluster's 9443 to the whole subnet is not edited open; an allow to the server goes above it", () => {
    const b = azhop().addRule("nsg-common", { name: "DenyComputeHttps", priority: 200, direction: "Inbound", access: "Deny", src: "10.0.1.0/24", ports: "9443" });
    const f = finding(b.auditProfile(profile("10.0.0.20")), "hpcvnet/admin", "CC-INGRESS-HTTPS");
    expect(az(f)).not.toContain("nsg rule update");
    expect(az(f)).toMatch(/--priority 1\d\d \\\n[\s\S]*--destination-address-prefixes 10\.0\.0\.20\/32\b/);
    applyAz(b, az(f));
    expect(finding(b.auditProfile(profile("10.0.0.20")), "hpcvnet/admin", "CC-INGRESS-HTTPS").status).toBe("pass");
    expect(finding(b.auditProfile(profile("10.0.0.21")), "hpcvnet/admin", "CC-INGRESS-HTTPS").status).toBe("fail");
    // Without a named server the deny is still not edited: nsg-common also decides for hpcvnet/frontend, which would get
    // 9443 from the cluster too. An allow scoped to the admin subnet's prefixes goes above it.
    const control = azhop().addRule("nsg-common", { name: "DenyComputeHttps", priority: 200, direction: "Inbound", access: "Deny", src: "10.0.1.0/24", ports: "9443" });
    const text = az(finding(control.audit({ cyclecloud: ["hpcvnet/admin"], cluster: ["hpcvnet/compute"] }), "hpcvnet/admin", "CC-INGRESS-HTTPS"));
    expect(text).not.toContain("nsg rule update");
    expect(text).toMatch(/--destination-address-prefixes 10\.0\.0\.16\/28\b/);
  });

  it("without a named server the fixes still name the subnet's prefixes (control)", () => {
    const r = azhop().audit({ cyclecloud: ["hpcvnet/admin"], cluster: ["hpcvnet/compute"] });
    expect(az(finding(r, "hpcvnet/admin", "CC-INGRESS-HTTPS"))).toMatch(/--destination-address-prefixes 10\.0\.0\.16\/28\b/);
    expect(az(finding(r, "hpcvnet/admin", "CC-EGRESS-LOCKDOWN"))).toMatch(/--source-address-prefixes 10\.0\.0\.16\/28\b/);
  });
});
