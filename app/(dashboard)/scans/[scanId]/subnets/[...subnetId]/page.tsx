import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FindingCard } from "@/components/findings/finding-card";
import { scanHref, subnetHref, subnetIdFromSegments, subnetsHref } from "@/components/links";
import { RoleEditor } from "@/components/subnet/role-editor";
import { SubnetFacts } from "@/components/subnet/subnet-facts";
import { SubnetPath } from "@/components/subnet/subnet-path";
import { PageHeader } from "@/components/ui/page-header";
import { AzureName, SubnetRef } from "@/components/ui/azure-name";
import { PortalLink } from "@/components/gates/portal-link";
import { RoleBadge, StatusBadge } from "@/components/ui/status-badge";
import { Time } from "@/components/ui/time";
import { getStore } from "@/lib/store";
import { loadScan } from "../../../../_data/scans";

export const dynamic = "force-dynamic";

type Params = Promise<{ scanId: string; subnetId: string[] }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { subnetId } = await params;
  // Params arrive decoded (see subnetIdFromSegments); a long hostile name is cut, not echoed whole.
  return { title: `${(subnetId[subnetId.length - 1] ?? "Subnet").slice(0, 120)} · Lockdown Auditor` };
}

const STATUS_ORDER = { fail: 0, warn: 1, exempt: 2, info: 3, pass: 4 } as const;

export default async function SubnetPage({ params }: { params: Params }) {
  const { scanId, subnetId } = await params;
  const { scan, report } = await loadScan(scanId);
  const id = subnetIdFromSegments(subnetId).toLowerCase();
  const subnet = report.subnets.find((s) => s.id.toLowerCase() === id);
  if (!subnet) notFound();
  const store = await getStore();
  const snapshot = await store.getSnapshot(scan.id);
  // The latest scan of this scan's estate: roles are edited there, and re-audit that estate.
  const latest = await store.latestScan(scan.estate);
  const isLatest = latest?.id === scan.id;
  const override = (await store.listRoleOverrides(scan.estate)).find((o) => o.subnetKey === id);
  const findings = [...subnet.findings].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  const latestHasSubnet = !isLatest && latest && (await store.getReport(latest.id))?.subnets.some((s) => s.id.toLowerCase() === id);

  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <AzureName>{subnet.name}</AzureName>
            <StatusBadge status={subnet.status} />
            <RoleBadge role={subnet.role} />
          </span>
        }
        crumbs={[
          { label: `Scan #${scan.seq}`, href: scanHref(scan.id) },
          { label: "Subnets", href: subnetsHref(scan.id) },
          { label: <SubnetRef vnet={subnet.vnet} name={subnet.name} /> },
        ]}
        meta={
          <span className="flex flex-wrap items-baseline gap-x-3">
            <span className="break-all font-mono text-xs">{subnet.id}</span>
            <PortalLink id={subnet.id} />
          </span>
        }
        actions={
          isLatest ? (
            <RoleEditor
              subnetId={subnet.id}
              estate={scan.estate}
              role={subnet.role}
              overridden={Boolean(override)}
              deployment={subnet.deployment ?? null}
              deployments={[...new Set([...(report.deployments ?? []).map((d) => d.name), ...(subnet.deployment ? [subnet.deployment] : [])])]}
            />
          ) : null
        }
      />
      {!isLatest && latest ? (
        <div role="note" className="mb-4 rounded-md border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900">
          This is scan #{scan.seq} (<Time iso={scan.createdAt} />), kept as it was found. Roles are changed on the latest scan.{" "}
          {latestHasSubnet ? (
            <Link className="font-medium underline" href={subnetHref(latest.id, subnet.id)}>
              Open this subnet in scan #{latest.seq}
            </Link>
          ) : null}
        </div>
      ) : null}

      <SubnetFacts subnet={subnet} snapshot={snapshot} subscriptionName={report.subscriptions?.find((x) => x.id.toLowerCase() === subnet.subscriptionId?.toLowerCase())?.name} />
      <SubnetPath subnet={subnet} />

      <section className="mt-8" aria-labelledby="findings-heading">
        <h2 id="findings-heading" className="mb-3 text-base font-semibold text-slate-900">
          Findings <span className="text-sm font-normal text-slate-500">({findings.length})</span>
        </h2>
        {findings.length ? (
          <div className="space-y-4">
            {findings.map((f) => (
              <FindingCard key={f.rule} finding={f} snapshot={snapshot} collapsed={f.status === "pass" || f.status === "info" || f.status === "exempt"} />
            ))}
          </div>
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-6 text-sm text-slate-600">
            This subnet has no role, so no rule applies to it. Give it a role above to audit it.
          </p>
        )}
      </section>
    </>
  );
}
