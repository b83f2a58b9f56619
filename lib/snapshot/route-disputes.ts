// Where Azure's effective route table of a NIC disagrees with the routes the input gives its subnet: a user route Azure
// lists that the input's route table lacks (or the reverse), BGP route propagation stated otherwise than the input's
// route table (or its absence) has it, or the system default route to the Internet shown Invalid (something overrides
// it) where the input shows nothing that would. Either the export or the table is stale,
// and a verdict read from the input's routes may not be Azure's, so the subnet's flows are "cannot be judged" at the
// route stage (lib/path/evaluate.ts). Worked out once, on the input as given: a fix's new route is no dispute.
// https://learn.microsoft.com/azure/virtual-network/diagnose-network-routing-problem
import type { NicEffectiveRouteTable, Snapshot } from "@/lib/model/types";
import { isCidr } from "./field-values";
import { subnetOfNic } from "./read-effective-routes";

/** Subnet key → why its routes are disputed, in one clause naming the NIC and the file. */
export function routeDisputes(snapshot: Snapshot): Map<string, string> | undefined {
  if (!snapshot.effectiveRouteTables?.size) return undefined;
  const out = new Map<string, string>();
  for (const t of snapshot.effectiveRouteTables.values()) {
    const subnetKey = subnetOfNic(snapshot, t.nicKey)?.key;
    if (!subnetKey || out.has(subnetKey)) continue;
    const why = disputeOf(snapshot, t, subnetKey);
    if (why) out.set(subnetKey, `Azure's effective route table of NIC ${snapshot.nics.get(t.nicKey)!.name} (${(t.files ?? [t.file]).join(", ")}) ${why}, so the input's routes of this subnet or that table are stale`);
  }
  return out.size ? out : undefined;
}

type Row = NicEffectiveRouteTable["routes"][number];

/**
 * Rows matched to the route table's routes by name (az prints each user row's route name): a row whose route the
 * input lacks, a route no row lists, or one whose next hop differs. A service-tag route is one row of the tag's
 * prefixes, so its prefixes are not compared; a CIDR route's are.
 */
function byName(table: { name: string; routes: readonly { name: string; addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }[] } | undefined, rows: Row[]): string | undefined {
  const routes = new Map((table?.routes ?? []).map((r) => [r.name.toLowerCase(), r]));
  const listed = new Set(rows.map((r) => r.name!.toLowerCase()));
  const extra = rows.filter((r) => !routes.has(r.name!.toLowerCase())).map((r) => `${r.name} (${words(r.prefixes.length === 1 ? r.prefixes[0] : `${r.prefixes.length} prefixes`, r.nextHopType, r.nextHopIps[0])})`);
  if (extra.length) return `lists user route${extra.length > 1 ? "s" : ""} ${extra.join(", ")}, which the input's route table${table ? ` ${table.name}` : ""} does not give`;
  const missing = [...routes.values()].filter((r) => !listed.has(r.name.toLowerCase())).map((r) => `${r.name} (${words(r.addressPrefix, r.nextHopType, r.nextHopIpAddress)})`);
  if (missing.length) return `does not list route${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of the input's route table ${table!.name}`;
  const changed = rows.filter((row) => {
    const r = routes.get(row.name!.toLowerCase())!;
    const sameHop = row.nextHopType.toLowerCase() === r.nextHopType.trim().toLowerCase() && (row.nextHopIps[0] ?? "") === (r.nextHopIpAddress?.trim() ?? "");
    return !sameHop || (isCidr(r.addressPrefix.trim()) && (row.prefixes.length !== 1 || row.prefixes[0] !== r.addressPrefix.trim()));
  });
  if (changed.length) return `lists route${changed.length > 1 ? "s" : ""} ${changed.map((row) => `${row.name} as ${words(row.prefixes.join(", "), row.nextHopType, row.nextHopIps[0])}`).join("; ")}, unlike the input's route table ${table!.name}`;
  return undefined;
}

