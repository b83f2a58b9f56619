// Each finding's Bicep and Terraform firewall fix declares the rule collection group whole (a PUT replaces its
// ruleCollections): today's collections and its own. Two findings' declarations deployed one after the other would
// keep only the later one's collection, so each says so and names the forms that compose (az CLI, --fix-all); listing
// every fix's collections in each would make a report grow with the square of its failing subnets.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { fixAll } from "../../lib/fixes/fix-all";
import { loadSnapshot } from "../../lib/snapshot";
import { generateEstate } from "../snapshot/generate-estate";
import { bicepResourceProperties, checkBicep, checkTerraform } from "./checkers";

const GROUP = "CycleCloud-Required";
const names = (props: unknown) => ((props as { ruleCollections: { name: string }[] }).ruleCollections ?? []).map((c) => c.name);

function hub(clusterSubnets: number) {
  const resources = generateEstate({ vnets: 3, subnets: 24, nsgs: 8, rulesPerNsg: 30, nics: 30, hub: { firewallRules: 40 } }) as { type: string; name: string; properties: { subnets?: { id: string }[] } }[];
  const ids = resources.filter((r) => r.type === "Microsoft.Network/virtualNetworks" && r.name !== "vnet-hub").flatMap((v) => (v.properties.subnets ?? []).map((s) => s.id));
  return { snapshot: loadSnapshot([{ name: "estate.json", value: { value: resources } }]), profile: { roles: { cyclecloud: [ids[0]], returnProxy: [], cluster: ids.slice(2, 2 + clusterSubnets) } } };
}

describe("per-finding firewall fixes into one rule collection group", () => {
  const { snapshot, profile } = hub(10);
  const report = audit(snapshot, profile);
  const fixes = report.subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes);
  const ofKind = (kind: string) => fixes.filter((x) => x.kind === kind && x.text.includes(GROUP));

  it("each Bicep form declares today's collections and its own, and says that a later declaration would drop it", async () => {
    const bicep = ofKind("bicep");
    expect(bicep.length).toBeGreaterThan(2);
    for (const fix of bicep) {
      expect((await checkBicep(fix.text)).problems).toEqual([]);
      const listed = names((await bicepResourceProperties(fix.text)).get(GROUP));
      // The group is new in this estate: each fix's form holds its own collections only.
      expect(listed.length).toBeGreaterThan(0);
      expect(fix.text).toContain(`// Declares the whole rule collection group (${listed.length} collections: those it holds today and this fix's).`);
      expect(fix.text).toContain("for several findings use their az CLI forms or --fix-all");
    }
  });

  it("each Terraform form says the same, as a comment that keeps it valid HCL", async () => {
    const tf = ofKind("terraform");
    expect(tf.length).toBeGreaterThan(2);
    for (const fix of tf) {
      expect((await checkTerraform(fix.text)).problems).toEqual([]);
      expect(fix.text).toMatch(/^# Declares the whole rule collection group/m);
    }
  });

  it("the --fix-all bundle declares the group once with every fix's collection, and without that warning", async () => {
    const bundle = fixAll(snapshot, profile, report);
    expect(bundle.bicep).not.toContain("Declares the whole rule collection group");
    const listed = names((await bicepResourceProperties(bundle.bicep)).get(GROUP));
    const own = new Set(ofKind("az-cli").flatMap((x) => [...x.text.matchAll(/add-filter-collection[^\n]*\n(?:[^\n]*\\\n)*?[^\n]*--name (\S+)/g)].map((m) => m[1])));
    expect(listed.length).toBeGreaterThan(2);
    expect(listed.length).toBeGreaterThanOrEqual(own.size);
  });

  it("a fix's declaration of the group does not grow with the number of other fixes to it", async () => {
    const mostListed = async (n: number) => {
      const h = hub(n);
      const bicep = audit(h.snapshot, h.profile).subnets.flatMap((s) => s.findings).flatMap((f) => f.fixes).filter((x) => x.kind === "bicep" && x.text.includes(GROUP));
      expect(bicep.length).toBeGreaterThan(n / 2);
      return Math.max(...(await Promise.all(bicep.map(async (x) => names((await bicepResourceProperties(x.text)).get(GROUP)).length))));
    };
    // Four times the failing subnets behind one group: each finding's declaration still lists only its own collections.
    expect(await mostListed(20)).toBe(await mostListed(5));
  });
});
