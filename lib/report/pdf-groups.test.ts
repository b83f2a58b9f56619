// Grouping of repeated findings for the PDF (lib/report/pdf-groups.ts): the same finding on N subnets but for their own
// names is one group of N; anything else that differs keeps findings apart; and every member's text comes back from
// the group's template and its own values (nothing an auditor needs is lost by printing it once).
import { describe, expect, it } from "vitest";
import { fillTemplate, groupOpenFindings, templater } from "./pdf-groups";
import { evidenceFields } from "./pdf-html";
import type { Finding, SubnetReport } from "./types";

const SUB = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hpc/providers/Microsoft.Network";

/** A cluster subnet `vnet-a/compute-<i>` with its own NSG, prefix and NIC, failing storage egress at its NSG's deny. */
function clusterSubnet(i: number, deny = "BlockOutbound"): SubnetReport {
  const name = `compute-${i}`;
  const nsg = `${SUB}/networkSecurityGroups/nsg-compute-${i}`;
  const prefix = `10.1.${i}.0/24`;
  const finding: Finding = {
    id: `f-${i}`,
    rule: "NODE-EGRESS-STORAGE",
    status: "fail",
    title: "Cluster nodes can reach Azure Storage (TCP 443)",
    detail: `Outbound TCP 443 from vnet-a/${name} (${prefix}) to Storage is denied by ${deny} (4000) in nsg-compute-${i} for NIC nic-${i}.`,
    evidence: [{ nsg, rule: deny, priority: 4000, access: "Deny", direction: "Outbound", level: "subnet" }],
    fixes: [
      { kind: "az-cli", text: `az network nsg rule create -g rg-hpc --nsg-name nsg-compute-${i} -n AllowStorage-${name} --priority 3900 --source-address-prefixes ${prefix} --destination-address-prefixes Storage --destination-port-ranges 443` },
      { kind: "bicep", text: `resource r 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01' = { name: 'nsg-compute-${i}/AllowStorage' }` },
    ],
    link: `/scans/s1/findings/f-${i}`,
  };
  return {
    id: `${SUB}/virtualNetworks/vnet-a/subnets/${name}`,
    name,
    vnet: "vnet-a",
    role: "cluster",
    status: "fail",
    resourceGroup: "rg-hpc",
    subscriptionId: "00000000-1111-2222-3333-444444444444",
    addressPrefixes: [prefix],
    nsg,
    nics: [{ id: `${SUB}/networkInterfaces/nic-${i}`, name: `nic-${i}`, nsg: null }],
    findings: [finding, { ...finding, id: `p-${i}`, rule: "NODE-EGRESS-AMQP", status: "pass", title: "passes", fixes: [] }],
  };
}

describe("groupOpenFindings", () => {
  it("groups a finding repeated on N subnets but for their own names into one group of N", () => {
    const subnets = [1, 2, 3, 10, 11].map((i) => clusterSubnet(i));
    const groups = groupOpenFindings(subnets, evidenceFields);
    expect(groups).toHaveLength(1);
    expect(groups[0].members.map((m) => m.subnet.name)).toEqual(["compute-1", "compute-2", "compute-3", "compute-10", "compute-11"]);
    // Only what differs between the subnets is a column; the VNet and resource group are the same on all of them.
    expect(groups[0].varying).toEqual(["subnet", "address prefix", "NSG", "NIC"]);
    expect(fillTemplate(groups[0].fix!.text, new Map())).toContain("--nsg-name ‹NSG› -n AllowStorage-‹subnet›");
    expect(groups[0].otherFixKinds).toEqual(["bicep"]);
  });

  it("gives every member's detail, evidence and fix back from the template and its own values", () => {
    const subnets = [1, 2, 3, 10, 11].map((i) => clusterSubnet(i));
    const [g] = groupOpenFindings(subnets, evidenceFields);
    for (const m of g.members) {
      expect(fillTemplate(g.detail, m.values)).toBe(m.finding.detail);
      expect(fillTemplate(g.fix!.text, m.values)).toBe(m.finding.fixes[0].text);
      expect(g.evidence[0].fields.map(([k, v]) => [k, fillTemplate(v, m.values)])).toEqual(evidenceFields(m.finding.evidence[0]));
    }
  });

  it("keeps a distinct finding apart: other deciding rule, other status, other fix", () => {
    const other = clusterSubnet(4, "DenyAllOutbound");
    const warn = clusterSubnet(5);
    warn.findings[0] = { ...warn.findings[0], status: "warn" };
    const noBicep = clusterSubnet(6);
    noBicep.findings[0] = { ...noBicep.findings[0], fixes: noBicep.findings[0].fixes.slice(0, 1) };
    const groups = groupOpenFindings([clusterSubnet(1), other, clusterSubnet(2), warn, noBicep], evidenceFields);
    expect(groups.map((g) => [g.status, g.members.map((m) => m.subnet.name)])).toEqual([
      ["fail", ["compute-1", "compute-2"]],
      ["fail", ["compute-4"]],
      ["fail", ["compute-6"]],
      ["warn", ["compute-5"]],
    ]);
  });

  it("never reads a name inside a longer one", () => {
    const s = clusterSubnet(1);
    expect(templater(s)("compute-1 compute-10 xcompute-1 app-compute-1 compute-1.")).toEqual([
      { slot: "subnet" },
      " compute-10 xcompute-1 app-",
      { slot: "subnet" },
      " ",
      { slot: "subnet" },
      ".",
    ]);
  });
});
