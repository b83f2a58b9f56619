// A scan in which no subnet has a role audits nothing: every subnet is "unscoped". The overview opens with this prompt
// instead of an all-clear, and points at the role editor (on each subnet's page of the latest scan).
import Link from "next/link";
import type { Report } from "@/lib/report/types";
import { scanHref, subnetHref, subnetsHref } from "../links";
import { LINK } from "../ui/button";
import { SubnetRef } from "../ui/azure-name";

export function hasNoRoles(report: Report): boolean {
  return report.subnets.length > 0 && report.subnets.every((s) => !s.role);
}

export function RolesPrompt({ report, scanId, latestScanId }: { report: Report; scanId: string; latestScanId?: string }) {
  if (!hasNoRoles(report)) return null;
  // Roles are edited on the latest scan only (`latestScanId` is set when this scan is older): the prompt sends there.
  const target = latestScanId ?? scanId;
  const first = report.subnets[0];
  return (
    <section aria-labelledby="roles-prompt-heading" className="mb-6 rounded-lg border border-indigo-300 bg-indigo-50 px-4 py-4 text-sm text-indigo-950" data-testid="roles-prompt">
      <h2 id="roles-prompt-heading" className="text-base font-semibold">
        Assign roles to audit this estate
      </h2>
      <p className="mt-1">
        No subnet has a role in this scan, so no rule ran and all {report.subnets.length} subnet{report.subnets.length === 1 ? " is" : "s are"} unscoped. Say which subnet holds CycleCloud, which
        hold cluster nodes and which the return proxy, and in which deployment: open a subnet and pick its role in the role editor, or upload the scan again with a profile.
      </p>
      <div className="mt-3 flex flex-wrap gap-4">
        {latestScanId ? null : (
          <Link href={subnetHref(scanId, first.id, "role-editor")} className={LINK} data-testid="roles-prompt-editor">
            Open the role editor (<SubnetRef vnet={first.vnet} name={first.name} />)
          </Link>
        )}
        <Link href={subnetsHref(target)} className={LINK}>
          Choose a subnet
        </Link>
        {latestScanId ? (
          <Link href={scanHref(latestScanId)} className={LINK}>
            Go to the latest scan
          </Link>
        ) : null}
      </div>
    </section>
  );
}
