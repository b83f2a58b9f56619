import type { Metadata } from "next";
import { ScanMeta } from "@/components/scans/scan-meta";
import { toSubnetRows } from "@/components/subnets/rows";
import { SubnetsTable } from "@/components/subnets/subnets-table";
import { scanHref } from "@/components/links";
import { PageHeader } from "@/components/ui/page-header";
import { filtersToQuery, parseReportFilters } from "@/lib/report/filter";
import { loadScan } from "../../../_data/scans";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Subnets · Lockdown Auditor" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SubnetsPage({ params, searchParams }: { params: Promise<{ scanId: string }>; searchParams: SearchParams }) {
  const { scanId } = await params;
  const { scan, report } = await loadScan(scanId);
  const initialQuery = filtersToQuery(parseReportFilters(await searchParams));
  const vnets = [...new Set(report.subnets.map((s) => s.vnet))].sort((a, b) => a.localeCompare(b));
  const rules = [...new Set(report.subnets.flatMap((s) => s.findings.filter((f) => f.status === "fail" || f.status === "warn").map((f) => f.rule)))].sort();
  // The profile's deployments in its order, then any only the subnets name.
  const deployments = [...new Set([...(report.deployments ?? []).map((d) => d.name), ...report.subnets.flatMap((s) => (s.deployment ? [s.deployment] : []))])];
  return (
    <>
      <PageHeader title="Subnets" crumbs={[{ label: `Scan #${scan.seq}`, href: scanHref(scan.id) }, { label: "Subnets" }]} meta={<ScanMeta scan={scan} />} />
      <SubnetsTable key={scan.id} scanId={scan.id} rows={toSubnetRows(report)} initialQuery={initialQuery} vnets={vnets} rules={rules} deployments={deployments} />
    </>
  );
}
