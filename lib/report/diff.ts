// What changed between two scans, per (subnet, rule): the overview's "new failures" and "fixed" lists.
import type { Finding, FindingStatus, Report, SubnetReport } from "./types";

export interface FindingChange {
  subnetId: string;
  subnetName: string;
  vnet: string;
  rule: string;
  title: string;
  from: FindingStatus | null;
  to: FindingStatus | null;
  /** Link to the finding in the scan where it now stands (the newer one; the older one when it disappeared). */
  link: string;
}

export interface ReportDiff {
  newFailures: FindingChange[];
  newWarnings: FindingChange[];
  fixed: FindingChange[];
  /** Fail or warn before and after, possibly changed between the two. */
  stillOpen: number;
  subnetsAdded: string[];
  subnetsRemoved: string[];
}

type Keyed = Map<string, { subnet: SubnetReport; finding: Finding }>;

function index(report: Report): Keyed {
  const out: Keyed = new Map();
  for (const subnet of report.subnets) for (const finding of subnet.findings) out.set(`${subnet.id.toLowerCase()}|${finding.rule}`, { subnet, finding });
  return out;
}

const OPEN = new Set<FindingStatus>(["fail", "warn"]);

export function diffReports(previous: Report, current: Report): ReportDiff {
  const before = index(previous);
  const after = index(current);
  const diff: ReportDiff = { newFailures: [], newWarnings: [], fixed: [], stillOpen: 0, subnetsAdded: [], subnetsRemoved: [] };

  const change = (entry: { subnet: SubnetReport; finding: Finding }, from: FindingStatus | null, to: FindingStatus | null): FindingChange => ({
    subnetId: entry.subnet.id,
    subnetName: entry.subnet.name,
    vnet: entry.subnet.vnet,
    rule: entry.finding.rule,
    title: entry.finding.title,
    from,
    to,
    link: entry.finding.link,
  });

  for (const [key, now] of after) {
    const was = before.get(key)?.finding.status ?? null;
    const is = now.finding.status;
    if (is === "fail" && was !== "fail") diff.newFailures.push(change(now, was, is));
    else if (is === "warn" && was !== "warn" && was !== "fail") diff.newWarnings.push(change(now, was, is));
    else if (was && OPEN.has(was) && !OPEN.has(is)) diff.fixed.push(change(now, was, is));
    if (was && OPEN.has(was) && OPEN.has(is)) diff.stillOpen += 1;
  }
  // NOTE: a finding that vanished (subnet deleted, role removed) is not counted as fixed: nothing proved it works now.

  const beforeSubnets = new Set(previous.subnets.map((s) => s.id.toLowerCase()));
  const afterSubnets = new Set(current.subnets.map((s) => s.id.toLowerCase()));
  diff.subnetsAdded = current.subnets.filter((s) => !beforeSubnets.has(s.id.toLowerCase())).map((s) => s.id);
  diff.subnetsRemoved = previous.subnets.filter((s) => !afterSubnets.has(s.id.toLowerCase())).map((s) => s.id);
  return diff;
}
