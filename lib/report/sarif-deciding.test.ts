// A SARIF result points at the element that decided its verdict, in the stage that decided it: the firewall rule (or
// the policy, or the classic firewall, when no rule matched), the route that drops, the NSG Deny; not an NSG Allow
// upstream that only handed the packet on. Estates go through the real loader and audit, then the CLI's locator.
import { describe, expect, it } from "vitest";
import { renderSarif, sarifLocationTargets } from "./sarif";
import { locateResources } from "./source-positions";
import { readsEntry } from "../snapshot/load-snapshot";
import { loadSnapshot } from "../snapshot";
import { audit } from "../audit";
import type { Report } from "./types";
import { type EstateBuilder, estate, id } from "../../test/helpers/estate-builder";

type Region = { startLine: number; startColumn: number; endLine: number; endColumn: number };
type Result = { ruleId: string; locations: { physicalLocation?: { region?: Region } }[] };

const ALLOW_ARM = { name: "Allow-ARM-Out", priority: 200, direction: "Outbound" as const, access: "Allow" as const, dst: "AzureResourceManager", ports: "443" };

/** A CycleCloud spoke whose NSG allows ARM, sending everything to a hub firewall at 10.100.0.4 (`route` is its next hop). */
function spoke(route: { hop: string; ip?: string } = { hop: "VirtualAppliance", ip: "10.100.0.4" }): EstateBuilder {
  return estate()
    .vnet("vnet-hub", ["10.100.0.0/24"])
    .subnet("vnet-hub/AzureFirewallSubnet", "10.100.0.0/26")
    .vnet("vnet-cc", ["10.1.0.0/16"])
    .subnet("vnet-cc/snet-cc", "10.1.0.0/24", { routeTable: "rt-cc", nsg: "nsg-cc" })
    .peer("vnet-hub", "vnet-cc")
    .nsg("nsg-cc", [ALLOW_ARM])
    .routeTable("rt-cc", [{ name: "default", prefix: "0.0.0.0/0", ...route }]);
}

/** The audit's SARIF over `resources` written as one pretty-printed file, located as the CLI does. */
function sarif(resources: unknown[]): { text: string; results: Result[] } {
  const text = JSON.stringify(resources, null, 2);
  const snapshot = loadSnapshot([{ name: "estate.json", value: JSON.parse(text) }]);
  const report: Report = { ...audit(snapshot, { roles: { cyclecloud: ["vnet-cc/snet-cc"], cluster: [], returnProxy: [] } }), sources: ["estate.json"] };
  const sourcePositions = locateResources([{ name: "estate.json", text }], sarifLocationTargets(report), { reads: readsEntry });
  return { text, results: JSON.parse(renderSarif(report, { sourcePositions })).runs[0].results };
}

/** The text a result's region spans. */
function pointedAt(text: string, results: Result[], rule: string): string {
  const region = results.find((r) => r.ruleId === rule)!.locations[0].physicalLocation!.region!;
  expect(region.endLine).toBe(region.startLine);
  return text.split("\n")[region.startLine - 1].slice(region.startColumn - 1, region.endColumn - 1);
}

/** The line number (1-based) of the `nth` line holding `needle`. */
function lineOf(text: string, needle: string, nth = 0): number {
  const lines = text.split("\n").flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(lines.length).toBeGreaterThan(nth);
  return lines[nth];
}

function lineOfResult(results: Result[], rule: string): number {
  return results.find((r) => r.ruleId === rule)!.locations[0].physicalLocation!.region!.startLine;
}

