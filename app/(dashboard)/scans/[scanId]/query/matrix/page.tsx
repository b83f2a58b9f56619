import type { Metadata } from "next";
import Link from "next/link";
import { queryHref, queryMatrixHref, scanHref } from "@/components/links";
import { QueryMatrixView } from "@/components/query/query-matrix-table";
import { LINK } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { InputError } from "@/lib/errors";
import { MATRIX_DEFAULT_PORTS, type QueryMatrix, queryMatrix } from "@/lib/path/query-matrix";
import { getStore } from "@/lib/store";
import { loadScan } from "../../../../_data/scans";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Promise<{ scanId: string }> }): Promise<Metadata> {
  const { scanId } = await params;
  return { title: `Flow matrix · Scan ${scanId} · Lockdown Auditor` };
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// Every cluster subnet × CycleCloud subnet of each deployment (GET /api/scans/<id>/query/matrix answers the same).
export default async function QueryMatrixPage({ params, searchParams }: { params: Promise<{ scanId: string }>; searchParams: Search }) {
  const { scanId } = await params;
  const { scan, report } = await loadScan(scanId);
  const search = await searchParams;
  const snapshot = await (await getStore()).getSnapshot(scan.id);
  let matrix: QueryMatrix | undefined;
  let error: string | undefined;
  try {
    if (snapshot) matrix = queryMatrix(snapshot, report, { protocol: list(search.protocol)[0], ports: list(search.port), app: list(search.app)[0] });
    else error = "The scan's inputs are not stored: nothing to ask.";
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    error = e.message;
  }
  return (
    <>
      <PageHeader
        title="Flow matrix"
        crumbs={[{ label: `Scan #${scan.seq}`, href: scanHref(scan.id) }, { label: "Flow query", href: queryHref(scan.id) }, { label: "Matrix" }]}
        meta={`Cluster nodes → CycleCloud, per deployment (default TCP ${MATRIX_DEFAULT_PORTS.join(" and ")}, as the CycleCloud page opens them). Each cell opens the single-flow query.`}
        actions={
          <Link href={queryHref(scan.id)} className={LINK}>
            Ask one flow
          </Link>
        }
      />
      {error ? (
        <p role="alert" className="mb-4 rounded-md border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" data-testid="query-error">
          {error} <Link className={LINK} href={queryMatrixHref(scan.id)}>Default ports</Link>
        </p>
      ) : null}
      {matrix ? <QueryMatrixView scanId={scan.id} matrix={matrix} /> : null}
    </>
  );
}
