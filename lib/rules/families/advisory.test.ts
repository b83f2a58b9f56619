import { describe, expect, it } from "vitest";
import { SEED_RULES, estate, finding } from "../../../test/helpers/estate-builder";

describe("CC-GITHUB-STAGING and NODE-PACKAGES", () => {
  it("with Internet egress open: pass", () => {
    const r = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24").subnet("v/c", "10.0.1.0/24").audit({ cyclecloud: ["v/cc"], cluster: ["v/c"] });
    expect(finding(r, "v/cc", "CC-GITHUB-STAGING").status).toBe("pass");
    expect(finding(r, "v/c", "NODE-PACKAGES").status).toBe("pass");
  });

  it("with the seed's lockdown: warn with the staging procedure, and info naming the three ways", () => {
    const r = estate()
      .vnet("v", ["10.0.0.0/16"])
      .subnet("v/cc", "10.0.0.0/24", { nsg: "n" })
      .subnet("v/c", "10.0.1.0/24", { nsg: "n" })
      .nsg("n", [...SEED_RULES])
      .audit({ cyclecloud: ["v/cc"], cluster: ["v/c"] });
    const gh = finding(r, "v/cc", "CC-GITHUB-STAGING");
    expect(gh.status).toBe("warn");
    expect(gh.fixes[0].text).toContain("/opt/cycle_server/work/staging/projects");
    const pk = finding(r, "v/c", "NODE-PACKAGES");
    expect(pk.status).toBe("info");
    expect(pk.fixes[0].text).toMatch(/custom managed image[\s\S]*mirror[\s\S]*Azure Storage/);
  });

  it("a default route to None drops Internet egress even without an NSG", () => {
    const r = estate()
      .vnet("v", ["10.0.0.0/16"])
      .subnet("v/cc", "10.0.0.0/24", { routeTable: "rt" })
      .routeTable("rt", [{ name: "blackhole", prefix: "0.0.0.0/0", hop: "None" }])
      .audit({ cyclecloud: ["v/cc"] });
    expect(finding(r, "v/cc", "CC-GITHUB-STAGING")).toMatchObject({ status: "warn", detail: expect.stringContaining("None") });
  });
});

describe("NET-NSG-ATTACHED (outside the contract's table: never fails)", () => {
  it("warns for a role subnet without NSG, passes with one; Azure-managed subnets are never flagged", () => {
    const r = estate()
      .vnet("v", ["10.0.0.0/16"])
      .subnet("v/cc", "10.0.0.0/24")
      .subnet("v/c", "10.0.1.0/24", { nsg: "n" })
      .subnet("v/AzureBastionSubnet", "10.0.9.0/26")
      .nsg("n")
      .audit({ cyclecloud: ["v/cc"], cluster: ["v/c", "v/AzureBastionSubnet"] });
    expect(finding(r, "v/cc", "NET-NSG-ATTACHED").status).toBe("warn");
    expect(finding(r, "v/c", "NET-NSG-ATTACHED").status).toBe("pass");
    expect(finding(r, "v/AzureBastionSubnet", "NET-NSG-ATTACHED").status).toBe("pass");
  });

  it("offers the seed page's NSG as its fix, the very change CC-EGRESS-LOCKDOWN offers for the same subnet", () => {
    const r = estate().vnet("v", ["10.0.0.0/16"]).subnet("v/cc", "10.0.0.0/24").audit({ cyclecloud: ["v/cc"] });
    const attached = finding(r, "v/cc", "NET-NSG-ATTACHED");
    const az = attached.fixes.find((f) => f.kind === "az-cli")!.text;
    expect(az).toContain("az network nsg create");
    expect(az).toMatch(/--name BlockOutbound --priority 4000 --direction Outbound --access Deny/);
    expect(az).toContain("--network-security-group nsg-cc-lockdown");
    // Every form, not the portal steps alone, says what the new NSG's default rules cut.
    for (const f of attached.fixes) expect(f.text, f.kind).toContain("deny inbound traffic from outside the virtual network");
    // ... and what its own deny of the Internet cuts: a cluster loses package mirrors it reached until now.
    for (const f of attached.fixes) expect(f.text.replace(/\s*(#|\/\/)\s*/g, " "), f.kind).toContain("also denies outbound traffic to the Internet beyond what its allow rules name");
    // One NSG, one set of rule names: applying either finding's fix satisfies the other.
    const lockdown = finding(r, "v/cc", "CC-EGRESS-LOCKDOWN").fixes.find((f) => f.kind === "az-cli")!.text;
    expect(lockdown.split("\n").filter((l) => l.startsWith("az "))).toEqual(az.split("\n").filter((l) => l.startsWith("az ")));
  });

  it("is the only fix where a firewall already locks the subnet down", () => {
    const r = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/AzureFirewallSubnet", "10.0.1.0/26")
      .vnet("hpc", ["10.1.0.0/16"])
      .subnet("hpc/cc", "10.1.0.0/24", { routeTable: "rt" })
      .peer("hub", "hpc")
      .routeTable("rt", [{ name: "default", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.0.1.4" }])
      .firewall("fw", "hub", "10.0.1.4", { policy: "pol" })
      .policy("pol", [{ name: "g", priority: 100, collections: [{ name: "c", priority: 100, action: "Allow", rules: [{ kind: "network", name: "arm", dst: ["AzureResourceManager"], ports: ["443"] }] }] }])
      .audit({ cyclecloud: ["hpc/cc"] });
    // (A network rule to AzureCloud, whose prefixes the input lacks, would leave the lockdown "cannot be judged":
    // lockdown-unsupplied-tags.test.ts.)
    const lockdown = finding(r, "hpc/cc", "CC-EGRESS-LOCKDOWN");
    expect(lockdown.status).toBe("pass");
    expect(lockdown.fixes).toEqual([]);
    const attached = finding(r, "hpc/cc", "NET-NSG-ATTACHED");
    expect(attached.status).toBe("warn");
    expect(attached.fixes.find((f) => f.kind === "az-cli")!.text).toContain("--network-security-group nsg-cc-lockdown");
    expect(attached.noFixReason).toBeUndefined();
  });
});
