import type { Metadata } from "next";
import Link from "next/link";
import { queryHref, queryMatrixHref, scanHref } from "@/components/links";
import { QueryAnswerView } from "@/components/query/query-answer";
import { QueryForm } from "@/components/query/query-form";
import { Card } from "@/components/ui/card";
import { LINK } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { InputError } from "@/lib/errors";
import { type QueryAnswer, queryFlow } from "@/lib/path/query";
import { estateOf, subnetRefOf } from "@/lib/path/query-matrix";
import { asParamError, flowQueryParams, parseFlowQuery } from "@/lib/path/query-params";
import { getStore } from "@/lib/store";
import { loadScan } from "../../../_data/scans";
import { reportView } from "../../../_data/view-cache";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Promise<{ scanId: string }> }): Promise<Metadata> {
  const { scanId } = await params;
  return { title: `Flow query · Scan ${scanId} · Lockdown Auditor` };
}

// "Can A reach B, and what decides it?" against one stored scan; the question is the URL's search parameters
// (GET /api/scans/<id>/query answers the same from the same engine).
export default async function QueryPage({ params, searchParams }: { params: Promise<{ scanId: string }>; searchParams: Search }) {
  const { scanId } = await params;
  const { scan, report } = await loadScan(scanId);
  const values = flowQueryParams(await searchParams);
  const subnets = reportView(report, "query-subnet-refs", () => report.subnets.map((s) => subnetRefOf(s, report.subnets)).sort());
  let answer: QueryAnswer | undefined;
  let error: string | undefined;
  // The parameter at fault (`from`, `to`, `protocol`, `port`, `app`), so its field is marked invalid and described by the alert.
  let errorParam: string | undefined;
  const snapshot = values.from || values.to ? await (await getStore()).getSnapshot(scan.id) : undefined;
  if (values.from || values.to) {
    try {
      const query = parseFlowQuery(values);
      if (snapshot) answer = queryFlow(snapshot, query, estateOf(snapshot), { readErrors: report.errors });
      else error = "The scan's inputs are not stored: nothing to ask.";
    } catch (e) {
      const mapped = asParamError(e);
      if (!(mapped instanceof InputError)) throw e;
      error = mapped.message;
      errorParam = mapped.file;
    }
  }
  return (
    <>
      <PageHeader
        title="Flow query"
        crumbs={[{ label: `Scan #${scan.seq}`, href: scanHref(scan.id) }, { label: "Flow query" }]}
        meta="Can a source reach a destination, and what decides it at each stage: security admin rules, NSGs, the route, Azure Firewall, the outbound path."
        actions={
          <Link href={queryMatrixHref(scan.id)} className={LINK}>
            Matrix: cluster → CycleCloud
          </Link>
        }
      />
      <Card className="px-4 py-4">
        <QueryForm action={queryHref(scan.id)} values={values} subnets={subnets} {...(errorParam ? { error: { param: errorParam, messageId: "query-error" } } : {})} />
      </Card>
      {error ? (
        <p id="query-error" role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800" data-testid="query-error">
          {error}
        </p>
      ) : null}
      {answer ? <QueryAnswerView answer={answer} snapshot={snapshot} /> : null}
    </>
  );
}