describe("SARIF points at the stage that decided", () => {
  it("a classic firewall that matched no rule, not the NSG Allow that handed the packet on", () => {
    const b = spoke().firewall("fw-hub", "vnet-hub", "10.100.0.4");
    const { text, results } = sarif(b.resources());
    expect(pointedAt(text, results, "CC-EGRESS-ARM")).toBe(`"id": "${id("azureFirewalls", "fw-hub")}"`);
  });

  it("a policy's deny rule by name inside its rule collection, and the policy itself when no rule matched", () => {
    const b = spoke()
      .firewall("fw-hub", "vnet-hub", "10.100.0.4", { policy: "fwp-hub" })
      .policy("fwp-hub", [
        {
          name: "rcg-hpc",
          priority: 100,
          collections: [
            { name: "deny-mgmt", priority: 100, action: "Deny", rules: [{ kind: "application", name: "deny-arm", fqdns: ["management.azure.com"] }] },
            // Written after the deciding rule: a rule of another collection with the same name must not be taken for it.
            { name: "allow-web", priority: 300, action: "Allow", rules: [{ kind: "application", name: "deny-arm", fqdns: ["www.example.com"] }] },
          ],
        },
      ]);
    const { text, results } = sarif(b.resources());
    expect(pointedAt(text, results, "CC-EGRESS-ARM")).toBe('"name": "deny-arm"');
    expect(lineOfResult(results, "CC-EGRESS-ARM")).toBe(lineOf(text, '"name": "deny-arm"', 0));
    expect(lineOfResult(results, "CC-EGRESS-ARM")).toBeGreaterThan(lineOf(text, '"name": "deny-mgmt"'));
    // Storage: no rule matched, so the policy denied it as a whole.
    expect(pointedAt(text, results, "CC-EGRESS-STORAGE")).toBe(`"id": "${id("firewallPolicies", "fwp-hub")}"`);
  });

  it("a classic firewall's deny rule by name inside its rule collection", () => {
    const b = spoke().firewall("fw-hub", "vnet-hub", "10.100.0.4");
    const resources = b.resources() as { type: string; properties: Record<string, unknown> }[];
    const fw = resources.find((r) => r.type === "Microsoft.Network/azureFirewalls")!;
    fw.properties.networkRuleCollections = [
      { name: "deny-all", properties: { priority: 100, action: { type: "Deny" }, rules: [{ name: "deny-any", protocols: ["Any"], sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["*"] }] } },
    ];
    const { text, results } = sarif(resources);
    expect(pointedAt(text, results, "CC-EGRESS-ARM")).toBe('"name": "deny-any"');
    expect(lineOfResult(results, "CC-EGRESS-ARM")).toBeGreaterThan(lineOf(text, '"name": "deny-all"'));
  });

  it("a route with next hop None, written by name in its route table, not the NSG Allow before it", () => {
    const { text, results } = sarif(spoke({ hop: "None" }).resources());
    expect(pointedAt(text, results, "CC-EGRESS-ARM")).toBe('"name": "default"');
    expect(lineOfResult(results, "CC-EGRESS-ARM")).toBeGreaterThan(lineOf(text, `"id": "${id("routeTables", "rt-cc")}"`));
  });

  it("the NSG rule the loader used (inline), not a standalone securityRules entry with the same id that it ignores", () => {
    const b = estate()
      .vnet("vnet-cc", ["10.1.0.0/16"])
      .subnet("vnet-cc/snet-cc", "10.1.0.0/24", { nsg: "nsg-cc" })
      .nsg("nsg-cc", [{ name: "Deny-Out", priority: 100, direction: "Outbound", access: "Deny", protocol: "*" }]);
    const inline = `${id("networkSecurityGroups", "nsg-cc")}/securityRules/Deny-Out`;
    const resources = b.resources() as { type: string; properties: { securityRules?: Record<string, unknown>[] } }[];
    // Rules written with ids, as `az network nsg show` does; then the same rule standalone (an ignored type) later on.
    for (const r of resources) for (const rule of r.properties.securityRules ?? []) rule.id = `${id("networkSecurityGroups", "nsg-cc")}/securityRules/${rule.name}`;
    resources.push({ id: inline.replace("Deny-Out", "DENY-OUT"), name: "DENY-OUT", type: "Microsoft.Network/networkSecurityGroups/securityRules", properties: { access: "Allow" } } as never);
    const { text, results } = sarif(resources);
    expect(results.some((r) => r.ruleId === "CC-EGRESS-ARM")).toBe(true);
    expect(pointedAt(text, results, "CC-EGRESS-ARM")).toBe(`"id": "${inline}"`);
    expect(lineOfResult(results, "CC-EGRESS-ARM")).toBe(lineOf(text, `"id": "${inline}"`));
  });

  it("counts nothing inside an entry the loader ignores, typed or typeless, whatever sits in it", () => {
    const nsg = id("networkSecurityGroups", "nsg-cc");
    const rule = `${nsg}/securityRules/A`;
    const text = JSON.stringify(
      [
        { id: nsg, name: "nsg-cc", type: "Microsoft.Network/networkSecurityGroups", properties: { securityRules: [{ id: rule, name: "A", properties: {} }] } },
        // A disk (ignored type) that happens to embed the same rule, then a typeless standalone rule (its id names an ignored type).
        { id: id("disks", "disk").replace("Microsoft.Network", "Microsoft.Compute"), type: "Microsoft.Compute/disks", properties: { copy: { id: rule, name: "A", properties: {} } } },
        { id: rule, name: "A", properties: { access: "Allow" } },
      ],
      null,
      2,
    );
    const targets = { ids: [rule], children: [] };
    const first = lineOf(text, `"id": "${rule}"`, 0);
    expect(locateResources([{ name: "e.json", text }], targets, { reads: readsEntry }).positions.get(rule.toLowerCase())!.startLine).toBe(first);
    // Without the loader's view, the last definition wins.
    expect(locateResources([{ name: "e.json", text }], targets).positions.get(rule.toLowerCase())!.startLine).toBe(lineOf(text, `"id": "${rule}"`, 2));
  });
});
