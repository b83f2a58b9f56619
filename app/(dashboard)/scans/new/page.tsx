import type { Metadata } from "next";
import { LiveScanPanel } from "@/components/scans/live-scan-panel";
import { UploadForm } from "@/components/scans/upload-form";
import { PageHeader } from "@/components/ui/page-header";
import { DEFAULT_ESTATE, ESTATE_NAME, getStore, type Store } from "@/lib/store";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New scan · Lockdown Auditor" };

/**
 * The estate the forms start with: the one being viewed when "New scan" was opened — `?estate=NAME` (the scans
 * page's filter) or `?scan=ID` (that scan's estate) — else `default`. A bad name or unknown scan is ignored here;
 * the server checks whatever the form sends.
 */
async function viewedEstate(store: Store, params: { estate?: string | string[]; scan?: string | string[] }): Promise<string> {
  if (typeof params.estate === "string" && ESTATE_NAME.test(params.estate)) return params.estate;
  if (typeof params.scan === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(params.scan)) return (await store.getScan(params.scan))?.estate ?? DEFAULT_ESTATE;
  return DEFAULT_ESTATE;
}

export default async function NewScanPage({ searchParams }: { searchParams: Promise<{ estate?: string | string[]; scan?: string | string[] }> }) {
  const store = await getStore();
  const [latest, estates, estate] = await Promise.all([store.latestScan(), store.listEstates(), searchParams.then((p) => viewedEstate(store, p))]);
  const names = estates.map((e) => e.name);
  // The upload takes the roles of the chosen estate's latest scan, else the newest of any (app/api/_lib/scan-input.ts):
  // the form names the one it will use as the estate field changes.
  const latestOf = await Promise.all(names.map(async (name) => [name, (await store.latestScan(name))?.seq] as const));
  const latestByEstate = Object.fromEntries(latestOf.filter((e): e is readonly [string, number] => e[1] !== undefined));
  return (
    <>
      <PageHeader title="New scan" crumbs={[{ label: "Scans", href: "/scans" }, { label: "New scan" }]} meta="Audit a snapshot of your network against the CycleCloud locked-down requirements." />
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_340px]">
        <UploadForm latestScan={latest ? { seq: latest.seq } : undefined} latestByEstate={latestByEstate} defaultEstate={estate} estates={names} />
        <LiveScanPanel defaultEstate={estate} estates={names} />
      </div>
    </>
  );
}
