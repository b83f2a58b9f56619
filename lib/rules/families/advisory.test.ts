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
});
