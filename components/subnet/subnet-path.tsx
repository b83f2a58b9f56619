// Where a subnet's traffic goes and what it belongs to (CONTRACT §4.1, §4.2): its deployment, how it reaches public
// addresses (outbound method), the scale sets whose instances live in it, and its effective routes.
import type { SubnetReport } from "@/lib/report/types";
import { outboundLabel } from "@/lib/report/meta";
import { AzureName, ResourceName } from "../ui/azure-name";
import { Card, CardHeader } from "../ui/card";
import { EffectiveRoutesTable } from "./effective-routes";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[140px_1fr] gap-3 py-2 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-900">{children}</dd>
    </div>
  );
}

/** Nothing is drawn for a report made before the path model (no deployment, outbound, scale sets or routes). */
export function SubnetPath({ subnet }: { subnet: SubnetReport }) {
  const { outbound, scaleSets, effectiveRoutes, deployment } = subnet;
  if (!outbound && !scaleSets?.length && !effectiveRoutes && !deployment) return null;
  return (
    <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
      <Card>
        <CardHeader title="Placement and outbound" />
        <dl className="divide-y divide-slate-100 px-4" data-testid="subnet-path">
          <Fact label="Deployment">{deployment ? <AzureName>{deployment}</AzureName> : <span className="text-slate-500">None (no role in any deployment)</span>}</Fact>
          <Fact label="Outbound method">
            {outbound ? (
              <div data-testid="outbound-method" data-method={outbound.method}>
                <span className={outbound.method === "none" ? "font-medium text-amber-800" : "font-medium"}>{outboundLabel(outbound.method)}</span>
                {outbound.resource ? (
                  <span title={outbound.resource}>
                    {" "}
                    <ResourceName id={outbound.resource} />
                  </span>
                ) : null}
                {outbound.detail ? <div className="text-xs text-slate-500">{outbound.detail}</div> : null}
              </div>
            ) : (
              <span className="text-slate-500">Not judged in this scan</span>
            )}
          </Fact>
          <Fact label="Scale sets">
            {scaleSets?.length ? (
              <ul className="space-y-0.5" data-testid="scale-sets">
                {scaleSets.map((s) => (
                  <li key={s.id} title={s.id}>
                    <AzureName>{s.name}</AzureName> <span className="text-xs text-slate-500">· {s.orchestrationMode === "unknown" ? "orchestrationMode not stated" : s.orchestrationMode}</span> <span className="text-slate-500">→</span>{" "}
                    {s.nsg ? <ResourceName id={s.nsg} /> : <span className="text-slate-500">no NSG</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <span className="text-slate-500">None</span>
            )}
          </Fact>
        </dl>
      </Card>
      <Card>
        <CardHeader title="Effective routes" description="As Network Watcher lists them: the longest matching prefix wins; on an equal prefix a user route beats a system route." />
        <div className="py-2" data-testid="effective-routes">
          {effectiveRoutes?.length ? (
            <EffectiveRoutesTable routes={effectiveRoutes} subnetName={subnet.name} />
          ) : (
            <p className="px-4 py-2 text-sm text-slate-500">Not computed in this scan.</p>
          )}
        </div>
      </Card>
    </div>
  );
}
