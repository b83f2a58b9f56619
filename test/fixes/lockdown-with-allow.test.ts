// Review r1 #3: a private CycleCloud subnet (defaultOutboundAccess false, no NAT gateway) whose NSG, like the CCWS
// template's shared one, allows outbound TCP 80 to the Internet at 506 above its BlockOutbound at 4000. The NAT
// gateway that CC-EGRESS-ARM/AAD/MONITOR need would let port 80 out, which CC-EGRESS-LOCKDOWN forbids; alone it is
// refused. The fix is the gateway together with the lockdown's own deny, verified as one plan; and --fix-all lists at
// the top of its scripts every failing or warning finding it leaves unfixed, with why.
import { describe, expect, it } from "vitest";
import { type RuleSpec, SEED_RULES, estate, finding } from "../helpers/estate-builder";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Profile } from "../../lib/model/types";
import { bashAzCommands } from "./checkers";

const EGRESS = ["CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"];
const profile: Profile = { roles: { cyclecloud: ["ccw-vnet/cc"], cluster: ["ccw-vnet/compute"], returnProxy: [] } };
const build = (port80: boolean, nsgName = "nsg-common") => {
  const rules: RuleSpec[] = [...SEED_RULES];
  if (port80) rules.push({ name: "AllowHttp_bastion_Out", priority: 506, direction: "Outbound", access: "Allow", dst: "Internet", ports: "80" });
  return estate()
    .vnet("ccw-vnet", ["10.0.0.0/16"])
    .subnet("ccw-vnet/cc", "10.0.0.0/24", { nsg: nsgName, defaultOutboundAccess: false })
    .subnet("ccw-vnet/compute", "10.0.1.0/24", { nsg: nsgName })
    .nsg(nsgName, rules)
    .nic("cc-nic", "ccw-vnet/cc", { ip: "10.0.0.4" });
};
const run = (port80: boolean) => {
  const snapshot = build(port80).snapshot();
  return { snapshot, report: audit(snapshot, profile, { generatedAt: "2026-01-01T00:00:00.000Z" }) };
};
const az = (f: { fixes: { kind: string; text: string }[] }) => f.fixes.find((x) => x.kind === "az-cli")?.text ?? "";

