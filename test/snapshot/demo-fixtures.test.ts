// The bundled demo estate: files match their generator, load in every shape they use, and the
// engine gives exactly the verdicts fixtures/demo/README.md promises.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { audit } from "@/lib/audit";
import type { Snapshot } from "@/lib/model/types";
import { loadSnapshot, parseJsonFile, parseProfile, resolveRoles } from "@/lib/snapshot";
import { demoFiles, demoProfiles, renderJson } from "@/fixtures/demo/generate";
import { flattenResource } from "./flatten";

const DEMO = path.resolve(__dirname, "../../fixtures/demo");
const ESTATE_FILES = ["vnets.json", "nsgs.json", "nics.json", "route-tables.json", "private-endpoints.json", "firewalls.json", "firewall-policies.json"];
const STATES = { current: DEMO, older: path.join(DEMO, "older") };
type State = keyof typeof STATES;

const readJson = (file: string) => parseJsonFile(path.basename(file), readFileSync(file, "utf8"));
const sources = (state: State) => ESTATE_FILES.map((f) => ({ name: f, value: readJson(path.join(STATES[state], f)) }));
const loadState = (state: State): Snapshot => loadSnapshot(sources(state));
const profileOf = (file: string) => parseProfile(file, readJson(path.join(DEMO, file)));

