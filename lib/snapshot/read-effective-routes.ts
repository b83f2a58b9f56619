// A NIC's effective route table as Azure computed it (`az network nic show-effective-route-table`), with the NIC it
// belongs to: the one view of routes a virtual network gateway or Route Server learned over BGP (from on-premises, an
// ExpressRoute circuit, an NVA), which no GET of the VNet, its route tables or its gateway shows. The az output names
// no NIC, so the file carries the NIC's id beside Azure's list: `{"networkInterfaceId": "<NIC id>", "value": [...]}`.
// https://learn.microsoft.com/rest/api/virtualnetwork/network-interfaces/get-effective-route-table
import { z } from "zod";
import type { NicEffectiveRouteTable } from "@/lib/model/types";
import { isCidr } from "./field-values";
import { keyOf } from "./arm-id";
import { type JsonPath, inputError, parseWith } from "./validate";

const NIC_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.(Network\/networkInterfaces\/[^/]+|Compute\/virtualMachineScaleSets\/[^/]+\/virtualMachines\/[^/]+\/networkInterfaces\/[^/]+)$/i;

const entry = z.object({
  source: z.string().nullish(),
  state: z.string().nullish(),
  addressPrefix: z.array(z.string()),
  nextHopType: z.string(),
  nextHopIpAddress: z.array(z.string()).nullish(),
  name: z.string().nullish(),
});

const table = z.object({
  networkInterfaceId: z.string().regex(NIC_ID, "expected a network interface id such as /subscriptions/…/providers/Microsoft.Network/networkInterfaces/nic-cc"),
  value: z.array(entry),
});

/** Whether an untyped, id-less entry is a NIC's effective route table as this product takes it. */
export function isEffectiveRouteTable(raw: Record<string, unknown>): boolean {
  return raw.id === undefined && raw.type === undefined && "networkInterfaceId" in raw && "value" in raw;
}

/**
 * Reads one table: every entry's prefixes must be CIDRs. Throws InputError naming the file and field (the NIC id, an
 * entry's `addressPrefix`) on anything else.
 */
export function readEffectiveRouteTable(raw: unknown, file: string, at: JsonPath): NicEffectiveRouteTable {
  const t = parseWith(table, raw, file, at);
  const routes = t.value.map((e, i) => {
    const prefixes = e.addressPrefix.map((p) => p.trim());
    const bad = prefixes.findIndex((p) => !isCidr(p));
    if (bad >= 0) throw inputError(file, [...at, "value", i, "addressPrefix", bad], `expected a CIDR such as 10.0.0.0/8, got ${JSON.stringify(prefixes[bad])}`);
    return {
      source: e.source?.trim() || "Unknown",
      state: e.state?.trim() || "Active",
      prefixes,
      nextHopType: e.nextHopType.trim(),
      nextHopIps: (e.nextHopIpAddress ?? []).map((a) => a.trim()).filter(Boolean),
    };
  });
  return { nicId: t.networkInterfaceId.trim(), nicKey: keyOf(t.networkInterfaceId.trim()), file, routes };
}
