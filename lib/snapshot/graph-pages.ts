// Resource Graph exports that hold only some pages of their query. `az graph query` returns 100 rows unless told
// `--first` (1000 at most) and prints `skip_token` while more follow; a file of the first page read as the estate
// would pass checks whose deciding resource sits on a later page. Such an export is judged like a partial live read
// (lib/partial-read.ts): what it holds is audited, no pass is confident, `errors` names the file, exit 3.
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data#paging-results
import type { ReadError } from "@/lib/report/types";
import { keyOf } from "./arm-id";
import type { GraphPage } from "./source-shapes";
import { isObject } from "./validate";

/** The `operation` of the error a Resource Graph export missing pages gives; its `subscription` is `*` (any). */
export const GRAPH_EXPORT_OPERATION = "az graph query export";
export const MISSING_PAGES_CODE = "MissingPages";

interface Query {
  files: string[];
  rows: Set<string>;
  total?: number;
  moreAt?: GraphPage["moreAt"];
}

/**
 * Collects the `{data}` files that carry paging fields, grouped as one query's pages: files of one query carry the
 * same `total_records` (a file without it is its own group). A group is complete when its files together hold
 * `total_records` distinct rows (by id, so a page given twice counts once); without a total, when no file says more
 * rows follow. Grouping by the total can join two queries of equal size: then the check is as weak as their sum,
 * never a false alarm.
 */
export class GraphPages {
  private readonly queries = new Map<string, Query>();

  /** One `{data}` file's page (`page` from unwrapSource) and its rows. */
  add(file: string, page: GraphPage, items: readonly unknown[]): void {
    const group = page.totalRecords !== undefined ? `total:${page.totalRecords}` : `file:${this.queries.size}:${file}`;
    let query = this.queries.get(group);
    if (!query) {
      query = { files: [], rows: new Set(), total: page.totalRecords };
      this.queries.set(group, query);
    }
    if (!query.files.includes(file)) query.files.push(file);
    query.moreAt ??= page.moreAt;
    items.forEach((row, i) => query.rows.add(isObject(row) && typeof row.id === "string" ? keyOf(row.id) : `${file}#${i}`));
  }

  /** One error per query whose files hold fewer rows than it matched (or, without a total, that says more follow). */
  errors(): ReadError[] {
    const out: ReadError[] = [];
    for (const query of this.queries.values()) {
      const missing = query.total !== undefined ? query.rows.size < query.total : query.moreAt !== undefined;
      if (!missing) continue;
      const files = query.files.join(", ");
      const held = query.total !== undefined ? `${query.rows.size} of the ${query.total} rows the query matched (total_records)` : `one page of the query's rows (${query.moreAt} is set)`;
      out.push({
        subscription: "*",
        operation: `${GRAPH_EXPORT_OPERATION} (${files})`,
        code: MISSING_PAGES_CODE,
        message: `${files} ${query.files.length === 1 ? "holds" : "hold"} ${held}${query.moreAt && query.total !== undefined ? ` and ${query.moreAt} says more pages follow` : ""}: export every page (az graph query --first 1000, then again with --skip-token <skip_token> until none is printed) and give all the files`,
      });
    }
    return out;
  }
}
