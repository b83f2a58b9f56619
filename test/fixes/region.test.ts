// A resource a fix creates to attach to a subnet (a NAT gateway and its public IP, an NSG) must be in the subnet's
// region, whatever the resource group's: Azure refuses to attach one of another region, and a NAT gateway serves one
// virtual network (https://learn.microsoft.com/azure/nat-gateway/nat-overview). Every form says the VNet's region.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { fixAll } from "../../lib/fixes/fix-all";
import { renderPlan } from "../../lib/fixes/render";
import { loadSnapshot, parseProfile } from "../../lib/snapshot";
import type { Change } from "../../lib/fixes/types";
import { bashAzCommands, checkBicep, checkTerraform } from "./checkers";
import { plainNames, world } from "./world";

/** The `location` of every non-existing Bicep resource that has one, by resource name. */
function bicepLocations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^resource \S+ '[^']+' = \{\n(?:  parent: .*\n)?  name: '([^']*)'\n  location: (.*)$/gm)) out.set(m[1], m[2]);
  return out;
}

describe("new resources are created in the VNet's region, not the resource group's", () => {
  const { snapshot, subnet, changes } = world(plainNames());
  const vnet = snapshot.vnets.get(subnet.vnetKey)!;
  vnet.location = "northeurope";
  const render = (kind: Change["kind"]) => renderPlan(snapshot, { summary: "s", changes: changes.filter((c) => c.kind === kind) }, subnet.key);
  const text = (fixes: { kind: string; text: string }[], kind: string) => fixes.find((f) => f.kind === kind)!.text;

  for (const kind of ["attach-nat-gateway", "attach-new-nsg"] as const) {
    it(`${kind}: az --location, Bicep and Terraform location, portal region are all the VNet's`, async () => {
      const fixes = render(kind);
      for (const cmd of bashAzCommands(text(fixes, "az-cli")).commands.filter((c) => c.includes("create") && !c.includes("rule"))) expect(cmd[cmd.indexOf("--location") + 1], cmd.join(" ")).toBe("northeurope");
      const bicep = text(fixes, "bicep");
      expect((await checkBicep(bicep)).problems).toEqual([]);
      expect(bicep).not.toMatch(/resourceGroup\(\)\.location/);
      const locations = bicepLocations(bicep);
      expect(locations.size).toBe(kind === "attach-nat-gateway" ? 2 : 1);
      for (const l of locations.values()) expect(l).toBe("'northeurope'");
      const tf = await checkTerraform(text(fixes, "terraform"));
      expect(tf.problems).toEqual([]);
      for (const [, attrs] of tf.resources) if ("location" in attrs) expect(attrs.location).toBe("northeurope");
      expect(text(fixes, "portal")).toContain('region "northeurope" (the VNet\'s)');
    });
  }

  it("a VNet whose location the snapshot lacks: Bicep takes the existing VNet's own location", async () => {
    const bare = { ...snapshot, vnets: new Map([[vnet.key, { ...vnet, location: undefined }]]) };
    const bicep = renderPlan(bare, { summary: "s", changes: changes.filter((c) => c.kind === "attach-nat-gateway") }, subnet.key).find((f) => f.kind === "bicep")!.text;
    const report = await checkBicep(bicep);
    expect(report.problems).toEqual([]);
    const vnetSymbol = report.resources.find((r) => r.existing && r.type === "Microsoft.Network/virtualNetworks")!.symbol;
    for (const l of bicepLocations(bicep).values()) expect(l).toBe(`${vnetSymbol}.location`);
  });
});

const CASE = path.resolve(__dirname, "../../../shared/cases/private-subnet-no-outbound");

describe.skipIf(!existsSync(CASE))("case private-subnet-no-outbound: the NAT gateway fix, per finding and in --fix-all", () => {
  const dir = CASE;
  const snapshot = loadSnapshot([{ name: "snapshot.json", value: JSON.parse(readFileSync(`${dir}/snapshot.json`, "utf8")) }]);
  const profile = parseProfile("profile.json", JSON.parse(readFileSync(`${dir}/profile.json`, "utf8")));
  const regions = new Set([...snapshot.vnets.values()].map((v) => v.location));

  it("every Bicep NAT gateway and public IP is created at a literal VNet region", () => {
    const bicep = audit(snapshot, profile).subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes).filter((x) => x.kind === "bicep" && x.text.includes("natGateways@"));
    bicep.push({ kind: "bicep", text: fixAll(snapshot, profile).bicep });
    expect(bicep.length).toBeGreaterThan(1);
    for (const fix of bicep) {
      expect(fix.text).not.toMatch(/resourceGroup\(\)\.location/);
      const locations = [...bicepLocations(fix.text).values()];
      expect(locations.length).toBeGreaterThanOrEqual(2);
      for (const l of locations) expect(regions.has(l.replace(/^'|'$/g, ""))).toBe(true);
    }
  });
});
