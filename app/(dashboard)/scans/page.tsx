import type { Metadata } from "next";
import Link from "next/link";
import { ScansTable, TrendChart } from "@/components/scans/scans-table";
import { BUTTON_PRIMARY } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Scans · Lockdown Auditor" };

export default async function ScansPage() {
  const scans = await (await getStore()).listScans();
  return (
    <>
      <PageHeader
        title="Scans"
        meta="Every stored audit, newest first. A scan never changes once stored, so share links keep showing what was found then."
        actions={
          <Link href="/scans/new" className={BUTTON_PRIMARY}>
            New scan
          </Link>
        }
      />
      {scans.length ? (
        <Card>
          <CardHeader title="History" description={`${scans.length} scan${scans.length === 1 ? "" : "s"}`} actions={scans.length > 1 ? <TrendChart scans={scans} /> : null} />
          <ScansTable scans={scans} />
        </Card>
      ) : (
        <EmptyState title="No scan yet" action={<Link href="/scans/new" className={BUTTON_PRIMARY}>Upload a snapshot</Link>}>
          A scan audits a snapshot of your network against the CycleCloud locked-down requirements.
        </EmptyState>
      )}
    </>
  );
}
