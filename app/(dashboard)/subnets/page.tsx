import { redirect } from "next/navigation";
import Link from "next/link";
import { subnetsHref } from "@/components/links";
import { EmptyState } from "@/components/ui/empty-state";
import { BUTTON_PRIMARY } from "@/components/ui/button";
import { filtersToQuery, parseReportFilters } from "@/lib/report/filter";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// "Subnets" in the navigation: the latest scan's table, keeping any filters in the query.
export default async function LatestSubnetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const latest = await (await getStore()).latestScan();
  if (!latest) {
    return (
      <EmptyState title="No scan yet" action={<Link href="/scans/new" className={BUTTON_PRIMARY}>Upload a snapshot</Link>}>
        Subnets appear here once a scan has been stored.
      </EmptyState>
    );
  }
  redirect(subnetsHref(latest.id, filtersToQuery(parseReportFilters(await searchParams))));
}
