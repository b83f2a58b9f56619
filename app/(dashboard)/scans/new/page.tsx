import type { Metadata } from "next";
import { LiveScanPanel } from "@/components/scans/live-scan-panel";
import { UploadForm } from "@/components/scans/upload-form";
import { PageHeader } from "@/components/ui/page-header";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New scan · Lockdown Auditor" };

export default async function NewScanPage() {
  const latest = await (await getStore()).latestScan();
  return (
    <>
      <PageHeader title="New scan" crumbs={[{ label: "Scans", href: "/scans" }, { label: "New scan" }]} meta="Audit a snapshot of your network against the CycleCloud locked-down requirements." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_340px]">
        <UploadForm latestScan={latest ? { seq: latest.seq } : undefined} />
        <LiveScanPanel />
      </div>
    </>
  );
}
