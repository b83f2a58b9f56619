import type { Metadata } from "next";
import { ScanMeta } from "@/components/scans/scan-meta";
import { encodeSubnetRows } from "@/components/subnets/compact-rows";
import { toSubnetRows } from "@/components/subnets/rows";
import { CompactSubnetsTable } from "@/components/subnets/compact-subnets-table";
import { scanHref } from "@/components/links";
import { PageHeader } from "@/components/ui/page-header";
import { applyFilters, filtersToQuery, parseReportFilters } from "@/lib/report/filter";
import { RULES } from "@/lib/rules";
import { loadScan } from "../../../_data/scans";
import { reportView } from "../../../_data/view-cache";

export const dynamic = "force-dynamic";

const RULE_IDS = new Set(RULES.map((r) => r.id));
export const metadata: Metadata = { title: "Subnets · Lockdown Auditor" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SubnetsPage({ params, searchParams }: { params: Promise<{ scanId: string }>; searchParams: SearchParams }) {
  const { scanId } = await params;
  const { scan, report } = await loadScan(scanId);
  const filters = parseReportFilters(await searchParams);
  // A rule id outside the catalogue is dropped, as `status=bogus` is: an old or mistyped link still opens, and the
  // view's export link (which the export API would refuse, app/api/_lib/report-query.ts) carries known ids only.
  const rule = filters.rule?.filter((r) => RULE_IDS.has(r));
  const initialQuery = filtersToQuery({ ...filters, rule: rule?.length ? rule : undefined });
  // Built once per served report and process (a scan never changes; a new exemption list gives a new report): compact rows (~8× fewer bytes than row objects), already in
  // the table's default order (so the browser's sort finds them sorted), and the filter choices.
  const { data, vnets, rules, deployments } = reportView(report, "subnets", () => ({
    data: JSON.stringify(encodeSubnetRows(applyFilters(toSubnetRows(report), {}))),
    vnets: [...new Set(report.subnets.map((s) => s.vnet))].sort((a, b) => a.localeCompare(b)),
    rules: [...new Set(report.subnets.flatMap((s) => s.findings.filter((f) => f.status === "fail" || f.status === "warn").map((f) => f.rule)))].sort(),
    // The profile's deployments in its order, then any only the subnets name.
    deployments: [...new Set([...(report.deployments ?? []).map((d) => d.name), ...report.subnets.flatMap((s) => (s.deployment ? [s.deployment] : []))])],
  }));
  return (
    <>
      <PageHeader title="Subnets" crumbs={[{ label: `Scan #${scan.seq}`, href: scanHref(scan.id) }, { label: "Subnets" }]} meta={<ScanMeta scan={scan} />} />
      <CompactSubnetsTable key={scan.id} scanId={scan.id} data={data} count={report.subnets.length} initialQuery={initialQuery} vnets={vnets} rules={rules} deployments={deployments} subscriptionNames={Object.fromEntries((report.subscriptions ?? []).map((x) => [x.id.toLowerCase(), x.name]))} />
    </>
  );
}
