// SARIF results point at the line where the deciding resource is written in the snapshot the user gave: small
// generated snapshots, pretty-printed, in one or two files, ARM and flattened forms.
import { describe, expect, it } from "vitest";
import { renderSarif, sarifLocationTargets } from "./sarif";
import { locateResources } from "./source-positions";
import { CC_SUBNET, CLUSTER_SUBNET, sampleReport } from "./__fixtures__/sample-report";
import type { Report } from "./types";

const NETWORK = CC_SUBNET.slice(0, CC_SUBNET.indexOf("/virtualNetworks/"));
const VNET = `${NETWORK}/virtualNetworks/vnet-hub`;
const CC_NSG = `${NETWORK}/networkSecurityGroups/nsg-cyclecloud`;
const CLUSTER_NSG = `${NETWORK}/networkSecurityGroups/nsg-compute`;

type Region = { startLine: number; startColumn: number; endLine: number; endColumn: number };
type Located = { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: Region } }[] };

const ruleArm = (name: string, priority: number, access: string, direction: string) => ({ name, properties: { priority, access, direction, protocol: "Tcp" } });

/** An ARM-form NSG whose rules carry no id (as many exports write them). */
const ccNsg = () => ({
  id: CC_NSG,
  name: "nsg-cyclecloud",
  type: "Microsoft.Network/networkSecurityGroups",
  properties: { securityRules: [ruleArm("AllowHttpsIn", 200, "Allow", "Inbound"), ruleArm("BlockOutbound", 4000, "Deny", "Outbound")] },
});

/** A flattened (`az network nsg list`) NSG whose rules carry their ids; it also has a rule called BlockOutbound. */
const clusterNsg = () => ({
  id: CLUSTER_NSG,
  name: "nsg-compute",
  resourceGroup: "rg-hpc",
  securityRules: [
    { id: `${CLUSTER_NSG}/securityRules/BlockOutbound`, name: "BlockOutbound", priority: 4000, access: "Deny", direction: "Outbound" },
    { id: `${CLUSTER_NSG}/securityRules/DenyHalf`, name: "DenyHalf", priority: 300, access: "Deny", direction: "Outbound" },
  ],
});

/** The VNet, whose subnets refer to their NSGs by id only (a reference, never the NSG's definition). */
const vnet = () => ({
  id: VNET,
  name: "vnet-hub",
  type: "Microsoft.Network/virtualNetworks",
  properties: {
    subnets: [
      { id: CC_SUBNET, name: "cyclecloud", properties: { addressPrefix: "10.0.0.0/24", networkSecurityGroup: { id: CC_NSG } } },
      // `az` prints references with the resource group beside the id: still a reference.
      { id: CLUSTER_SUBNET, name: "compute", properties: { addressPrefix: "10.0.1.0/24", networkSecurityGroup: { id: CLUSTER_NSG, resourceGroup: "rg-hpc" } } },
    ],
  },
});

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** 1-based line and column of the first occurrence of `needle` at or after the line holding `after`. */
function where(text: string, needle: string, after?: string): { line: number; column: number } {
  const lines = text.split("\n");
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  expect(from).toBeGreaterThanOrEqual(0);
  const index = lines.findIndex((l, i) => i >= from && l.includes(needle));
  expect(index).toBeGreaterThanOrEqual(0);
  return { line: index + 1, column: lines[index].indexOf(needle) + 1 };
}

function sarifFor(report: Report, files: { name: string; text: string }[]): Located[] {
  const sourcePositions = locateResources(files, sarifLocationTargets(report));
  return JSON.parse(renderSarif({ ...report, sources: files.map((f) => f.name) }, { sourcePositions })).runs[0].results;
}

const byRule = (results: Located[], rule: string) => results.find((r) => r.ruleId === rule)!.locations[0].physicalLocation!;

