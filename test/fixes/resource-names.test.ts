// Names of what fixes create (lib/fixes/resource-names.ts), through the real loader, audit and --fix-all: a new NSG,
// NAT gateway, public IP, route or rule collection never takes a name the estate holds in its scope (Azure compares
// names case-insensitively) nor one another fix gives to something else, and one subnet's NAT gateway keeps one name
// in every finding, so the bundle creates it once. Every form of the bundle (az, Bicep, Terraform) creates each name once.
import { describe, expect, it } from "vitest";
import { audit } from "../../lib/audit";
import { applyChanges } from "../../lib/fixes/apply";
import { fixAll } from "../../lib/fixes/fix-all";
import type { Profile, Snapshot } from "../../lib/model/types";
import type { Report } from "../../lib/report/types";
import { parseProfile } from "../../lib/snapshot";
import { type EstateBuilder, SEED_RULES, estate, finding, id } from "../helpers/estate-builder";
import { bashAzCommands, bicepResourceProperties, checkBicep, checkTerraform } from "./checkers";

const arg = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];
const isCmd = (argv: string[], ...words: string[]) => words.every((w, i) => argv[i] === w);

/** Every az command of every az-cli fix of a finding, as bash splits it. */
function azOf(f: { fixes: { kind: string; text: string }[] }): string[][] {
  return f.fixes.filter((x) => x.kind === "az-cli").flatMap((x) => {
    const run = bashAzCommands(x.text);
    expect(run.ok, run.error).toBe(true);
    return run.commands;
  });
}

/** The `--name` of every `az <words…>` command. */
const createdNames = (commands: string[][], ...words: string[]) => commands.filter((c) => isCmd(c, ...words)).map((c) => arg(c, "--name"));

/** What each form of a fix-all bundle creates, by kind: duplicates (case-insensitive) would be one resource twice. */
async function bundleCreates(snapshot: Snapshot, profile: Profile, report: Report) {
  const bundle = fixAll(snapshot, profile, report);
  const sh = bashAzCommands(bundle.sh);
  expect(sh.ok, sh.error).toBe(true);
  const bicep = await checkBicep(bundle.bicep);
  expect(bicep.problems).toEqual([]);
  const tf = await checkTerraform(bundle.tf);
  expect(tf.problems).toEqual([]);
  const bicepNames = (type: string) => bicep.resources.filter((r) => !r.existing && r.type.toLowerCase() === type.toLowerCase()).map((r) => r.name);
  const tfNames = (type: string) => [...tf.resources].filter(([k]) => k.startsWith(`${type}.`)).map(([, v]) => String(v.name));
  return {
    bundle,
    az: { nat: createdNames(sh.commands, "network", "nat", "gateway", "create"), pip: createdNames(sh.commands, "network", "public-ip", "create"), nsg: createdNames(sh.commands, "network", "nsg", "create"), route: createdNames(sh.commands, "network", "route-table", "route", "create") },
    bicep: { nat: bicepNames("Microsoft.Network/natGateways"), pip: bicepNames("Microsoft.Network/publicIPAddresses"), nsg: bicepNames("Microsoft.Network/networkSecurityGroups") },
    tf: { nat: tfNames("azurerm_nat_gateway"), pip: tfNames("azurerm_public_ip"), nsg: tfNames("azurerm_network_security_group") },
  };
}

const unique = (names: string[]) => new Set(names.map((n) => n.toLowerCase())).size === names.length;

function expectNoDuplicates(created: Awaited<ReturnType<typeof bundleCreates>>) {
  for (const form of ["az", "bicep", "tf"] as const)
    for (const [kind, names] of Object.entries(created[form])) expect(unique(names), `${form} ${kind}: ${names.join(", ")}`).toBe(true);
}

