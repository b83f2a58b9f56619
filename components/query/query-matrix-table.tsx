// The matrix view: per deployment, every cluster subnet (rows) × CycleCloud subnet and port (columns), each cell the
// flow query's verdict linking to that query alone.
import Link from "next/link";
import type { QueryMatrix } from "@/lib/path/query-matrix";
import { flowQuerySearch } from "@/lib/path/query-params";
import { queryHref } from "../links";
import { AzureName } from "../ui/azure-name";
import { Card, CardHeader } from "../ui/card";
import { VerdictBadge } from "./verdict-badge";

export function QueryMatrixView({ scanId, matrix }: { scanId: string; matrix: QueryMatrix }) {
  if (!matrix.deployments.length) {
    return <p className="text-sm text-slate-500">No subnet has the CycleCloud or cluster role in this scan: there is no flow to tabulate.</p>;
  }
  const portLabel = (p: string) => (p === "*" ? matrix.protocol.toUpperCase() : `${matrix.protocol.toUpperCase()} ${p}`);
  return (
    <div className="space-y-6">
      {matrix.deployments.map((d, i) => (
        <Card key={d.name} className="" id={`deployment-${i}`}>
          <div data-testid="query-matrix-deployment" data-deployment={d.name}>
            <CardHeader title={<>Deployment <AzureName className="font-mono">{d.name}</AzureName></>} description="Cluster subnet → CycleCloud subnet: the node's outbound path and CycleCloud's inbound NSGs." />
            {d.rows.length && d.cyclecloud.length ? (
              <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Flow matrix of deployment ${d.name}`}>
                <table className="w-full text-left text-xs">
                  <caption className="sr-only">Verdict of each cluster subnet to CycleCloud flow in deployment {d.name}</caption>
                  <thead className="text-slate-500">
                    <tr className="border-b border-slate-100">
                      <th scope="col" className="px-3 py-1.5 font-medium">
                        Cluster subnet
                      </th>
                      {d.cyclecloud.flatMap((cc) =>
                        matrix.ports.map((p) => (
                          <th key={`${cc.id}:${p}`} scope="col" className="px-3 py-1.5 font-medium">
                            <AzureName className="font-mono">{cc.ref}</AzureName> <span className="whitespace-nowrap">{portLabel(p)}</span>
                          </th>
                        )),
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {d.rows.map((r) => (
                      <tr key={r.cluster.id} className="border-b border-slate-50">
                        <th scope="row" className="px-3 py-1.5 font-mono font-normal text-slate-800">
                          {r.cluster.ref}
                        </th>
                        {r.cells.map((c) => (
                          <td key={`${c.to}:${c.port}`} className="px-3 py-1.5" data-testid="query-matrix-cell" data-verdict={c.verdict}>
                            <Link href={queryHref(scanId, flowQuerySearch(c.query))} title={c.summary} className="inline-flex rounded focus-visible:outline-2 focus-visible:outline-indigo-600">
                              <VerdictBadge verdict={c.verdict} />
                              <span className="sr-only">
                                {" "}
                                {r.cluster.ref} to {c.to} {portLabel(c.port)}
                              </span>
                            </Link>
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="px-4 py-3 text-sm text-slate-500">{d.cyclecloud.length ? "No cluster subnet in this deployment." : "No CycleCloud subnet in this deployment."}</p>
            )}
          </div>
        </Card>
      ))}
    </div>
  );
}
