// A NIC's effective route table as Azure computed it (`az network nic show-effective-route-table`), with the NIC it
// belongs to: the one view of routes a virtual network gateway or Route Server learned over BGP (from on-premises, an
// ExpressRoute circuit, an NVA), which no GET of the VNet, its route tables or its gateway shows. The az output names
// no NIC, so the file carries the NIC's id beside Azure's list: `{"networkInterfaceId": "<NIC id>", "value": [...]}`.
// https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table
import { z } from "zod";
import type { NicEffectiveRouteTable, Snapshot, Subnet } from "@/lib/model/types";
import { isCidr } from "./field-values";
import { keyOf } from "./arm-id";
import type { InputError } from "@/lib/errors";
import { type JsonPath, inputError, parseWith } from "./validate";
import { ipAddress } from "./schemas";

const NIC_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.(Network\/networkInterfaces\/[^/]+|Compute\/virtualMachineScaleSets\/[^/]+\/virtualMachines\/[^/]+\/networkInterfaces\/[^/]+)$/i;

const entry = z.object({
  disableBgpRoutePropagation: z.boolean().nullish(),
  source: z.string().nullish(),
  state: z.string().nullish(),
  addressPrefix: z.array(z.string()),
  nextHopType: z.string(),
  nextHopIpAddress: z.array(ipAddress).nullish(),
  name: z.string().nullish(),
});

const table = z.object({
  networkInterfaceId: z.string().regex(NIC_ID, "expected a network interface id such as /subscriptions/…/providers/Microsoft.Network/networkInterfaces/nic-cc"),
  // A real table always lists at least the VNet's own space (VnetLocal): an empty one is no table.
  value: z.array(entry).min(1, "expected the NIC's effective routes (a real table lists at least its VNet's own space)"),
});

/** NICs the live read asks per BGP domain at most (lib/azure/effective-routes.ts): a stopped VM's NIC has no table, so the next one is tried. */
export const NICS_PER_DOMAIN = 3;

/**
 * The subnet a table's NIC sits in (its first IP configuration whose subnet the input holds), if the input holds the
 * NIC: where the table's routes are a subnet's own, and which VNet its learned routes belong to.
 */
export function subnetOfNic(snapshot: Snapshot, nicKey: string): Subnet | undefined {
  const nic = snapshot.nics.get(nicKey);
  return nic?.ipConfigurations.map((c) => (c.subnetKey ? snapshot.subnets.get(c.subnetKey) : undefined)).find(Boolean);
}

/** Whether an untyped, id-less entry is a NIC's effective route table as this product takes it (the loader then checks it). */
export function isEffectiveRouteTable(raw: Record<string, unknown>): boolean {
  return raw.id === undefined && raw.type === undefined && "networkInterfaceId" in raw;
}

/**
 * Whether an id-less entry is a row of an effective route table given without its NIC (az's output as it prints it):
 * read as nothing, it would leave the BGP routes unseen while the user believes them given.
 */
export function isEffectiveRouteRow(raw: Record<string, unknown>): boolean {
  return raw.id === undefined && raw.type === undefined && "nextHopType" in raw && Array.isArray(raw.addressPrefix) && "source" in raw;
}

/**
 * The error for such rows at `listAt[index]` of `file`: at az's own output (`{"value": [rows], "nextLink": null}`) it
 * names the missing `networkInterfaceId` beside the list, elsewhere the row.
 */
export function rowsWithoutNic(file: string, listAt: JsonPath | undefined, index: number): InputError {
  if (listAt?.length === 1 && listAt[0] === "value") return inputError(file, ["networkInterfaceId"], `missing: ${ROW_WITHOUT_NIC}`);
  return inputError(file, listAt ? [...listAt, index] : [], ROW_WITHOUT_NIC);
}

/** The one-line error for such rows, naming the fix. */
export const ROW_WITHOUT_NIC =
  "a NIC's effective route table without the NIC's id: add it beside az's list, e.g. `az network nic show-effective-route-table --ids \"$NIC\" -o json | jq --arg id \"$NIC\" '. + {networkInterfaceId: $id}'`";

/**
 * Reads one table: every entry's prefixes must be CIDRs. Throws InputError naming the file and field (the NIC id, an
 * entry's `addressPrefix`) on anything else.
 */
export function readEffectiveRouteTable(raw: unknown, file: string, at: JsonPath): NicEffectiveRouteTable {
  const t = parseWith(table, raw, file, at);
  const next = (raw as { nextLink?: unknown }).nextLink;
  if (next !== undefined && next !== null) throw inputError(file, [...at, "nextLink"], "expected null: a table with a next page is partial (let az follow the pages)");
  const routes = t.value.map((e, i) => {
    const prefixes = e.addressPrefix.map((p) => p.trim());
    const bad = prefixes.findIndex((p) => !isCidr(p));
    if (bad >= 0) throw inputError(file, [...at, "value", i, "addressPrefix", bad], `expected a CIDR such as 10.0.0.0/8, got ${JSON.stringify(prefixes[bad])}`);
    return {
      source: e.source?.trim() || "Unknown",
      state: e.state?.trim() || "Active",
      prefixes,
      nextHopType: e.nextHopType.trim(),
      nextHopIps: (e.nextHopIpAddress ?? []).map((a) => a?.trim() ?? "").filter(Boolean),
      ...(e.name?.trim() ? { name: e.name.trim() } : {}),
    };
  });
  const propagationOff = t.value.some((e) => e.disableBgpRoutePropagation === true);
  const propagationStated = t.value.some((e) => typeof e.disableBgpRoutePropagation === "boolean");
  return {
    nicId: t.networkInterfaceId.trim(),
    nicKey: keyOf(t.networkInterfaceId.trim()),
    file,
    files: [file],
    routes,
    ...(propagationOff ? { propagationOff } : {}),
    ...(propagationStated ? { propagationStated } : {}),
  };
}

/**
 * Two tables of one NIC (two files, or one given twice) united: every row of both, so no file order decides, and
 * propagation taken as off if either says so.
 */
export function unitedTables(a: NicEffectiveRouteTable, b: NicEffectiveRouteTable): NicEffectiveRouteTable {
  const files = [...new Set([...(a.files ?? [a.file]), ...(b.files ?? [b.file])])];
  return {
    ...a,
    files,
    routes: [...a.routes, ...b.routes],
    ...(a.propagationOff || b.propagationOff ? { propagationOff: true } : {}),
    ...(a.propagationStated || b.propagationStated ? { propagationStated: true } : {}),
  };
}