describe("SARIF result locations", () => {
  it("points at the deciding NSG rule's line and column in a pretty-printed snapshot", () => {
    // The cluster NSG comes first, so its own BlockOutbound must not be taken for the CycleCloud NSG's.
    const text = pretty({ resources: [clusterNsg(), vnet(), ccNsg()] });
    const results = sarifFor(sampleReport(), [{ name: "estate/snapshot.json", text }]);

    // CC-EGRESS-STORAGE's evidence holds an inbound Allow and the outbound Deny that stopped the packet: the Deny, by
    // its name inside nsg-cyclecloud's rules.
    const storage = byRule(results, "CC-EGRESS-STORAGE");
    const block = where(text, '"name": "BlockOutbound"', '"name": "nsg-cyclecloud"');
    expect(storage.artifactLocation.uri).toBe("estate/snapshot.json");
    expect(storage.region).toEqual({ startLine: block.line, startColumn: block.column, endLine: block.line, endColumn: block.column + '"name": "BlockOutbound"'.length });
    expect(block.line).toBeGreaterThan(where(text, `"id": "${CC_NSG}"`).line);

    // NODE-EGRESS-AMQP's rule is written with its id.
    const amqp = byRule(results, "NODE-EGRESS-AMQP");
    const denyHalf = where(text, `"id": "${CLUSTER_NSG}/securityRules/DenyHalf"`);
    expect(amqp.region).toMatchObject({ startLine: denyHalf.line, startColumn: denyHalf.column });
    expect(text.split("\n")[amqp.region!.startLine - 1].slice(amqp.region!.startColumn - 1, amqp.region!.endColumn - 1)).toBe(`"id": "${CLUSTER_NSG}/securityRules/DenyHalf"`);
  });

  it("points into the file that defines the resource when there are two snapshot files", () => {
    const vnets = pretty([vnet()]);
    const nsgs = pretty({ value: [ccNsg()] });
    const results = sarifFor(sampleReport(), [
      { name: "vnets.json", text: vnets },
      { name: "nsgs.json", text: nsgs },
    ]);
    const storage = byRule(results, "CC-EGRESS-STORAGE");
    expect(storage.artifactLocation.uri).toBe("nsgs.json");
    expect(storage.region!.startLine).toBe(where(nsgs, '"name": "BlockOutbound"').line);
    // nsg-compute is in neither file (vnets.json only refers to it): the result falls back to the subnet's entry,
    // not to the reference inside it.
    const amqp = byRule(results, "NODE-EGRESS-AMQP");
    expect(amqp.artifactLocation.uri).toBe("vnets.json");
    expect(amqp.region!.startLine).toBe(where(vnets, `"id": "${CLUSTER_SUBNET}"`).line);
    expect(amqp.region!.startLine).not.toBe(where(vnets, `"id": "${CLUSTER_NSG}"`).line);
  });

  it("files only (a stored scan: positions found in text rebuilt from its inputs): the right file per result, no region", () => {
    const sources = [
      { name: "vnets.json", text: JSON.stringify([vnet()]) },
      { name: "nsgs.json", text: JSON.stringify({ value: [ccNsg()] }) },
    ];
    const report = sampleReport();
    const positions = locateResources(sources, sarifLocationTargets(report));
    const results = (JSON.parse(renderSarif(report, { sourcePositions: positions, filesOnly: true })) as { runs: { results: Located[] }[] }).runs[0].results;
    const storage = byRule(results, "CC-EGRESS-STORAGE");
    expect(storage.artifactLocation.uri).toBe("nsgs.json");
    expect(storage.region).toBeUndefined();
    expect(byRule(results, "NODE-EGRESS-AMQP").artifactLocation.uri).toBe("vnets.json");
  });

  it("falls back to the NSG when its deciding rule is not written out (a default rule)", () => {
    const report = sampleReport();
    report.subnets[0].findings[0].evidence = [{ nsg: CC_NSG, rule: "DenyAllOutBound", priority: 65500, access: "Deny", direction: "Outbound", level: "subnet", isDefault: true }];
    const nsgs = pretty([ccNsg()]);
    const storage = byRule(sarifFor(report, [{ name: "nsgs.json", text: nsgs }]), "CC-EGRESS-STORAGE");
    expect(storage.region!.startLine).toBe(where(nsgs, `"id": "${CC_NSG}"`).line);
  });

  it("leaves the region out for a resource the text does not hold, rather than claim line 1", () => {
    const other = pretty([{ id: `${NETWORK}/virtualNetworks/vnet-other`, name: "vnet-other", properties: { subnets: [] } }]);
    const results = sarifFor(sampleReport(), [{ name: "first.json", text: other }, { name: "second.json", text: "[]" }]);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "first.json" } });
  });

  it("matches ids case-insensitively and through escaped slashes; a later duplicate wins", () => {
    // A tool that writes `\/` and upper-cases the resource group, then the same NSG again in a second file.
    const escaped = pretty([clusterNsg()]).replace(/rg-hpc/g, "RG-HPC").replace(/\//g, "\\/");
    const again = pretty([clusterNsg()]);
    const first = sarifFor(sampleReport(), [{ name: "escaped.json", text: escaped }]);
    const amqp = byRule(first, "NODE-EGRESS-AMQP");
    expect(amqp.region!.startLine).toBe(where(escaped, "DenyHalf\"").line);
    const both = byRule(sarifFor(sampleReport(), [{ name: "escaped.json", text: escaped }, { name: "again.json", text: again }]), "NODE-EGRESS-AMQP");
    expect(both.artifactLocation.uri).toBe("again.json");
  });

  it("counts lines in CRLF files, columns in UTF-16 code units and not the byte-order mark", () => {
    const report = sampleReport();
    report.subnets[0].findings[0].evidence = [{ nsg: CC_NSG, rule: "DenyAllOutBound", priority: 65500, access: "Deny", direction: "Outbound", level: "subnet", isDefault: true }];
    const lines = [
      `[{"id": "${CC_NSG}", "name": "nsg-cyclecloud", "properties": {"securityRules": [`,
      `  {"description": "é😀 ü", "name": "BlockOutbound", "properties": {}}]}},`,
      `  {"description": "𝒳", "id": "${CLUSTER_NSG}", "name": "nsg-compute"}]`,
    ];
    const text = `\ufeff${lines.join("\r\n")}\r\n`;
    const files = [{ name: "nsgs.json", text }];
    // The NSG's id on line 1: the mark is not a column.
    expect(byRule(sarifFor(report, files), "CC-EGRESS-STORAGE").region).toMatchObject({ startLine: 1, startColumn: 3 });
    // Behind an astral character (two UTF-16 code units), as SARIF's default columnKind counts.
    const amqp = sampleReport();
    amqp.subnets[1].findings[0].evidence = [{ nsg: CLUSTER_NSG, rule: "Nope", priority: 1, access: "Deny", direction: "Outbound" }];
    expect(byRule(sarifFor(amqp, files), "NODE-EGRESS-AMQP").region).toMatchObject({ startLine: 3, startColumn: lines[2].indexOf('"id"') + 1 });
    expect(byRule(sarifFor(sampleReport(), files), "CC-EGRESS-STORAGE").region).toMatchObject({ startLine: 2, startColumn: lines[1].indexOf('"name"') + 1 });
  });

  it("keeps a valid SARIF location shape with positions: integers from 1, the end after the start", () => {
    const results = sarifFor(sampleReport(), [{ name: "s.json", text: pretty({ resources: [vnet(), ccNsg(), clusterNsg()] }) }]);
    for (const r of results) {
      const region = r.locations[0].physicalLocation!.region!;
      for (const v of Object.values(region)) expect(Number.isInteger(v) && v >= 1).toBe(true);
      expect(region.endLine > region.startLine || region.endColumn > region.startColumn).toBe(true);
      expect(Object.keys(region).sort()).toEqual(["endColumn", "endLine", "startColumn", "startLine"]);
    }
  });
});
