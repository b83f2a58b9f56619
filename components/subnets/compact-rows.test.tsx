import { describe, expect, it } from "vitest";
import { sampleReport } from "@/lib/report/__fixtures__/sample-report";
import type { Report } from "@/lib/report/types";
import { compactSubnetRows, decodeSubnetRows, encodeSubnetRows } from "./compact-rows";
import type { SubnetRow } from "./rows";
import { toSubnetRows } from "./rows";

function manySubnets(n: number): Report {
  const base = sampleReport();
  const [cc, compute] = base.subnets;
  const subnets = Array.from({ length: n }, (_, i) => {
    const template = i % 2 ? compute : cc;
    const vnet = `vnet-${i % 7}`;
    const name = `subnet-${i}`;
    const subscriptionId = "00000000-1111-2222-3333-444444444444";
    return { ...template, name, vnet, subscriptionId, resourceGroup: "rg-hpc", id: `/subscriptions/${subscriptionId}/resourceGroups/rg-hpc/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}` };
  });
  return { ...base, subnets };
}

describe("compact subnet rows", () => {
  it("decode(encode(report)) gives toSubnetRows(report), ids, order of findings and absent fields included", () => {
    const report = sampleReport();
    report.subnets[1].deployment = "prod-weu";
    report.subnets[2].addressPrefixes = ["10.0.2.0/24", "fd00::/64"];
    expect(decodeSubnetRows(JSON.parse(JSON.stringify(encodeSubnetRows(toSubnetRows(report)))))).toEqual(toSubnetRows(report));
  });

  it("leaves out ids it can rebuild and keeps the ones it cannot (other casing, other shape)", () => {
    const report = manySubnets(50);
    report.subnets[3].id = report.subnets[3].id.toLowerCase();
    const compact = encodeSubnetRows(toSubnetRows(report));
    expect(compact.rows.filter((r) => r[9] !== 0).map((r) => r[9])).toEqual([report.subnets[3].id]);
    expect(decodeSubnetRows(compact)).toEqual(toSubnetRows(report));
  });

  it("rows read on use (compactSubnetRows) have decodeSubnetRows' fields and values, each read the same way twice", () => {
    const report = manySubnets(40);
    report.subnets[3].id = report.subnets[3].id.toLowerCase();
    report.subnets[5].deployment = "prod-weu";
    report.subnets[6].addressPrefixes = [];
    report.subnets[7].subscriptionId = undefined;
    report.subnets[7].id = "/subscriptions/ffffffff-0000-0000-0000-000000000000/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/v/subnets/s";
    const compact = JSON.parse(JSON.stringify(encodeSubnetRows(toSubnetRows(report))));
    const fields = (r: SubnetRow) => ({ id: r.id, name: r.name, vnet: r.vnet, role: r.role, status: r.status, subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup, prefixes: r.prefixes, findings: r.findings, deployment: r.deployment });
    const lazy = compactSubnetRows(compact);
    expect(lazy.map(fields)).toEqual(decodeSubnetRows(compact).map(fields));
    expect(lazy.map(fields)).toEqual(toSubnetRows(report).map(fields));
    expect(lazy[0].findings).toBe(lazy[0].findings);
  });

  it("is a small fraction of the row objects' JSON for a large scan", () => {
    const report = manySubnets(2_000);
    const compact = JSON.stringify(encodeSubnetRows(toSubnetRows(report))).length;
    const objects = JSON.stringify(toSubnetRows(report)).length;
    expect(compact).toBeLessThan(objects / 4);
  });
});
