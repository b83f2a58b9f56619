import Link from "next/link";
import { ScanOverview } from "@/components/overview/scan-overview";
import { EmptyState } from "@/components/ui/empty-state";
import { BUTTON_PRIMARY } from "@/components/ui/button";
import { getStore } from "@/lib/store";
import { loadOverview } from "./_data/scans";

export const dynamic = "force-dynamic";

// The latest scan's overview: what an ops team opens every day.
export default async function OverviewPage() {
  const latest = await (await getStore()).latestScan();
  if (!latest) {
    return (
      <EmptyState
        title="No scan yet"
        action={
          <Link href="/scans/new" className={BUTTON_PRIMARY}>
            Upload a snapshot
          </Link>
        }
      >
        Upload the JSON of your virtual networks, NSGs, route tables and NICs (as <code>az network … list</code>, Resource Graph or the ARM API give it), with a
        profile that says which subnet is CycleCloud, cluster or return proxy.
      </EmptyState>
    );
  }
  return <ScanOverview {...await loadOverview(latest.id)} />;
}
