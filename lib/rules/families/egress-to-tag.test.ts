import { describe, expect, it } from "vitest";
import { SEED_RULES, estate, finding, nsgEvidence, rulesFromAzCli } from "../../../test/helpers/estate-builder";

const cc = { cyclecloud: ["hub/cc"] };
const base = (rules = SEED_RULES) => estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc" }).nsg("nsg-cc", [...rules]);

describe("egress to a service tag (CC-EGRESS-*, NODE-EGRESS-STORAGE)", () => {
  it("passes on the seed page's own NSG, naming the deciding allow rule", () => {
    const report = base().audit(cc);
    for (const [rule, name] of [["CC-EGRESS-STORAGE", "AllowAzureStorage"], ["CC-EGRESS-AAD", "AllowActiveDirectory"], ["CC-EGRESS-MONITOR", "AllowAzureMonitor"], ["CC-EGRESS-ARM", "AllowAzureRM"]]) {
      const f = finding(report, "hub/cc", rule);
      expect(f.status, rule).toBe("pass");
      expect(nsgEvidence(f).map((e) => e.rule)).toEqual([name]);
      expect(f.fixes).toEqual([]);
    }
  });

  it("fails when a deny of Internet at a lower number shadows an allow of Storage", () => {
    const report = base([
      { name: "DenyInternet", priority: 150, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
      { name: "AllowStorage", priority: 200, direction: "Outbound", access: "Allow", dst: "Storage", ports: "443" },
    ]).audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("fail");
    expect(nsgEvidence(f)).toEqual([expect.objectContaining({ rule: "DenyInternet", priority: 150, access: "Deny", direction: "Outbound", level: "subnet" })]);
    expect(f.detail).toContain("DenyInternet (150)");
  });

  it("offers a fix at a free priority below the blocker that, once applied, makes the finding pass", () => {
    const rules = [
      { name: "DenyInternet", priority: 150, direction: "Outbound" as const, access: "Deny" as const, protocol: "*", dst: "Internet" },
      { name: "Taken", priority: 149, direction: "Inbound" as const, access: "Allow" as const, ports: "22" },
    ];
    const f = finding(base(rules).audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.fixes.map((x) => x.kind)).toEqual(["az-cli", "powershell", "bicep", "terraform", "portal"]);
    const created = rulesFromAzCli(f.fixes[0].text);
    expect(created).toHaveLength(1);
    expect(created[0].rule.priority).toBe(148);
    expect(created[0].rule.dst).toEqual(["Storage"]);
    const fixed = base([...rules, created[0].rule]).audit(cc);
    expect(finding(fixed, "hub/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("gives distinct priorities to fixes in the same NSG, so they can be pasted together", () => {
    const report = base([{ name: "DenyAll", priority: 300, direction: "Outbound", access: "Deny", protocol: "*" }]).audit(cc);
    const priorities = ["CC-EGRESS-STORAGE", "CC-EGRESS-AAD", "CC-EGRESS-MONITOR", "CC-EGRESS-ARM"].flatMap((r) => rulesFromAzCli(finding(report, "hub/cc", r).fixes[0].text).map((x) => x.rule.priority));
    expect(new Set(priorities).size).toBe(4);
    expect(Math.max(...priorities)).toBeLessThan(300);
  });

  it("warns when only part of the tag is allowed (a regional variant), saying which part", () => {
    const report = base([
      { name: "AllowStorageWE", priority: 100, direction: "Outbound", access: "Allow", dst: "Storage.WestEurope", ports: "443" },
      { name: "DenyInternet", priority: 200, direction: "Outbound", access: "Deny", protocol: "*", dst: "Internet" },
    ]).audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toMatch(/Storage except Storage\.WestEurope.*DenyInternet/);
  });

  it("warns when a NIC-level NSG blocks one NIC of two, naming the NIC", () => {
    const report = base()
      .nsg("nsg-nic", [{ name: "DenyStorage", priority: 100, direction: "Outbound", access: "Deny", dst: "Storage", ports: "443" }])
      .nic("cc-vm1", "hub/cc", { ip: "10.0.0.4" })
      .nic("cc-vm2", "hub/cc", { ip: "10.0.0.5", nsg: "nsg-nic" })
      .audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("for NIC cc-vm2");
    expect(nsgEvidence(f).find((e) => e.access === "Deny")).toMatchObject({ rule: "DenyStorage", level: "nic" });
  });

  it("fails when every NIC's NSG blocks, even though the subnet NSG allows", () => {
    const report = base()
      .nsg("nsg-nic", [{ name: "DenyStorage", priority: 100, direction: "Outbound", access: "Deny", dst: "Storage", ports: "443" }])
      .nic("cc-vm1", "hub/cc", { ip: "10.0.0.4", nsg: "nsg-nic" })
      .audit(cc);
    expect(finding(report, "hub/cc", "CC-EGRESS-STORAGE").status).toBe("fail");
  });

  it("passes with no NSG at all (a level with no NSG allows)", () => {
    const report = estate().vnet("hub", ["10.0.0.0/16"]).subnet("hub/cc", "10.0.0.0/24").audit(cc);
    expect(finding(report, "hub/cc", "CC-EGRESS-STORAGE").status).toBe("pass");
  });

  it("notes an assumption when a rule names public prefixes and no service-tag prefixes were given", () => {
    const report = base([{ name: "DenySome", priority: 100, direction: "Outbound", access: "Deny", dst: "20.0.0.0/8", ports: "443" }]).audit(cc);
    const f = finding(report, "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("pass");
    expect(f.detail).toContain("--service-tags");
  });

  it("with real prefixes, a deny of part of Storage's ranges makes it a warning", () => {
    const b = base([{ name: "DenySome", priority: 100, direction: "Outbound", access: "Deny", dst: "20.60.0.0/16", ports: "443" }]);
    b.serviceTags = { values: [{ name: "Storage", id: "Storage", properties: { region: "", addressPrefixes: ["20.60.0.0/16", "20.150.0.0/15"] } }] };
    const f = finding(b.audit(cc), "hub/cc", "CC-EGRESS-STORAGE");
    expect(f.status).toBe("warn");
    expect(f.detail).toContain("20.60.0.0/16");
  });

  it("applies to cluster subnets as NODE-EGRESS-STORAGE", () => {
    const report = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/compute", "10.0.1.0/24", { nsg: "nsg-c" })
      .nsg("nsg-c", [{ name: "DenyAllOut", priority: 100, direction: "Outbound", access: "Deny", protocol: "*" }])
      .audit({ cluster: ["hub/compute"] });
    expect(finding(report, "hub/compute", "NODE-EGRESS-STORAGE").status).toBe("fail");
  });
});
