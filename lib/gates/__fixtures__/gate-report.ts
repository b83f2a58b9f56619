// A small report in the shape lib/audit produces, with real finding ids: a CycleCloud subnet (GitHub staging warns,
// storage fails) and a cluster subnet in deployment "lab", for the gate tests.
import { findingId } from "../../finding-id";
import type { Finding, FindingStatus, Report, SubnetReport } from "../../report/types";

const SUB = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-hpc/providers/Microsoft.Network";
export const CC = `${SUB}/virtualNetworks/vnet-hub/subnets/cyclecloud`;
export const NODES = `${SUB}/virtualNetworks/vnet-spoke/subnets/compute`;

function finding(subnet: string, rule: string, status: FindingStatus): Finding {
  const id = findingId(subnet.toLowerCase(), rule);
  return { id, rule, status, title: rule, detail: `${rule} is ${status}`, evidence: [], fixes: [], link: `/findings/${id}` };
}

function subnet(id: string, role: SubnetReport["role"], findings: Finding[], deployment?: string): SubnetReport {
  const [, vnet, name] = /virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/.exec(id)!;
  const worst = findings.some((f) => f.status === "fail") ? "fail" : findings.some((f) => f.status === "warn") ? "warn" : "pass";
  return { id, name, vnet, role, status: role ? worst : "unscoped", findings, ...(deployment ? { deployment } : {}) };
}

/** Verdicts can be overridden per rule, to model a later scan. */
export function gateReport(overrides: Record<string, FindingStatus> = {}): Report {
  const s = (rule: string, status: FindingStatus) => overrides[rule] ?? status;
  const subnets = [
    subnet(CC, "cyclecloud", [
      finding(CC, "CC-EGRESS-STORAGE", s("CC-EGRESS-STORAGE", "fail")),
      finding(CC, "CC-GITHUB-STAGING", s("CC-GITHUB-STAGING", "warn")),
      finding(CC, "CC-EGRESS-AAD", s("CC-EGRESS-AAD", "pass")),
    ]),
    subnet(NODES, "cluster", [finding(NODES, "NODE-EGRESS-AMQP", s("NODE-EGRESS-AMQP", "warn")), finding(NODES, "NODE-PACKAGES", s("NODE-PACKAGES", "info"))], "lab"),
  ];
  const summary = { subnets: subnets.length, pass: 0, warn: 0, fail: 0, unscoped: 0 };
  for (const x of subnets) summary[x.status]++;
  return { generatedAt: "2026-01-01T00:00:00.000Z", summary, subnets };
}

export const idOf = (subnetId: string, rule: string) => findingId(subnetId.toLowerCase(), rule);
