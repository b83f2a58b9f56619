// Resource Graph exports that hold only some pages of their query. `az graph query` returns 100 rows unless told
// `--first` (1000 at most) and prints `skip_token` while more follow; a file of the first page read as the estate
// would pass checks whose deciding resource sits on a later page. Such an export is judged like a partial live read
// (lib/partial-read.ts): what it holds is audited, no pass is confident, `errors` names the file, exit 3.
// https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data#paging-results
import type { ReadError } from "@/lib/report/types";
import { keyOf } from "./arm-id";
import type { GraphPage, ListPage } from "./source-shapes";
import { isObject } from "./validate";

/** The `operation` of the error a Resource Graph export missing pages gives; its `subscription` is `*` (any). */
export const GRAPH_EXPORT_OPERATION = "az graph query export";
export const MISSING_PAGES_CODE = "MissingPages";
/** The `operation` of the error an ARM list page without its last page gives (`az rest`, a REST call's answer). */
export const LIST_EXPORT_OPERATION = "ARM list export";

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

interface ListFile {
  file: string;
  moreAt?: string;
  /** The lower-cased `type`s of its items; empty when none has one (a POST list's rules, an empty page). */
  types: Set<string>;
}

/**
 * Collects the `{value}` files (ARM list answers) and flags a page whose `nextLink` or `skipToken` says more follow
 * when no file given could be its list's last page. ARM pages carry no total and a last page does not name its list,
 * so a last page is matched by what it lists: another `{value}` file without a marker whose items share a `type` with
 * the page's. When either side has no typed item the match cannot be told, and any such file counts: only a page with
 * no possible last page beside it is flagged, never a list given whole.
 * https://learn.microsoft.com/rest/api/azure/#async-operations-throttling-and-paging
 */
export class ListPages {
  private readonly files: ListFile[] = [];

  /** One `{value}` file's paging (`listPage` from unwrapSource) and its items. */
  add(file: string, page: ListPage, items: readonly unknown[]): void {
    const types = new Set<string>();
    for (const item of items) if (isObject(item) && typeof item.type === "string") types.add(item.type.toLowerCase());
    this.files.push({ file, moreAt: page.moreAt, types });
  }

  /** One error per page that says more follow and has no possible last page among the files given. */
  errors(): ReadError[] {
    const lasts = this.files.filter((f) => f.moreAt === undefined);
    const sameList = (page: ListFile, last: ListFile) =>
      last.file !== page.file && (page.types.size === 0 || last.types.size === 0 || [...page.types].some((t) => last.types.has(t)));
    return this.files
      .filter((page) => page.moreAt !== undefined && !lasts.some((last) => sameList(page, last)))
      .map((page) => ({
        subscription: "*",
        operation: `${LIST_EXPORT_OPERATION} (${page.file})`,
        code: MISSING_PAGES_CODE,
        message: `${page.file} holds one page of an Azure list (${page.moreAt} is set) and no file given holds its last page: more pages follow: export every page (nextLink / skipToken: az rest --url <nextLink>, or the same POST with its skipToken, until none is returned) and give all the files`,
      }));
  }
}