describe("demo files", () => {
  it("are what generate.ts writes", () => {
    for (const [state, older] of [["current", false], ["older", true]] as const) {
      for (const [name, value] of Object.entries(demoFiles(older))) {
        expect(readFileSync(path.join(STATES[state], name), "utf8"), `${state}/${name}`).toBe(renderJson(value));
      }
    }
    for (const [name, value] of Object.entries(demoProfiles)) expect(readFileSync(path.join(DEMO, name), "utf8")).toBe(renderJson(value));
  });

  it("mix the input shapes: az list, ARM value, Resource Graph data, az show", () => {
    const [vnets, nsgs, nics, , endpoint] = sources("current").map((s) => s.value as Record<string, unknown>);
    expect(Array.isArray(vnets)).toBe(true);
    expect(Array.isArray(nsgs.value)).toBe(true);
    expect(Array.isArray(nics.data)).toBe(true);
    expect(endpoint.type).toBe("Microsoft.Network/privateEndpoints");
  });

  it("load into the estate the README describes", () => {
    const current = loadState("current");
    expect([...current.vnets.values()].map((v) => v.name)).toEqual(["vnet-hub", "vnet-hpc-spoke", "vnet-dev-spoke"]);
    expect([...current.subnets.values()].map((s) => s.name)).toEqual([
      "AzureFirewallSubnet",
      "AzureBastionSubnet",
      "snet-cyclecloud",
      "snet-returnproxy",
      "snet-privateendpoints",
      "snet-compute",
      "snet-gpu",
      "snet-cyclecloud-dev",
      "snet-compute-dev",
    ]);
    expect(current.nsgs.size).toBe(8);
    expect(current.nics.size).toBe(7);
    expect([...current.firewalls!.values()].map((f) => f.privateIpAddresses)).toEqual([["10.10.0.4"]]);
    expect([...current.ruleCollectionGroups!.values()].map((g) => g.name)).toEqual(["rcg-cyclecloud"]);
    expect(current.asgs.size).toBe(2);
    expect(current.privateEndpoints.size).toBe(1);
    const gpu = [...current.subnets.values()].find((s) => s.name === "snet-gpu")!;
    expect(gpu.nicKeys).toHaveLength(2);
    expect(current.routeTables.get(gpu.routeTableKey!)!.routes[0]).toMatchObject({ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" });
    const endpoints = [...current.subnets.values()].find((s) => s.name === "snet-privateendpoints")!;
    expect(endpoints.privateEndpointKeys).toHaveLength(1);
    expect(loadState("older").privateEndpoints.size).toBe(0);
  });

  it("give the same snapshot when every file is in the flattened form", () => {
    const flat = sources("current").map((s) => ({ ...s, value: flattenResource(s.value) }));
    expect(loadSnapshot(flat)).toEqual(loadState("current"));
  });

  it("have profiles that resolve, with the return proxy only in the second", () => {
    const snapshot = loadState("current");
    const roles = (file: string) => [...resolveRoles(snapshot, profileOf(file), file).values()];
    expect(roles("profile.json")).toEqual(["cyclecloud", "cluster", "cluster", "cyclecloud", "cluster"]);
    expect(roles("profile-return-proxy.json")).toEqual(["cyclecloud", "cluster", "cluster", "returnProxy", "cyclecloud", "cluster"]);
    expect(profileOf("profile.json").deployments!.map((d) => d.name)).toEqual(["prod", "dev"]);
  });
});

// ---------------------------------------------------------------- README verdicts
const COLUMNS = [
  ["current", "profile.json"],
  ["current", "profile-return-proxy.json"],
  ["older", "profile.json"],
  ["older", "profile-return-proxy.json"],
] as const;
const README = readFileSync(path.join(DEMO, "README.md"), "utf8");
const cells = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim().replace(/`/g, ""));
const findingRows = README.split("\n")
  .filter((l) => /^\| `[^`]+` \| `[A-Z]+-[A-Z-]+` \|/.test(l))
  .map((l) => cells(l));
const statusRows = README.split("\n")
  .filter((l) => /^\| `[^`]+` \| (pass|warn|fail|unscoped) \|/.test(l))
  .map((l) => cells(l));
const CONTRACT_RULES = new Set(findingRows.map(([, rule]) => rule));

describe("fixtures/demo/README.md verdicts", () => {
  it("cover the contract's rule table", () => {
    expect(findingRows.length).toBe(35);
    expect(CONTRACT_RULES.size).toBe(16);
    expect(statusRows.length).toBe(9);
  });

  COLUMNS.forEach(([state, profile], column) => {
    it(`match the engine on the ${state} state with ${profile}`, () => {
      const report = audit(loadState(state), profileOf(profile));
      const got = new Map<string, string>();
      for (const subnet of report.subnets) {
        for (const finding of subnet.findings) if (CONTRACT_RULES.has(finding.rule)) got.set(`${subnet.name} ${finding.rule}`, finding.status);
      }
      const expected = new Map(
        findingRows.filter((row) => row[2 + column] !== "—").map((row) => [`${row[0]} ${row[1]}`, row[2 + column]]),
      );
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
      const statuses = Object.fromEntries(report.subnets.map((s) => [s.name, s.status]));
      expect(statuses).toEqual(Object.fromEntries(statusRows.map((row) => [row[0], row[1 + column]])));
    });
  });
});

describe("the demo's firewall-decided finding", () => {
  it("names fw-hub and the missing FQDN, and offers a verified rule collection for the policy", () => {
    const report = audit(loadState("current"), profileOf("profile.json"));
    const dev = report.subnets.find((s) => s.name === "snet-cyclecloud-dev")!;
    const arm = dev.findings.find((f) => f.rule === "CC-EGRESS-ARM")!;
    expect(arm.status).toBe("fail");
    expect(arm.detail).toContain("Azure Firewall fw-hub (policy fwp-hub): no rule matched for management.azure.com");
    expect(arm.evidence.map((e) => ("stage" in e && e.stage) || "nsg")).toEqual(["nsg", "route", "firewall"]);
    const az = arm.fixes.find((f) => f.kind === "az-cli")!.text;
    expect(az).toContain("az network firewall policy rule-collection-group collection add-filter-collection");
    expect(az).toContain("management.azure.com");
    expect(dev.deployment).toBe("dev");
    expect(dev.effectiveRoutes!.find((r) => r.source === "User")).toMatchObject({ nextHop: "Azure Firewall fw-hub", route: "default-via-firewall" });
    const compute = report.subnets.find((s) => s.name === "snet-compute-dev")!;
    expect(compute.outbound).toMatchObject({ method: "none" });
    // Storage without an outbound path: a service endpoint, which keeps the private subnet off the Internet (a NAT
    // gateway would open every address and port its NSG allows).
    const storageFix = compute.findings.find((f) => f.rule === "NODE-EGRESS-STORAGE")!.fixes.find((f) => f.kind === "az-cli")?.text;
    expect(storageFix).toContain("--service-endpoints Microsoft.Storage.Global");
    expect(storageFix).not.toContain("nat gateway");
  });
});
