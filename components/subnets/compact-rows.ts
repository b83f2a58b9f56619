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

/**
 * One row of compact rows, read where it is used: the same fields as decodeSubnetRows' row, each built on first read
 * and kept. The subnets table reads every field of the ~30 rows on screen only; the status of every row (the counts);
 * the rest in idle time (search text, checking the order). So a page load makes 10,000 of these (~1 ms) instead of
 * 10,000 decoded rows with their ids, prefixes and findings (~20-30 ms and their garbage, on a loaded machine).
 */
class CompactSubnetRow implements SubnetRow {
  #row: CompactRow;
  #strings: string[];
  #id?: string;
  #prefixes?: string[];
  #findings?: SubnetRow["findings"];
  constructor(row: CompactRow, strings: string[]) {
    this.#row = row;
    this.#strings = strings;
  }
  get id(): string {
    return (this.#id ??= this.#row[9] || canonicalId(this.subscriptionId!, this.resourceGroup!, this.vnet, this.name));
  }
  get name(): string {
    return this.#row[0];
  }
  get vnet(): string {
    return this.#strings[this.#row[1]];
  }
  get status(): SubnetStatus {
    return STATUSES[this.#row[2]];
  }
  get role(): SubnetRow["role"] {
    return ROLES[this.#row[3]];
  }
  get subscriptionId(): string | undefined {
    return this.#row[4] < 0 ? undefined : this.#strings[this.#row[4]];
  }
  get resourceGroup(): string | undefined {
    return this.#row[5] < 0 ? undefined : this.#strings[this.#row[5]];
  }
  get prefixes(): string[] {
    return (this.#prefixes ??= this.#row[6] ? this.#row[6].split(",") : []);
  }
  get findings(): SubnetRow["findings"] {
    const strings = this.#strings;
    return (this.#findings ??= this.#row[7].map((r) => (r >= 0 ? { rule: strings[r], status: "fail" as const } : { rule: strings[~r], status: "warn" as const })));
  }
  get deployment(): string | undefined {
    return this.#row[8] < 0 ? undefined : this.#strings[this.#row[8]];
  }
}

/** The rows encodeSubnetRows encoded, in the same order, each read on use (fields as decodeSubnetRows gives them). */
export function compactSubnetRows({ strings, rows }: CompactSubnetRows): SubnetRow[] {
  return rows.map((row) => new CompactSubnetRow(row, strings));
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