/** The seed's NSG, two spokes in one resource group (estate-builder's), each with a private subnet `snet-cc` (no outbound path). */
function twoPrivateSubnets(extra: (b: EstateBuilder) => EstateBuilder = (b) => b) {
  const b = estate()
    .vnet("spoke-a", ["10.1.0.0/16"])
    .subnet("spoke-a/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false })
    .vnet("spoke-b", ["10.2.0.0/16"])
    .subnet("spoke-b/snet-cc", "10.2.0.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false })
    .nsg("nsg-cc", [...SEED_RULES]);
  const profile = parseProfile("profile.json", { deployments: [{ name: "a", cyclecloud: ["spoke-a/snet-cc"] }, { name: "b", cyclecloud: ["spoke-b/snet-cc"] }] });
  return { snapshot: extra(b).snapshot(), profile };
}

/** Per subnet, the NAT gateway and public IP names its findings' fixes create. */
function natNamesBySubnet(report: Report): Map<string, { nat: Set<string>; pip: Set<string>; findings: number }> {
  const out = new Map<string, { nat: Set<string>; pip: Set<string>; findings: number }>();
  for (const s of report.subnets)
    for (const f of s.findings) {
      const az = azOf(f);
      const nat = createdNames(az, "network", "nat", "gateway", "create");
      if (!nat.length) continue;
      const slot = out.get(`${s.vnet}/${s.name}`) ?? { nat: new Set(), pip: new Set(), findings: 0 };
      nat.forEach((n) => slot.nat.add(n));
      createdNames(az, "network", "public-ip", "create").forEach((n) => slot.pip.add(n));
      slot.findings++;
      out.set(`${s.vnet}/${s.name}`, slot);
    }
  return out;
}

describe("names of new resources", () => {
  it("the lockdown fix's new NSG never takes the name of an NSG the resource group holds (any case), nor another subnet's", async () => {
    // nsg-cc-lockdown exists (as NSG-CC-Lockdown), with rules, on another subnet: `az network nsg create` with its name would wipe them.
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24")
      .subnet("hub/compute", "10.0.8.0/22", { nsg: "NSG-CC-Lockdown" })
      .nsg("NSG-CC-Lockdown", [{ name: "DenyAllIn", priority: 4000, direction: "Inbound", access: "Deny", protocol: "*" }])
      .vnet("hub2", ["10.9.0.0/16"])
      .subnet("hub2/cc", "10.9.0.0/24");
    const snapshot = b.snapshot();
    const profile = parseProfile("profile.json", { deployments: [{ name: "a", cyclecloud: ["hub/cc"] }, { name: "b", cyclecloud: ["hub2/cc"] }] });
    const report = audit(snapshot, profile);
    const names = ["hub/cc", "hub2/cc"].map((s) => {
      const f = finding(report, s, "CC-EGRESS-LOCKDOWN");
      const az = azOf(f);
      const created = createdNames(az, "network", "nsg", "create");
      expect(created).toHaveLength(1);
      // The subnet is attached to the NSG created under that name, and its rules go into it.
      expect(az.filter((c) => isCmd(c, "network", "vnet", "subnet", "update")).map((c) => arg(c, "--network-security-group"))).toEqual(created);
      expect(new Set(az.filter((c) => isCmd(c, "network", "nsg", "rule", "create")).map((c) => arg(c, "--nsg-name")))).toEqual(new Set(created));
      return created[0];
    });
    expect(names).toEqual(["nsg-cc-lockdown-2", "nsg-cc-lockdown-3"]);
    const bicep = await checkBicep(finding(report, "hub/cc", "CC-EGRESS-LOCKDOWN").fixes.find((x) => x.kind === "bicep")!.text);
    expect(bicep.resources.filter((r) => r.type === "Microsoft.Network/networkSecurityGroups" && !r.existing).map((r) => r.name)).toEqual(["nsg-cc-lockdown-2"]);

    const created = await bundleCreates(snapshot, profile, report);
    expectNoDuplicates(created);
    expect(created.az.nsg.map((n) => n.toLowerCase())).not.toContain("nsg-cc-lockdown");
    expect(created.bicep.nsg.map((n) => n.toLowerCase())).not.toContain("nsg-cc-lockdown");
    expect(created.tf.nsg.map((n) => n.toLowerCase())).not.toContain("nsg-cc-lockdown");
    // Verified as renamed: applied, the bundle leaves the existing NSG's rules and subnet alone and locks both subnets down.
    const after = applyChanges(snapshot, created.bundle.changes).snapshot;
    expect(after.nsgs.get(id("networkSecurityGroups", "NSG-CC-Lockdown").toLowerCase())?.securityRules.map((r) => r.name)).toEqual(["DenyAllIn"]);
    const again = audit(after, profile);
    for (const s of ["hub/cc", "hub2/cc"]) expect(finding(again, s, "CC-EGRESS-LOCKDOWN").status).toBe("pass");
  });

  it("a service-tag route never overwrites a route of that name in the table, and one table's route has one name in every finding", async () => {
    // Allow-AzureActiveDirectory-Internet already sends 10.50.0.0/16 to an appliance; a route create with that name would
    // replace it. (AzureActiveDirectory: Storage's fix there is its service endpoint, test/fixes/storage-route-vs-endpoint.test.ts.)
    const b = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
      .subnet("hub/cc2", "10.0.1.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt-cc", [
        { name: "drop-default", prefix: "0.0.0.0/0", hop: "None" },
        { name: "ALLOW-AZUREACTIVEDIRECTORY-INTERNET", prefix: "10.50.0.0/16", hop: "VirtualAppliance", ip: "10.0.0.4" },
      ]);
    const snapshot = b.snapshot();
    const profile = parseProfile("profile.json", { deployments: [{ name: "a", cyclecloud: ["hub/cc"] }, { name: "b", cyclecloud: ["hub/cc2"] }] });
    const report = audit(snapshot, profile);
    for (const s of ["hub/cc", "hub/cc2"]) {
      const routes = azOf(finding(report, s, "CC-EGRESS-AAD")).filter((c) => isCmd(c, "network", "route-table", "route", "create"));
      expect(routes.map((c) => [arg(c, "--name"), arg(c, "--address-prefix"), arg(c, "--next-hop-type")])).toEqual([["Allow-AzureActiveDirectory-Internet-2", "AzureActiveDirectory", "Internet"]]);
    }
    const created = await bundleCreates(snapshot, profile, report);
    expectNoDuplicates(created);
    expect(created.az.route.filter((n) => n.toLowerCase() === "allow-azureactivedirectory-internet")).toEqual([]);
    expect(created.az.route.filter((n) => n === "Allow-AzureActiveDirectory-Internet-2")).toHaveLength(1);
    // Applied, the user's route still sends 10.50.0.0/16 to the appliance, and AzureActiveDirectory traffic leaves.
    const after = applyChanges(snapshot, created.bundle.changes).snapshot;
    const table = after.routeTables.get(id("routeTables", "rt-cc").toLowerCase())!;
    expect(table.routes.find((r) => r.name === "ALLOW-AZUREACTIVEDIRECTORY-INTERNET")).toMatchObject({ addressPrefix: "10.50.0.0/16", nextHopType: "VirtualAppliance" });
    expect(finding(audit(after, profile), "hub/cc", "CC-EGRESS-AAD").status).toBe("pass");
  });

  it("a route the table holds for exactly the tag is edited under its own name (Azure allows one route per prefix)", () => {
    const report = estate()
      .vnet("hub", ["10.0.0.0/16"])
      .subnet("hub/cc", "10.0.0.0/24", { nsg: "nsg-cc", routeTable: "rt-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .routeTable("rt-cc", [{ name: "no-storage", prefix: "Storage", hop: "None" }])
      .audit({ cyclecloud: ["hub/cc"] });
    const routes = azOf(finding(report, "hub/cc", "CC-EGRESS-STORAGE")).filter((c) => isCmd(c, "network", "route-table", "route", "create"));
    expect(routes.map((c) => [arg(c, "--name"), arg(c, "--address-prefix"), arg(c, "--next-hop-type")])).toEqual([["no-storage", "Storage", "Internet"]]);
  });

  it("a new firewall rule collection never takes the name of one its group holds (any case)", async () => {
    const b = estate()
      .vnet("hub", ["10.100.0.0/24"])
      .subnet("hub/AzureFirewallSubnet", "10.100.0.0/26")
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet("spoke/cc", "10.1.0.0/24", { routeTable: "rt", nsg: "nsg-cc" })
      .nsg("nsg-cc", [...SEED_RULES])
      .peer("hub", "spoke")
      .routeTable("rt", [{ name: "to-firewall", prefix: "0.0.0.0/0", hop: "VirtualAppliance", ip: "10.100.0.4" }])
      .firewall("fw", "hub", "10.100.0.4", { policy: "fwp" })
      .policy("fwp", [{ name: "CycleCloud-Required", priority: 65000, collections: [{ name: "APP-AzureResourceManager-spoke-cc", priority: 100, rules: [{ kind: "network", name: "other", dst: ["10.9.9.9"], ports: ["1"] }] }] }]);
    const snapshot = b.snapshot();
    const profile = parseProfile("profile.json", { roles: { cyclecloud: ["spoke/cc"] } });
    const report = audit(snapshot, profile);
    const collections = (rule: string) => azOf(finding(report, "spoke/cc", rule)).filter((c) => c.includes("add-filter-collection")).map((c) => arg(c, "--name"));
    expect(collections("CC-EGRESS-ARM")).toEqual(["app-AzureResourceManager-spoke-cc-2"]);
    expect(collections("CC-EGRESS-AAD")).toEqual(["app-AzureActiveDirectory-spoke-cc"]);
    const bundle = fixAll(snapshot, profile, report);
    const listed = ((await bicepResourceProperties(bundle.bicep)).get("CycleCloud-Required") as { ruleCollections: { name: string }[] }).ruleCollections.map((c) => c.name);
    expect(listed).toContain("APP-AzureResourceManager-spoke-cc");
    expect(listed).toContain("app-AzureResourceManager-spoke-cc-2");
    expect(unique(listed)).toBe(true);
    expect(finding(audit(applyChanges(snapshot, bundle.changes).snapshot, profile), "spoke/cc", "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("subnets of one name in two VNets of one resource group get two NAT gateways and public IPs, none the estate's", async () => {
    // A NAT gateway serves one VNet; NATGW-snet-cc exists already (another case of the wanted name).
    const { snapshot, profile } = twoPrivateSubnets((b) => b.natGateway("NATGW-snet-cc").extra({ id: id("publicIPAddresses", "pip-NATGW-snet-cc"), name: "pip-NATGW-snet-cc", type: "Microsoft.Network/publicIPAddresses", sku: { name: "Standard" }, properties: {} }));
    const report = audit(snapshot, profile);
    const byName = natNamesBySubnet(report);
    expect([...byName.keys()].sort()).toEqual(["spoke-a/snet-cc", "spoke-b/snet-cc"]);
    expect([...byName.get("spoke-a/snet-cc")!.nat]).toEqual(["natgw-snet-cc-2"]);
    expect([...byName.get("spoke-a/snet-cc")!.pip]).toEqual(["pip-natgw-snet-cc-2"]);
    expect([...byName.get("spoke-b/snet-cc")!.nat]).toEqual(["natgw-snet-cc-3"]);
    expect([...byName.get("spoke-b/snet-cc")!.pip]).toEqual(["pip-natgw-snet-cc-3"]);

    const created = await bundleCreates(snapshot, profile, report);
    expectNoDuplicates(created);
    for (const form of [created.az, created.bicep, created.tf]) {
      expect([...form.nat].sort()).toEqual(["natgw-snet-cc-2", "natgw-snet-cc-3"]);
      expect([...form.pip].sort()).toEqual(["pip-natgw-snet-cc-2", "pip-natgw-snet-cc-3"]);
    }
    // Each subnet is attached to its own gateway, and the bundle, applied, fixes both.
    const attach = bashAzCommands(created.bundle.sh).commands.filter((c) => isCmd(c, "network", "vnet", "subnet", "update") && c.includes("--nat-gateway"));
    expect(attach.map((c) => `${arg(c, "--vnet-name")}→${arg(c, "--nat-gateway")}`).sort()).toEqual(["spoke-a→natgw-snet-cc-2", "spoke-b→natgw-snet-cc-3"]);
    const again = audit(applyChanges(snapshot, created.bundle.changes).snapshot, profile);
    for (const s of ["spoke-a/snet-cc", "spoke-b/snet-cc"]) expect(finding(again, s, "CC-EGRESS-ARM").status).toBe("pass");
  });

  it("the same subnet's NAT gateway has one name across its findings, and fix-all declares it once", async () => {
    const { snapshot, profile } = twoPrivateSubnets();
    const report = audit(snapshot, profile);
    const byName = natNamesBySubnet(report);
    for (const [subnet, slot] of byName) {
      // Several findings (Storage, Entra ID, Monitor, ARM…) each need the way out.
      expect(slot.findings, subnet).toBeGreaterThan(1);
      expect(slot.nat.size, subnet).toBe(1);
      expect(slot.pip.size, subnet).toBe(1);
    }
    expect(new Set([...byName.values()].flatMap((s) => [...s.nat])).size).toBe(2);
    const created = await bundleCreates(snapshot, profile, report);
    expectNoDuplicates(created);
    expect(created.az.nat).toHaveLength(2);
    expect(created.bicep.nat).toHaveLength(2);
    expect(created.tf.nat).toHaveLength(2);
    expect(created.bundle.changes.filter((c) => c.kind === "attach-nat-gateway")).toHaveLength(2);
  });

  it("names cut to Azure's 80 characters stay distinct (subnets whose names differ only past the cut)", async () => {
    const long = "x".repeat(75);
    const b = estate()
      .vnet("spoke", ["10.1.0.0/16"])
      .subnet(`spoke/${long}-aaaa`, "10.1.0.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false })
      .subnet(`spoke/${long}-bbbb`, "10.1.1.0/24", { nsg: "nsg-cc", defaultOutboundAccess: false })
      .nsg("nsg-cc", [...SEED_RULES]);
    const snapshot = b.snapshot();
    const profile = parseProfile("profile.json", { deployments: [{ name: "a", cyclecloud: [`spoke/${long}-aaaa`] }, { name: "b", cyclecloud: [`spoke/${long}-bbbb`] }] });
    const report = audit(snapshot, profile);
    const nat = [...natNamesBySubnet(report).values()].flatMap((s) => [...s.nat, ...s.pip]);
    expect(nat).toHaveLength(4);
    for (const n of nat) expect(n.length, n).toBeLessThanOrEqual(80);
    for (const n of nat) expect(n, n).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/);
    const created = await bundleCreates(snapshot, profile, report);
    expectNoDuplicates(created);
    expect(created.az.nat).toHaveLength(2);
  });
});

describe("names Azure accepts whatever the subnet is called", () => {
  it("a subnet named `compute_` (valid for a subnet) gets a NAT gateway and public IP whose names end with a letter or digit", () => {
    // CycleCloud's way to ARM on a private subnet is a NAT gateway (with the lockdown's deny); Storage gets a service endpoint.
    const report = estate().vnet("spoke", ["10.1.0.0/16"]).subnet("spoke/compute_", "10.1.8.0/22", { defaultOutboundAccess: false }).audit({ cyclecloud: ["spoke/compute_"] });
    const az = finding(report, "spoke/compute_", "CC-EGRESS-ARM").fixes.find((f) => f.kind === "az-cli")!.text;
    const names = [...az.matchAll(/--name ((?:natgw|pip-natgw)-\S+)/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(["natgw-compute", "pip-natgw-compute"]);
  });
});
