import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FindingCard } from "@/components/findings/finding-card";
import { LatestPanel } from "@/components/findings/finding-history";
import { latestFindingHref, scanHref, subnetHref } from "@/components/links";
import { AskLink } from "@/components/query/ask-link";
import { CopyButton } from "@/components/ui/copy-button";
import { BUTTON_SECONDARY } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { SubnetRef } from "@/components/ui/azure-name";
import { getStore } from "@/lib/store";
import { estateParam, latestFinding } from "../../_data/latest-finding";
import { FindingSubject } from "@/components/findings/finding-subject";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Finding, latest · Lockdown Auditor" };

// The "latest" view of a (subnet, rule): its newest verdict and since which scan it fails, or when it was fixed.
export default async function LatestFindingPage({ params, searchParams }: { params: Promise<{ findingId: string }>; searchParams: Promise<{ estate?: string | string[] }> }) {
  const { findingId } = await params;
  // ?estate=NAME: the latest of that estate; else of the estate whose newest scan has the finding.
  // The layout has already answered 404 when this finds nothing (route-exists.ts); notFound() here covers navigations
  // inside the app, where the layout is not rendered again.
  const store = await getStore();
  const latest = await latestFinding(store, findingId, estateParam((await searchParams).estate));
  if (!latest) notFound();
  const { history, found } = latest;
  const { scan, subnet, finding } = found;
  return (
    <>
      <PageHeader
        title={finding.title}
        crumbs={[{ label: `Scan #${scan.seq}`, href: scanHref(scan.id) }, { label: <SubnetRef vnet={subnet.vnet} name={subnet.name} />, href: subnetHref(scan.id, subnet.id) }, { label: `${finding.rule} (latest)` }]}
        meta={
          <span>
            <FindingSubject scanId={scan.id} subnet={subnet} rule={finding.rule} />
            , latest verdict (scan #{scan.seq})
          </span>
        }
        actions={
          <>
            <AskLink scanId={scan.id} rule={finding.rule} subnet={subnet} report={await store.getReport(scan.id)} />
            <CopyButton text={latestFindingHref(findingId, scan.estate)} absolute label="Copy always-latest link" copiedLabel="Link copied" className={BUTTON_SECONDARY} />
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <div className="min-w-0">
          <FindingCard finding={finding} snapshot={await store.getSnapshot(scan.id)} headingLevel="h2" showTitle={false} />
        </div>
        <div>
          <LatestPanel timeline={history.timeline} history={history.history} findingId={findingId} estate={scan.estate} currentScanId={scan.id} />
        </div>
      </div>
    </>
  );
}