/**
 * Rows without names matched by prefix and next hop: CIDR routes only, since a service-tag route is one row of the tag's
 * prefixes (one prefix for a small regional tag). A row no CIDR route gives is a dispute only where the input's table
 * has no tag route it could be.
 */
function byPrefix(table: { name: string; routes: readonly { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }[] } | undefined, rows: Row[]): string | undefined {
  const given = new Map<string, string>();
  for (const r of table?.routes ?? []) if (isCidr(r.addressPrefix.trim())) given.set(keyOfRoute(r.addressPrefix, r.nextHopType, r.nextHopIpAddress), words(r.addressPrefix, r.nextHopType, r.nextHopIpAddress));
  const tagRoutes = (table?.routes ?? []).some((r) => !isCidr(r.addressPrefix.trim()));
  const listed = new Map<string, string>();
  for (const r of rows) for (const p of r.prefixes) listed.set(keyOfRoute(p, r.nextHopType, r.nextHopIps[0]), words(p, r.nextHopType, r.nextHopIps[0]));
  const extra = tagRoutes ? [] : [...listed].filter(([k]) => !given.has(k)).map(([, w]) => w);
  if (extra.length) return `lists user route${extra.length > 1 ? "s" : ""} ${extra.join(", ")}, which the input's route table${table ? ` ${table.name}` : ""} does not give`;
  const missing = [...given].filter(([k]) => !listed.has(k)).map(([, w]) => w);
  if (missing.length) return `does not list route${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of the input's route table ${table!.name}`;
  return undefined;
}

const keyOfRoute = (prefix: string, type: string, ip: string | undefined) => `${prefix.trim()}|${type.trim().toLowerCase()}|${(ip ?? "").trim()}`;
const words = (prefix: string, type: string, ip: string | undefined) => `${prefix} → ${type}${ip ? ` ${ip}` : ""}`;

function disputeOf(snapshot: Snapshot, t: NicEffectiveRouteTable, subnetKey: string): string | undefined {
  const subnet = snapshot.subnets.get(subnetKey)!;
  // A route table the input lacks is said elsewhere (the route stage's "not in the input").
  if (subnet.routeTableKey && !snapshot.routeTables.has(subnet.routeTableKey)) return undefined;
  const table = subnet.routeTableKey ? snapshot.routeTables.get(subnet.routeTableKey) : undefined;
  // Azure prints the subnet's route table's setting on every row: a table taken where propagation was otherwise.
  const off = table?.disableBgpRoutePropagation === true;
  if (t.propagationStated && (t.propagationOff === true) !== off) {
    return `says BGP route propagation is ${t.propagationOff ? "disabled" : "enabled"}, where ${table ? `the input's route table ${table.name} has it ${off ? "disabled" : "enabled"}` : "the input gives the subnet no route table (propagation enabled)"}`;
  }
  const userRows = t.routes.filter((r) => r.source.toLowerCase() === "user");
  const differ = userRows.every((r) => r.name) ? byName(table, userRows) : byPrefix(table, userRows);
  if (differ) return differ;
  const internet = t.routes.find((r) => r.source.toLowerCase() === "default" && r.nextHopType.toLowerCase() === "internet" && r.prefixes.includes("0.0.0.0/0"));
  const overridden = (table?.routes ?? []).some((r) => r.addressPrefix.trim() === "0.0.0.0/0") || t.routes.some((r) => r.source.toLowerCase() !== "default" && r.prefixes.includes("0.0.0.0/0"));
  // A virtual hub's learned default is the hub model's to say (lib/path/virtual-hub.ts): not compared here.
  const hubbed = [...(snapshot.hubConnections?.values() ?? [])].some((c) => c.remoteVnetKey === subnet.vnetKey);
  if (internet && internet.state.toLowerCase() === "invalid" && !overridden && !hubbed) return "shows the system default route to the Internet Invalid (a route the input does not show overrides it)";
  return undefined;
}
