import Link from "next/link";
import { buildDeploymentFlowGraphs } from "@/lib/report/flows";
import type { ReportDiff } from "@/lib/report/diff";
import type { Report } from "@/lib/report/types";
import type { ScanRecord } from "@/lib/store";
import { ExportMenu } from "../export-menu";
import { queryHref, scanHref, subnetsHref } from "../links";
import { ScanMeta } from "../scans/scan-meta";
import { AzureName } from "../ui/azure-name";
import { BUTTON_SECONDARY } from "../ui/button";
import { Card, CardHeader } from "../ui/card";
import { PageHeader } from "../ui/page-header";
import { ChangesPanel } from "./changes-panel";
import { FlowDiagram } from "./flow-diagram";
import { GapsBanner } from "./gaps-banner";
import { RolesPrompt } from "./roles-prompt";
import { RuleBars, StatusDonut } from "./status-chart";
import { SummaryCards } from "./summary-cards";

export function ScanOverview({ scan, report, previous, diff, latest }: {
  scan: ScanRecord;
  report: Report;
  previous?: ScanRecord;
  diff: ReportDiff | null;
  latest?: ScanRecord;
}) {
  const groups = buildDeploymentFlowGraphs(report);
  const drawn = groups.filter((g) => g.graph.nodes.some((n) => n.kind === "cyclecloud" || n.kind === "cluster"));
  return (
    <>
      <PageHeader
        title="Overview"
        crumbs={latest ? [{ label: "Scans", href: "/scans" }, { label: `Scan #${scan.seq}` }] : undefined}
        meta={<ScanMeta scan={scan} />}
        actions={
          <>
            <Link href={queryHref(scan.id)} className={BUTTON_SECONDARY}>
              Flow query
            </Link>
            <ExportMenu scanId={scan.id} />
          </>
        }
      />
      <RolesPrompt report={report} scanId={scan.id} latestScanId={latest?.id} />
      {latest ? (
        <div role="note" className="mb-4 rounded-md border border-sky-200 bg-sky-50 px-4 py-2 text-sm text-sky-900">
          This is an older scan, kept as it was found. The latest is{" "}
          <Link className="font-medium underline" href={scanHref(latest.id)}>
            scan #{latest.seq}
          </Link>
          .
        </div>
      ) : null}
      {report.errors?.length ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
          <strong className="font-semibold">Part of the estate could not be read.</strong> What was read is audited.
          <ul className="mt-1 list-disc pl-5">
            {report.errors.map((e, i) => (
              <li key={i}>
                {e.subscription}: {e.operation}: <code>{e.code}</code> {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {report.notes?.length ? (
        <div role="note" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
          {report.notes.map((n, i) => (
            <p key={i}>{n}</p>
          ))}
        </div>
      ) : null}

      <GapsBanner gaps={report.gaps} />

      <SummaryCards scanId={scan.id} summary={report.summary} />

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-1">
          <CardHeader title="Compliance" description="Each subnet takes the worst status of its findings." />
          <div className="px-4 py-4">
            <StatusDonut summary={report.summary} />
          </div>
          <div className="border-t border-slate-100 px-4 py-3">
            <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Findings by rule</h3>
            <RuleBars report={report} scanId={scan.id} />
          </div>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Changed since the previous scan" description="New failures and fixes, per subnet and rule." />
          <ChangesPanel diff={diff} previous={previous} />
        </Card>
      </div>

      <Card className="mt-6">
        <CardHeader
          title="Required flows"
          description="CycleCloud, cluster subnets, return proxy, Azure services and the Internet, as the CycleCloud locked-down network page requires, one picture per deployment (flows are checked only within a deployment). Click an edge to open the finding that decides it."
          actions={
            <Link href={subnetsHref(scan.id, "role=cyclecloud,cluster,returnProxy")} className="text-xs font-medium text-indigo-700 hover:underline">
              Subnets in a role
            </Link>
          }
        />
        <div className="px-4 py-4">
          {drawn.length === 1 && groups.length === 1 ? (
            <FlowDiagram graph={drawn[0].graph} scanId={scan.id} />
          ) : drawn.length ? (
            <div className="space-y-6">
              {drawn.map((g, i) => (
                <section key={g.deployment ?? "(none)"} aria-labelledby={`deployment-${i}`} data-testid="deployment-flows" data-deployment={g.deployment ?? ""}>
                  <h3 id={`deployment-${i}`} className="mb-2 text-sm font-semibold text-slate-800">
                    {g.deployment ? (
                      <>
                        Deployment <AzureName className="font-mono">{g.deployment}</AzureName>
                      </>
                    ) : (
                      "Subnets in no deployment"
                    )}
                  </h3>
                  <FlowDiagram graph={g.graph} scanId={scan.id} idPrefix={`flows-${i}`} label={`Required network flows of deployment ${g.deployment ?? "(none)"}, coloured by verdict`} />
                </section>
              ))}
            </div>
          ) : (
            <p className="text-sm text-slate-500">
              No subnet has the CycleCloud or cluster role in this scan. Upload a profile with the scan, or set roles on a subnet&apos;s page.
            </p>
          )}
        </div>
      </Card>
    </>
  );
}
