// "Ask about this flow" on a finding page: the flow query page, prefilled with the flow the finding's rule checks.
import Link from "next/link";
import { flowQuerySearch } from "@/lib/path/query-params";
import type { Report, SubnetReport } from "@/lib/report/types";
import { queryHref } from "../links";
import { BUTTON_SECONDARY } from "../ui/button";
import { findingFlowQuery } from "./finding-query";

export function AskLink({ scanId, rule, subnet, report }: { scanId: string; rule: string; subnet: SubnetReport; report?: Pick<Report, "subnets" | "deployments"> }) {
  const query = findingFlowQuery(rule, subnet, report ?? { subnets: [subnet] });
  return (
    <Link href={queryHref(scanId, flowQuerySearch(query))} className={BUTTON_SECONDARY} data-testid="ask-flow">
      Ask about this flow
    </Link>
  );
}
