import type { Metadata } from "next";
import { ScanOverview } from "@/components/overview/scan-overview";
import { loadOverview } from "../../_data/scans";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ scanId: string }> }): Promise<Metadata> {
  const { scanId } = await params;
  return { title: `Scan ${scanId} · Lockdown Auditor` };
}

// One stored scan's overview; `POST /api/scans` answers with this page's URL.
export default async function ScanPage({ params }: { params: Promise<{ scanId: string }> }) {
  const { scanId } = await params;
  return <ScanOverview {...await loadOverview(scanId)} />;
}
