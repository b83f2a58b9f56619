import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FindingCard } from "@/components/findings/finding-card";
import { LatestPanel } from "@/components/findings/finding-history";
import { findingHref, scanHref, subnetHref, subnetsHref } from "@/components/links";
import { AskLink } from "@/components/query/ask-link";
import { CopyButton } from "@/components/ui/copy-button";
import { BUTTON_SECONDARY } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { SubnetRef } from "@/components/ui/azure-name";
import { Time } from "@/components/ui/time";
import { getStore } from "@/lib/store";
import { FindingSubject } from "@/components/findings/finding-subject";
import { PortalLink } from "@/components/gates/portal-link";
import { AcceptRiskForm } from "@/components/gates/accept-risk-form";
import { resourceName } from "@/lib/report/meta";
import { type NsgEvidence, evidenceStage } from "@/lib/report/types";

export const dynamic = "force-dynamic";

type Params = Promise<{ scanId: string; findingId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { scanId, findingId } = await params;
  const found = await (await getStore()).getFinding(scanId, findingId);
  return { title: found ? `${found.finding.rule} on ${found.subnet.name} · Lockdown Auditor` : "Finding · Lockdown Auditor" };
}

// The share link: one finding of one stored scan, exactly as it was found then.
export default async function FindingPage({ params }: { params: Params }) {
  const { scanId, findingId } = await params;
  const store = await getStore();
  const found = await store.getFinding(scanId, findingId);
  if (!found) notFound();
  const { scan, subnet, finding } = found;
  const history = await store.findingTimelineById(findingId, scan.estate);
  // The NSG rule that decided last is where a fix goes: link its NSG's rules blade for that direction.
  const decidingNsg = finding.evidence.filter((e): e is NsgEvidence => evidenceStage(e) === "nsg").at(-1);
  return (
    <>
      <PageHeader
        title={finding.title}
        crumbs={[
          { label: `Scan #${scan.seq}`, href: scanHref(scan.id) },
          { label: "Subnets", href: subnetsHref(scan.id) },
          { label: <SubnetRef vnet={subnet.vnet} name={subnet.name} />, href: subnetHref(scan.id, subnet.id) },
          { label: finding.rule },
        ]}
        meta={
          <span>
            <FindingSubject scanId={scan.id} subnet={subnet} rule={finding.rule} />
            , as found in scan #{scan.seq} (<Time iso={scan.createdAt} />)
            <PortalLink id={subnet.id} label="Open subnet in Azure portal" className="ml-3" />
            {decidingNsg ? <PortalLink id={`${decidingNsg.nsg}/securityRules/${decidingNsg.rule}`} direction={decidingNsg.direction} label={`Open ${resourceName(decidingNsg.nsg)} rules in Azure portal`} className="ml-3" /> : null}
          </span>
        }
        actions={
          <>
            <AskLink scanId={scan.id} rule={finding.rule} subnet={subnet} report={await store.getReport(scan.id)} />
            <CopyButton text={findingHref(scan.id, findingId)} absolute label="Copy link" copiedLabel="Link copied" className={BUTTON_SECONDARY} testId="copy-share-link" />
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
        <div className="min-w-0">
          <FindingCard finding={finding} snapshot={await store.getSnapshot(scan.id)} headingLevel="h2" showShare={false} showTitle={false} />
          {finding.status === "fail" || finding.status === "warn" ? (
            <div className="mt-4">
              <AcceptRiskForm estate={scan.estate} findingId={findingId} />
            </div>
          ) : null}
        </div>
        <div>{history ? <LatestPanel timeline={history.timeline} history={history.history} findingId={findingId} estate={scan.estate} currentScanId={scan.id} /> : null}</div>
      </div>
    </>
  );
}
