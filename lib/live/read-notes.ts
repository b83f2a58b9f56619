// What a report says about how the live read behind it was made (Report.notes), derived from the snapshot itself
// (`readMethod`, saved beside `resources` by `--save` and stored with a dashboard read), so the caveat survives every
// path a snapshot takes: a saved file audited or uploaded later, and a dashboard role edit's re-audit. Free of the
// Azure SDK, so the store and the CLI's file audits can use it. A Resource Graph export given as a file carries the
// same blind spot and gets the same caveat (`resourceGraphExport`).
import type { Snapshot } from "../model/types";

/**
 * What a report read with Resource Graph says about itself (a report-level note). Resource Graph answers only with the
 * rows the caller may read: a type the role does not grant is missing from the result without an error, exactly as if
 * the estate held none (https://learn.microsoft.com/azure/governance/resource-graph/overview, "Permissions in Azure Resource Graph").
 * Unlike a 403 on a list call, that cannot be told apart from absent resources, so it is not in `errors` and does not
 * turn passes into warnings; only a subscription it cannot see at all is (`SubscriptionNotVisible`).
 */
export const RESOURCE_GRAPH_PERMISSION_NOTE =
  "Read with Resource Graph, which returns only the resources the credential may read and reports no error for a type it may not read: a role without one type's read permission (Microsoft.Network/networkManagers/read, say) looks the same as an estate without such resources, and a verdict may then pass without them. The list-all read (the default) reports each list it may not read in `errors`.";

/** The saved snapshot's `readMethod` for a live read made with (`resourceGraph`) or without Resource Graph. */
export function readMethodOf(resourceGraph: boolean | undefined): NonNullable<Snapshot["readMethod"]> {
  return resourceGraph ? "resourceGraph" : "listAll";
}

/**
 * The same caveat for a Resource Graph export given as a file (`{"data": [...]}` from `az graph query`): the query ran
 * with the exporting identity's permissions, with the same blind spot.
 */
export const RESOURCE_GRAPH_EXPORT_NOTE =
  "Read from a Resource Graph export (az graph query), which holds only the resources the identity that ran the query may read and reports no error for a type it may not read: a role without one type's read permission (Microsoft.Network/networkManagers/read, say) looks the same as an estate without such resources, and a verdict may then pass without them. The `az network ... list` exports, or the live list-all read, fail visibly instead.";

/**
 * The report notes a snapshot's read calls for: Resource Graph's permission caveat for a live Resource Graph read
 * (`readMethod`) and for a Resource Graph export among the files (`resourceGraphExport`), then what the load found
 * stale or doubtful in the input itself (`inputNotes`: exports disagreeing on an NSG association, unknown service
 * tags, a firewall in provisioning state Failed), or none (undefined).
 */
export function readNotes(snapshot: Pick<Snapshot, "readMethod" | "resourceGraphExport" | "inputNotes">): string[] | undefined {
  const notes: string[] = [];
  if (snapshot.readMethod === "resourceGraph") notes.push(RESOURCE_GRAPH_PERMISSION_NOTE);
  if (snapshot.resourceGraphExport) notes.push(RESOURCE_GRAPH_EXPORT_NOTE);
  if (snapshot.inputNotes) notes.push(...snapshot.inputNotes);
  return notes.length ? notes : undefined;
}
