// A subnet's effective routes as Network Watcher lists them (Source, State, Address prefixes, Next hop type, Next hop
// IP address, route), plus what the audit found the next hop to be. https://learn.microsoft.com/azure/virtual-network/diagnose-network-routing-problem
import type { EffectiveRouteRow } from "@/lib/report/types";
import { nextHopText } from "@/lib/report/meta";
import { AzureName, ResourceName } from "../ui/azure-name";
import { EvidenceTable } from "../findings/evidence-stages";

const TD = "px-3 py-1";

/** The rows in the order given (the engine lists them longest prefix first); `Invalid` rows greyed as the portal does. */
export function EffectiveRoutesTable({ routes, subnetName }: { routes: EffectiveRouteRow[]; subnetName: string }) {
  return (
    <EvidenceTable caption={`Effective routes of ${subnetName}`} head={["Source", "State", "Address prefix", "Next hop type", "Next hop IP address", "Route table / route", "Next hop"]}>
      {routes.map((r, i) => {
        const state = r.state ?? "Active";
        return (
          <tr key={i} data-testid="effective-route" data-state={state} className={state === "Invalid" ? "text-slate-500" : "text-slate-800"}>
            <td className={TD}>{r.source}</td>
            <td className={`${TD} font-sans`}>{state}</td>
            <td className={TD}>{r.addressPrefix}</td>
            <td className={`${TD} ${r.nextHopType === "None" && state === "Active" ? "text-red-700" : ""}`}>{r.nextHopType}</td>
            <td className={TD}>{r.nextHopIpAddress ?? "—"}</td>
            <td className={TD} title={r.routeTable}>
              {r.routeTable ? (
                <>
                  <ResourceName id={r.routeTable} /> / <AzureName fallback="—">{r.route}</AzureName>
                </>
              ) : (
                <AzureName fallback="—">{r.route}</AzureName>
              )}
            </td>
            <td className={`${TD} font-sans`} title={r.nextHop}>
              {r.nextHop ? nextHopText(r.nextHop) : "—"}
            </td>
          </tr>
        );
      })}
    </EvidenceTable>
  );
}
