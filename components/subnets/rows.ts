// The slim row the subnets table ships to the browser: what filtering, sorting and display need, nothing more
// (10,000 subnets must stay a small payload).
import type { FilterableSubnet } from "@/lib/report/filter";
import type { Report } from "@/lib/report/types";

export interface SubnetRow extends FilterableSubnet {
  resourceGroup?: string;
  prefixes: string[];
}

export function toSubnetRows(report: Report): SubnetRow[] {
  return report.subnets.map((s) => ({
    id: s.id,
    name: s.name,
    vnet: s.vnet,
    role: s.role,
    status: s.status,
    subscriptionId: s.subscriptionId,
    ...(s.deployment ? { deployment: s.deployment } : {}),
    resourceGroup: s.resourceGroup,
    prefixes: s.addressPrefixes ?? [],
    // Only what did not pass: enough for the "failing rules" column, search and the rule filter.
    findings: s.findings.filter((f) => f.status === "fail" || f.status === "warn").map((f) => ({ rule: f.rule, status: f.status })),
  }));
}