describe("a fix the lockdown objects to comes with the lockdown's own deny", () => {
  it("control: without the port 80 allow, the NAT gateway alone is the fix", () => {
    const { report } = run(false);
    for (const rule of EGRESS) expect(az(finding(report, "ccw-vnet/cc", rule)), rule).toContain("az network nat gateway create");
  });

  it("with it, each egress fix attaches the gateway and denies the Internet from the subnet above 506; applied, it passes and the lockdown holds", () => {
    const { snapshot, report } = run(true);
    expect(finding(report, "ccw-vnet/cc", "CC-EGRESS-LOCKDOWN").status).toBe("pass");
    for (const rule of EGRESS) {
      const f = finding(report, "ccw-vnet/cc", rule);
      expect(f.status, rule).toBe("fail");
      expect(f.noFixReason, rule).toBeUndefined();
      const text = az(f);
      expect(text, rule).toContain("az network nat gateway create");
      const deny = bashAzCommands(text).commands.find((c) => c.includes("create") && c[c.indexOf("--access") + 1] === "Deny");
      expect(deny, rule).toBeDefined();
      expect(Number(deny![deny!.indexOf("--priority") + 1]), rule).toBeLessThan(506);
      expect(deny![deny!.indexOf("--source-address-prefixes") + 1]).toBe("10.0.0.0/24");
      // The deny stands before the gateway gives the subnet a way out: a paste stopped between them leaves no port 80 open.
      const commands = bashAzCommands(text).commands;
      expect(commands.indexOf(deny!), rule).toBeLessThan(commands.findIndex((c) => c.includes("--nat-gateway")));
      expect(f.fixes.find((x) => x.kind === "portal")!.text, rule).toMatch(/CC-EGRESS-LOCKDOWN/);
    }
    // The bundle holds one gateway and one deny, and fixes all three with the lockdown passing.
    const bundle = fixAll(snapshot, profile, report);
    expect(bundle.changes.filter((c) => c.kind === "attach-nat-gateway")).toHaveLength(1);
    expect(bundle.changes.filter((c) => c.kind === "add-rule" && c.rule.access === "Deny")).toHaveLength(1);
    const kinds = bundle.changes.map((c) => (c.kind === "add-rule" ? `add-rule ${c.rule.access}` : c.kind));
    expect(kinds.indexOf("add-rule Deny")).toBeLessThan(kinds.indexOf("attach-nat-gateway"));
    expect(bundle.sh.indexOf("--access Deny")).toBeLessThan(bundle.sh.indexOf("--nat-gateway"));
    // Every state on the way, change by change, keeps the lockdown.
    for (let n = 1; n <= bundle.changes.length; n++) expect(finding(audit(applyChanges(snapshot, bundle.changes.slice(0, n)).snapshot, profile), "ccw-vnet/cc", "CC-EGRESS-LOCKDOWN").status, `after ${kinds.slice(0, n).join(", ")}`).toBe("pass");
    const after = audit(applyChanges(snapshot, bundle.changes).snapshot, profile);
    for (const rule of [...EGRESS, "CC-EGRESS-LOCKDOWN"]) expect(finding(after, "ccw-vnet/cc", rule).status, rule).toBe("pass");
  });

  it("with the profile's CycleCloud server named, the deny names the server, and the fix says the NAT gateway serves the whole subnet", () => {
    const b = build(true).nic("other-nic", "ccw-vnet/cc", { ip: "10.0.0.5" });
    const report = b.auditProfile({ roles: { cyclecloud: ["ccw-vnet/cc"], cluster: ["ccw-vnet/compute"] }, cyclecloudServer: ["10.0.0.4"] });
    const f = finding(report, "ccw-vnet/cc", "CC-EGRESS-ARM");
    const deny = bashAzCommands(az(f)).commands.find((c) => c.includes("create") && c[c.indexOf("--access") + 1] === "Deny")!;
    expect(deny[deny.indexOf("--source-address-prefixes") + 1]).toBe("10.0.0.4/32");
    expect(f.fixes.find((x) => x.kind === "portal")!.text).toMatch(/CycleCloud server's own address \(10\.0\.0\.4\/32\)[^:]*: the rules leave the subnet's other machines as they are, but the NAT gateway \(an outbound path\) serves every machine of the subnet/);
  });

  it("--fix-all names, at the top of every script, each failing or warning finding it leaves unfixed and why", () => {
    // A deny of the cluster's AMQP to anywhere that nothing can move past: 100-103 hold the seed's allows (no free
    // priority below it) and an allow sits right behind it.
    const b = build(true)
      .addRule("nsg-common", { name: "DenyAmqp", priority: 104, direction: "Outbound", access: "Deny", src: "10.0.1.0/24", dst: "*", ports: "5672" })
      .addRule("nsg-common", { name: "AllowAdmin", priority: 105, direction: "Outbound", access: "Allow", src: "10.0.1.0/24", dst: "10.0.0.0/24", ports: "5000-6000" });
    const snapshot = b.snapshot();
    const report = audit(snapshot, profile);
    const stuck = finding(report, "ccw-vnet/compute", "NODE-EGRESS-AMQP");
    expect(stuck.status).toBe("fail");
    expect(stuck.noFixReason).toMatch(/\w/);
    const bundle = fixAll(snapshot, profile, report);
    for (const script of [bundle.sh, bundle.ps1]) {
      const head = script.slice(0, script.search(/^(set -euo|\$ErrorActionPreference)/m));
      expect(head).toContain(`# Not fixed by this bundle: NODE-EGRESS-AMQP (fail) on ${JSON.stringify(report.subnets.find((s) => s.name === "compute")!.id)}: ${stuck.noFixReason}`);
      // Advice whose fix is a procedure is named too, as such.
      expect(head).toMatch(/# Not fixed by this bundle: CC-GITHUB-STAGING \(warn\) on .*: its fix is a procedure/);
    }
    expect(bundle.unfixable.map((u) => u.rule)).toContain("NODE-EGRESS-AMQP");
  });

  it("fix-all.ps1 leaves out the NAT gateway when it leaves out the deny planned with it (a name PowerShell cannot pass safely)", () => {
    // `!` is valid in an NSG name for this test's purpose and one cmd.exe interprets: the deny's command has no safe
    // PowerShell form, so the gateway, which would let port 80 out without it, must stay out too.
    const snapshot = build(true, "nsg-common!x").snapshot();
    const bundle = fixAll(snapshot, profile);
    expect(bundle.sh).toContain("--nat-gateway");
    expect(bundle.ps1).not.toMatch(/--access 'Deny'/);
    expect(bundle.ps1).not.toContain("--nat-gateway");
    expect(bundle.notIn.ps1.some((w) => w.includes("a NAT gateway, which waits for the lockdown's deny"))).toBe(true);
  });
});
