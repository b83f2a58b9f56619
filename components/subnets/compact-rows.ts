// The subnets table's rows as compact JSON for the page payload: repeated strings (VNets, subscriptions, resource
// groups, rules, deployments) once in a dictionary, each row a short array, and the ARM id left out when it is the
// canonical one built from the row's own names. 10,000 subnets: ~0.5 MB instead of ~4 MB of row objects in the HTML.
import type { SubnetStatus } from "@/lib/report/types";
import type { SubnetRow } from "./rows";

/**
 * [name, vnet, status, role, subscription, resource group, prefixes ("a,b"), rules not passing, deployment, id or 0].
 * Numbers index `strings` (-1: absent); a rule is its index when it fails, ~index (negative) when it warns.
 */
type CompactRow = [string, number, number, number, number, number, string, number[], number, string | 0];

export interface CompactSubnetRows {
  strings: string[];
  rows: CompactRow[];
}

const STATUSES: SubnetStatus[] = ["fail", "warn", "pass", "unscoped"];
const ROLES: SubnetRow["role"][] = [null, "cyclecloud", "cluster", "returnProxy"];

/** The id Azure gives a subnet with these names; rows whose id is exactly this do not carry it. */
function canonicalId(subscription: string, resourceGroup: string, vnet: string, name: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`;
}

/** Encodes rows (toSubnetRows of a report), keeping their order. Pure; decodeSubnetRows gives the same rows back. */
export function encodeSubnetRows(subnetRows: readonly SubnetRow[]): CompactSubnetRows {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string | null | undefined): number => {
    if (s === undefined || s === null) return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const rows = subnetRows.map((r): CompactRow => {
    const rules = r.findings.map((f) => (f.status === "fail" ? intern(f.rule) : ~intern(f.rule)));
    const derivable = r.subscriptionId !== undefined && r.resourceGroup !== undefined && canonicalId(r.subscriptionId, r.resourceGroup, r.vnet, r.name) === r.id;
    // NOTE: prefixes are joined with "," (no CIDR or IPv6 address contains one).
    return [r.name, intern(r.vnet), STATUSES.indexOf(r.status), ROLES.indexOf(r.role), intern(r.subscriptionId), intern(r.resourceGroup), r.prefixes.join(","), rules, intern(r.deployment), derivable ? 0 : r.id];
  });
  return { strings, rows };
}

/** The rows encodeSubnetRows encoded, in the same order. */
export function decodeSubnetRows({ strings, rows }: CompactSubnetRows): SubnetRow[] {
  const str = (i: number) => (i < 0 ? undefined : strings[i]);
  return rows.map(([name, vnet, status, role, sub, rg, prefixes, rules, deployment, id]) => {
    const vnetName = strings[vnet];
    const subscriptionId = str(sub);
    const resourceGroup = str(rg);
    const row: SubnetRow = {
      id: id || canonicalId(subscriptionId!, resourceGroup!, vnetName, name),
      name,
      vnet: vnetName,
      role: ROLES[role],
      status: STATUSES[status],
      subscriptionId,
      resourceGroup,
      prefixes: prefixes ? prefixes.split(",") : [],
      findings: rules.map((r) => (r >= 0 ? { rule: strings[r], status: "fail" as const } : { rule: strings[~r], status: "warn" as const })),
    };
    if (deployment >= 0) row.deployment = strings[deployment];
    return row;
  });
}
